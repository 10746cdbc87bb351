"""Doses: every dose mention compared with the dose table for that drug and context.

    findings = check_doses(mentions, table, lexicon, context)

Wrong amount, wrong unit, wrong schedule or route, above the maximum, a loading dose given as the
repeating dose, a dose of another indication, a dose of another combination: each is a block,
because a wrong dose must not reach a patient. A dose Cairn cannot check is an info finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrails.answer import AnswerSentence
from guardrails.arithmetic import check_total
from guardrails.dose_mentions import DoseMention
from guardrails.dose_table import PER_KG, PER_M2, SCHEDULES, DoseRow, DoseTable
from guardrails.lexicon import Lexicon
from guardrails.negation import status_of
from guardrails.records import FactStatus, Finding, PatientContext, Severity


def check_doses(
    mentions: Sequence[DoseMention], table: DoseTable, lexicon: Lexicon, context: PatientContext
) -> list[Finding]:
    findings: list[Finding] = []
    for mention in mentions:
        findings.extend(_check(mention, table, lexicon, context))
    return findings


# Raising a reduced dose again: "re-escalated to", "increased back to", "return to the full dose".
_REESCALATE = re.compile(
    r"\bre-?escalat\w*|\b(?:increase|raise|escalate|titrate)[sd]?\b[^.;]{0,25}\b(?:back|again)\b"
    r"|\b(?:go(?:es|ing)?|return(?:s|ed|ing)?|brought|br(?:ing|ings))\s+back\s+(?:up\s+)?to\b"
    r"|\breturn(?:s|ed|ing)?\s+to\s+(?:the\s+)?(?:full|starting|original|initial|previous)\s+dose",
    re.I,
)


def check_reescalation(
    sentences: Sequence[AnswerSentence], table: DoseTable, lexicon: Lexicon
) -> list[Finding]:
    """A drug whose reduced dose is never increased again (`reescalation: false`), said to be."""
    fixed = {r.drug for r in table.rows if not r.reescalation}
    findings: list[Finding] = []
    for sentence in sentences:
        text = sentence.claim
        cue = _REESCALATE.search(text)
        if not cue or status_of(text, cue.start(), cue.end()) is not FactStatus.STATED:
            continue
        drugs = [m.concept_id for m in lexicon.find(text) if m.concept_id in fixed]
        if not drugs:
            continue
        rows = [r for r in table.rows_for(drugs[0]) if not r.reescalation]
        findings.append(
            Finding(
                rule_id="doses.re-escalation",
                severity=Severity.BLOCK,
                check="doses",
                message=f"{lexicon.label(drugs[0])} is never re-escalated after a dose "
                "reduction. " + " ".join(dict.fromkeys(r.note for r in rows if r.note)),
                span=text,
                start=sentence.start,
                end=sentence.end,
                source_ids=tuple(dict.fromkeys(s for r in rows for s in r.sources)),
            )
        )
    return findings


def _check(
    mention: DoseMention, table: DoseTable, lexicon: Lexicon, context: PatientContext
) -> list[Finding]:
    name = lexicon.label(mention.drug) if mention.drug else mention.drug_text
    rows = table.rows_for(mention.drug) if mention.drug else []
    if not rows:
        what = f"'{mention.drug_text}'" if mention.drug_text else "an unnamed drug"
        return [
            _info(
                mention,
                "doses.unknown-drug",
                f"The dose {mention.text} for {what} is not in "
                "Cairn's dose table, so it was not checked.",
            )
        ]
    if mention.negated:
        return []
    domain = [r for r in rows if not r.other_indication]
    same_unit = [r for r in domain if mention.unit in r.units]
    scaled = any(r.unit in (PER_KG, PER_M2) for r in domain)
    absolute = mention.unit == "mg" and scaled and mention.route != "sc"
    if absolute and not any(_allows(r, mention) for r in same_unit):
        same_unit = []  # not a fixed dose: an absolute dose of a weight- or BSA-based drug
    if not same_unit:
        found = _unit_mismatch(mention, name, domain, context, table)
        unconfirmed = {"arithmetic.unchecked", "arithmetic.implausible-total"}
        if all(f.rule_id in unconfirmed for f in found):
            return _other_drug(mention, name, table, lexicon) or found
        return found
    if len(mention.amounts) > 1:
        return _check_compound(mention, name, same_unit)
    if mention.upper_bound:
        return _check_maximum(mention, name, same_unit)
    matched = [r for r in same_unit if _allows(r, mention)]
    if not matched:
        return _no_match(mention, name, rows, same_unit, table, lexicon)
    return _check_context(mention, name, matched, same_unit) or _check_cycle(mention, name, matched)


def _other_drug(
    mention: DoseMention, name: str, table: DoseTable, lexicon: Lexicon
) -> list[Finding]:
    """'T-DXd 840 mg': an amount that is another drug's dose in the table, and none of this
    drug's, is named as that drug's dose."""
    if len(mention.amounts) > 1 or mention.upper_bound:
        return []
    owners = [
        r
        for r in table.rows
        if r.drug != mention.drug
        and not r.other_indication
        and len(r.amounts) == 1
        and r.unit == mention.unit
        and any(_same_number(mention.amount, a) for a in r.amounts)
        and r.drug not in mention.partners
        and (mention.route is None or r.route == mention.route)
        and (r.phase == "loading" or mention.schedule is None or mention.schedule in r.schedules)
    ]
    if not owners:
        return []
    owner = lexicon.label(owners[0].drug)
    own = [r for r in table.rows_for(mention.drug or "") if not r.other_indication]
    return [
        _block(
            mention,
            "doses.other-drug",
            f"{mention.text} is a dose of {owner} ({_expected(owners[:1])}), not of {name}; "
            f"{name} is {_expected(own)}.",
            own,
        )
    ]


def _check_cycle(mention: DoseMention, name: str, matched: list[DoseRow]) -> list[Finding]:
    """A drug given on some days of its cycle: 'continuously' or other days is a block; no
    days at all is a warning (the schedule is incomplete)."""
    if not matched or not all(r.intermittent for r in matched):
        return []
    cycles = {(r.cycle_days, r.cycle_length) for r in matched}
    right = " or ".join(sorted({r.describe_cycle() for r in matched}))
    stated = mention.cycle_days
    wrong_days = stated is not None and all(stated != days for days, _ in cycles)
    wrong_length = mention.cycle_length is not None and all(
        mention.cycle_length != length for _, length in cycles
    )
    if mention.continuous or wrong_days or wrong_length:
        said = "continuously" if mention.continuous else "on other days"
        return [
            _block(
                mention,
                "doses.wrong-cycle",
                f"{name} {mention.text} is given {right}, not {said}.",
                matched,
            )
        ]
    if stated is None and mention.schedule is not None:  # a frequency without its days
        return [
            _finding(
                mention,
                Severity.WARN,
                "doses.missing-cycle-days",
                f"{name} {mention.text} is given {right}; the answer does not say on which days.",
                matched,
            )
        ]
    return []


def _allows(row: DoseRow, mention: DoseMention) -> bool:
    amount = mention.amount
    if mention.per_day:
        per_day = {SCHEDULES.get(s, 0) for s in row.schedules} - {0}
        return any(row.allows(amount / n, mention.unit, mention.reduced) for n in per_day)
    if mention.low is not None and not row.allows(mention.low, mention.unit, mention.reduced):
        return False
    return row.allows(amount, mention.unit, mention.reduced)


def _unit_mismatch(
    mention: DoseMention,
    name: str,
    domain: list[DoseRow],
    context: PatientContext,
    table: DoseTable,
) -> list[Finding]:
    scaled = [r for r in domain if r.unit in (PER_KG, PER_M2)]
    if mention.unit == "mg" and scaled:
        if any(
            _same_number(mention.amount, a) for r in scaled for a in (*r.amounts, *r.reductions)
        ):
            return [
                _block(
                    mention,
                    "doses.wrong-unit",
                    f"{name} is dosed in {scaled[0].unit}, not "
                    f"mg: {mention.text} should read {_fmt(mention.amount)} {scaled[0].unit}.",
                    scaled,
                )
            ]
        return check_total(mention, name, scaled, context, table.body)
    expected = ", ".join(sorted({r.unit for r in domain}))
    return [
        _block(
            mention,
            "doses.wrong-unit",
            f"{name} is dosed in {expected}, not {mention.unit}: {mention.text} is not a dose of "
            f"{name} ({_expected(domain)}).",
            domain,
        )
    ]


def _check_compound(mention: DoseMention, name: str, rows: list[DoseRow]) -> list[Finding]:
    for row in rows:
        if row.units == mention.units and all(
            _same_number(a, b) for a, b in zip(row.amounts, mention.amounts, strict=True)
        ):
            return _check_context(mention, name, [row], rows)
    return [
        _block(
            mention,
            "doses.wrong-amount",
            f"{mention.text} is not a dose of {name}; the table gives {_expected(rows)}.",
            rows,
        )
    ]


def _check_maximum(mention: DoseMention, name: str, rows: list[DoseRow]) -> list[Finding]:
    ceilings = [
        r.maximum if r.maximum is not None else (r.high or max(r.amounts, default=0)) for r in rows
    ]
    ceiling = max(ceilings)
    if mention.amount > ceiling + 1e-9:
        return [
            _block(
                mention,
                "doses.above-maximum",
                f"{mention.text} is above the maximum dose of "
                f"{name} ({_fmt(ceiling)} {mention.unit}).",
                rows,
            )
        ]
    return []


def _no_match(
    mention: DoseMention,
    name: str,
    rows: list[DoseRow],
    same_unit: list[DoseRow],
    table: DoseTable,
    lexicon: Lexicon,
) -> list[Finding]:
    other = [
        r
        for r in rows
        if r.other_indication and r.allows(mention.amount, mention.unit, mention.reduced)
    ]
    if other and _names_indication(mention, other[0], same_unit):
        return []  # "6.4 mg/kg is the gastric cancer dose": said of its own indication
    if other:
        return [
            _block(
                mention,
                "doses.other-indication",
                f"{mention.text} is the {name} dose for "
                f"{other[0].indication}, not for this indication ({_expected(same_unit)}). "
                f"{other[0].note}".strip(),
                other,
            )
        ]
    ceilings = [r.maximum for r in same_unit if r.maximum is not None]
    if ceilings and mention.amount > max(ceilings) + 1e-9:
        return [
            _block(
                mention,
                "doses.above-maximum",
                f"{mention.text} is above the maximum dose "
                f"of {name} ({_fmt(max(ceilings))} {mention.unit}).",
                same_unit,
            )
        ]
    reduced = [r for r in same_unit if any(_same_number(mention.amount, x) for x in r.reductions)]
    if not reduced and (named := _other_drug(mention, name, table, lexicon)):
        return named
    if reduced:
        return [
            _block(
                mention,
                "doses.wrong-amount",
                f"{mention.text} is a reduced dose level of "
                f"{name}, not its starting dose ({_expected(reduced)}).",
                reduced,
            )
        ]
    return [
        _block(
            mention,
            "doses.wrong-amount",
            f"{mention.text} is not a dose of {name} in "
            f"Cairn's dose table; expected {_expected(same_unit)}.",
            same_unit,
        )
    ]


def _check_context(
    mention: DoseMention, name: str, matched: list[DoseRow], same_unit: list[DoseRow]
) -> list[Finding]:
    """The amount exists: is it given with the right partners, phase, schedule and route?"""
    partnered = {p for r in same_unit for p in r.partners}
    linked = partnered & mention.with_partners
    present = linked or partnered & mention.partners
    if present:
        # A dose given "with" a partner must be that combination's dose; a partner elsewhere in
        # the clause only rules out doses of other combinations.
        fitting = [
            r for r in matched if set(r.partners) & present or (not linked and not r.partners)
        ]
        if not fitting:
            right = [r for r in same_unit if set(r.partners) & present]
            return [
                _block(
                    mention,
                    "doses.wrong-partner",
                    f"{mention.text} is the {name} dose {matched[0].indication}; with "
                    f"{_names(present, right)} it is {_expected(right)}.",
                    [*matched, *right],
                )
            ]
        matched = fitting
    repeating = mention.phase == "maintenance" or (mention.schedule not in (None, "once"))
    if all(r.phase == "loading" for r in matched) and repeating:
        maintenance = [r for r in same_unit if r.phase == "maintenance"]
        return [
            _block(
                mention,
                "doses.loading-as-maintenance",
                f"{mention.text} is the loading "
                f"dose of {name}, given once; the repeating dose is {_expected(maintenance)}.",
                [*matched, *maintenance],
            )
        ]
    if all(r.phase == "maintenance" for r in matched) and mention.phase == "loading":
        loading = [r for r in same_unit if r.phase == "loading"]
        return [
            _block(
                mention,
                "doses.wrong-amount",
                f"{mention.text} is the repeating dose of "
                f"{name}, not its loading dose ({_expected(loading)}).",
                loading,
            )
        ]
    scheduled = mention.schedule and mention.schedule != "once"
    if scheduled and not any(mention.schedule in r.schedules for r in matched):
        return [
            _block(
                mention,
                "doses.wrong-schedule",
                f"{name} {mention.text} is given {_schedules(matched)}, not {mention.schedule}.",
                matched,
            )
        ]
    if mention.route and not any(r.route == mention.route for r in matched):
        return [
            _block(
                mention,
                "doses.wrong-route",
                f"{name} {mention.text} is given "
                f"{_route(matched[0].route)}, not {_route(mention.route)}.",
                matched,
            )
        ]
    return []


def _names_indication(mention: DoseMention, row: DoseRow, domain: list[DoseRow]) -> bool:
    """Whether the sentence names the other indication ('gastric'): words of that row's
    indication that no in-domain row's indication uses."""
    domain_words = {w for r in domain for w in r.indication.lower().split()}
    own = [w for w in re.findall(r"[a-z]{5,}", row.indication.lower()) if w not in domain_words]
    claim = mention.sentence.claim.lower()
    return any(word in claim for word in own)


def _names(ids: set[str], rows: list[DoseRow]) -> str:
    partners = sorted({p for r in rows for p in r.partners if p in ids})
    return " and ".join(partners) or "its partner"


def _schedules(rows: list[DoseRow]) -> str:
    return " or ".join(sorted({s for r in rows for s in r.schedules}))


def _route(route: str) -> str:
    return {"iv": "intravenously", "sc": "subcutaneously", "oral": "orally"}.get(route, route)


def _expected(rows: list[DoseRow]) -> str:
    return "; ".join(dict.fromkeys(r.describe() for r in rows)) or "no dose"


def _same_number(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _fmt(value: float) -> str:
    return f"{value:g}"


def _block(mention: DoseMention, rule_id: str, message: str, rows: Sequence[DoseRow]) -> Finding:
    return _finding(mention, Severity.BLOCK, rule_id, message, rows)


def _finding(
    mention: DoseMention,
    severity: Severity,
    rule_id: str,
    message: str,
    rows: Sequence[DoseRow],
) -> Finding:
    notes = " ".join(dict.fromkeys(r.note for r in rows if r.note and r.note not in message))
    return Finding(
        rule_id=rule_id,
        severity=severity,
        check="doses",
        message=f"{message} {notes}".strip(),
        span=mention.sentence.claim,
        start=mention.start,
        end=mention.end,
        source_ids=tuple(dict.fromkeys(s for r in rows for s in r.sources)),
    )


def _info(mention: DoseMention, rule_id: str, message: str) -> Finding:
    return Finding(
        rule_id=rule_id,
        severity=Severity.INFO,
        check="doses",
        message=message,
        span=mention.sentence.claim,
        start=mention.start,
        end=mention.end,
    )
