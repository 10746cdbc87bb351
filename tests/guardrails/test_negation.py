from guardrails.negation import scope_before, status_of
from guardrails.records import FactStatus


def status(text: str, mention: str) -> FactStatus:
    start = text.index(mention)
    return status_of(text, start, start + len(mention))


def test_a_plain_mention_is_stated() -> None:
    assert status("History of ILD after T-DM1", "ILD") is FactStatus.STATED


def test_no_before_a_mention_negates_it() -> None:
    assert status("no brain mets", "brain mets") is FactStatus.NEGATED


def test_denies_negates() -> None:
    assert status("She denies ILD", "ILD") is FactStatus.NEGATED


def test_possible_makes_a_mention_uncertain() -> None:
    assert status("possible pneumonitis", "pneumonitis") is FactStatus.UNCERTAIN


def test_ruled_out_after_the_mention_negates_it() -> None:
    assert status("ILD was ruled out", "ILD") is FactStatus.NEGATED


def test_suspected_after_the_mention_makes_it_uncertain() -> None:
    assert status("brain mets suspected on MRI", "brain mets") is FactStatus.UNCERTAIN


def test_negation_reaches_every_item_of_a_list() -> None:
    text = "no history of ILD, heart failure or brain metastases"
    assert status(text, "heart failure") is FactStatus.NEGATED
    assert status(text, "brain metastases") is FactStatus.NEGATED


def test_a_comma_that_does_not_continue_a_list_ends_the_scope() -> None:
    assert status("No brain mets, ILD history", "ILD") is FactStatus.STATED


def test_but_ends_the_scope() -> None:
    assert status("No fever but new cough", "cough") is FactStatus.STATED


def test_a_sentence_end_ends_the_scope() -> None:
    assert status("No brain mets. ILD on CT.", "ILD") is FactStatus.STATED


def test_the_later_trigger_wins_between_negation_and_uncertainty() -> None:
    assert status("not excluded, possible ILD", "ILD") is FactStatus.UNCERTAIN


def test_scope_before_keeps_the_whole_list_back_to_the_trigger() -> None:
    text = "no history of ILD, heart failure or brain metastases"
    start = text.index("brain")
    assert scope_before(text, start, start + len("brain metastases")) == (
        "no history of ILD, heart failure or "
    )


def test_scope_before_stops_at_a_comma_outside_a_list() -> None:
    text = "No brain mets, ILD history"
    start = text.index("ILD")
    assert scope_before(text, start, start + 3) == " "
