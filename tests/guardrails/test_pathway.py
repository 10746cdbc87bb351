import pytest

from guardrails.context import extract_context
from guardrails.pathway import holds
from guardrails.records import Fact, FactStatus, PatientContext
from guardrails.review import review
from guardrails.rules import RuleBook


def patient(rules: RuleBook, question: str, **overrides: str) -> PatientContext:
    return extract_context(question, [], rules.lexicon, overrides or None)


def situation(rules: RuleBook, question: str) -> str | None:
    found = rules.pathway.situation_for(patient(rules, question))
    return found.id if found else None


def test_an_early_relapse_counts_as_second_line(rules: RuleBook) -> None:
    context = patient(rules, "HER2+ MBC relapsed 4 months after adjuvant trastuzumab")
    assert rules.pathway.line_of(context) == 2


def test_a_late_relapse_counts_as_first_line(rules: RuleBook) -> None:
    context = patient(rules, "HER2+ MBC relapsed 18 months after adjuvant trastuzumab")
    assert rules.pathway.line_of(context) == 1


def test_the_stated_line_is_used(rules: RuleBook) -> None:
    assert rules.pathway.line_of(patient(rules, "HER2+ MBC, third-line options?")) == 3


def test_prior_first_line_therapy_implies_second_line(rules: RuleBook) -> None:
    assert rules.pathway.line_of(patient(rules, "HER2+ MBC, progressed on THP")) == 2


def test_prior_adc_implies_a_later_line(rules: RuleBook) -> None:
    assert rules.pathway.line_of(patient(rules, "HER2+ MBC, progressed on THP and T-DXd")) == 3


def test_de_novo_disease_is_first_line(rules: RuleBook) -> None:
    assert rules.pathway.line_of(patient(rules, "de novo HER2+ MBC")) == 1


def test_without_any_cue_the_line_is_unknown(rules: RuleBook) -> None:
    assert rules.pathway.line_of(patient(rules, "HER2+ MBC")) is None


def test_early_relapse_situation(rules: RuleBook) -> None:
    question = "HER2+ MBC relapsed 4 months after adjuvant trastuzumab"
    assert situation(rules, question) == "early-relapse"


def test_early_relapse_with_ild_history(rules: RuleBook) -> None:
    question = "HER2+ MBC relapsed 4 months after adjuvant trastuzumab, history of ILD"
    assert situation(rules, question) == "early-relapse-ild"


def test_second_line_with_a_history_of_ild(rules: RuleBook) -> None:
    assert situation(rules, "HER2+ MBC progressed on THP, history of ILD") == "second-line-ild"


def test_second_line_when_ild_is_denied(rules: RuleBook) -> None:
    assert situation(rules, "HER2+ MBC progressed on THP, denies ILD") == "second-line"


def test_uncertain_ild_does_not_select_the_ild_situation(rules: RuleBook) -> None:
    assert situation(rules, "HER2+ MBC progressed on THP, possible pneumonitis") == "second-line"


def test_active_brain_mets_second_line(rules: RuleBook) -> None:
    question = "HER2+ MBC, active brain mets, progressed on first-line THP, what second-line?"
    assert situation(rules, question) == "second-line-brain-active"


def test_stable_brain_mets_follow_the_usual_second_line(rules: RuleBook) -> None:
    assert situation(rules, "HER2+ MBC, stable brain mets after SRS, second-line?") == "second-line"


def test_first_line_hr_positive(rules: RuleBook) -> None:
    assert situation(rules, "de novo HER2+ ER+ MBC") == "first-line-hr-positive"


def test_contraindications_for_ild_and_low_lvef(rules: RuleBook) -> None:
    context = patient(rules, "HER2+ MBC, third-line, LVEF 35%, history of ILD")
    found = rules.pathway.contraindications_for(context)
    assert [c.id for c in found] == ["tdxd-ild", "her2-therapy-lvef-under-40"]
    assert {c.id: c.severity for c in found}["tdxd-ild"] == "warn"  # a caution, not a block


def test_ild_of_grade_2_or_more_blocks_tdxd_without_repeating_the_caution(
    rules: RuleBook,
) -> None:
    context = patient(rules, "grade 2 pneumonitis on Enhertu, improving on prednisolone")
    assert context.fact("ild_history").is_true  # the caution's condition holds too
    found = {c.id: c.severity for c in rules.pathway.contraindications_for(context)}
    assert found == {"tdxd-ild-grade2": "block"}


def test_resolved_grade_1_ild_is_a_caution_only(rules: RuleBook) -> None:
    context = patient(rules, "She had grade 1 ILD on T-DXd that resolved within 3 weeks")
    found = {c.id: c.severity for c in rules.pathway.contraindications_for(context)}
    assert found == {"tdxd-ild": "warn"}


def test_a_low_lvef_before_thp_is_flagged(rules: RuleBook) -> None:
    context = patient(rules, "de novo HER2+ MBC, LVEF 38%, first line")
    assert "her2-therapy-lvef-under-40" in [
        c.id for c in rules.pathway.contraindications_for(context)
    ]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "on Kadcyla, LVEF 44% (56% at baseline)",
            {"her2-therapy-lvef-40-45-fall-10"},
        ),
        ("on Kadcyla, LVEF 43%, baseline was 50%", set()),
        (
            "HP maintenance, LVEF fell from 62% to 45%",
            {"her2-therapy-lvef-40-45-fall-10", "trastuzumab-lvef-fall-16"},
        ),
        ("on trastuzumab, LVEF fell from 66% to 52%", set()),  # the normal limit is not known
        (
            "on T-DXd, LVEF fell from 70% to 48%",
            {"tdxd-lvef-fall-over-20", "trastuzumab-lvef-fall-16"},
        ),
        ("on trastuzumab, LVEF 45%", set()),  # no baseline: a fall cannot be known
    ],
)
def test_lvef_falls_from_baseline(rules: RuleBook, question: str, expected: set[str]) -> None:
    found = {c.id for c in rules.pathway.contraindications_for(patient(rules, question))}
    assert {f for f in found if "lvef" in f} == expected


def test_new_brain_mets_with_controlled_body_disease_keep_the_current_therapy(
    rules: RuleBook,
) -> None:
    question = "On first-line THP, new brain metastases; extracranial disease stable. Next step?"
    assert situation(rules, question) == "brain-mets-systemic-control"
    progressing = "On first-line THP, new brain metastases and extracranial progression."
    assert situation(rules, progressing) == "second-line-brain-active"


def test_no_contraindication_when_the_condition_is_negated(rules: RuleBook) -> None:
    context = patient(rules, "HER2+ MBC, second-line, no ILD, not pregnant")
    assert [c.id for c in rules.pathway.contraindications_for(context)] == [
        "label-third-line-or-later"  # a line condition, not a negated fact
    ]


def test_recommend_removes_contraindicated_drugs(rules: RuleBook) -> None:
    context = patient(rules, "HER2+ MBC, second-line", lvef="35")
    recommendation = rules.pathway.recommend(context)
    assert recommendation is not None
    assert recommendation.rule_id == "pathway.second-line"
    assert recommendation.preferred == ()
    assert "trastuzumab-emtansine" not in recommendation.acceptable
    assert recommendation.avoid[:5] == (
        "neratinib-capecitabine",
        "margetuximab-chemotherapy",
        "margetuximab",
        "trastuzumab-deruxtecan",
        "trastuzumab-emtansine",
    )
    assert "thp" in recommendation.avoid  # an LVEF under 40% holds pertuzumab too


def test_recommend_second_line_prefers_tdxd(rules: RuleBook) -> None:
    recommendation = rules.pathway.recommend(patient(rules, "HER2+ MBC, progressed on THP"))
    assert recommendation is not None
    assert recommendation.preferred == ("trastuzumab-deruxtecan",)
    # labelled for the third line or later
    assert recommendation.avoid == (
        "neratinib-capecitabine",
        "margetuximab-chemotherapy",
        "margetuximab",
    )


def test_second_line_after_tdxd_does_not_prefer_it_again(rules: RuleBook) -> None:
    recommendation = rules.pathway.recommend(
        patient(rules, "HER2+ MBC, progressed on first-line T-DXd plus pertuzumab")
    )
    assert recommendation is not None
    assert recommendation.rule_id == "pathway.second-line-after-tdxd"
    assert "trastuzumab-deruxtecan" not in recommendation.preferred


def test_relapse_between_6_and_12_months_shows_where_the_sources_differ(rules: RuleBook) -> None:
    faulted = "Treat her as first line with trastuzumab, pertuzumab and docetaxel."
    shown = (
        "The sources differ at 9 months: ASCO follows the second-line recommendation, while the "
        "T-DXd label covers only relapse within 6 months, so first-line trastuzumab, pertuzumab "
        "and docetaxel is also reasonable."
    )
    context = patient(rules, "Relapsed 9 months after adjuvant trastuzumab")
    findings = review(faulted, "What now?", context, [], rules, grounded=False).findings
    assert [f.rule_id for f in findings] == ["pathway.guidelines-differ"]
    assert not review(shown, "What now?", context, [], rules, grounded=False).findings
    early = patient(rules, "Relapsed 4 months after adjuvant trastuzumab")
    early_findings = review(faulted, "What now?", early, [], rules, grounded=False).findings
    assert [f.rule_id for f in early_findings] == ["pathway.early-relapse"]


def test_recommend_nothing_without_a_situation(rules: RuleBook) -> None:
    assert rules.pathway.recommend(patient(rules, "HER2+ MBC")) is None


def test_an_early_relapse_that_progressed_on_tdxd_does_not_prefer_tdxd(rules: RuleBook) -> None:
    context = patient(
        rules,
        "HER2+ MBC relapsed 5 months after adjuvant trastuzumab. She progressed on T-DXd.",
    )
    assert rules.pathway.line_of(context) == 3
    recommendation = rules.pathway.recommend(context)
    assert recommendation is not None
    assert "trastuzumab-deruxtecan" not in recommendation.preferred


def test_a_line_the_user_sets_wins_over_the_relapse_interval(rules: RuleBook) -> None:
    question = "relapsed 4 months after adjuvant trastuzumab"
    assert rules.pathway.line_of(patient(rules, question)) == 2  # early relapse: second line
    assert rules.pathway.line_of(patient(rules, question, line="3")) == 3


def test_advice_conditional_on_not_given_is_not_a_repeat_but_keeps_contraindications(
    rules: RuleBook,
) -> None:
    text = "Trastuzumab deruxtecan is recommended second line only if it has not been given."
    progressed = patient(rules, "Progressed on first-line trastuzumab deruxtecan plus pertuzumab")
    repeat = review(text, "Next?", progressed, [], rules, grounded=False)
    assert "pathway.already-progressed" not in [f.rule_id for f in repeat.findings]
    ild = patient(rules, "Progressed on THP; history of ILD")
    contraindicated = review(text, "Next?", ild, [], rules, grounded=False)
    assert "pathway.contraindicated.tdxd-ild" in [f.rule_id for f in contraindicated.findings]


def test_a_fall_needs_the_earlier_value_stated() -> None:
    fall = {"max": 45, "fall": {"from": "lvef_baseline", "min": 10}}
    now: Fact[float] = Fact(value=42.0, status=FactStatus.STATED)
    before: Fact[float] = Fact(value=55.0, status=FactStatus.STATED)
    assert holds(now, fall, PatientContext(lvef=now, lvef_baseline=before))
    assert not holds(now, fall, PatientContext(lvef=now))  # earlier value unknown
    small: Fact[float] = Fact(value=48.0, status=FactStatus.STATED)
    assert not holds(now, fall, PatientContext(lvef=now, lvef_baseline=small))
