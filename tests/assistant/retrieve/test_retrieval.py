"""Hybrid retrieval over the mini corpus: dense and BM25 fused, filters, superseded sources
ranked lower, one source unable to crowd out the others, and a new index picked up live."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.indexing import ingest
from assistant.pipeline import Cairn
from assistant.retrieve.retrieval import Filters, HybridRetriever
from assistant.settings import Settings
from guardrails.lexicon import Lexicon
from ingest.pipeline import SilentProgress
from tests.conftest import FIXTURES, make_settings

MINI_SOURCES = {"widget-guideline-2019", "widget-guideline-2024", "zorba-trial", "zorbatinib-label"}


@pytest.fixture(scope="module")
def retriever(mini_settings: Settings) -> HybridRetriever:
    lexicon = Lexicon.load(mini_settings.corpus.rules_dir / "lexicon.yaml")
    return HybridRetriever.from_settings(mini_settings, lexicon)


# Filters (no index needed) ----------------------------------------------------------------------


def test_no_filter_gives_no_where_clause_and_admits_everything() -> None:
    assert Filters().where() is None
    assert Filters().admits("trial", "superseded", 1999, "any")


def test_one_filter_is_its_own_clause_and_several_are_joined_with_and() -> None:
    assert Filters(kinds=("label",)).where() == {"kind": {"$in": ["label"]}}
    assert Filters(kinds=("label",), year_min=2020, year_max=2024).where() == {
        "$and": [
            {"kind": {"$in": ["label"]}},
            {"year": {"$gte": 2020}},
            {"year": {"$lte": 2024}},
        ]
    }
    assert Filters(statuses=("current",), source_ids=("a", "b")).where() == {
        "$and": [{"status": {"$in": ["current"]}}, {"source_id": {"$in": ["a", "b"]}}]
    }


@pytest.mark.parametrize(
    ("filters", "admitted"),
    [
        (Filters(kinds=("label", "trial")), True),
        (Filters(kinds=("guideline",)), False),
        (Filters(statuses=("superseded",)), False),
        (Filters(year_min=2024), True),
        (Filters(year_min=2025), False),
        (Filters(year_max=2023), False),
        (Filters(source_ids=("zorba-trial",)), True),
        (Filters(source_ids=("other",)), False),
    ],
)
def test_admits_applies_each_filter(filters: Filters, admitted: bool) -> None:
    assert filters.admits("trial", "current", 2024, "zorba-trial") is admitted


# Retrieval --------------------------------------------------------------------------------------


@pytest.mark.integration
def test_the_passage_that_answers_comes_first(retriever: HybridRetriever) -> None:
    result = retriever.retrieve("zorbatinib rash", k=3)
    top = result.evidence[0]
    assert (top.source.id, top.chunk.section) == ("zorba-trial", "Safety")
    assert top.dense is not None and top.lexical is not None
    scores = [e.score for e in result.evidence]
    assert scores == sorted(scores, reverse=True)
    assert all(e.n is None for e in result.evidence)  # numbered only by the plan


@pytest.mark.integration
def test_a_brand_name_finds_the_drug_under_its_generic_name(retriever: HybridRetriever) -> None:
    assert retriever.expand("Zorbix dose") == "Zorbix (zorbatinib) dose"
    assert retriever.expand("zorbatinib dose") == "zorbatinib dose"
    result = retriever.retrieve("Zorbix reduced dose", k=1)
    assert result.evidence[0].chunk.section == "Dose reductions"


@pytest.mark.integration
def test_a_superseded_source_ranks_below_the_current_one(retriever: HybridRetriever) -> None:
    result = retriever.retrieve("first-line treatment of widget disease", k=11)
    ranked = [e.source.id for e in result.evidence]
    assert ranked.index("widget-guideline-2024") < ranked.index("widget-guideline-2019")
    assert result.ranked_sources.index("widget-guideline-2024") < result.ranked_sources.index(
        "widget-guideline-2019"
    )


@pytest.mark.integration
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(kinds=("label",)), {"zorbatinib-label"}),
        (Filters(year_min=2020), MINI_SOURCES - {"widget-guideline-2019"}),
        (Filters(statuses=("superseded",)), {"widget-guideline-2019"}),
        (Filters(source_ids=("zorba-trial", "widget-guideline-2024")), {
            "zorba-trial", "widget-guideline-2024",
        }),
    ],
)  # fmt: skip
def test_filters_restrict_both_retrievers(
    retriever: HybridRetriever, filters: Filters, expected: set[str]
) -> None:
    result = retriever.retrieve("widget zorbatinib velmab", k=11, filters=filters)
    assert {e.source.id for e in result.evidence} == expected
    assert set(result.ranked_sources) == expected


@pytest.mark.integration
def test_one_source_gives_at_most_max_per_source_passages_while_others_remain(
    retriever: HybridRetriever,
) -> None:
    result = retriever.retrieve("ZORBA-1 results", k=4, per_source=2)
    sources = [e.source.id for e in result.evidence]
    assert len(sources) == 4
    assert sources.count("zorba-trial") == 2
    default = retriever.retrieve("ZORBA-1 results", k=5)
    limit = retriever.settings.max_per_source
    assert [e.source.id for e in default.evidence].count("zorba-trial") == limit
    only_trial = retriever.retrieve(
        "ZORBA-1 results", k=4, filters=Filters(source_ids=("zorba-trial",))
    )
    assert [e.source.id for e in only_trial.evidence] == ["zorba-trial"] * 4


@pytest.mark.integration
def test_k_larger_than_the_corpus_returns_every_passage_once(
    retriever: HybridRetriever,
) -> None:
    result = retriever.retrieve("widget", k=50)
    ids = [e.chunk.id for e in result.evidence]
    assert sorted(ids) == sorted(c.id for c in retriever.snapshot.chunks)


@pytest.mark.integration
def test_preferred_kinds_rank_higher(retriever: HybridRetriever) -> None:
    as_label = retriever.retrieve("zorbatinib", k=1, prefer_kinds=("label",))
    as_trial = retriever.retrieve("zorbatinib", k=1, prefer_kinds=("trial",))
    assert as_label.evidence[0].source.kind.value == "label"
    assert as_trial.evidence[0].source.kind.value == "trial"


@pytest.mark.integration
def test_an_off_topic_query_has_low_similarity_and_no_matched_terms(
    retriever: HybridRetriever,
) -> None:
    on_topic = retriever.retrieve("zorbatinib rash", k=3)
    off_topic = retriever.retrieve("price of bananas in Peru", k=3)
    assert on_topic.best_similarity > 0.6 > 0.2 > off_topic.best_similarity
    assert (on_topic.term_coverage, off_topic.term_coverage) == (1.0, 0.0)
    assert off_topic.matched_terms == [] and "banana" in off_topic.query_terms


@pytest.mark.integration
def test_passage_from_picks_the_best_passage_of_one_source(retriever: HybridRetriever) -> None:
    found = retriever.passage_from("zorbatinib-label", "reduced dose")
    assert found is not None
    assert (found.source.id, found.chunk.section) == ("zorbatinib-label", "Dose reductions")
    assert retriever.passage_from("no-such-source", "reduced dose") is None


@pytest.mark.integration
def test_a_new_index_version_is_picked_up_without_a_restart(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "mini", tmp_path / "corpus")
    settings = make_settings(tmp_path / "corpus", tmp_path / "var")
    ingest(settings, progress=SilentProgress())
    lexicon = Lexicon.load(settings.corpus.rules_dir / "lexicon.yaml")
    search = HybridRetriever.from_settings(settings, lexicon)
    before = search.snapshot.manifest.version
    assert "quokka" not in search.snapshot.words

    label = tmp_path / "corpus" / "sources" / "zorbatinib-label.md"
    label.write_text(label.read_text().replace("with velmab.", "with velmab and a quokka."))
    ingest(settings, progress=SilentProgress())

    assert search.snapshot.manifest.version != before
    top = search.retrieve("quokka", k=1).evidence[0]
    assert "quokka" in top.chunk.text


@pytest.mark.integration
def test_a_name_marked_absent_votes_for_the_passages_that_share_it(real_cairn: Cairn) -> None:
    """The encoder cannot tell "chemo-free" from "chemo"; the passages that say
    "chemotherapy-free" get a vote of their own in the fusion."""
    found = real_cairn.retriever.retrieve("pt tired of chemo. any chemo-free HER2 option?", k=8)
    assert "egf104900" in {e.source.id for e in found.evidence}
