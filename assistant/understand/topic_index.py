"""The topic index: how many passages use each word stem (and the initials of each phrase of
three content words), and the drugs those passages name, built once per corpus version.

    index = index_of(snapshot, lexicon, measures)  # or TopicIndex.from_texts(texts, ...)
    index.passages_using("reconstituted")          # passages using the word or its stem
    index.covered_for("digoxin", {"tucatinib"})    # used by a passage naming one of the drugs

Read by `assistant/understand/topic.py`, which decides a question's uncovered topic words.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable

from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.measures import Measures
from ingest.embedding import everyday_words
from ingest.lexical import STOPWORDS
from ingest.store import Snapshot

# The encoder's whole words come roughly in order of frequency; past this rank a word is no
# longer everyday English ('filter' 11,307, 'fridge' 16,716, 'overdose' 26,641).
EVERYDAY_RANK = 10_000
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_SUFFIXES = (
    "ations", "ation", "ities", "ings", "ions", "ised", "ized", "ises", "izes", "ated", "ates",
    "ity", "ing", "ion", "ise", "ize", "ate", "ed", "es", "ic", "al", "ly", "s", "e",
)  # fmt: skip
SUBJECTS = frozenset({ConceptKind.DRUG, ConceptKind.REGIMEN, ConceptKind.GROUP})


def stem(word: str) -> str:
    """A crude English stem: 'reconstituted', 'reconstitution' -> 'reconstitut'."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


class TopicIndex:
    """How many passages use each stem, the drugs those passages name, and the everyday words
    to leave out."""

    def __init__(
        self,
        frequency: dict[str, int],
        passages: int,
        everyday: frozenset[str],
        drugs: dict[str, frozenset[str]] | None = None,
        measured: bool = False,
    ):
        self.frequency = frequency
        self.passages = passages
        self.everyday = everyday
        self.drugs = drugs  # stem -> the drugs named by a passage using it (None: not kept)
        self._words = sorted(frequency)
        self.measured = measured  # built with the measures' thresholds (`rules_on`)

    @classmethod
    def from_texts(
        cls,
        texts: Iterable[str],
        everyday: frozenset[str] = frozenset(),
        lexicon: Lexicon | None = None,
        measures: Measures | None = None,
    ) -> TopicIndex:
        """With a lexicon, each stem also keeps the drugs its passages name, so a topic one
        drug's passages hold is not covered for another drug; with measures, each measure a
        passage gives thresholds for is a key too (`rule_key`)."""
        frequency: dict[str, int] = {}
        drugs: dict[str, set[str]] = {}
        count = 0
        for text in texts:
            count += 1
            named = drugs_named(text, lexicon) if lexicon else frozenset()
            words = WORD.findall(text.lower())
            ruled = {rule_key(m) for m in measures.thresholded(text)} if measures else set()
            for key in {stem(w) for w in words} | _initials(words) | ruled:
                frequency[key] = frequency.get(key, 0) + 1
                if lexicon:
                    drugs.setdefault(key, set()).update(named)
        kept = {k: frozenset(v) for k, v in drugs.items()} if lexicon else None
        return cls(frequency, count, everyday, kept, measures is not None)

    def rules_on(self, measure: str, drugs: frozenset[str]) -> bool | None:
        """Whether a passage (naming one of `drugs`, if any) gives thresholds for the measure;
        None when the index was built without measures."""
        if self.measured is False:
            return None
        named = self.drugs.get(rule_key(measure), frozenset()) if self.drugs else frozenset()
        if rule_key(measure) not in self.frequency:
            return False
        return not drugs or self.drugs is None or bool(drugs & named)

    def passages_using(self, word: str) -> int:
        """Passages that use the word, its stem, the word it abbreviates or the one it misspells."""
        keys = self._keys(word)
        return max((self.frequency[k] for k in keys), default=0)

    def covered_for(self, word: str, drugs: frozenset[str]) -> bool:
        """Whether a passage naming one of `drugs` uses the word (any passage, without drugs
        or without drugs kept)."""
        keys = self._keys(word)
        if not drugs or self.drugs is None:
            return bool(keys)
        return any(drugs & self.drugs.get(k, frozenset()) for k in keys)

    def _keys(self, word: str) -> list[str]:
        # The crude stem cuts a base form that ends like a suffix ('breastfeed' -> 'breastfe')
        # but not its longer forms ('breastfeeding' -> 'breastfeed'): the word itself is a key too.
        keys = [k for k in dict.fromkeys((stem(word), word)) if k in self.frequency]
        if keys:
            return keys
        if len(word) < 4:  # a short abbreviation: itself, or the initials of a phrase
            return [k for k in (_INITIALS + word,) if k in self.frequency]
        short = word[:-1] if word.endswith("s") else word
        if len(short) <= 5:  # an abbreviation: 'tuca', 'tabs', 'bili', 'combo'
            heads = {short, short[:-1]} if len(short) == 5 else {short}
            found = [w for w in self._words if len(w) > len(short) and w.startswith(tuple(heads))]
            if found:
                return found
        return difflib.get_close_matches(stem(word), self._words, n=1, cutoff=0.85)

    def weight(self, used_by: int) -> float:
        return math.log((self.passages + 1) / (used_by + 1))


def rule_key(measure: str) -> str:
    """The index key of the passages that give thresholds for a measure."""
    return "#" + measure


_INITIALS = "^"  # the key of a phrase's initials: '^tpc' for 'treatment of physician's choice'


def _initials(words: list[str]) -> set[str]:
    """The initials of every three consecutive content words ('treatment of physician's
    choice' -> '^tpc'), so an abbreviation the passages spell out is covered."""
    content = [w for w in words if len(w) > 1 and w.isalpha() and w not in STOPWORDS]
    return {_INITIALS + "".join(w[0] for w in content[i : i + 3]) for i in range(len(content) - 2)}


def drugs_named(text: str, lexicon: Lexicon) -> frozenset[str]:
    """The drugs a text names, a regimen or group standing for its drugs."""
    found: set[str] = set()
    for mention in lexicon.find(text):
        if mention.kind in SUBJECTS:
            found.update(lexicon.drugs_of(mention.concept_id))
    return frozenset(found)


_INDEXES: dict[str, TopicIndex] = {}


def index_of(snapshot: Snapshot, lexicon: Lexicon, measures: Measures) -> TopicIndex:
    """The topic index of an index snapshot's passages (title, section and text), with the
    drugs each names, built once per corpus version."""
    version = snapshot.manifest.version
    index = _INDEXES.get(version)
    if index is None:  # a race builds it twice, harmlessly
        texts = (f"{c.title}. {c.section}. {c.text}" for c in snapshot.chunks)
        index = TopicIndex.from_texts(texts, everyday_words(EVERYDAY_RANK), lexicon, measures)
        _INDEXES.clear()  # one corpus version answers at a time
        _INDEXES[version] = index
    return index
