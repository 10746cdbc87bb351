"""The mutation suite's own data (`evals/mutations.yaml`) as typed records: the wordings dose
statements are rendered in, and the faulty and correct advice about each pitfall rule.

    spec = MutationSpec.load(Path("evals/mutations.yaml"))
    spec.dose_wordings[0]  # "{Name} {dose} {rest}."
    # RulesError: evals/mutations.yaml:20: pitfalls[0]: template 'Stop {therapi}.' names
    #   {therapi}, which is not a slot (slots: chemo, therapy)

Every placeholder of a wording or a template must be one its renderer fills, so a misspelt slot
is named with its file and line when the file is read, not as a KeyError halfway through a run.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from guardrails.fields import NonBlank
from guardrails.schema import Strict, parse
from guardrails.yamlio import read_yaml

SPEC = Path(__file__).resolve().parent / "mutations.yaml"
# What `evals.mutation_statements.render` fills in a dose wording.
DOSE_SLOTS = ("name", "Name", "dose", "rest")


def placeholders(template: str) -> list[str]:
    """The names in braces of a format string ('{Drug} is {dose}' -> ['Drug', 'dose'])."""
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:  # an unmatched brace
        raise ValueError(f"{template!r} is not a format string ({exc})") from exc


def _dose_wording(value: str) -> str:
    unknown = [p for p in placeholders(value) if p not in DOSE_SLOTS]
    if unknown:
        raise ValueError(
            f"wording {value!r} names {{{unknown[0]}}}; a dose wording may name "
            + ", ".join(f"{{{s}}}" for s in DOSE_SLOTS)
        )
    return value


class PitfallSpec(Strict):
    """Advice a pitfall rule of pathway.yaml exists to catch (`templates`) and correct advice
    about the same therapies (`clean`); each slot is filled with a name of one of its lexicon
    concepts, `{Slot}` with the name capitalised."""

    rule: NonBlank = Field(description="a pitfall id of pathway.yaml")
    slots: dict[str, Annotated[tuple[NonBlank, ...], Field(min_length=1)]] = Field(min_length=1)
    templates: tuple[NonBlank, ...] = Field(min_length=1)
    clean: tuple[NonBlank, ...] = ()

    @model_validator(mode="after")
    def _slots_named(self) -> PitfallSpec:
        allowed = {*self.slots, *(s.capitalize() for s in self.slots)}
        for template in (*self.templates, *self.clean):
            unknown = [p for p in placeholders(template) if p not in allowed]
            if unknown:
                raise ValueError(
                    f"template {template!r} names {{{unknown[0]}}}, which is not a slot "
                    f"(slots: {', '.join(sorted(self.slots))})"
                )
        return self


class MutationSpec(Strict):
    """The file: dose wordings (each renders every single-amount row of the dose table) and
    pitfall advice (used for the pitfalls the corpus's pathway has)."""

    dose_wordings: tuple[Annotated[str, AfterValidator(_dose_wording)], ...] = Field(min_length=1)
    pitfalls: tuple[PitfallSpec, ...] = ()

    @classmethod
    def load(cls, path: Path = SPEC) -> MutationSpec:
        data, text = read_yaml(path)
        return parse(cls, data, str(path), text=text)
