"""Measured values (lab counts, ejection fraction, toxicity grades) in questions and in source
sentences, in one unit per measure, as the corpus declares them (`corpus/rules/measures.yaml`).

    measures = Measures.load(Path("corpus/rules/measures.yaml"))
    values = measures.values("plts 35 x10^9/L today")      # {"platelets": 35000.0}
    measures.fits(values, "held for platelets of 25,000 to under 50,000/mm3")  # True
    measures.fits(values, "held for platelets below 25,000/mm3")               # False
    measures.fits(values, "given every 3 weeks")                               # None

A value written with a unit is converted by that unit's factor; a bare value outside the
measure's plausible range is scaled by the smallest factor that brings it inside ("plt 40" is
40 x10^9/L, "ANC 0.8" is 0.8 x10^9/L). Grades are read as ranges ("grade 2 or higher").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from guardrails.schema import parse
from guardrails.yamlio import read_yaml

_NUMBER = r"(\d+(?:,\d{3})*(?:\.\d+)?)"
_GRADES = re.compile(
    r"\bgrades?\s*([0-5])"
    r"(?:\s*(?:-|–|to|or)\s*([0-5])\b|\s*(or (?:higher|above|more|greater)|\+))?",
    re.I,
)
_GRADE_VALUE = re.compile(r"\bgrade\s*([1-5])\b", re.I)
_UPPER = r"(?:under|below|less than|<)?\s*"
_NEAR = 25  # how far after a value the reference it is read against may come
# A value written in a unit the measure does not list ('bilirubin 2.5 mg/dL' for a measure in
# x ULN) is not a value of the measure: a unit with a slash, a percentage or a mass, amount or
# time symbol. Bare values and words after them ('ANC 0.8 today') still count.
_FOREIGN = (
    r"(?![.,]\d)(?!\s*(?:%|[A-Za-zµμ]+\s*/\s*[A-Za-z0-9]"
    r"|(?:mg|mcg|µg|ug|g|mmol|umol|µmol|mol|IU|U|ms|mm|sec|s)\b))"
)


class Measure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    names: tuple[str, ...] = Field(min_length=1)
    kind: Literal["value", "grade"] = "value"
    unit: str = Field("", description="the unit values are compared in")
    units: dict[str, float] = Field(
        default_factory=dict, description="how values are written -> factor to `unit`"
    )
    plausible: tuple[float, float] | None = Field(
        None, description="the range a value in `unit` falls in; bare values outside are scaled"
    )
    unit_required: bool = Field(False, description="a value counts only with its unit ('48%')")
    relative_to: str = Field(
        "", description="a reference a value may be given against: 'bili 68 (ULN 17)' is 4 x ULN"
    )


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    measures: tuple[Measure, ...] = ()


@dataclass(frozen=True)
class _Compiled:
    measure: Measure
    names: re.Pattern[str]
    value: re.Pattern[str]
    unit: re.Pattern[str] | None
    loose: re.Pattern[str] | None = None  # a value in any unit, read against a reference
    reference: re.Pattern[str] | None = None  # the reference's value ('ULN 17')


@dataclass(frozen=True)
class Measures:
    compiled: tuple[_Compiled, ...] = ()

    @classmethod
    def load(cls, path: Path) -> Measures:
        """The corpus's measures; a corpus without the file has none."""
        if not path.is_file():
            return cls()
        data, text = read_yaml(path)
        return cls.from_data(data or {}, str(path), text)

    @classmethod
    def from_data(
        cls, data: object, origin: str = "measures.yaml", text: str | None = None
    ) -> Measures:
        spec = parse(_Spec, data, origin, text=text)
        return cls(tuple(_compile(m) for m in spec.measures))

    def has_grade(self, text: str) -> bool:
        """Whether the text states one toxicity grade ('after grade 2 pneumonitis')."""
        kinds = {c.measure.id: c.measure.kind for c in self.compiled}
        return any(kinds[m] == "grade" for m in self.values(text))

    def values(self, text: str) -> dict[str, float]:
        """The first value of each measure a text states, in the measure's unit."""
        found: dict[str, float] = {}
        for c in self.compiled:
            if c.measure.kind == "grade":
                grades = {g for g in _GRADE_VALUE.findall(text)}
                if len(grades) == 1:  # "grade 3 and grade 4 rates": no one value to fit
                    found[c.measure.id] = float(grades.pop())
                continue
            match = c.value.search(text)
            relative = _relative(c, text) if not (match and match.group(2)) else None
            if relative is not None:
                found[c.measure.id] = relative
            elif match:
                found[c.measure.id] = _scaled(c.measure, match.group(1), match.group(2))
        return found

    def fits(self, values: dict[str, float], sentence: str) -> bool | None:
        """True when a threshold in the sentence includes a value; False when the sentence
        gives thresholds for the measure and none includes it; None when it gives none."""
        verdicts = []
        for c in self.compiled:
            value = values.get(c.measure.id)
            if value is None or not c.names.search(sentence):
                continue
            ranges = _grades(sentence) if c.measure.kind == "grade" else _ranges(c, sentence)
            if ranges:
                verdicts.append(any(low <= value <= high for low, high in ranges))
        return any(verdicts) if verdicts else None

    def ranges(self, text: str) -> dict[str, list[tuple[float, float]]]:
        """The thresholds a text gives for each measured value it names (grades left out)."""
        found: dict[str, list[tuple[float, float]]] = {}
        for c in self.compiled:
            if c.measure.kind == "value" and c.names.search(text):
                bounds = _ranges(c, text)
                if bounds:
                    found[c.measure.id] = bounds
        return found

    def thresholded(self, text: str) -> set[str]:
        """The measures a text gives thresholds for ('held for platelets below 25,000/mm3')."""
        return {
            c.measure.id
            for c in self.compiled
            if c.measure.kind == "value" and c.names.search(text) and _ranges(c, text)
        }

    def others(self, values: dict[str, float], sentence: str) -> bool:
        """Whether the sentence gives thresholds only for measures other than those `values`
        has ('LVEF under 40%' for a question about platelets): about another measurement."""
        labs = {c.measure.id for c in self.compiled if c.measure.kind == "value"} & set(values)
        if not labs:  # a grade alone says nothing about which measurement
            return False
        named = False
        for c in self.compiled:
            if c.measure.kind == "grade" or not c.names.search(sentence):
                continue
            if c.measure.id in labs:
                return False
            named = named or bool(_ranges(c, sentence))
        return named

    def unit_words(self) -> frozenset[str]:
        """Every word of every unit ('x10', 'uln', 'mm3'): measures, never topics."""
        words = {w.lower() for c in self.compiled for u in c.measure.units for w in _words(u)}
        return frozenset(words)


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z0-9]*", text)


def _compile(measure: Measure) -> _Compiled:
    names = "|".join(re.escape(n) + r"s?" for n in sorted(measure.names, key=len, reverse=True))
    units = sorted(measure.units, key=len, reverse=True)
    unit = "|".join(re.escape(u).replace(r"\ ", r"\s?") for u in units)
    unit_group = rf"\s*({unit})" if unit else r"()"
    bare = "" if measure.unit_required else rf"|{_FOREIGN}"  # a bare value, in no other unit
    value = re.compile(
        rf"\b(?:{names})\b[^0-9.;\n]{{0,25}}?{_NUMBER}(?:{unit_group}{bare})(?!\d|,\d)", re.I
    )
    reference = re.escape(measure.relative_to)
    return _Compiled(
        measure,
        re.compile(rf"\b(?:{names})\b", re.I),
        value,
        re.compile(unit, re.I) if unit else None,
        re.compile(rf"\b(?:{names})\b[^0-9.;\n]{{0,25}}?{_NUMBER}(?!\d|,\d)", re.I),
        re.compile(rf"\b{reference}\b\D{{0,12}}?{_NUMBER}", re.I) if reference else None,
    )


def _relative(c: _Compiled, text: str) -> float | None:
    """A value written against the reference stated right after it ('t bili 68 umol/L (ULN
    17)'): the value over the reference, in the measure's unit. The reference must follow the
    value closely: in 'ALT 240 U/L, ULN 40, bili 20' the ULN is the ALT's."""
    value = c.loose.search(text) if c.reference and c.loose else None
    if value is None or c.reference is None:
        return None
    reference = c.reference.search(text[value.end() : value.end() + _NEAR])
    base = float(reference.group(1).replace(",", "")) if reference else 0.0
    return float(value.group(1).replace(",", "")) / base if base else None


def _scaled(measure: Measure, number: str, unit: str | None) -> float:
    value = float(number.replace(",", ""))
    if unit:
        factor = next(
            (f for u, f in measure.units.items() if re.fullmatch(
                re.escape(u).replace(r"\ ", r"\s?"), unit.strip(), re.I
            )),
            1.0,
        )  # fmt: skip
        return value * factor
    low, high = measure.plausible or (-math.inf, math.inf)
    if low <= value <= high:
        return value
    for factor in sorted(set(measure.units.values())):
        if low <= value * factor <= high:
            return value * factor
    return value


def _ranges(c: _Compiled, sentence: str) -> list[tuple[float, float]]:
    tail = rf"(?:\s*({c.unit.pattern})|{_FOREIGN})" if c.unit else "()"
    found: list[tuple[float, float]] = []
    between = re.compile(rf"{_NUMBER}{tail}\s*(?:-|–|to)\s*{_UPPER}{_NUMBER}{tail}", re.I)
    for a, unit_a, b, unit_b in between.findall(sentence):
        found.append(_pair(c.measure, a, unit_a or unit_b, b, unit_b))
    sentence = between.sub(" ", sentence)  # '25,000 to <50,000' is one range, not also '<50,000'
    # A symbol has no word boundary before it: '<25,000/mm3' is read as well as 'below 25,000'.
    below = re.compile(rf"(?:\b(?:below|under|less than|lower than)|<=?|≤)\s*{_NUMBER}{tail}", re.I)
    found += [(-math.inf, _scaled(c.measure, n, u)) for n, u in below.findall(sentence)]
    above = re.compile(
        rf"(?:\b(?:above|over|greater than|more than|at least)|>=?|≥)\s*{_NUMBER}{tail}"
        rf"|{_NUMBER}{tail}\s*%?\s*or (?:more|above|higher|greater)",
        re.I,
    )
    for a, unit_a, b, unit_b in above.findall(sentence):
        found.append((_scaled(c.measure, a or b, unit_a or unit_b), math.inf))
    return found


def _pair(measure: Measure, a: str, unit_a: str, b: str, unit_b: str) -> tuple[float, float]:
    """A range either way round: labels write 'less than 1.0 to 0.5 x10^9/L' from the top."""
    low, high = sorted((_scaled(measure, a, unit_a), _scaled(measure, b, unit_b)))
    return low, high


def _grades(sentence: str) -> list[tuple[float, float]]:
    found = []
    for low, high, more in _GRADES.findall(sentence):
        top = math.inf if more else float(high or low)
        found.append((float(low), top))
    return found
