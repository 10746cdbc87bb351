"""Patient facts set by the user: `--context K=V` on the command line, the UI's fields.

parse_override("ild_history", "true", lexicon)  # -> Fact(value=True, status=STATED)
"""

from __future__ import annotations

from typing import Any

from guardrails.errors import CairnError
from guardrails.lexicon import Lexicon
from guardrails.records import BrainMets, Fact, FactStatus

USER = "set by user"
_CHOICES = {
    "her2": ("positive", "negative", "low"),
    "hr": ("positive", "negative"),
    "setting": ("metastatic", "early"),
    "brain_mets": tuple(b.value for b in BrainMets),
}
_BOOLEANS = ("ild_history", "heart_failure", "pregnant", "extracranial_progression")
_NUMBERS = {
    "line": (1, 10),
    "months_since_adjuvant": (0, 600),
    "lvef": (5, 90),
    "lvef_baseline": (5, 90),
    "ild_grade": (1, 5),
    "weight_kg": (20, 300),
    "height_cm": (100, 230),
    "bsa_m2": (0.8, 3.0),
}
_LISTS = ("prior_therapies", "progressed_on")
KEYS = (*_CHOICES, *_BOOLEANS, *_NUMBERS, *_LISTS)


def parse_override(key: str, value: str, lexicon: Lexicon) -> Any:
    """The record value for a user-set fact; unknown keys and bad values name the fix."""
    raw = value.strip().lower()
    if key in _CHOICES:
        if raw in ("", "unknown"):
            return Fact()
        if raw not in _CHOICES[key]:
            raise CairnError(
                f"'{value}' is not a value of {key}.", f"Use one of: {', '.join(_CHOICES[key])}."
            )
        status = FactStatus.NEGATED if key == "brain_mets" and raw == "none" else FactStatus.STATED
        enum_value: Any = BrainMets(raw) if key == "brain_mets" else raw
        return Fact(value=enum_value, status=status, evidence=USER)
    if key in _BOOLEANS:
        if raw in ("", "unknown"):
            return Fact()
        if raw not in ("true", "false", "yes", "no"):
            raise CairnError(
                f"'{value}' is not true or false for {key}.", f"Write {key}=true or {key}=false."
            )
        truth = raw in ("true", "yes")
        return Fact(
            value=truth, status=FactStatus.STATED if truth else FactStatus.NEGATED, evidence=USER
        )
    if key in _NUMBERS:
        if raw in ("", "unknown"):
            return Fact()
        low, high = _NUMBERS[key]
        try:
            number = float(raw.rstrip("%"))
        except ValueError:
            raise CairnError(
                f"'{value}' is not a number for {key}.", f"Write a number, e.g. {key}={low}."
            ) from None
        if not low <= number <= high:
            raise CairnError(
                f"{key}={value} is outside {low}-{high}.", "Check the value and its unit."
            )
        return Fact(
            value=int(number) if key == "line" else number, status=FactStatus.STATED, evidence=USER
        )
    if key in _LISTS:
        found = [m.concept_id for part in value.split(",") for m in lexicon.find(part)]
        return tuple(dict.fromkeys(found))
    raise CairnError(f"Unknown patient fact '{key}'.", f"Use one of: {', '.join(KEYS)}.")
