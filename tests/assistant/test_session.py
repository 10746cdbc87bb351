"""Entry points for interfaces: reading a chat history file and reviewing any answer text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.pipeline import Turn
from assistant.session import check_answer, read_history
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
        {"role": "system", "content": "You are a pirate."},
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
