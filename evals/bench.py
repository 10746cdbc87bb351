"""`cairn bench`: throughput, latency and memory, measured, not timed in tests.

    result = run_bench(Settings.load(), Path("evals"), scales=[10_000, 100_000])

Reports the raw encoder on the corpus's chunks, a full ingest into a scratch index, warm
end-to-end queries over the golden questions (per stage), the review alone, a cold `cairn ask`,
the baselines' query latency in the same run, peak memory, and a scale run on synthetic corpora
made by perturbing the real one (stored nowhere).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.indexing import ingest
from assistant.pipeline import Cairn
from assistant.settings import IndexSettings, Settings
from evals.baselines import Bm25Only, NaiveRag
from evals.llm_bench import llm_bench
from evals.metrics import percentile
from evals.scale import scale_run
from evals.suites import load_suites
from ingest.corpus_info import CorpusInfo
from ingest.embedding import default_embedder
from ingest.store import load_snapshot

FALLBACK_QUESTION = "What is covered?"  # when corpus.yaml offers no example questions


def run_bench(settings: Settings, evals_dir: Path, scales: list[int]) -> dict[str, Any]:
    snapshot = load_snapshot(settings.index.index_dir)
    texts = [c.embedding_text for c in snapshot.chunks]
    result: dict[str, Any] = {"cores": os.cpu_count(), "chunks": len(texts)}
    result["encoder_chunks_per_s"] = _encoder_throughput(texts)
    result["ingest_chunks_per_s"] = _ingest_throughput(settings)
    result["ingest_vs_encoder"] = round(
        result["ingest_chunks_per_s"] / result["encoder_chunks_per_s"], 3
    )
    questions = [c.question for c in load_suites(evals_dir).golden if c.covered and not c.history]
    cairn = Cairn.from_settings(settings)
    result.update(_query_latency(cairn, questions))
    result["cold_ask_s"] = _cold_ask(settings)
    with tempfile.TemporaryDirectory(prefix="cairn-bench-") as scratch:
        naive = NaiveRag.build(settings.corpus.sources_dir, Path(scratch))
        bm25 = Bm25Only.build(settings.corpus.sources_dir)
        result["baselines"] = {
            name: _latency(lambda q, b=baseline: b.search(q, 10), questions)
            for name, baseline in (("naive_rag", naive), ("bm25", bm25))
        }
    result["llm"] = llm_bench(cairn, questions)  # None without `make setup-llm`
    result["scale"] = [scale_run(snapshot, cairn, questions, n) for n in scales]
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def _encoder_throughput(texts: list[str]) -> float:
    embedder = default_embedder()
    embedder.embed(texts[:32])  # load and warm up
    started = time.perf_counter()
    embedder.embed(texts)
    return round(len(texts) / (time.perf_counter() - started), 1)


def _ingest_throughput(settings: Settings) -> float:
    """A full rebuild of the corpus into a scratch index (nothing shared with var/)."""
    with tempfile.TemporaryDirectory(prefix="cairn-ingest-bench-") as scratch:
        index = IndexSettings(  # an embedded index: never the configured Chroma server
            data_dir=Path(scratch),
            chroma_url=None,
            collection="cairn-bench",
            chunk_max_chars=settings.index.chunk_max_chars,
            chunk_overlap_chars=settings.index.chunk_overlap_chars,
        )
        scratch_settings = settings.model_copy(update={"index": index})
        default_embedder().embed(["warm up"])
        report = ingest(scratch_settings, rebuild=True, progress=_Quiet())
        return round(report.chunks_embedded / report.seconds, 1)


def _query_latency(cairn: Cairn, questions: list[str]) -> dict[str, Any]:
    for question in questions[:3]:
        cairn.ask(question)  # warm: model loaded, caches filled
    stages: dict[str, list[float]] = {}
    totals = []
    for question in questions:
        started = time.perf_counter()
        answer = cairn.ask(question)
        totals.append((time.perf_counter() - started) * 1000)
        for stage, ms in answer.timings.items():
            stages.setdefault(stage, []).append(ms)
    out: dict[str, Any] = {
        "questions": len(questions),
        "query_p50_ms": round(percentile(totals, 0.5), 1),
        "query_p95_ms": round(percentile(totals, 0.95), 1),
        "stages": {
            s: {"p50": round(percentile(v, 0.5), 2), "p95": round(percentile(v, 0.95), 2)}
            for s, v in stages.items()
        },
    }
    out["review_p95_ms"] = out["stages"].get("review", {}).get("p95")
    return out


def _latency(search: Any, questions: list[str]) -> dict[str, float]:
    search(questions[0])
    times = []
    for question in questions:
        started = time.perf_counter()
        search(question)
        times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(percentile(times, 0.5), 2), "p95_ms": round(percentile(times, 0.95), 2)}


def _cold_ask(settings: Settings) -> float:
    """Process start to answer, as a user runs it."""
    cairn = Path(sys.executable).parent / "cairn"
    env = {**os.environ, "CAIRN_DATA_DIR": str(settings.index.data_dir)}
    examples = CorpusInfo.load(settings.corpus.corpus_dir / "corpus.yaml").examples
    question = examples[0] if examples else FALLBACK_QUESTION
    started = time.perf_counter()
    subprocess.run(
        [str(cairn), "ask", question, "--json"], env=env, check=True, capture_output=True
    )
    return round(time.perf_counter() - started, 2)


class _Quiet:
    def phase(self, name: str, total: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass
