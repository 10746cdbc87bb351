"""The redaction suite: the audit log's redaction meets the gate's floors on every file of
evals/redaction, leaves every golden and adversarial question alone, and the suite's scoring
counts a half-removed identifier as a miss."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from assistant.understand.redaction import redact
from evals.gate import Gate, redaction_failures
from evals.redaction import RedactionSuite, evaluate, leaked, load_redaction_suites
from guardrails.errors import RulesError
from tests.evals.conftest import EVALS_DIR


def test_every_suite_file_meets_the_gate() -> None:
    suites = load_redaction_suites()
    assert set(suites) >= {"identifiers", "heldout"}
    results = {name: evaluate(redact, suite) for name, suite in suites.items()}
    summary = {name: result.as_dict() for name, result in results.items()}
    assert redaction_failures(summary, Gate.load(EVALS_DIR / "gate.yaml")) == [], summary
    assert all(r.n_keep and not r.lost_keep for r in results.values())


def test_the_suite_has_enough_identifiers_of_every_kind() -> None:
    suite = load_redaction_suites()["identifiers"]
    result = evaluate(lambda text: text, suite)  # a redactor that removes nothing
    assert sum(result.total.values()) >= 150 and result.n_clean >= 50
    assert min(result.total.values()) >= 5
    assert result.recall == 0 and result.false_redaction_rate == 0


def golden_and_adversarial_questions() -> list[str]:
    questions = []
    for path in sorted([*EVALS_DIR.glob("golden/*.yaml"), *EVALS_DIR.glob("adversarial/*.yaml")]):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            questions.append(case["question"])
            turns = case.get("history") or []
            questions += [t["content"] for t in turns if t["role"] == "user"]
    return questions


def test_golden_and_adversarial_questions_come_through_unchanged() -> None:
    questions = golden_and_adversarial_questions()
    assert len(questions) > 400
    assert [(q, redact(q)) for q in questions if redact(q) != q] == []


@pytest.mark.parametrize(
    ("identifier", "redacted", "is_leaked"),
    [
        ("Maria García", "[NAME], 54 yo", False),
        ("Maria García", "Maria [NAME], 54 yo", True),
        ("07700 900123", "call 07700 [PHONE]", True),
        ("14 Harbour Road", "lives at [ADDRESS], 14 days later", False),  # "14" was there twice
    ],
)
def test_an_identifier_is_removed_only_when_none_of_its_words_is_left(
    identifier: str, redacted: str, is_leaked: bool
) -> None:
    text = {
        "Maria García": "Maria García, 54 yo",
        "07700 900123": "call 07700 900123",
        "14 Harbour Road": "lives at 14 Harbour Road, 14 days later",
    }[identifier]
    assert leaked(identifier, text, redacted) is is_leaked


def test_a_span_missing_from_its_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "identifiers:\n  - {id: a, text: 'Mrs Jane Smith', expect: {name: [John Smith]}}\n"
        "clean:\n  - {id: b, text: 'T-DXd'}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        RulesError, match=r"bad.yaml:2: identifiers\[0\] \('a'\): a: not in the text"
    ):
        RedactionSuite.load(path)


def test_cairn_eval_redaction_prints_the_table_and_passes_the_gate() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "redaction", "--gate"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "Redaction, identifiers:" in run.stdout and "GATE:" not in run.stdout
