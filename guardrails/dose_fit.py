"""Once a dose's amount is found in the table: does the rest of what the answer says fit it?

    check_context(mention, "lapatinib", matched_rows, rows_in_that_unit)
    # "lapatinib 1,250 mg with trastuzumab" -> doses.wrong-partner

The partner drug, the phase (loading or repeating), the schedule, the route and the days of
an intermittent cycle; a compound dose part by part; an upper bound against the maximum.
"""

from __future__ import annotations

from guardrails.dose_findings import (
    block,
    expected,
    finding,
    fmt,
    partner_names,
    route_words,
    same_number,
    schedules,
)
from guardrails.dose_mentions import DoseMention
from guardrails.dose_table import DoseRow
from guardrails.records import Finding, Severity


def check_context(
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
                block(
                    mention,
                    "doses.wrong-partner",
                    f"{mention.text} is the {name} dose {matched[0].indication}; with "
                    f"{partner_names(present, right)} it is {expected(right)}.",
                    [*matched, *right],
                )
            ]
        matched = fitting
    return _check_phase(mention, name, matched, same_unit) or _check_schedule(
        mention, name, matched
    )


def _check_phase(
    mention: DoseMention, name: str, matched: list[DoseRow], same_unit: list[DoseRow]
) -> list[Finding]:
    """A loading dose given as the repeating one, or a repeating dose called the loading one."""
    repeating = mention.phase == "maintenance" or (mention.schedule not in (None, "once"))
    if all(r.phase == "loading" for r in matched) and repeating:
        maintenance = [r for r in same_unit if r.phase == "maintenance"]
        return [
            block(
                mention,
                "doses.loading-as-maintenance",
                f"{mention.text} is the loading "
                f"dose of {name}, given once; the repeating dose is {expected(maintenance)}.",
                [*matched, *maintenance],
            )
        ]
    if all(r.phase == "maintenance" for r in matched) and mention.phase == "loading":
        loading = [r for r in same_unit if r.phase == "loading"]
        return [
            block(
                mention,
                "doses.wrong-amount",
                f"{mention.text} is the repeating dose of "
                f"{name}, not its loading dose ({expected(loading)}).",
                loading,
            )
        ]
    return []


def _check_schedule(mention: DoseMention, name: str, matched: list[DoseRow]) -> list[Finding]:
    scheduled = mention.schedule and mention.schedule != "once"
    if scheduled and not any(mention.schedule in r.schedules for r in matched):
        return [
            block(
                mention,
                "doses.wrong-schedule",
                f"{name} {mention.text} is given {schedules(matched)}, not {mention.schedule}.",
                matched,
            )
        ]
    if mention.route and not any(r.route == mention.route for r in matched):
        return [
            block(
                mention,
                "doses.wrong-route",
                f"{name} {mention.text} is given "
                f"{route_words(matched[0].route)}, not {route_words(mention.route)}.",
                matched,
            )
        ]
    return []


def check_cycle(mention: DoseMention, name: str, matched: list[DoseRow]) -> list[Finding]:
    """A drug given on some days of its cycle: 'continuously' or other days is a block; no
    days at all is a warning (the schedule is incomplete). A drug given every day of its cycle
    ('days 1-21 of a 21-day cycle') is checked for the days an answer states."""
    if not matched or not all(r.cycle_days and r.cycle_length for r in matched):
        return []
    intermittent = all(r.intermittent for r in matched)
    cycles = {(r.cycle_days, r.cycle_length) for r in matched}
    right = " or ".join(sorted({r.describe_cycle() for r in matched}))
    stated = mention.cycle_days
    wrong_days = stated is not None and all(stated != days for days, _ in cycles)
    wrong_length = mention.cycle_length is not None and all(
        mention.cycle_length != length for _, length in cycles
    )
    if (intermittent and mention.continuous) or wrong_days or wrong_length:
        said = "continuously" if mention.continuous else "on other days"
        return [
            block(
                mention,
                "doses.wrong-cycle",
                f"{name} {mention.text} is given {right}, not {said}.",
                matched,
            )
        ]
    if intermittent and stated is None and mention.schedule is not None:  # no days given
        return [
            finding(
                mention,
                Severity.WARN,
                "doses.missing-cycle-days",
                f"{name} {mention.text} is given {right}; the answer does not say on which days.",
                matched,
            )
        ]
    return []


def check_compound(mention: DoseMention, name: str, rows: list[DoseRow]) -> list[Finding]:
    """'1,200 mg/600 mg/30,000 units': every part must be the same row's."""
    for row in rows:
        if row.units == mention.units and all(
            same_number(a, b) for a, b in zip(row.amounts, mention.amounts, strict=True)
        ):
            return check_context(mention, name, [row], rows)
    return [
        block(
            mention,
            "doses.wrong-amount",
            f"{mention.text} is not a dose of {name}; the table gives {expected(rows)}.",
            rows,
        )
    ]


def check_maximum(mention: DoseMention, name: str, rows: list[DoseRow]) -> list[Finding]:
    """'up to 4.8 mg/kg': an upper bound above the highest dose of the table."""
    ceilings = [
        r.maximum if r.maximum is not None else (r.high or max(r.amounts, default=0)) for r in rows
    ]
    ceiling = max(ceilings)
    if mention.amount > ceiling + 1e-9:
        return [
            block(
                mention,
                "doses.above-maximum",
                f"{mention.text} is above the maximum dose of "
                f"{name} ({fmt(ceiling)} {mention.unit}).",
                rows,
            )
        ]
    return []
