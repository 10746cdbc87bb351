"""The message shown instead of a blocked answer: what was wrong and what to read."""

from __future__ import annotations

from assistant.records import Citation
from assistant.render.safe_message import blocked_text
from guardrails.records import Finding, Review, Severity

TITLES = {
    "label-tdxd": "Trastuzumab deruxtecan: label",
    "esmo-2021": "ESMO guideline 2021",
}


def finding(severity: Severity, message: str, *sources: str, span: str = "") -> Finding:
    return Finding(
        rule_id=f"doses.{severity.value}",
        severity=severity,
        message=message,
        check="doses",
        span=span,
        source_ids=sources,
    )


def citation(source_id: str, title: str) -> Citation:
    return Citation(
        n=1,
        source_id=source_id,
        title=title,
        section="Dose",
        citation="c",
        year=2024,
        status="current",
        chunk_id=f"{source_id}:dose:0:aa",
        snippet="s",
    )


def test_the_message_names_each_blocking_finding_and_the_sources_by_title() -> None:
    review = Review.of(
        [
            finding(Severity.BLOCK, "6.4 mg/kg is the gastric cancer dose.", "label-tdxd"),
            finding(Severity.BLOCK, "T-DXd is avoided after ILD.", "label-tdxd", "esmo-2021"),
        ]
    )
    assert blocked_text(review, [], TITLES).splitlines() == [
        "**Answer withheld**",
        "- Cairn's review found a problem it will not show as an answer:",
        "  - 6.4 mg/kg is the gastric cancer dose.",
        "  - T-DXd is avoided after ILD.",
        "- Read: Trastuzumab deruxtecan: label; ESMO guideline 2021.",
        "- Rephrase the question or check the patient details, then ask again.",
    ]


def test_warnings_and_notes_are_not_listed_and_their_sources_not_named() -> None:
    review = Review.of(
        [
            finding(Severity.WARN, "A figure is not in any source.", "esmo-2021"),
            finding(Severity.BLOCK, "Above the maximum dose.", "label-tdxd"),
            finding(Severity.INFO, "No citation markers."),
        ]
    )
    text = blocked_text(review, [], TITLES)
    assert "  - Above the maximum dose." in text.splitlines()
    assert "figure" not in text and "markers" not in text
    assert "ESMO" not in text


def test_the_blocked_wording_itself_is_not_repeated() -> None:
    wrong = "T-DXd is given at 6.4 mg/kg every 3 weeks."
    review = Review.of([finding(Severity.BLOCK, "Not the breast cancer dose.", span=wrong)])
    assert "6.4" not in blocked_text(review, [], TITLES)


def test_titles_of_the_cited_passages_win_and_unknown_sources_keep_their_id() -> None:
    review = Review.of([finding(Severity.BLOCK, "Wrong dose.", "label-tdxd", "unknown-src")])
    text = blocked_text(review, [citation("label-tdxd", "Enhertu label (cited)")], TITLES)
    assert "- Read: Enhertu label (cited); unknown-src." in text.splitlines()


def test_a_finding_without_sources_gives_no_reading_line() -> None:
    review = Review.of([finding(Severity.BLOCK, "Contraindicated in pregnancy.")])
    lines = blocked_text(review, [], TITLES).splitlines()
    assert not any(line.startswith("- Read:") for line in lines)
    assert lines[-1].startswith("- Rephrase the question")
