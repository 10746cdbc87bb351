"""Which of a question's topic words the corpus covers.

    index = index_of(snapshot)  # or TopicIndex.from_texts(texts, everyday_words(EVERYDAY_RANK))
    reading = read_topic("reconstituted Enhertu vial: how long in the fridge?", lexicon,
                         measures, index)
    reading.uncovered  # ('reconstituted', 'fridge'): no passage of the corpus uses them
    reading.share      # their share of the question's topic weight
    reading.subjects   # ('trastuzumab deruxtecan',)

A question's topic words are its words that are not a name the lexicon knows (the drugs and
regimens are the question's subjects; its terms are topic concepts the corpus holds), not a
measure or a unit ('plt', 'x10', 'mm3', 'mL/min' are measures), not a function word, not
shorter than four letters and not a code with digits ('C3D1'). A topic word is covered when a
passage uses it: the word itself, a word of the same stem ('reconstitution' covers
'reconstituted'), a corpus word it abbreviates ('tuca', 'tabs') or one it misspells.

An uncovered word counts only when it is not everyday English: the encoder lists its whole
words by frequency, and the first `EVERYDAY_RANK` of them ('today', 'good', 'anything') say
nothing about the topic. Each topic word weighs its inverse document frequency, an uncovered
word or a term of the lexicon the most; `share` is the uncovered words' part of the weight.
One uncovered word never decides scope alone: the scope stage reads `share` beside retrieval
(assistant/scope.py), and an uncovered topic gets a notice and the closest material, not a
refusal.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.measures import Measures
from ingest.embedding import everyday_words
from ingest.lexical import STOPWORDS
from ingest.store import Snapshot

# The encoder's whole words come roughly in order of frequency; past this rank a word is no
# longer everyday English ('filter' 11,307, 'fridge' 16,716, 'overdose' 26,641).
EVERYDAY_RANK = 10_000
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_SUFFIXES = (
    "ations", "ation", "ities", "ings", "ions", "ised", "ized", "ises", "izes", "ated", "ates",
    "ity", "ing", "ion", "ise", "ize", "ate", "ed", "es", "ic", "al", "ly", "s", "e",
)  # fmt: skip
_SUBJECTS = frozenset({ConceptKind.DRUG, ConceptKind.REGIMEN, ConceptKind.GROUP})


def stem(word: str) -> str:
    """A crude English stem: 'reconstituted', 'reconstitution' -> 'reconstitut'."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True)
class TopicReading:
    words: tuple[str, ...] = ()  # the question's topic words, as written (lower case)
    uncovered: tuple[str, ...] = ()  # those no passage uses
    share: float = 0.0  # the uncovered words' share of the topic's weight
    subjects: tuple[str, ...] = ()  # the drugs and regimens named, by generic name


class TopicIndex:
    """How many passages use each stem, and the everyday words to leave out."""

    def __init__(self, frequency: dict[str, int], passages: int, everyday: frozenset[str]):
        self.frequency = frequency
        self.passages = passages
        self.everyday = everyday
        self._words = sorted(frequency)

    @classmethod
    def from_texts(cls, texts: Iterable[str], everyday: frozenset[str] = frozenset()) -> TopicIndex:
        frequency: dict[str, int] = {}
        count = 0
        for text in texts:
            count += 1
            for key in {stem(w) for w in _WORD.findall(text.lower())}:
                frequency[key] = frequency.get(key, 0) + 1
        return cls(frequency, count, everyday)

    def passages_using(self, word: str) -> int:
        """Passages that use the word, its stem, the word it abbreviates or the one it misspells."""
        key = stem(word)
        if key in self.frequency:
            return self.frequency[key]
        short = word[:-1] if word.endswith("s") else word
        if len(short) <= 5:  # an abbreviation: 'tuca', 'tabs', 'bili', 'combo'
            heads = {short, short[:-1]} if len(short) == 5 else {short}
            found = [w for w in self._words if len(w) > len(short) and w.startswith(tuple(heads))]
            if found:
                return max(self.frequency[w] for w in found)
        close = difflib.get_close_matches(key, self._words, n=1, cutoff=0.85)
        return self.frequency[close[0]] if close else 0

    def weight(self, used_by: int) -> float:
        return math.log((self.passages + 1) / (used_by + 1))


_INDEXES: dict[str, TopicIndex] = {}


def index_of(snapshot: Snapshot) -> TopicIndex:
    """The topic index of an index snapshot's passages (title, section and text), built once
    per corpus version."""
    version = snapshot.manifest.version
    index = _INDEXES.get(version)
    if index is None:  # a race builds it twice, harmlessly
        texts = (f"{c.title}. {c.section}. {c.text}" for c in snapshot.chunks)
        index = TopicIndex.from_texts(texts, everyday_words(EVERYDAY_RANK))
        _INDEXES.clear()  # one corpus version answers at a time
        _INDEXES[version] = index
    return index


def read_topic(
    question: str,
    lexicon: Lexicon,
    measures: Measures,
    index: TopicIndex,
    subjects_from: str = "",
) -> TopicReading:
    """The topic words of `question` and which of them the corpus covers; the subjects are the
    drugs and regimens it names (else those of `subjects_from`, a follow-up's standalone form)."""
    mentions = lexicon.find_all(question)
    spans = [(m.start, m.end) for m in mentions]
    for compiled in measures.compiled:
        spans.extend((m.start(), m.end()) for m in compiled.names.finditer(question))
    units = measures.unit_words()
    most = index.weight(0)
    weights: list[float] = [most for m in mentions if m.kind is ConceptKind.TERM or m.absent]
    words: list[str] = []
    uncovered: list[str] = []
    uncovered_weight = 0.0
    for match in _WORD.finditer(question):
        word = match.group().lower()
        if any(start <= match.start() < end for start, end in spans) or not _candidate(word, units):
            continue
        used_by = index.passages_using(word)
        if not used_by and word in index.everyday:
            continue
        words.append(word)
        weights.append(index.weight(used_by))
        if not used_by and word not in uncovered:
            uncovered.append(word)
            uncovered_weight += most
    total = sum(weights)
    share = uncovered_weight / total if uncovered and total else 0.0
    return TopicReading(
        tuple(words), tuple(uncovered), round(share, 3), _subjects(question, subjects_from, lexicon)
    )


def _candidate(word: str, units: frozenset[str]) -> bool:
    return len(word) >= 4 and word.isalpha() and word not in STOPWORDS and word not in units


def _subjects(question: str, fallback: str, lexicon: Lexicon) -> tuple[str, ...]:
    for text in (question, fallback):
        names: list[str] = []
        for mention in lexicon.find(text):
            concept = lexicon.get(mention.concept_id)
            if concept and concept.kind in _SUBJECTS and concept.generic not in names:
                names.append(concept.generic)
        if names:
            return tuple(names)
    return ()


def topic_notice(uncovered: Iterable[str], subjects: Iterable[str]) -> str:
    """The line that opens an answer whose topic the sources do not cover. It is a bold line,
    which the review reads as a heading: it states no fact to cite."""
    words = ", ".join(uncovered)
    about = " and ".join(subjects)
    where = f" for {about}" if about else ""
    return f"**The sources do not cover {words}{where}; closest material:**"
