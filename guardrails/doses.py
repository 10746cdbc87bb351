"""Doses: every dose mention compared with the dose table for that drug and context.

    findings = check_doses(mentions, table, lexicon, context)

Wrong amount, wrong unit, wrong schedule or route, above the maximum, a loading dose given as the
repeating dose, a dose of another indication, a dose of another combination: each is a block,
because a wrong dose must not reach a patient. A dose Cairn cannot check is an info finding.
This module finds the rows an amount can be (or the nearest mistake: another unit, another
drug's or indication's dose, a reduced level as the starting dose); `dose_fit.py` checks what
the answer says around an amount the table has.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrails.arithmetic import check_total
from guardrails.dose_findings import block, expected, fmt, info, same_number
from guardrails.dose_fit import check_compound, check_context, check_cycle, check_maximum
from guardrails.dose_mentions import DoseMention
from guardrails.dose_reductions import check_reduction, is_reduction_target
from guardrails.dose_table import PER_KG, PER_M2, SCHEDULES, DoseRow, DoseTable
from guardrails.lexicon import Lexicon
from guardrails.records import Finding, PatientContext


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
            info(
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
        return check_compound(mention, name, same_unit)
    if mention.upper_bound:
        return check_maximum(mention, name, same_unit)
    if is_reduction_target(mention) and (stepped := check_reduction(mention, name, same_unit)):
        return stepped
    matched = [r for r in same_unit if _allows(r, mention)]
    if not matched:
        return _no_match(mention, name, rows, same_unit, table, lexicon)
    return check_context(mention, name, matched, same_unit) or check_cycle(mention, name, matched)


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
        and any(same_number(mention.amount, a) for a in r.amounts)
        and r.drug not in mention.partners
        and (mention.route is None or r.route == mention.route)
        and (r.phase == "loading" or mention.schedule is None or mention.schedule in r.schedules)
    ]
    if not owners:
        return []
    owner = lexicon.label(owners[0].drug)
    own = [r for r in table.rows_for(mention.drug or "") if not r.other_indication]
    return [
        block(
            mention,
            "doses.other-drug",
            f"{mention.text} is a dose of {owner} ({expected(owners[:1])}), not of {name}; "
            f"{name} is {expected(own)}.",
            own,
        )
    ]


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
        if any(same_number(mention.amount, a) for r in scaled for a in (*r.amounts, *r.reductions)):
            return [
                block(
                    mention,
                    "doses.wrong-unit",
                    f"{name} is dosed in {scaled[0].unit}, not "
                    f"mg: {mention.text} should read {fmt(mention.amount)} {scaled[0].unit}.",
                    scaled,
                )
            ]
        return check_total(mention, name, scaled, context, table.body)
    units = ", ".join(sorted({r.unit for r in domain}))
    return [
        block(
            mention,
            "doses.wrong-unit",
            f"{name} is dosed in {units}, not {mention.unit}: {mention.text} is not a dose of "
            f"{name} ({expected(domain)}).",
            domain,
        )
    ]


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
            block(
                mention,
                "doses.other-indication",
                f"{mention.text} is the {name} dose for "
                f"{other[0].indication}, not for this indication ({expected(same_unit)}). "
                f"{other[0].note}".strip(),
                other,
            )
        ]
    ceilings = [r.maximum for r in same_unit if r.maximum is not None]
    if ceilings and mention.amount > max(ceilings) + 1e-9:
        return [
            block(
                mention,
                "doses.above-maximum",
                f"{mention.text} is above the maximum dose "
                f"of {name} ({fmt(max(ceilings))} {mention.unit}).",
                same_unit,
            )
        ]
    reduced = [r for r in same_unit if any(same_number(mention.amount, x) for x in r.reductions)]
    if not reduced and (named := _other_drug(mention, name, table, lexicon)):
        return named
    if reduced:
        return [
            block(
                mention,
                "doses.wrong-amount",
                f"{mention.text} is a reduced dose level of "
                f"{name}, not its starting dose ({expected(reduced)}).",
                reduced,
            )
        ]
    return [
        block(
            mention,
            "doses.wrong-amount",
            f"{mention.text} is not a dose of {name} in "
            f"Cairn's dose table; expected {expected(same_unit)}.",
            same_unit,
        )
    ]


def _names_indication(mention: DoseMention, row: DoseRow, domain: list[DoseRow]) -> bool:
    """Whether the sentence names the other indication ('gastric'): words of that row's
    indication that no in-domain row's indication uses."""
    domain_words = {w for r in domain for w in r.indication.lower().split()}
    own = [w for w in re.findall(r"[a-z]{5,}", row.indication.lower()) if w not in domain_words]
    claim = mention.sentence.claim.lower()
    return any(word in claim for word in own)
