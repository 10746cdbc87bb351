"""The answer's layout: the same claim once with all its citations, the decision first."""

from __future__ import annotations

from dataclasses import replace

from assistant.compose.base import URGENT, GenerationRequest
from assistant.compose.claims import read_claims
from assistant.compose.compose import (
    Layout,
    Statement,
    compose_answer,
    covers,
    merge_same_claims,
    question_frame,
    statements_of,
)
from assistant.compose.decision import read_decision
from assistant.compose.extractive import ExtractiveGenerator
from assistant.retrieve.plan import Line
from assistant.understand.intent import Intent, Role
from guardrails.cues import NO_CUES
from guardrails.rules import RuleBook
from ingest.lexical import Tokenizer
from tests.assistant.reading import read
from tests.conftest import FIXTURES
from tests.evidence import make_evidence

RULES = RuleBook.load(FIXTURES / "mini" / "rules")
TOKENS = Tokenizer(RULES.lexicon)
LEAD = "For this patient"


def statement(
    text: str, n: int, heading: str = "Guideline recommendations", own: bool = False
) -> Statement:
    roles = frozenset({Role.RECOMMENDATION})
    terms, sources = frozenset(TOKENS(text)), frozenset({f"s{n}"})
    return Statement(text, (n,), heading, roles, terms, sources, read_claims(text, TOKENS), own)


REC = "The 2024 widget guideline recommends zorbatinib plus velmab as first-line treatment."


def test_the_same_recommendation_from_three_passages_is_one_sentence_with_three_citations() -> None:
    merged = merge_same_claims(
        [
            statement(REC, 1),
            statement("The widget guideline recommends zorbatinib plus velmab first-line.", 2),
            statement(
                "Zorbatinib plus velmab is recommended first-line by the widget guideline.", 3
            ),
        ]
    )
    assert [(s.text, s.numbers) for s in merged] == [(REC, (1, 2, 3))]
    assert merged[0].sources == {"s1", "s2", "s3"}


def test_a_statement_with_figures_of_its_own_is_another_claim() -> None:
    result = statement("In ZORBA-1, zorbatinib plus velmab gave a median PFS of 12.4 months.", 2)
    assert not covers(statement(REC, 1), result)
    assert len(merge_same_claims([statement(REC, 1), result])) == 2


def test_the_fuller_statement_stays_in_the_earlier_one_s_place() -> None:
    short = statement("Velmab has no dose reductions.", 1, "Dose reductions")
    full = statement("Velmab has no dose reductions, whatever the body weight.", 2)
    merged = merge_same_claims([short, full])
    assert [(s.text, s.numbers, s.heading) for s in merged] == [
        (full.text, (2, 1), "Dose reductions")
    ]


def test_cairn_s_own_lead_keeps_its_words_and_gains_the_citations() -> None:
    lead = statement(REC, 1, LEAD, own=True)
    quoted = statement("The widget guideline recommends zorbatinib plus velmab first-line.", 2)
    assert [(s.text, s.numbers) for s in merge_same_claims([lead, quoted])] == [(REC, (1, 2))]


def test_urgent_notices_are_never_merged() -> None:
    notice = statement(REC, 1, URGENT, own=True)
    assert len(merge_same_claims([notice, statement(REC, 2)])) == 2


def layout(question: str, intent: Intent, choice: bool = False) -> Layout:
    order = [LEAD, "Guideline recommendations", "Dose and schedule", "Cautions", "Evidence"]
    decided = read_decision(read(question, intent=intent))
    return Layout(order, decided, LEAD, choice)


def compose(
    statements: list[Statement], question: str, intent: Intent, choice: bool = False
) -> str:
    weights = {t: 1.0 for t in TOKENS(question)}
    return compose_answer(statements, layout(question, intent, choice), RULES.lexicon, weights)


def test_the_statement_of_the_role_asked_opens_the_answer() -> None:
    dose = statement("Zorbatinib is given at 150 mg orally twice daily.", 1, "Dose and schedule")
    dose = replace(dose, roles=frozenset({Role.DOSE}))
    hold = statement("Zorbatinib is held for grade 2 rash until grade 1.", 2, "Cautions")
    hold = replace(hold, roles=frozenset({Role.ACTION}))
    text = compose([dose, hold], "grade 2 rash on zorbatinib, hold or reduce?", Intent.DOSE)
    assert text.splitlines()[0] == "Zorbatinib is held for grade 2 rash until grade 1. [2]"
    assert "**Dose and schedule**\n- Zorbatinib is given at 150 mg" in text
    assert text.count("held for grade 2 rash") == 1


def test_a_yes_no_question_opens_with_the_answer_read_from_the_statement() -> None:
    hold = statement("Zorbatinib is held for grade 2 rash until grade 1.", 2, "Cautions")
    text = compose([statement(REC, 1), hold], "grade 2 rash on zorbatinib. Can I keep dosing?",
                   Intent.SAFETY)  # fmt: skip
    assert text.splitlines()[0] == "No: Zorbatinib is held for grade 2 rash until grade 1. [2]"


def test_no_statement_deciding_it_gives_no_yes_or_no() -> None:
    rate = statement("Zorbatinib rash occurred in 12% of patients in ZORBA-1.", 1, "Evidence")
    text = compose([rate], "Can I keep dosing zorbatinib?", Intent.SAFETY)
    assert not text.startswith(("Yes", "No", "The sources differ"))


def test_two_sources_that_disagree_open_with_both() -> None:
    new = statement("Zorbatinib is recommended for lung nodules.", 1)
    old = statement("Zorbatinib is not recommended for lung nodules.", 2)
    text = compose([new, old], "Is zorbatinib recommended for lung nodules?", Intent.TREATMENT)
    assert text.splitlines()[0] == (
        "The sources differ: Zorbatinib is recommended for lung nodules [1]; "
        "Zorbatinib is not recommended for lung nodules [2]."
    )


def test_a_choice_question_opens_with_the_pathway_lead() -> None:
    lead = statement("For first line, zorbatinib plus velmab is recommended.", 1, LEAD, own=True)
    note = statement("A second note for this patient about liver impairment.", 2, LEAD, own=True)
    other = statement("Velmab monotherapy is an alternative first line option.", 3, "Alternatives")
    text = compose([lead, note, other], "what first-line regimen?", Intent.TREATMENT, choice=True)
    assert text.splitlines()[0] == "For first line, zorbatinib plus velmab is recommended. [1]"
    assert f"**{LEAD}**\n- A second note" in text


def test_a_yes_for_a_regimen_the_pathway_does_not_choose_is_not_given() -> None:
    lead = statement("For first line, velmab is recommended.", 1, LEAD, own=True)
    old = statement("Zorbatinib was recommended first line in 2019.", 2)
    text = compose([lead, old], "Is zorbatinib still recommended first line?", Intent.TREATMENT,
                   choice=True)  # fmt: skip
    assert text.splitlines()[0] == "For first line, velmab is recommended. [1]"


def test_urgent_notices_stay_above_the_answer() -> None:
    urgent = statement("Fever on zorbatinib needs same-day assessment.", 1, URGENT, own=True)
    dose = statement("Zorbatinib is given at 150 mg orally twice daily.", 2, "Dose and schedule")
    text = compose([urgent, dose], "zorbatinib dose?", Intent.DOSE)
    assert text.startswith(f"**{URGENT}**\n- Fever on zorbatinib")


def test_statements_of_a_request_carry_their_sources() -> None:
    evidence = [make_evidence("zorbatinib-label", "Zorbatinib is 150 mg twice daily.", n=1)]
    request = GenerationRequest(
        read("zorbatinib dose?", intent=Intent.DOSE),
        evidence,
        lead=[Line("Give zorbatinib.", (1,))],
    )
    made = statements_of(request, [("Dose", "Zorbatinib is 150 mg twice daily.", (1,))],
                         (TOKENS, NO_CUES), LEAD)  # fmt: skip
    assert [(s.heading, s.own, s.sources) for s in made] == [
        (LEAD, True, {"zorbatinib-label"}),
        ("Dose", False, {"zorbatinib-label"}),
    ]


def test_the_extractive_answer_opens_with_what_to_do_and_states_it_once() -> None:
    text = (
        "The zorbatinib dose is 150 mg orally twice daily. "
        "Zorbatinib is held for grade 2 rash until grade 1, then restarted."
    )
    request = GenerationRequest(
        read("grade 2 rash on zorbatinib. Do I hold it?", intent=Intent.SAFETY),
        [make_evidence("zorbatinib-label", text, n=1), make_evidence("zorba-copy", text, n=2)],
    )
    answer = ExtractiveGenerator(RULES).compose(request)
    assert answer.startswith("Yes: Zorbatinib is held for grade 2 rash")
    assert answer.count("held for grade 2 rash") == 1


def test_statements_with_other_actions_or_bounds_on_the_same_figures_are_not_merged() -> None:
    go = statement("Zorbatinib is continued when the count falls by under 10 points.", 1)
    stop = statement("Zorbatinib is stopped when the count falls by 10 or more points.", 2)
    assert not covers(go, stop) and not covers(stop, go)
    plain = statement("Velmab has no dose reductions.", 3)
    advice = statement("Velmab dose reductions are not recommended by its maker.", 4)
    assert len(merge_same_claims([plain, advice])) == 2


# The same event worded three ways: Cairn's own note, a quote that adds the guideline's status
# in a second clause, and the label's fuller sentence with a definition in parentheses.
NOTE = (
    "ZV was approved by the regulator for first-line use on 3 March 2026 on the basis of "
    "ZORBA-1; no widget guideline has adopted it yet."
)
BOTH = (
    "The regulator approved ZV for first-line nodular lung disease on 3 March 2026; the 2019 "
    "widget guideline, which predates ZORBA-1, recommends velmab alone first-line."
)
LABEL = (
    "On 3 March 2026 the regulator approved zorbatinib with velmab for first-line unresectable "
    "nodular lung disease (grade 2 or higher)."
)
GUIDE = (
    "The 2019 widget guideline predates ZORBA-1 and recommends velmab alone as first-line "
    "treatment, whatever the grade."
)

# The question "first-line for lung nodules?": its words and the words of the term it names.
FRAME = question_frame({t: 1.0 for t in TOKENS("first-line for lung nodules?")}, RULES.lexicon)


def test_a_claim_said_in_other_words_by_several_passages_is_stated_once() -> None:
    quotes = [statement(BOTH, 2), statement(LABEL, 3), statement(GUIDE, 4)]
    merged = merge_same_claims([statement(NOTE, 1, LEAD, own=True), *quotes], FRAME)
    assert [(s.text, s.numbers) for s in merged] == [(NOTE, (1, 2, 3)), (GUIDE, (4, 2))]


def test_a_statement_whose_clauses_other_statements_say_goes_with_its_citations() -> None:
    merged = merge_same_claims([statement(BOTH, 1), statement(LABEL, 2), statement(GUIDE, 3)])
    assert [(s.text, s.numbers) for s in merged] == [(LABEL, (2, 1)), (GUIDE, (3, 1))]


def test_a_regimen_named_by_its_abbreviation_or_its_drugs_is_one_claim() -> None:
    short = statement("ZV is recommended first-line by the widget guideline.", 1)
    spelled = statement("The widget guideline recommends zorbatinib plus velmab first-line.", 2)
    assert [s.numbers for s in merge_same_claims([short, spelled])] == [(2, 1)]


def test_a_quote_with_a_figure_or_a_term_the_question_lacks_stays_beside_the_lead() -> None:
    note = statement("Velmab is recommended first-line on 3 March 2026.", 1, LEAD, own=True)
    term = statement("Velmab is recommended first-line for liver impairment on 3 March 2026.", 2)
    dose = statement("Velmab 10 mg/kg is recommended first-line on 3 March 2026.", 3)
    aside = statement("Velmab is recommended first-line on 3 March 2026 (10 mg/kg).", 4)
    assert len(merge_same_claims([note, term, dose], FRAME)) == 3
    assert [s.numbers for s in merge_same_claims([note, aside], FRAME)] == [(1, 4)]


def test_statements_with_other_figures_or_other_drugs_are_never_merged() -> None:
    trials = [
        "In ZORBA-1, median PFS with ZV was 12.4 months in the whole population.",
        "In ZORBA-1, median PFS with ZV was 8.1 months in the whole population.",
        "In ZORBA-1, median PFS with ZV was 12.4 months in the whole population (HR 0.61).",
    ]
    assert len(merge_same_claims([statement(t, n) for n, t in enumerate(trials[:2])])) == 2
    # a figure in parentheses counts too: the statement with it says more
    fuller = merge_same_claims([statement(trials[0], 1), statement(trials[2], 2)])
    assert [(s.text, s.numbers) for s in fuller] == [(trials[2], (2, 1))]
    dates = [
        "The regulator approved ZV on 3 March 2026.",
        "The regulator approved ZV on 3 March 2025.",
    ]
    assert len(merge_same_claims([statement(t, n) for n, t in enumerate(dates)])) == 2
    drugs = [
        "The regulator approved ZV on 3 March 2026.",
        "The regulator approved zorbatinib on 3 March 2026.",
    ]
    assert len(merge_same_claims([statement(t, n) for n, t in enumerate(drugs)])) == 2


def test_a_result_of_one_arm_is_said_by_the_comparison_that_states_it() -> None:
    both = statement("In ZORBA-1, rash occurred in 12.4% with zorbatinib vs 3.1% with velmab.", 1)
    one = statement("In ZORBA-1, rash occurred in 12.4% of patients given zorbatinib.", 2)
    assert [(s.text, s.numbers) for s in merge_same_claims([both, one])] == [(both.text, (1, 2))]


def test_the_same_recommendation_from_two_guideline_bodies_is_two_claims() -> None:
    one = statement("The WSG guideline names ZV as the preferred first-line regimen.", 1)
    other = statement("The NWG guideline names zorbatinib plus velmab as preferred first-line.", 2)
    assert len(merge_same_claims([one, other])) == 2
