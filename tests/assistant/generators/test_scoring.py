"""The extractive generator's sentence scores: the drug the user named, the partners a dose
question names, and the passage's rank."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from assistant.generators.base import GenerationRequest
from assistant.generators.scoring import SentenceScorer
from assistant.intent import Intent
from assistant.records import Evidence
from guardrails.records import PatientContext
from guardrails.rules import RuleBook
from ingest.records import Chunk, Source, SourceKind
from tests.conftest import FIXTURES

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


def passage(text: str, n: int = 1) -> Evidence:
    source = Source(
        id=f"source-{n}",
        title="Zorbatinib label",
        kind=SourceKind.LABEL,
        citation="c",
        year=2024,
        last_reviewed=dt.date(2025, 1, 1),
    )
    chunk = Chunk(
        id=f"source-{n}:dosing:0:aa",
        source_id=source.id,
        section="Dosing",
        text=text,
        start=0,
        end=len(text),
        title=source.title,
        kind=source.kind,
        status=source.status,
        year=source.year,
    )
    return Evidence(chunk=chunk, source=source, score=0.5, n=n)


def scores(
    scorer: SentenceScorer, question: str, text: str, intent: Intent, asked: str = ""
) -> dict[str, float]:
    request = GenerationRequest(question, PatientContext(), [passage(text)], intent=intent)
    ranked = scorer.candidates(request, request.evidence, question, intent, asked)
    return {c.text.split(" is ")[0]: c.score for c in ranked}


def test_a_dose_question_prefers_the_dose_with_the_partner_it_names(
    scorer: SentenceScorer,
) -> None:
    text = (
        "Zorbatinib alone is given at 150 mg orally twice daily. "
        "Zorbatinib with quenib is given at 150 mg orally twice daily."
    )
    found = scores(scorer, "zorbatinib + velmab doses?", text, Intent.DOSE)
    assert found["Zorbatinib alone"] > found["Zorbatinib with quenib"]


def test_a_supportive_drug_in_no_regimen_is_not_a_partner_the_question_left_out(
    scorer: SentenceScorer,
) -> None:
    text = (
        "Zorbatinib with calmex is given from the first dose onwards. "
        "Zorbatinib with quenib is given from the first dose onwards."
    )
    found = scores(scorer, "zorbatinib dose and nausea prophylaxis?", text, Intent.DOSE)
    assert found["Zorbatinib with calmex"] > found["Zorbatinib with quenib"]


def test_the_ingredients_of_a_named_combination_product_are_its_partners(
    scorer: SentenceScorer,
) -> None:
    text = (
        "Zorvel with zorbatinib and velmab inside is given as one tablet daily. "
        "Zorvel with quenib is given as one tablet daily."
    )
    found = scores(scorer, "Zorvel dose?", text, Intent.DOSE)
    assert found["Zorvel with zorbatinib and velmab inside"] > found["Zorvel with quenib"]


def test_the_drug_the_user_named_outweighs_the_drugs_a_follow_up_carries(
    scorer: SentenceScorer,
) -> None:
    question = "and can I add quenib? (zorbatinib + velmab)"
    text = (
        "Quenib added to maintenance therapy lengthened progression-free survival. "
        "Zorbatinib plus velmab is the standard maintenance therapy."
    )
    found = scores(scorer, question, text, Intent.TREATMENT, asked="and can I add quenib?")
    assert (
        found["Quenib added to maintenance therapy lengthened progression-free survival."]
        > (found["Zorbatinib plus velmab"])
    )
