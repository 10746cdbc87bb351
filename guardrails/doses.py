"""Doses: every dose mention compared with the dose table for that drug and context.

    findings = check_doses(mentions, table, lexicon, context)

Wrong amount, wrong unit, wrong schedule or route, above the maximum, a loading dose given as the
repeating dose, a dose of another indication, a dose of another combination: each is a block,
because a wrong dose must not reach a patient. A dose Cairn cannot check is an info finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrails.arithmetic import check_total
from guardrails.dose_mentions import DoseMention
from guardrails.dose_table import PER_KG, PER_M2, SCHEDULES, DoseRow, DoseTable
from guardrails.lexicon import Lexicon
from guardrails.records import Finding, PatientContext, Severity


def check_doses(
    mentions: Sequence[DoseMention], table: DoseTable, lexicon: Lexicon, context: PatientContext
) -> list[Finding]:
    findings: list[Finding] = []
    for mention in mentions:
        findings.extend(_check(mention, table, lexicon, context))
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
        return _unit_mismatch(mention, name, domain, context)
    if len(mention.amounts) > 1:
        return _check_compound(mention, name, same_unit)
    if mention.upper_bound:
        return _check_maximum(mention, name, same_unit)
    matched = [r for r in same_unit if _allows(r, mention)]
    if not matched:
        return _no_match(mention, name, rows, same_unit)
    return _check_context(mention, name, matched, same_unit)


def _allows(row: DoseRow, mention: DoseMention) -> bool:
    amount = mention.amount
    if mention.per_day:
        per_day = {SCHEDULES.get(s, 0) for s in row.schedules} - {0}
        return any(row.allows(amount / n, mention.unit, mention.reduced) for n in per_day)
    if mention.low is not None and not row.allows(mention.low, mention.unit, mention.reduced):
        return False
    return row.allows(amount, mention.unit, mention.reduced)


def _unit_mismatch(
    mention: DoseMention, name: str, domain: list[DoseRow], context: PatientContext
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
        return check_total(mention, name, scaled, context)
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
    mention: DoseMention, name: str, rows: list[DoseRow], same_unit: list[DoseRow]
) -> list[Finding]:
    other = [
        r for r in rows if r.other_indication and r.allows(mention.amount, mention.unit, False)
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
    notes = " ".join(dict.fromkeys(r.note for r in rows if r.note and r.note not in message))
    return Finding(
        rule_id=rule_id,
        severity=Severity.BLOCK,
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
