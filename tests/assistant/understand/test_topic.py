"""Which of a question's topic words the corpus covers (fictional corpus: the mini lexicon and
measures, passages written here)."""

from __future__ import annotations

import pytest

from assistant.understand.topic import read_topic, topic_notice
from assistant.understand.topic_index import TopicIndex, stem
from guardrails.answer import parse_answer
from guardrails.lexicon import Lexicon
from guardrails.measures import Measures
from ingest.embedding import encoder_words, everyday_words
from tests.conftest import FIXTURES

LEXICON = Lexicon.load(FIXTURES / "mini" / "rules" / "lexicon.yaml")
MEASURES = Measures.load(FIXTURES / "mini" / "rules" / "measures.yaml")
PASSAGES = [
    "Zorbatinib is given at 150 mg orally twice daily with velmab.",
    "The zorbatinib dose is reduced to 100 mg twice daily for grade 3 diarrhea.",
    "Velmab infusions are diluted in saline and given over 90 minutes.",
    "Zorbatinib tablets are swallowed whole.",
    "Hold zorbatinib when the widget count is below 50,000/mm3.",
]
INDEX = TopicIndex.from_texts(PASSAGES, everyday=frozenset({"today", "good", "long"}))


def read(question: str, subjects_from: str = "") -> tuple[tuple[str, ...], float]:
    reading = read_topic(question, LEXICON, MEASURES, INDEX, subjects_from)
    return reading.uncovered, reading.share


def test_words_no_passage_uses_are_the_uncovered_topic() -> None:
    uncovered, share = read("Zorbix reconstituted vial: how long in the fridge?")
    assert uncovered == ("reconstituted", "vial", "fridge")
    assert share == 1.0


def test_a_covered_topic_has_no_uncovered_words() -> None:
    assert read("zorbatinib dose reduction for diarrhea?") == ((), 0.0)


def test_a_word_of_the_same_stem_covers_it() -> None:
    assert read("can velmab be dilute in saline?")[0] == ()  # 'diluted'
    assert stem("reconstituted") == stem("reconstitution")


def test_a_base_form_is_covered_by_its_longer_forms_whose_stem_it_is() -> None:
    passages = ["Do not breastfeed on velmab.", "Breastfeeding is not advised on zorbatinib."]
    index = TopicIndex.from_texts(passages, everyday=frozenset(), lexicon=LEXICON)
    assert stem("breastfeed") != stem("breastfeeding")  # '-ed' is cut from the base form
    reading = read_topic("can she breastfeed after zorbatinib?", LEXICON, MEASURES, index)
    assert reading.uncovered == ()


def test_an_abbreviation_or_a_typo_of_a_corpus_word_is_covered() -> None:
    assert read("zorbatinib tabs crushed?")[0] == ("crushed",)  # 'tabs': tablets
    assert read("zorbatinib diarhea?")[0] == ()


@pytest.mark.parametrize(
    "question",
    [
        "Zorbix widgets 0.8 x10^9/L today, hold?",
        "zorbatinib widget count 40k/mm3, hold?",
        "ZRB-9 widgets 45,000 /mm3 on C3D1 - hold?",
    ],
)
def test_measures_units_cycle_codes_and_names_are_never_topic_words(question: str) -> None:
    reading = read_topic(question, LEXICON, MEASURES, INDEX)
    assert reading.uncovered == ()
    assert not {"widgets", "widget", "zorbatinib", "zorbix", "today"} & set(reading.words)


def test_everyday_words_no_passage_uses_say_nothing_about_the_topic() -> None:
    assert read("zorbatinib today, good to go?")[0] == ()


def test_one_uncovered_word_among_covered_ones_weighs_little() -> None:
    uncovered, share = read("zorbatinib twice daily tablets swallowed whole with velmab infusions")
    assert uncovered == ()
    uncovered, share = read("zorbatinib dose reduction for diarrhea in cirrhosis?")
    assert uncovered == ("cirrhosis",)
    assert 0.0 < share < 0.5


def test_a_lexicon_term_counts_as_covered_topic() -> None:
    uncovered, share = read("zorbatinib in nodular lung disease, any vaccines?")
    assert uncovered == ("vaccines",)
    assert share < 1.0


def test_subjects_are_the_drugs_named_else_those_of_the_standalone_question() -> None:
    assert read_topic("Zorbix pediatric?", LEXICON, MEASURES, INDEX).subjects == ("zorbatinib",)
    follow_up = read_topic("and in pediatrics?", LEXICON, MEASURES, INDEX, "velmab pediatrics")
    assert follow_up.subjects == ("velmab",)


def test_the_notice_names_the_topic_and_drug_and_states_no_fact_to_cite() -> None:
    notice = topic_notice(("fridge",), ("zorbatinib",))
    assert notice == "**The sources do not cover fridge for zorbatinib; closest material:**"
    assert parse_answer(notice) == []


@pytest.mark.skipif(not encoder_words(), reason="the encoder package is not installed")
def test_everyday_words_are_the_encoders_frequent_words() -> None:
    everyday = everyday_words(10_000)
    assert {"today", "good", "anything"} <= everyday <= encoder_words()
    assert not {"overdose", "fridge", "filter"} & everyday


def test_a_topic_only_another_drugs_passages_hold_is_not_covered_for_the_drug_asked() -> None:
    index = TopicIndex.from_texts(PASSAGES, everyday=frozenset(), lexicon=LEXICON)
    # 'diluted' and 'saline' are in velmab's passage only
    reading = read_topic("Is zorbatinib diluted in saline?", LEXICON, MEASURES, index)
    assert reading.uncovered == ("diluted", "saline")
    assert read_topic("Is velmab diluted in saline?", LEXICON, MEASURES, index).uncovered == ()
    # a question naming no drug: any passage covers the word
    assert read_topic("What is diluted in saline?", LEXICON, MEASURES, index).uncovered == ()


def test_a_concomitant_drug_named_as_a_member_of_an_interaction_class_is_no_topic_word() -> None:
    """A drug the passages name only by its class ('blue inhibitors') is a term of the lexicon:
    not an uncovered word, and not a subject of the answer as a treatment drug is."""
    lexicon = Lexicon.from_data(
        {
            "drugs": [
                {"id": "zorbatinib", "generic": "zorbatinib", "names": ["Zorbix"]},
                {"id": "velmab", "generic": "velmab"},
            ],
            "terms": [
                {"id": "blue-inhibitors", "generic": "blue inhibitors", "members": ["quellazole"]},
                {"id": "quellazole", "generic": "quellazole"},
            ],
        }
    )
    passages = ["Avoid blue inhibitors with zorbatinib.", "Velmab is given with food."]
    index = TopicIndex.from_texts(passages, lexicon=lexicon)
    reading = read_topic("Zorbix patient needs quellazole", lexicon, MEASURES, index)
    assert "quellazole" not in reading.uncovered
    assert reading.subjects == ("zorbatinib",)
    # Another drug's passages do not name the class: the concomitant drug is not covered for it.
    other = read_topic("velmab patient needs quellazole", lexicon, MEASURES, index)
    assert "quellazole" in other.uncovered


def test_a_short_abbreviation_with_two_capitals_is_a_topic_word() -> None:
    """'QTc' and 'INR' are topics however short; 'BID' and 'IV' are a schedule and a route."""
    uncovered, share = read("zorbatinib and QTc of 510, hold?")
    assert uncovered == ("qtc",)
    assert share > 0.5
    assert read("zorbatinib 150 mg BID, or IV velmab?")[0] == ()
    assert read("zorbatinib in an 81 yo?")[0] == ()  # lower case: not an abbreviation
    # an abbreviation the passages spell out is covered ('widget count is below': WCB)
    assert read("zorbatinib and the WCB?")[0] == ()


def test_a_measured_value_is_a_topic_the_drugs_passages_must_name() -> None:
    index = TopicIndex.from_texts(PASSAGES, everyday=frozenset(), lexicon=LEXICON)
    held = read_topic("widgets 40k on zorbatinib: hold?", LEXICON, MEASURES, index)
    assert held.uncovered == ()
    other = read_topic("widgets 40k on velmab: hold?", LEXICON, MEASURES, index)
    # only zorbatinib's passage names the widget count (or holds)
    assert other.uncovered == ("widgets", "hold")


def test_a_measured_value_needs_a_rule_for_it_in_the_drugs_passages() -> None:
    """'Widgets 40k on velmab': velmab's passage names the widget count but gives no threshold
    for it, so what to do at that value is not covered; without a value, the name is enough."""
    passages = [
        "Hold zorbatinib when the widget count is below 50,000/mm3.",
        "Velmab lowers the widget count in some patients.",
    ]
    index = TopicIndex.from_texts(passages, frozenset(), LEXICON, MEASURES)
    assert read_topic("widgets 40k on zorbatinib?", LEXICON, MEASURES, index).uncovered == ()
    assert read_topic("widgets 40k on velmab?", LEXICON, MEASURES, index).uncovered == ("widgets",)
    assert read_topic("widget count on velmab?", LEXICON, MEASURES, index).uncovered == ()
