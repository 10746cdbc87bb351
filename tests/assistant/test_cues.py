"""A corpus's own cue words (`rules/cues.yaml`): the words of its domain that mark a safety
question or a caution, beside the general cues in the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.understand.intent import Intent, Role, intents, roles
from guardrails.cues import NO_CUES, Cues
from guardrails.errors import RulesError
from guardrails.lexicon import Lexicon
from tests.conftest import FIXTURES, REAL_CORPUS

CUES = Cues.load(REAL_CORPUS / "rules" / "cues.yaml")


def test_the_domain_words_come_from_the_corpus() -> None:
    assert intents("Pneumonitis on this drug?", cues=CUES) == [Intent.SAFETY]
    assert intents("Pneumonitis on this drug?", cues=NO_CUES) == [Intent.GENERAL]
    assert Role.CAUTION in roles("Pneumonitis occurred.", CUES)
    assert roles("Pneumonitis occurred.") == {Role.OTHER}


def test_a_lexicon_brings_the_cues_of_its_corpus() -> None:
    real = Lexicon.load(REAL_CORPUS / "rules" / "lexicon.yaml")
    mini = Lexicon.load(FIXTURES / "mini" / "rules" / "lexicon.yaml")
    assert intents("ASCO vs ESMO?", real)[0] is Intent.DIFFERENCE
    assert intents("ASCO vs ESMO?", mini) == [Intent.GENERAL]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("intents:\n  mood: [happy]\n", "field 'intents.mood': must be one of 'difference',"),
        ("intents:\n  safety: ['(unclosed']\n", "not a valid regular expression"),
        ("intent:\n  safety: [x]\n", "unknown field 'intent'; did you mean 'intents'?"),
    ],
)
def test_a_bad_cue_file_is_named(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "cues.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as error:
        Cues.load(path)
    assert all(p.startswith(f"{path}:") for p in error.value.problems)
    assert any(named in p for p in error.value.problems), error.value.problems
