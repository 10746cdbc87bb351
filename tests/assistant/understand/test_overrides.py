"""Therapy names a user sets must be names Cairn knows."""

from __future__ import annotations

import pytest

from assistant.understand.overrides import check_therapies
from guardrails.errors import CairnError
from guardrails.lexicon import Lexicon
from tests.conftest import FIXTURES

LEXICON = Lexicon.load(FIXTURES / "mini" / "rules" / "lexicon.yaml")


def test_known_drug_and_regimen_names_pass() -> None:
    check_therapies({"prior_therapies": "Zorbix, ZV", "progressed_on": "velmab"}, LEXICON)
    check_therapies({"prior_therapies": "unknown", "lvef": "45"}, LEXICON)


@pytest.mark.parametrize(
    ("key", "value", "name"),
    [
        ("prior_therapies", "unobtainium", "unobtainium"),
        ("progressed_on", "ZV, lung nodules", "lung nodules"),
    ],
)
def test_an_unknown_therapy_name_is_an_error_naming_the_fix(
    key: str, value: str, name: str
) -> None:
    with pytest.raises(CairnError) as caught:
        check_therapies({key: value}, LEXICON)
    assert caught.value.message == f"'{name}' in {key} is not a drug or regimen Cairn knows."
    assert "lexicon.yaml" in caught.value.fix
