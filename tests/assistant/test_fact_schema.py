"""The fictional corpus declares patient facts of its own (kidney and liver function, age,
weight) in `rules/facts.yaml`, and they work end to end with no code written for them: read
from a question, set with `--context`, checked by the pathway, named in eval cases and shown
as the app's fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.pipeline import Cairn
from evals.runner import run_eval
from evals.suites import SuiteError, load_suites
from guardrails.records import FactStatus
from ui.ask import field_values, fields_of

pytestmark = pytest.mark.integration

RENAL = "Zorbatinib is not recommended for patients with creatinine clearance below 30 mL/min."
GOLDEN = """category: kidney function
cases:
  - id: renal-1
    question: "First-line treatment of widget disease?"
    context: {crcl: 25, age: 80}
    must_state: ['creatinine clearance below 30']
    sources: [zorbatinib-label]
    verdict: pass
"""


def test_a_fact_of_the_fictional_corpus_is_read_and_acted_on(mini_cairn: Cairn) -> None:
    answer = mini_cairn.ask("CrCl 25 mL/min. What is the first-line treatment of widget disease?")
    assert answer.context.crcl.value == 25.0
    assert RENAL in answer.text
    assert "zorbatinib-label" in {c.source_id for c in answer.citations}


def test_a_context_key_of_the_fictional_corpus_sets_the_fact(mini_cairn: Cairn) -> None:
    review = mini_cairn.check(
        "First line?", "Zorbatinib plus velmab is the first-line treatment.", {"crcl": "25"}
    )
    assert "pathway.contraindicated.zorbatinib-renal" in [f.rule_id for f in review.findings]
    assert mini_cairn.check("First line?", "Zorbatinib plus velmab.", {"crcl": "80"}).findings == ()


def test_its_eval_cases_name_its_facts(mini_cairn: Cairn, tmp_path: Path) -> None:
    (tmp_path / "golden").mkdir()
    (tmp_path / "golden" / "renal.yaml").write_text(GOLDEN, encoding="utf-8")
    suites = load_suites(tmp_path, {"zorbatinib-label"}, mini_cairn.rules.facts)
    assert suites.golden[0].context == {"crcl": "25", "age": "80"}
    result = run_eval(mini_cairn, suites)
    case = result["cases"][0]
    assert case["passed"], {k: case[k] for k in ("key_facts", "verdict", "findings")}
    (tmp_path / "golden" / "renal.yaml").write_text(
        GOLDEN.replace("{crcl: 25, age: 80}", "{lvef: 45}"), encoding="utf-8"
    )
    with pytest.raises(SuiteError) as error:
        load_suites(tmp_path, None, mini_cairn.rules.facts)
    assert "unknown context key 'lvef' (use line, prior_therapies" in error.value.problems[0]


def test_the_app_shows_its_fields(mini_cairn: Cairn) -> None:
    fields = fields_of(mini_cairn.rules.facts)
    assert [label for _, label, _ in fields] == [
        "Line of therapy",
        "Nodular lung disease",
        "Creatinine clearance (mL/min)",
        "Hepatic impairment",
        "Age (years)",
        "Weight (kg)",
    ]
    context = mini_cairn.context_of("Child-Pugh B, CrCl 45, first line?", [], {"age": "66"})
    assert context.child_pugh.status is FactStatus.STATED
    assert field_values(mini_cairn, context) == ["1", "unknown", "45", "moderate", "66", ""]
