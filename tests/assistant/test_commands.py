"""The core sub-commands run in-process through `assistant.cli.main` over the mini corpus
(tests/assistant/test_cli.py runs the installed console script)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from assistant.cli import _core_commands, _registered_commands, build_parser, main
from assistant.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.integration

WIDGET_FIRST_LINE = "What is the first-line treatment of widget disease?"


def use(monkeypatch: pytest.MonkeyPatch, corpus: Path, data: Path) -> None:
    """Point the settings at a corpus and data folder, and nothing else."""
    for name in list(os.environ):
        if name.startswith("CAIRN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CAIRN_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("CAIRN_DATA_DIR", str(data))
    monkeypatch.setenv("CAIRN_CONFIG", str(data / "no-such-cairn.toml"))


@pytest.fixture
def mini(monkeypatch: pytest.MonkeyPatch, mini_settings: Settings) -> Settings:
    use(monkeypatch, mini_settings.corpus.corpus_dir, mini_settings.index.data_dir)
    return mini_settings


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_ask_prints_a_plain_answer_when_the_output_is_not_a_terminal(
    mini: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "ask", WIDGET_FIRST_LINE)
    assert status == 0
    assert "\x1b" not in out  # no live draft, no colours
    lines = out.splitlines()
    assert not lines[0].startswith("**") and lines[0].endswith("]")  # the answer, then headings
    assert "**References**" in lines
    assert "Review: PASS. Checked against the pathway and dose table: no problems found." in lines
    assert lines[-1].startswith("[corpus ") and "generator extractive;" in lines[-1]


def test_ask_json_prints_the_answer_record(
    mini: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "ask", WIDGET_FIRST_LINE, "--json")
    assert status == 0
    answer = json.loads(out)
    audit = (mini.audit_path).read_text(encoding="utf-8").splitlines()
    entry = json.loads(audit[-1])
    assert entry["interface"] == "cli" and entry["question"] == WIDGET_FIRST_LINE
    assert answer["question"] == WIDGET_FIRST_LINE
    assert answer["citations"][0]["source_id"] == "widget-guideline-2024"
    assert answer["review"]["verdict"] == "pass" and answer["covered"] is True


def test_ask_with_a_history_file_treats_the_question_as_a_follow_up(
    mini: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    history = tmp_path / "history.json"
    history.write_text(
        json.dumps(
            [
                {"role": "user", "content": "Widget disease progressed on zorbatinib."},
                {"role": "assistant", "content": "Velmab with chemotherapy [1]."},
            ]
        )
    )
    status, out, _ = run(capsys, "ask", "what dose?", "--history", str(history), "--json")
    assert status == 0
    answer = json.loads(out)
    standalone = answer["standalone_question"]
    assert standalone.startswith("what dose? (") and "velmab" in standalone
    assert answer["assumptions"] == ["progressed on zorbatinib"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "  "], "cairn: The question is empty. Type a clinical question and ask again."),
        (["ask", "dose?", "--context", "lvef"], "cairn: 'lvef' is not K=V."),
        (["ask", "dose?", "--history", "/no/such/history.json"], "cairn: The history file"),
        (["check", "--question", "q", "--answer", "/no/such/answer.txt"], "cairn: The answer file"),
    ],
)
def test_bad_input_is_one_line_on_stderr_with_status_2(
    mini: Settings, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1 and err.startswith(message)
    assert "Traceback" not in err


def test_invalid_settings_are_reported_on_one_line(
    mini: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_TOP_K", "many")
    status, _, err = run(capsys, "sources")
    assert status == 2 and len(err.splitlines()) == 1
    assert err.startswith("cairn: The settings are invalid: ") and "top_k" in err


def test_check_reviews_an_answer_file(
    mini: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text("Zorbatinib plus velmab is the first-line treatment.")
    status, out, _ = run(
        capsys, "check", "--question", "first line?", "--answer", str(answer),
        "--context", "lung_nodules=true", "--json",
    )  # fmt: skip
    assert status == 1  # blocked
    review = json.loads(out)
    assert review["verdict"] == "block"
    assert review["findings"][0]["rule_id"] == "pathway.contraindicated.zorbatinib-lung-nodules"


def test_sources_lists_the_indexed_sources(
    mini: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "sources", "--json")
    assert status == 0
    listing = json.loads(out)
    assert {row["id"]: row["chunks"] for row in listing["sources"]} == {
        "widget-guideline-2019": 1,
        "widget-guideline-2024": 2,
        "zorba-trial": 5,
        "zorbatinib-label": 4,
    }


def test_ingest_reports_added_then_unchanged_sources(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copytree(FIXTURES / "mini", tmp_path / "corpus")
    use(monkeypatch, tmp_path / "corpus", tmp_path / "var")
    status, out, _ = run(capsys, "ingest", "--json")
    first = json.loads(out)
    assert status == 0 and len(first["added"]) == 4 and first["unchanged"] == []
    status, out, _ = run(capsys, "ingest")
    assert status == 0
    assert len(out.splitlines()) == 1  # no "added:", "updated:" or "removed:" lines
    assert f"corpus version {first['version']}: 0 added, 0 updated, 0 removed, 4 unchanged" in out


def test_corpus_check_exits_0_when_valid_and_1_with_the_problems_listed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "mini", corpus)
    use(monkeypatch, corpus, tmp_path / "var")
    status, out, _ = run(capsys, "corpus", "check")
    assert status == 0 and out.startswith(f"Corpus at {corpus} is valid: 4 sources")

    label = corpus / "sources" / "zorbatinib-label.md"
    label.write_text(label.read_text().replace("year: 2025\n", "year: soon\n"))
    status, out, err = run(capsys, "corpus", "check")
    assert (status, out) == (1, "")
    lines = err.splitlines()
    assert lines[0] == f"cairn: the corpus at {corpus} has {len(lines) - 1} problem(s):"
    assert len(lines) >= 2 and all(line.startswith("  - ") for line in lines[1:])
    assert any("zorbatinib-label" in line and "year" in line for line in lines[1:])


def test_the_parser_knows_the_core_and_the_registered_commands() -> None:
    names = [c.name for c in [*_core_commands(), *_registered_commands()]]
    assert names[:5] == ["ingest", "sources", "corpus", "ask", "check"]
    assert {"eval", "bench", "serve"} <= set(names)
    assert len(names) == len(set(names))


def test_a_missing_or_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser(_core_commands())
    for argv in ([], ["fly"]):
        with pytest.raises(SystemExit) as caught:
            parser.parse_args(argv)
        assert caught.value.code == 2
    assert "usage: cairn" in capsys.readouterr().err
