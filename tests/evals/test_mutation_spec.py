"""The mutation suite's data file is read by a typed model: the real file loads, and a wrong
key, an empty list or a placeholder no renderer fills is named with its file, line and entry."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evals.mutation_spec import SPEC, MutationSpec, placeholders
from guardrails.errors import RulesError

GOOD = {
    "dose_wordings": ["{Name} {dose} {rest}."],
    "pitfalls": [
        {
            "rule": "stop-widget-with-chemo",
            "slots": {"therapy": ["zorbatinib"], "chemo": ["chemotherapy"]},
            "templates": ["Stop {therapy} with the {chemo}."],
            "clean": ["{Therapy} goes on after the {chemo}."],
        }
    ],
}


def problems(tmp_path: Path, data: object) -> str:
    path = tmp_path / "mutations.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        MutationSpec.load(path)
    return "\n".join(caught.value.problems)


def edited(**changes: object) -> dict[str, object]:
    pitfall = {**GOOD["pitfalls"][0], **changes}  # type: ignore[index]
    return {**GOOD, "pitfalls": [pitfall]}


def test_the_project_file_loads_with_its_wordings_and_pitfalls() -> None:
    spec = MutationSpec.load(SPEC)
    assert len(spec.dose_wordings) >= 1 and len(spec.pitfalls) >= 1
    assert all(p.templates for p in spec.pitfalls)


def test_a_well_formed_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "mutations.yaml"
    path.write_text(yaml.safe_dump(GOOD), encoding="utf-8")
    spec = MutationSpec.load(path)
    assert spec.pitfalls[0].slots["therapy"] == ("zorbatinib",)
    assert spec.pitfalls[0].clean == ("{Therapy} goes on after the {chemo}.",)


def test_a_misspelt_key_is_named_with_its_line_and_a_suggestion(tmp_path: Path) -> None:
    text = problems(tmp_path, edited(templtes=["Stop {therapy}."]))
    assert "mutations.yaml:" in text
    assert "pitfalls[0]: unknown field 'templtes'; did you mean 'templates'?" in text


def test_a_template_naming_no_slot_is_refused(tmp_path: Path) -> None:
    text = problems(tmp_path, edited(templates=["Stop {therapi} with the {chemo}."]))
    assert "names {therapi}, which is not a slot (slots: chemo, therapy)" in text


def test_a_dose_wording_may_name_only_what_the_renderer_fills(tmp_path: Path) -> None:
    text = problems(tmp_path, {**GOOD, "dose_wordings": ["{Name} {amount} {rest}."]})
    assert "dose_wordings[0]" in text and "names {amount}" in text


def test_empty_lists_are_refused(tmp_path: Path) -> None:
    assert "must not be empty" in problems(tmp_path, {**GOOD, "dose_wordings": []})
    assert "must not be empty" in problems(tmp_path, edited(slots={"therapy": []}))


def test_placeholders_are_read_as_format_fields() -> None:
    assert placeholders("{Drug} is {dose}, not {{literal}}") == ["Drug", "dose"]
    with pytest.raises(ValueError, match="not a format string"):
        placeholders("Stop {therapy")
