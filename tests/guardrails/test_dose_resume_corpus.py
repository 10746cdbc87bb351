"""The real labels' restart levels (corpus/rules/doses.yaml, label-lapatinib): lapatinib with
capecitabine is restarted at 1,000 mg once daily, not the starting 1,250 mg, after a decreased
LVEF has recovered or after grade 3 diarrhoea has resolved to grade 1 or less; and a T-DXd
row for ILD is not applied to a question about neutropenia. The engine's tests:
test_dose_resume.py."""

import pytest

from guardrails.dose_modifications import check_modifications
from tests.guardrails.dose_checks import CORPUS_RULES, rule_ids

LVEF = (
    "Lapatinib with capecitabine was stopped for a decreased LVEF. Two weeks later the LVEF "
    "is back to normal and she has no symptoms. Restart?"
)
DIARRHOEA = "Lapatinib with capecitabine was held for grade 3 diarrhoea; it is now grade 1."


def ids(question: str, answer: str) -> list[str]:
    return rule_ids(check_modifications, CORPUS_RULES, question, answer)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (LVEF, "Restart lapatinib at the same dose, 1,250 mg once daily with capecitabine."),
        (LVEF, "Yes, lapatinib is restarted at 1,250 mg once daily."),
        (DIARRHOEA, "Restart lapatinib at the same dose, 1,250 mg once daily."),
        (DIARRHOEA, "Resume lapatinib at the full dose with capecitabine."),
    ],
)
def test_a_restart_at_the_starting_dose_is_blocked(question: str, answer: str) -> None:
    assert ids(question, answer) == ["doses.modification"]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (LVEF, "Restart lapatinib at a reduced dose of 1,000 mg once daily with capecitabine."),
        (DIARRHOEA, "Restart lapatinib one dose level lower, at 1,000 mg once daily."),
        (DIARRHOEA, "Lapatinib is not restarted at the same dose."),
        (  # ILD rows are not applied when only 'disease progression' shares a word
            "T-DXd after grade 3 neutropenia: what dose?",
            "Trastuzumab deruxtecan (T-DXd, Enhertu) 5.4 mg/kg intravenously every 3 weeks "
            "(21-day cycle) is continued until disease progression or unacceptable toxicity.",
        ),
        (  # the neutropenia row keeps the dose
            "T-DXd after grade 3 neutropenia: what dose?",
            "After grade 3 neutropenia has resolved to grade 2 or less, T-DXd is resumed at "
            "the same dose.",
        ),
    ],
)
def test_the_labels_restart_passes(question: str, answer: str) -> None:
    assert ids(question, answer) == []


def test_ild_named_in_the_sentence_is_still_judged() -> None:
    answer = "For grade 2 ILD/pneumonitis, T-DXd is held and resumed at 4.4 mg/kg."
    assert ids("T-DXd with grade 2 pneumonitis: what dose?", answer) == ["doses.modification"]
