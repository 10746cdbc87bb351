"""Whether a question is written in the language of the corpus (corpus.yaml `language`).

    reading = read_language("¿Cuál es la dosis de T-DXd en cáncer de mama?", words, lexicon)
    reading.foreign  # ('cuál', 'dosis', 'cáncer'): more than reading.native (2: 'de' twice)
    reading.other_language  # True: Cairn answers with a notice, not from words it cannot read

A question in another language used to get another drug's doses with a pass verdict: the
encoder and the review read English. Each word of the question is weighed, after the names the
lexicon knows, acronyms, drug-like names, numbers and capitalized words inside a sentence (a
patient's or an author's name) are left out (they read the same in every language):

- native: a word the corpus uses;
- foreign: a word written with an accent or in another script (English writes neither), or a
  word neither the corpus nor the encoder knows (the encoder's 21,745 whole words are everyday
  English: 'today', 'breakfast' and 'ok' are not foreign although no source uses them);
- any other word (known to the encoder only) weighs nothing either way.

The question is in another language when at least two words are foreign and they outnumber the
native ones. Measured (tests/assistant/understand/test_language.py): none of the 302 golden
questions and
earlier turns, the adversarial questions and short English ones full of abbreviations ('ANC 0.8
x10^9/L, hold?') is read as another language; 56 of 60 questions written in French, Spanish,
German, Italian and Portuguese are. Missed: questions where words shared with English ('dose',
'cancer', 'de', 'in') are as many as the foreign ones, and questions of one or two words beside
a drug name ('¿Dosis de T-DXd?'), too short to tell.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.understand.limits import normalized
from assistant.understand.scope import ScopeDecision, technical_word
from guardrails.lexicon import Lexicon
from ingest.corpus_info import CorpusInfo
from ingest.embedding import encoder_words

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class LanguageReading:
    foreign: tuple[str, ...]  # the words read as another language's, as the question wrote them
    native: int  # how many words the corpus uses

    @property
    def other_language(self) -> bool:
        return len(self.foreign) >= 2 and len(self.foreign) > self.native


def read_language(question: str, corpus_words: frozenset[str], lexicon: Lexicon) -> LanguageReading:
    """Weigh the words of `question` (as typed, accents kept) against the corpus's words."""
    folded = unicodedata.normalize("NFKC", question)  # full-width letters are not an accent
    plain = normalized(folded)
    aligned = len(plain) == len(folded)
    names = [(m.start, m.end) for m in lexicon.find_all(plain)]
    known = {part for word in corpus_words for part in word.split("-")}
    encoder = encoder_words()
    foreign: list[str] = []
    native = 0
    for match in _WORD.finditer(plain):
        word, lower = match.group(), match.group().lower()
        if any(s < match.end() and match.start() < e for s, e in names):
            continue
        if word.isupper() or technical_word(word):
            continue  # an abbreviation or a drug-like name reads the same in any language
        if word[0].isupper() and not _starts_sentence(plain, match.start()):
            continue  # a name ('Kowalczyk')
        written = folded[match.start() : match.end()] if aligned else word
        if written != word or not lower.isascii():
            foreign.append(written.lower())
        elif lower in known or (lower.endswith("s") and lower[:-1] in known):
            native += 1
        elif lower not in encoder:
            foreign.append(lower)
    return LanguageReading(tuple(foreign), native)


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'(¿¡")
    return not before or before[-1] in ".?!:;\n"


def language_decision(reading: LanguageReading, info: CorpusInfo) -> ScopeDecision:
    """The notice a question in another language gets instead of an answer."""
    language = info.language_name
    words = ", ".join(f"'{w}'" for w in reading.foreign[:4])
    notice = (
        f"**Please ask in {language}**\n"
        f"- Cairn's corpus ({info.name}) is written in {language}, and this question does not "
        f"seem to be ({words} are not {language} words Cairn knows). Cairn does not answer a "
        "question it cannot read, rather than answer it wrongly.\n"
        f"- Ask again in {language}; drug names and abbreviations can stay as they are."
    )
    return ScopeDecision(False, f"the question is not in {language}", notice)
