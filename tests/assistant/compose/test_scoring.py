"""The extractive generator's sentence scores: the drug the user named, the partners a dose
question names, and the passage's rank."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.compose.base import GenerationRequest
from assistant.compose.scoring import SentenceScorer, _names_a_past_version
from assistant.understand.analysis import QuestionAnalysis
from assistant.understand.conversation import Turn
from assistant.understand.intent import Intent
from assistant.understand.reader import Reader
from assistant.understand.topic_index import TopicIndex
from guardrails.rules import RuleBook
from ingest.records import SourceStatus
from tests.assistant.reading import MINI_CORPUS
from tests.conftest import FIXTURES
from tests.evidence import make_evidence

# A partner drug, a regimen with it, a supportive drug in no regimen, and a combination product.
EXTRA_LEXICON = """
  - id: quenib
    generic: quenib
    class: kinase inhibitor
    names: [Quenix]
  - id: calmex
    generic: calmex
    class: antiemetic
  - id: zorvel
    generic: zorbatinib and velmab
    class: combination product
    names: [Zorvel]
"""
EXTRA_REGIMEN = """
  - id: zq
    generic: zorbatinib + quenib
    names: [ZQ]
    components: [zorbatinib, quenib]
"""


@pytest.fixture(scope="module")
def scorer(tmp_path_factory: pytest.TempPathFactory) -> SentenceScorer:
    folder = tmp_path_factory.mktemp("rules")
    shutil.copytree(FIXTURES / "mini" / "rules", folder, dirs_exist_ok=True)
    lexicon = (folder / "lexicon.yaml").read_text()
    lexicon = lexicon.replace("regimens:\n", EXTRA_LEXICON.lstrip("\n") + "regimens:\n", 1)
    lexicon = lexicon.replace("terms:\n", EXTRA_REGIMEN.lstrip("\n") + "terms:\n", 1)
    (folder / "lexicon.yaml").write_text(lexicon)
    return SentenceScorer(RuleBook.load(Path(folder)))


def analysis(
    scorer: SentenceScorer, question: str, intent: Intent, history: tuple[Turn, ...] = ()
) -> QuestionAnalysis:
    """The question read with the scorer's rules (the fictional lexicon and its additions)."""
    reader = Reader(scorer.rules, MINI_CORPUS, frozenset(), TopicIndex.from_texts([]))
    return replace(reader.analyze(question, history), intent=intent)


def scores(
    scorer: SentenceScorer,
    question: str,
    text: str,
    intent: Intent,
    history: tuple[Turn, ...] = (),
) -> dict[str, float]:
    request = GenerationRequest(
        analysis(scorer, question, intent, history), [make_evidence(text=text, n=1)]
    )
    ranked = scorer.candidates(request, request.evidence)
    return {c.text.split(" is ")[0]: c.score for c in ranked}


@pytest.mark.parametrize(
    ("question", "preferred", "other"),
    [
        # the partner the question names, not another regimen's
        ("zorbatinib + velmab doses?", "Zorbatinib alone", "Zorbatinib with quenib"),
        # a supportive drug in no regimen is not a partner the question left out
        (
            "zorbatinib dose and nausea prophylaxis?",
            "Zorbatinib with calmex",
            "Zorbatinib with quenib",
        ),
        # the ingredients of a named combination product are its partners
        ("Zorvel dose?", "Zorvel with zorbatinib and velmab inside", "Zorvel with quenib"),
    ],
)
def test_a_dose_question_prefers_doses_with_the_partners_it_names(
    scorer: SentenceScorer, question: str, preferred: str, other: str
) -> None:
    dose = "is given at 150 mg orally once daily."
    text = f"{preferred} {dose} {other} {dose}"
    found = scores(scorer, question, text, Intent.DOSE)
    assert found[preferred] > found[other]


def test_the_drug_the_user_named_outweighs_the_drugs_a_follow_up_carries(
    scorer: SentenceScorer,
) -> None:
    earlier = (Turn("user", "zorbatinib + velmab maintenance?"), Turn("assistant", "..."))
    text = (
        "Quenib added to maintenance therapy lengthened progression-free survival. "
        "Zorbatinib plus velmab is the standard maintenance therapy."
    )
    found = scores(scorer, "and can I add quenib?", text, Intent.TREATMENT, earlier)
    assert (
        found["Quenib added to maintenance therapy lengthened progression-free survival."]
        > (found["Zorbatinib plus velmab"])
    )


@pytest.mark.parametrize("given", ["controlled on zorbatinib", "progressing after zorbatinib"])
def test_the_therapy_a_patient_is_on_or_had_is_not_what_the_question_asks_about(
    scorer: SentenceScorer, given: str
) -> None:
    question = f"disease {given}: what is the next step for a single brain nodule?"
    text = (
        "A single brain nodule is removed by a surgeon as the next step. "
        "Zorbatinib is given at 150 mg orally twice daily."
    )
    found = scores(scorer, question, text, Intent.TREATMENT)
    assert found["A single brain nodule"] > found["Zorbatinib"]


def test_asking_for_the_data_behind_an_option_favours_its_results(scorer: SentenceScorer) -> None:
    text = (
        "Zorbatinib later-line use is a reasonable option after velmab. "
        "In ZORBA-1 later-line use, median PFS was 12.4 months with zorbatinib."
    )
    question = "is zorbatinib later-line use reasonable, and what's the data behind it?"
    found = scores(scorer, question, text, Intent.TREATMENT)
    result = "In ZORBA-1 later-line use, median PFS was 12.4 months with zorbatinib."
    assert found[result] > found["Zorbatinib later-line use"]


def test_an_offered_passage_ranks_between_the_retrieved_ones(scorer: SentenceScorer) -> None:
    """Passages offered beyond the main retrieval (a trial's results, a recommendation's
    support) are interleaved with the retrieved ones, as the source ranking interleaves them."""
    texts = ["Zorbatinib alpha dose is 150 mg.", "Zorbatinib beta dose is 150 mg."]
    retrieved = [make_evidence(f"s{n}", text, n=n) for n, text in enumerate(texts, start=1)]
    offered = make_evidence("s9", "Zorbatinib gamma dose is 150 mg.", n=9)
    request = GenerationRequest(
        analysis(scorer, "zorbatinib dose?", Intent.DOSE), retrieved, extra=[offered], support=(9,)
    )
    found = scorer.candidates(request, request.candidates)
    score = {c.text.split()[1]: c.score for c in found}
    assert score["alpha"] > score["gamma"] > score["beta"]


def test_a_population_the_question_names_may_be_implied_by_the_sentence(
    scorer: SentenceScorer,
) -> None:
    """For a question about a population ("ER+ ...: is X alone OK?"), a sentence that leaves
    the population implied counts for less, but far less only when it leaves out a drug."""
    text = (
        "The standard approach is watchful waiting with a scan every 3 months. "
        "Lung nodules are common findings."
    )
    question = "lung nodules: what is the standard approach, watchful waiting or a scan?"
    found = scores(scorer, question, text, Intent.TREATMENT)
    assert found["The standard approach"] > found["Lung nodules are common findings."]


@pytest.mark.parametrize(
    ("question", "past"),  # the years the question writes (`QuestionAnalysis.years`)
    [
        ("What did the 2019 guideline say?", True),
        ("2019 vs 2024 guideline?", True),
        ("What does the 2024 guideline say?", False),
        ("Which guideline applies?", False),
    ],
)
def test_a_year_up_to_a_superseded_source_asks_about_past_versions(
    question: str, past: bool
) -> None:
    old = make_evidence(
        "guideline-2019", year=2019, status=SourceStatus.SUPERSEDED, superseded_by="g-2024"
    )
    years = [int(y) for y in re.findall(r"\d{4}", question)]
    assert _names_a_past_version(years, [old, make_evidence(year=2024)]) is past
    assert not _names_a_past_version(years, [make_evidence(year=2024)])
