"""Terminal rendering: the answer, the review with its findings, the live draft that erases."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from assistant.records import Answer
from assistant.render.terminal import BADGES, LiveDraft, print_answer, print_review
from guardrails.records import Finding, PatientContext, Review, Severity, Verdict


def finding(rule_id: str, severity: Severity, **kw: object) -> Finding:
    fields: dict[str, object] = {"message": f"{rule_id} message", "check": "doses", **kw}
    return Finding(rule_id=rule_id, severity=severity, **fields)


def answer(review: Review, **kw: object) -> Answer:
    fields: dict[str, object] = {
        "question": "T-DXd dose?",
        "standalone_question": "T-DXd dose?",
        "context": PatientContext(),
        "text": "T-DXd is given at 5.4 mg/kg every 3 weeks. [1]",
        "citations": [],
        "review": review,
        "timings": {"context": 1.4, "retrieve": 20.3, "generate": 3.2, "review": 1.4},
        "corpus_version": "abc123def456",
        "generator": "extractive",
    }
    fields.update(kw)
    return Answer(**fields)


def rendered(render: object, value: object) -> list[str]:
    out = io.StringIO()
    render(value, out)  # type: ignore[operator]
    return out.getvalue().splitlines()


@pytest.mark.parametrize("verdict", list(Verdict))
def test_the_review_line_names_the_verdict_and_its_badge_sentence(verdict: Verdict) -> None:
    lines = rendered(print_review, Review(verdict=verdict))
    assert lines == [f"Review: {verdict.value.upper()}. {BADGES[verdict]}"]


def test_badge_sentences_differ_per_verdict() -> None:
    assert BADGES[Verdict.PASS].startswith("Checked against the pathway and dose table")
    assert BADGES[Verdict.WARN].startswith("Warnings:")
    assert BADGES[Verdict.BLOCK].startswith("Blocked: the answer was withheld")


def test_findings_are_listed_with_severity_rule_sources_and_span() -> None:
    review = Review.of(
        [
            finding(
                "doses.other-indication",
                Severity.BLOCK,
                span="T-DXd is given at 6.4 mg/kg every 3 weeks.",
                source_ids=("label-trastuzumab-deruxtecan",),
            ),
            finding("grounding.no-markers", Severity.INFO),
        ]
    )
    assert rendered(print_review, review) == [
        f"Review: BLOCK. {BADGES[Verdict.BLOCK]}",
        "  [block] doses.other-indication: doses.other-indication message "
        '(sources: label-trastuzumab-deruxtecan) — "T-DXd is given at 6.4 mg/kg every 3 weeks."',
        "  [info] grounding.no-markers: grounding.no-markers message",
    ]


def test_a_long_span_is_cut_to_100_characters() -> None:
    review = Review.of([finding("grounding.uncited", Severity.WARN, span="x" * 300)])
    line = rendered(print_review, review)[1]
    assert line.endswith('"' + "x" * 100 + '"')


def test_print_answer_shows_notices_assumptions_text_review_and_footer() -> None:
    shown = answer(
        Review.of([finding("grounding.uncited", Severity.WARN)]),
        notices=["Citation markers 9 pointed to no passage; removed."],
        assumptions=["HER2-positive", "no brain metastases"],
        evidence_as_of=dt.date(2026, 3, 1),
    )
    assert rendered(print_answer, shown) == [
        "! Citation markers 9 pointed to no passage; removed.",
        "Assuming: HER2-positive; no brain metastases.",
        "T-DXd is given at 5.4 mg/kg every 3 weeks. [1]",
        "",
        f"Review: WARN. {BADGES[Verdict.WARN]}",
        "  [warn] grounding.uncited: grounding.uncited message",
        "[corpus abc123def456, evidence as of 2026-03-01; generator extractive; 26 ms]",
    ]


def test_print_answer_without_notices_or_assumptions_starts_with_the_text() -> None:
    lines = rendered(print_answer, answer(Review(verdict=Verdict.PASS)))
    assert lines[0] == "T-DXd is given at 5.4 mg/kg every 3 weeks. [1]"
    assert lines[-1] == "[corpus abc123def456; generator extractive; 26 ms]"


def test_live_draft_writes_dimmed_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    out = io.StringIO()
    LiveDraft(out).write("T-DXd is")
    assert out.getvalue() == "\x1b[2mT-DXd is\x1b[0m"


def test_erase_moves_up_one_row_per_line_written_and_clears(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    out = io.StringIO()
    draft = LiveDraft(out)
    draft.write("line one\nline two\n")
    draft.write("line three")
    written = len(out.getvalue())
    draft.erase()
    assert out.getvalue()[written:] == "\x1b[2F\r\x1b[J"


def test_erase_counts_rows_wrapped_at_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "20")
    out = io.StringIO()
    draft = LiveDraft(out)
    draft.write("x" * 45)  # wraps twice on a 20-column terminal
    written = len(out.getvalue())
    draft.erase()
    assert out.getvalue()[written:] == "\x1b[2F\r\x1b[J"


def test_erase_of_a_single_line_only_clears_it_and_resets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    out = io.StringIO()
    draft = LiveDraft(out)
    draft.write("short")
    draft.erase()
    assert out.getvalue().endswith("short\x1b[0m\r\x1b[J")
    draft.erase()  # nothing written since: no move up
    assert out.getvalue().endswith("\r\x1b[J\r\x1b[J")
    assert (draft.rows, draft.column) == (0, 0)


def test_the_width_is_at_least_20_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "5")
    assert LiveDraft(io.StringIO()).width == 20
