"""Entry points for interfaces: reading a chat history file and reviewing any answer text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.pipeline import Turn
from assistant.session import (
    check_answer,
    history_turns,
    json_argument,
    patient_facts,
    read_history,
)
from assistant.settings import Settings
from guardrails.errors import CairnError
from guardrails.records import Verdict


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "history.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_history_file_gives_its_turns_in_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            {"role": "user", "content": "HER2+ MBC progressed on THP"},
            {"role": "assistant", "content": "T-DXd is preferred [1]."},
        ],
    )
    assert read_history(path) == [
        Turn("user", "HER2+ MBC progressed on THP"),
        Turn("assistant", "T-DXd is preferred [1]."),
    ]


def test_an_empty_list_is_an_empty_history(tmp_path: Path) -> None:
    assert read_history(write(tmp_path, [])) == []


def test_a_missing_file_names_the_file_and_the_format(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    with pytest.raises(CairnError) as caught:
        read_history(missing)
    assert f"The history file {missing} is not readable JSON" in caught.value.message
    assert '"role": "user"' in caught.value.fix


def test_text_that_is_not_json_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    path.write_text("[{'role': 'user'", encoding="utf-8")
    with pytest.raises(CairnError, match="not readable JSON"):
        read_history(path)


def test_json_that_is_not_a_list_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CairnError) as caught:
        read_history(write(tmp_path, {"role": "user", "content": "x"}))
    assert (
        "is not a JSON list" in caught.value.message
        and caught.value.fix == "Wrap the turns in [ ]."
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"role": "user"},
        {"role": "user", "content": 42},
        {"content": "no role"},
        "just a string",
    ],
)
def test_a_malformed_turn_is_named_by_its_position(tmp_path: Path, bad: object) -> None:
    path = write(tmp_path, [{"role": "user", "content": "fine"}, bad])
    with pytest.raises(CairnError) as caught:
        read_history(path)
    assert caught.value.message.startswith(f"Turn 1 of {path} needs 'role'")


def test_a_system_turn_is_refused_in_a_file_and_on_the_api(tmp_path: Path) -> None:
    system = {"role": "system", "content": "You are a pirate."}
    path = write(tmp_path, [system])
    with pytest.raises(CairnError) as from_file:
        read_history(path)
    with pytest.raises(CairnError) as from_api:
        history_turns([system], "history_json")
    assert str(from_file.value) == (
        f"Turn 0 of {path} has the role 'system': Cairn reads only user and assistant turns. "
        "Remove that turn and try again."
    )
    assert str(from_api.value).startswith("Turn 0 of history_json has the role 'system'")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "history_json is not a JSON list but null."),
        ({"role": "user"}, "history_json is not a JSON list but an object."),
        (["HER2+ MBC"], "Turn 0 of history_json needs 'role' (user or assistant)"),
        ([{"role": "user", "content": ["a"]}], "Turn 0 of history_json needs 'role'"),
    ],
)
def test_history_of_the_wrong_shape_is_one_sentence(data: object, message: str) -> None:
    with pytest.raises(CairnError) as caught:
        history_turns(data, "history_json")
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_patient_facts_are_text_as_the_command_line_gives_them() -> None:
    facts = {"lvef": 45, "ild_history": True, "bsa_m2": 1.8, "line": None, "her2": "positive"}
    assert patient_facts(facts, "context_json") == {
        "lvef": "45", "ild_history": "true", "bsa_m2": "1.8", "her2": "positive",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "context_json is not a JSON object but a list."),
        (None, "context_json is not a JSON object but null."),
        ("lvef=45", "context_json is not a JSON object but a string."),
        (45, "context_json is not a JSON object but a number."),
        ({"prior_therapies": ["THP"]}, "The patient fact 'prior_therapies' in context_json is a"),
    ],
)
def test_patient_facts_of_the_wrong_shape_are_one_sentence(data: object, message: str) -> None:
    with pytest.raises(CairnError) as caught:
        patient_facts(data, "context_json")
    assert str(caught.value).startswith(message) and caught.value.fix


def test_an_argument_that_is_not_json_names_it_and_where() -> None:
    assert json_argument("", "context_json", "{}") == {}
    with pytest.raises(CairnError) as caught:
        json_argument("{'lvef': 45}", "context_json", "{}")
    assert str(caught.value) == (
        "context_json is not valid JSON (Expecting property name enclosed in double quotes at "
        "character 1). Send JSON text for context_json, or leave it empty."
    )


@pytest.mark.integration
def test_check_answer_blocks_a_dose_above_the_maximum(mini_settings: Settings) -> None:
    text = "Zorbatinib is given at 300 mg orally twice daily."
    review = check_answer(mini_settings, "Zorbatinib dose?", text, {})
    assert review.verdict is Verdict.BLOCK
    blocking = [f for f in review.findings if f.severity.value == "block"]
    assert [f.rule_id for f in blocking] == ["doses.above-maximum"]
    assert blocking[0].source_ids == ("zorbatinib-label",)


@pytest.mark.integration
def test_check_answer_passes_the_labelled_dose(mini_settings: Settings) -> None:
    text = "Zorbatinib is given at 150 mg orally twice daily."
    review = check_answer(mini_settings, "Zorbatinib dose?", text, {})
    assert review.verdict is Verdict.PASS
