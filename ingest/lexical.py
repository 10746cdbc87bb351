"""The lexical index: BM25 (bm25s) over lexicon-aware tokens.

Drug, regimen and term names are replaced by concept tokens before indexing, so "Enhertu",
"T-DXd" and "trastuzumab deruxtecan" are one token, and a regimen or group also yields the tokens
of its parts ("THP" -> thp, trastuzumab, pertuzumab, taxane); a member also yields the token of
its group or class (a concomitant drug that of the interaction class the labels name). A name
marked absent ("chemo-free", "chemotherapy-free") becomes one token of its own.

    tokenizer = Tokenizer(lexicon)
    bm25 = LexicalIndex.build([tokenizer(t) for t in texts])
    bm25.search(tokenizer("enhertu dose"), k=10)  # -> [(row, score), ...]
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import numpy.typing as npt

from guardrails.lexicon import Lexicon

_WORD = re.compile(r"[a-z0-9]+(?:[.][0-9]+)?")
STOPWORDS = frozenset(
    """a about after all also am an and any are as at be been before being between both but by
    can could did do does doing during each for from had has have having he her here hers him his
    how i if in into is it its itself me more most my no nor not of off on once only or other our
    out over own same she should so some such than that the their them then there these they this
    those through to too under until up very was we were what when where which while who whom why
    will with would you your patient patients""".split()
)


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "is", "us")):
        return word[:-1]
    return word


class Tokenizer:
    """Text to BM25 tokens; concept tokens start with 'c:'."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon
        self._parents: dict[str, set[str]] = {}
        if lexicon is not None:
            for concept in lexicon.concepts.values():  # a group, or a term with members
                for member in concept.members:
                    self._parents.setdefault(member, set()).add(concept.id)

    def concept_tokens(self, concept_id: str) -> list[str]:
        """A concept's own token, its parts' tokens (regimens) and the tokens of the concepts it
        is a member of (a drug's groups; a concomitant drug's interaction class, a term)."""
        tokens = [f"c:{concept_id}"]
        concept = self.lexicon.get(concept_id) if self.lexicon else None
        if concept is not None:
            for part in concept.components:
                tokens.extend(self.concept_tokens(part))
        tokens.extend(f"c:{parent}" for parent in sorted(self._parents.get(concept_id, ())))
        return tokens

    def __call__(self, text: str) -> list[str]:
        tokens: list[str] = []
        position = 0
        mentions = self.lexicon.find_all(text) if self.lexicon else []
        for mention in mentions:
            tokens.extend(self._words(text[position : mention.start]))
            if mention.absent:  # "chemo-free" and "chemotherapy-free" are one token
                tokens.append(f"c:{mention.concept_id}:absent")
            else:
                tokens.extend(self.concept_tokens(mention.concept_id))
            position = mention.end
        tokens.extend(self._words(text[position:]))
        return tokens

    @staticmethod
    def _words(text: str) -> list[str]:
        return [_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


class LexicalIndex:
    """BM25 over pre-tokenised documents; rows are positions in the document list."""

    def __init__(self, model: object, vocabulary: set[str], size: int) -> None:
        self._model = model
        self._vocabulary = vocabulary
        self.size = size

    @classmethod
    def build(cls, documents: list[list[str]]) -> LexicalIndex:
        import bm25s

        model = bm25s.BM25()
        # An empty document would be dropped by bm25s and shift the rows: give it a filler.
        model.index([doc or ["_empty_"] for doc in documents], show_progress=False)
        vocabulary = set(model.vocab_dict) if documents else set()
        return cls(model, vocabulary, len(documents))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._model.save(str(folder), show_progress=False)  # type: ignore[attr-defined]

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        import bm25s

        model = bm25s.BM25.load(str(folder), show_progress=False)
        return cls(model, set(model.vocab_dict), size)

    def search(
        self, query: list[str], k: int, mask: npt.NDArray[np.float32] | None = None
    ) -> list[tuple[int, float]]:
        """The top `k` rows with a positive score; `mask` (0/1 per row) filters rows."""
        terms = [t for t in query if t in self._vocabulary]
        if not terms or self.size == 0 or k <= 0:
            return []
        k = min(k, self.size)
        rows, scores = self._model.retrieve(  # type: ignore[attr-defined]
            [terms], k=k, show_progress=False, weight_mask=mask, n_threads=1
        )
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]
