"""Citation markers after generation: renumbering, dropped markers and the reference list."""

from __future__ import annotations

from assistant.compose.citations import citation_of, references, renumber
from assistant.records import Evidence
from ingest.records import SourceKind, SourceStatus
from tests.evidence import make_evidence


def evidence(n: int, source_id: str, status: str = "current") -> Evidence:
    return make_evidence(
        source_id,
        f"Passage {n} text.",
        n=n,
        section=f"Section {n}",
        kind=SourceKind.TRIAL,
        title=f"Title of {source_id}",
        citation=f"Citation of {source_id}",
        year=2020 + n,
        status=SourceStatus(status),
        superseded_by="successor" if status == "superseded" else None,
        url=f"https://example.org/{source_id}",
    )


EVIDENCE = [
    evidence(1, "alpha"),
    evidence(2, "beta"),
    evidence(3, "gamma", "superseded"),
    evidence(4, "delta"),
    evidence(5, "epsilon"),
]


def test_markers_are_renumbered_in_order_of_first_appearance() -> None:
    body, cited, dropped = renumber("First [3]. Second [1]. Third [3].", EVIDENCE)
    assert body == "First [1]. Second [2]. Third [1]."
    assert [(e.n, e.source.id) for e in cited] == [(1, "gamma"), (2, "alpha")]
    assert dropped == []


def test_lists_of_markers_are_renumbered_and_keep_their_order() -> None:
    body, cited, _ = renumber("One [2, 5]. Two [5; 2]. Three [4].", EVIDENCE)
    assert body == "One [1, 2]. Two [2, 1]. Three [3]."
    assert [e.source.id for e in cited] == ["beta", "epsilon", "delta"]


def test_a_number_repeated_in_one_marker_appears_once() -> None:
    body, cited, _ = renumber("Claim [2,2].", EVIDENCE)
    assert body == "Claim [1]."
    assert len(cited) == 1


def test_markers_that_point_to_no_passage_are_dropped_and_reported() -> None:
    body, cited, dropped = renumber("Alpha [9]. Beta [2, 9] . Gamma [7] , then [1].", EVIDENCE)
    assert body == "Alpha. Beta [1]. Gamma, then [2]."
    assert [e.source.id for e in cited] == ["beta", "alpha"]
    assert dropped == [7, 9]


def test_text_without_markers_is_unchanged() -> None:
    assert renumber("Nothing is cited here.", EVIDENCE) == ("Nothing is cited here.", [], [])


def test_renumbering_does_not_change_the_evidence_it_was_given() -> None:
    renumber("[5]", EVIDENCE)
    assert [e.n for e in EVIDENCE] == [1, 2, 3, 4, 5]


def test_citation_of_carries_the_source_and_the_passage() -> None:
    _, cited, _ = renumber("Claim [3].", EVIDENCE)
    citation = citation_of(cited[0])
    assert citation.n == 1
    assert (citation.source_id, citation.title, citation.section) == (
        "gamma", "Title of gamma", "Section 3",
    )  # fmt: skip
    assert (citation.year, citation.status, citation.url) == (
        2023, "superseded", "https://example.org/gamma",
    )  # fmt: skip
    assert citation.chunk_id == "gamma:section-3:0:aa"
    assert citation.snippet == "Passage 3 text."


def test_references_list_every_citation_and_mark_superseded_sources() -> None:
    _, cited, _ = renumber("A [3]. B [1].", EVIDENCE)
    text = references([citation_of(e) for e in cited])
    assert text.splitlines() == [
        "**References**",
        "[1] Title of gamma (superseded). Section 3. Citation of gamma (2023).",
        "[2] Title of alpha. Section 1. Citation of alpha (2021).",
    ]


def test_no_citations_give_no_reference_list() -> None:
    assert references([]) == ""


def passage(n: int, source_id: str, section: str) -> Evidence:
    return make_evidence(
        source_id, f"Passage {n}.", n=n, section=section, title=f"Title of {source_id}",
        citation=f"Citation of {source_id}", year=2024,
    )  # fmt: skip


CHUNKS = [
    passage(1, "label", "Dose"),
    passage(2, "guideline", "First line"),
    passage(3, "label", "Warnings"),
    passage(4, "label", "Dose"),
]


def test_the_passages_of_one_source_take_consecutive_numbers() -> None:
    body, cited, _ = renumber("A [1]. B [2]. C [3, 1]. D [4].", CHUNKS)
    assert body == "A [1]. B [4]. C [2, 1]. D [3]."
    assert [(e.n, e.source.id, e.chunk.section) for e in cited] == [
        (1, "label", "Dose"),
        (2, "label", "Warnings"),
        (3, "label", "Dose"),
        (4, "guideline", "First line"),
    ]


def test_references_are_one_line_per_source_with_the_sections_cited() -> None:
    _, cited, _ = renumber("A [1]. B [2]. C [3, 1]. D [4].", CHUNKS)
    assert references([citation_of(e) for e in cited]).splitlines() == [
        "**References**",
        "[1, 2, 3] Title of label. Dose [1, 3]; Warnings [2]. Citation of label (2024).",
        "[4] Title of guideline. First line. Citation of guideline (2024).",
    ]
