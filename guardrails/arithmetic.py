"""Dose arithmetic: an absolute dose of a weight- or surface-area-based drug is checked against
the per-kg or per-m2 dose times the patient's weight or body surface area.

    check_total(mention, "trastuzumab deruxtecan", rows, context)
    # 5.4 mg/kg x 70 kg = 378 mg: "420 mg" is a block, "378 mg" passes
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from guardrails.dose_mentions import DoseMention, weight_in
from guardrails.dose_table import PER_KG, PER_M2, BodySize, DoseRow, DoseTable
from guardrails.records import Finding, PatientContext, Severity

TOLERANCE = 0.05  # rounding to vial sizes or to the nearest 10 mg stays within 5%


def body_surface_area(weight_kg: float, height_cm: float) -> float:
    """Mosteller: sqrt(height [cm] x weight [kg] / 3600), in m2."""
    return math.sqrt(height_cm * weight_kg / 3600.0)


def patient_measures(context: PatientContext, text: str = "") -> tuple[float | None, float | None]:
    """Weight (kg) and body surface area (m2) from the context, else a weight in the text."""
    stated_weight, stated_bsa = context.role("weight"), context.role("surface_area")
    height = context.role("height")
    weight = stated_weight.value if stated_weight.is_true else weight_in(text)
    bsa = stated_bsa.value if stated_bsa.is_true else None
    if bsa is None and weight and height.is_true and height.value:
        bsa = body_surface_area(weight, height.value)
    return weight, bsa


def check_total(
    mention: DoseMention,
    name: str,
    rows: Sequence[DoseRow],
    context: PatientContext,
    body: BodySize | None = None,
) -> list[Finding]:
    weight, bsa = patient_measures(context, mention.sentence.text)
    expected: list[tuple[float, DoseRow, float]] = []
    for row in rows:
        measure = weight if row.unit == PER_KG else bsa
        if measure is None:
            continue
        # The per-kg or per-m2 dose the answer states ("8 mg/kg, which is 640 mg") decides.
        steps = row.reductions if mention.reduced else ()  # a reduced level only when said so
        bases = [mention.basis] if mention.basis is not None else [*row.amounts[:1], *steps]
        for amount in bases:
            expected.append((amount * measure, row, amount))
    if not expected:
        return _unchecked(mention, name, rows, body or BodySize())
    for total, _, _ in expected:
        if abs(mention.amount - total) <= TOLERANCE * total:
            return []
    total, row, amount = min(expected, key=lambda e: abs(e[0] - mention.amount))
    measure_text = f"{weight:g} kg" if row.unit == PER_KG else f"{bsa:.2f} m2"
    return [
        _finding(
            mention,
            Severity.BLOCK,
            "arithmetic.wrong-total",
            f"{name} at {amount:g} {row.unit} for {measure_text} is {total:.0f} mg, "
            f"but the answer gives {mention.text}.",
            rows,
        )
    ]


def plausible_totals(row: DoseRow, body: BodySize) -> tuple[float, float]:
    """The smallest and largest absolute dose any adult of the plausible body sizes could get
    from this row: its lowest reduction at the smallest size, its highest dose at the largest."""
    levels = [*row.amounts, *row.reductions, *(x for x in (row.low, row.high) if x is not None)]
    low_size, high_size = body.span(row.unit)
    return min(levels) * low_size, max([*levels, row.maximum or 0]) * high_size


def _unchecked(
    mention: DoseMention, name: str, rows: Sequence[DoseRow], body: BodySize
) -> list[Finding]:
    """No weight or body surface area: a total beyond every plausible body size is a block;
    one inside it cannot be confirmed and is a warning."""
    basis = "weight" if rows[0].unit == PER_KG else "body surface area"
    spans = [plausible_totals(r, body) for r in rows]
    if any(
        low * (1 - TOLERANCE) <= mention.amount <= high * (1 + TOLERANCE) for low, high in spans
    ):
        return [
            _finding(
                mention,
                Severity.WARN,
                "arithmetic.unchecked",
                f"{mention.text} of {name} is an absolute dose; {name} is dosed in "
                f"{rows[0].unit}, and without the patient's {basis} Cairn cannot confirm it.",
                rows,
            )
        ]
    row = rows[0]
    low_size, high_size = body.span(row.unit)
    size = "kg" if row.unit == PER_KG else "m2"
    return [
        _finding(
            mention,
            Severity.BLOCK,
            "arithmetic.implausible-total",
            f"{mention.text} of {name} is no dose of {row.describe()} for any adult from "
            f"{low_size:g} to {high_size:g} {size} "
            f"({mention.amount / high_size:.3g}-{mention.amount / low_size:.3g} {row.unit}).",
            rows,
        )
    ]


def _finding(
    mention: DoseMention, severity: Severity, rule_id: str, message: str, rows: Sequence[DoseRow]
) -> Finding:
    return Finding(
        rule_id=rule_id,
        severity=severity,
        check="arithmetic",
        message=message,
        span=mention.sentence.claim,
        start=mention.start,
        end=mention.end,
        source_ids=tuple(dict.fromkeys(s for r in rows for s in r.sources)),
    )


def derived_numbers(
    context: PatientContext, table: DoseTable, text: str = "", measured: Iterable[str] = ()
) -> frozenset[str]:
    """Numbers an answer may state that no source contains: the patient's own measurements and
    the dose totals computed from them (rounded as clinicians round them)."""
    weight, bsa = patient_measures(context, text)
    values: set[float] = set()
    for fact in map(context.fact, measured):  # the facts the schema declares as numbers
        if fact.status.value == "stated" and isinstance(fact.value, int | float):
            values.add(float(fact.value))
    values.update(v for v in (weight, bsa) if v)
    if bsa:
        values.add(round(bsa, 2))
        values.add(round(bsa, 1))
    for row in table.rows:
        measure = weight if row.unit == PER_KG else bsa if row.unit == PER_M2 else None
        if not measure:
            continue
        for amount in (*row.amounts[:1], *row.reductions, *(x for x in (row.low, row.high) if x)):
            total = amount * measure
            values.update({round(total), round(total, 1), round(total / 10) * 10})
    return frozenset(_normal(v) for v in values)


def _normal(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if "." in text else str(int(float(text)))
