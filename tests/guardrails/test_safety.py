from guardrails.records import Severity
from guardrails.rules import RuleBook
from guardrails.safety import check_urgent, emergencies

RESPIRATORY = "On T-DXd, new cough and shortness of breath since yesterday. Continue?"


def ids(rules: RuleBook, question: str) -> list[str]:
    return [rule.id for rule in emergencies(question, rules.pathway)]


def test_breathlessness_on_tdxd_is_an_emergency(rules: RuleBook) -> None:
    assert ids(rules, RESPIRATORY) == ["tdxd-respiratory"]


def test_chest_pain_is_an_emergency(rules: RuleBook) -> None:
    assert ids(rules, "She has chest pain after the second cycle") == ["cardiac-symptoms"]


def test_a_seizure_is_an_emergency(rules: RuleBook) -> None:
    assert ids(rules, "She had a seizure this morning") == ["neurological"]


def test_fever_after_docetaxel_is_an_emergency(rules: RuleBook) -> None:
    assert ids(rules, "fever of 38.5 two days after docetaxel") == ["febrile-neutropenia"]


def test_severe_diarrhoea_on_a_tki_is_an_emergency(rules: RuleBook) -> None:
    assert ids(rules, "severe diarrhoea on neratinib") == ["severe-diarrhoea"]


def test_negated_signs_are_not_emergencies(rules: RuleBook) -> None:
    assert ids(rules, "No chest pain, no dyspnea. What is the T-DXd dose?") == []
    assert ids(rules, "She denies chest pain or palpitations") == []


def test_a_sign_after_but_is_not_negated(rules: RuleBook) -> None:
    assert ids(rules, "no cough or fever but chest pain") == ["cardiac-symptoms"]


def test_an_answer_without_urgency_warns(rules: RuleBook) -> None:
    [finding] = check_urgent(RESPIRATORY, "Continue T-DXd at 5.4 mg/kg.", rules.pathway)
    assert (finding.rule_id, finding.severity) == ("safety.urgent.tdxd-respiratory", Severity.WARN)
    assert finding.source_ids == ("label-trastuzumab-deruxtecan", "topic-ild-tdxd")


def test_an_answer_asking_for_same_day_assessment_is_clean(rules: RuleBook) -> None:
    answer = "Hold T-DXd; she needs same-day assessment for possible ILD."
    assert check_urgent(RESPIRATORY, answer, rules.pathway) == []


def test_a_question_without_emergency_needs_no_urgency(rules: RuleBook) -> None:
    assert check_urgent("No chest pain.", "Continue T-DXd.", rules.pathway) == []
