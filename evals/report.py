"""Reports: Markdown and a self-contained HTML page with plots (matplotlib).

write_report(result, Path("var/reports/latest"))  # report.md, report.html, *.png, result.json
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

from evals.runner import K_VALUES


def write_report(result: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    plots = {
        "categories.png": _category_plot(result),
        "baselines.png": _baseline_plot(result),
        "latency.png": _latency_plot(result),
    }
    for name, png in plots.items():
        (folder / name).write_bytes(png)
    (folder / "result.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    markdown = render_markdown(result, images={n: n for n in plots})
    (folder / "report.md").write_text(markdown, encoding="utf-8")
    inline = {
        n: "data:image/png;base64," + base64.b64encode(png).decode() for n, png in plots.items()
    }
    (folder / "report.html").write_text(_html(result, inline), encoding="utf-8")
    return folder / "report.html"


def metrics_table(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Rows of (metric, Cairn, naive RAG, BM25)."""
    metrics, baselines = result["metrics"], result.get("baselines", {})
    naive, bm25 = baselines.get("naive_rag", {}), baselines.get("bm25", {})

    def fmt(value: Any) -> str:
        return f"{value:.3f}" if isinstance(value, float | int) else "-"

    rows = [(f"recall@{k}", f"recall_at_{k}") for k in K_VALUES] + [("MRR", "mrr")]
    table = [
        (label, fmt(metrics[key]), fmt(naive.get(key)), fmt(bm25.get(key))) for label, key in rows
    ]
    for label, key in [
        ("evidence precision", "evidence_precision"),
        ("key-fact coverage", "key_fact_coverage"),
        ("forbidden-claim rate", "forbidden_claim_rate"),
        ("citation validity", "citation_validity"),
        ("numeric grounding", "numeric_grounding_rate"),
        ("not-covered accuracy", "not_covered_accuracy"),
        ("near-miss accuracy", "near_miss_accuracy"),
        ("answerable with a not-covered notice", "answerable_with_notice"),
        ("duplicate-claim rate", "duplicate_claim_rate"),
        ("answer length (median words)", "answer_words_median"),
        ("key fact in the first line", "first_line_key_fact"),
        ("verdict accuracy", "verdict_accuracy"),
        ("golden pass rate", "pass_rate"),
    ]:
        table.append((label, fmt(metrics.get(key)), "-", "-"))
    guard = metrics["guardrails"]
    table.append(("guardrail catch rate", fmt(guard["catch_rate"]), "-", "-"))
    table.append(("guardrail false-positive rate", fmt(guard["false_positive_rate"]), "-", "-"))
    return table


def render_markdown(result: dict[str, Any], images: dict[str, str] | None = None) -> str:
    images = images or {}
    lines = [
        "# Cairn evaluation",
        "",
        f"Corpus {result['corpus_version']}, generator {result['generator']}, "
        f"{result['n_golden']} golden questions, {result['n_adversarial']} adversarial answers, "
        f"{result['created']}.",
        "",
        "| metric | Cairn | naive RAG | BM25 |",
        "| --- | --- | --- | --- |",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in metrics_table(result)),
        "",
        "## Latency (ms)",
        "",
        "| stage | p50 | p95 |",
        "| --- | --- | --- |",
        *(
            f"| {stage} | {v['p50']} | {v['p95']} |"
            for stage, v in result["metrics"]["latency_ms"].items()
        ),
        "",
        "## Guardrails per check",
        "",
        "| check | faulty | clean | catch rate | false-positive rate |",
        "| --- | --- | --- | --- | --- |",
        *(
            f"| {check} | {v['faulty']} | {v['clean']} | {v['catch_rate']} "
            f"| {v['false_positive_rate']} |"
            for check, v in result["metrics"]["guardrails"]["per_check"].items()
        ),
        "",
        "## Per category",
        "",
        "| category | cases | pass rate | key-fact coverage | recall@5 |",
        "| --- | --- | --- | --- | --- |",
        *(
            f"| {cat} | {v['cases']} | {v['pass_rate']} | {v['key_fact_coverage']} "
            f"| {v['recall_at_5']} |"
            for cat, v in result["metrics"]["per_category"].items()
        ),
        "",
    ]
    lines.extend(f"![{name}]({path})\n" for name, path in images.items())
    lines.append(render_failing(result))
    return "\n".join(lines)


def render_failing(result: dict[str, Any]) -> str:
    """Every failing case with its answer, its findings and what was missing or wrong."""
    lines = ["## Failing cases\n"]
    failing = [c for c in result["cases"] if not c["passed"]]
    if not failing:
        lines.append("None.\n")
    for case in failing:
        lines.extend(_failing_markdown(case))
    return "\n".join(lines)


def _failing_markdown(case: dict[str, Any]) -> list[str]:
    lines = [
        f"### {case['id']} ({case.get('category') or case.get('check')})",
        "",
        f"Question: {case['question']}",
        "",
    ]
    if case["suite"] == "golden":
        missing = [p for p, ok in case["key_facts"].items() if not ok]
        if missing:
            lines.append("Missing key facts: " + ", ".join(f"`{p}`" for p in missing))
        if case["forbidden"]:
            lines.append("Forbidden claims made: " + ", ".join(f"`{p}`" for p in case["forbidden"]))
        if case["verdict"] != case["expected_verdict"]:
            lines.append(f"Verdict {case['verdict']} (expected {case['expected_verdict']})")
        if case["covered"] != case["expected_covered"]:
            lines.append(f"Covered {case['covered']} (expected {case['expected_covered']})")
        lines.append(
            f"Sources expected {case['expected_sources']}, "
            f"retrieved {case['retrieved_sources'][:5]}"
        )
    else:
        lines.append(f"Expected {case['expect'] or 'clean'}, raised {case['raised'] or 'nothing'}")
    lines += [
        "",
        "Findings:",
        *(f"- {f}" for f in case["findings"]),
        "",
        "Answer:",
        "",
        "```",
        case["answer"],
        "```",
        "",
    ]
    return lines


def _html(result: dict[str, Any], images: dict[str, str]) -> str:
    from markdown_it import MarkdownIt

    body = (
        MarkdownIt("commonmark", {"html": False})
        .enable("table")
        .render(render_markdown(result, images))
    )
    style = (
        "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
        "color:#1b1b1b}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}"
        "pre{white-space:pre-wrap;background:#f6f6f6;padding:8px}img{max-width:100%}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Cairn evaluation</title>"
        f"<style>{style}</style></head><body>{body}</body></html>"
    )


def _figure() -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt, plt.subplots(figsize=(10, 4.5))


def _png(plt: Any, fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def _category_plot(result: dict[str, Any]) -> bytes:
    import matplotlib.pyplot as plt

    return _png(plt, category_figure(result))


def category_figure(result: dict[str, Any]) -> Any:
    """Pass rate, key-fact coverage and recall@5 per category, as a matplotlib figure."""
    _, (fig, ax) = _figure()
    categories = result["metrics"]["per_category"]
    names = list(categories)
    width = 0.27
    for i, (key, label) in enumerate(
        [
            ("pass_rate", "pass rate"),
            ("key_fact_coverage", "key facts"),
            ("recall_at_5", "recall@5"),
        ]
    ):
        ax.bar(
            [x + (i - 1) * width for x in range(len(names))],
            [categories[n][key] for n in names],
            width,
            label=label,
        )
    ax.set_xticks(
        range(len(names)), [html.unescape(n) for n in names], rotation=35, ha="right", fontsize=8
    )
    ax.set_ylim(0, 1.05)
    ax.set_title("Per-category scores")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _baseline_plot(result: dict[str, Any]) -> bytes:
    plt, (fig, ax) = _figure()
    systems = {"Cairn": result["metrics"], **result.get("baselines", {})}
    for name, metrics in systems.items():
        ax.plot(
            list(K_VALUES), [metrics[f"recall_at_{k}"] for k in K_VALUES], marker="o", label=name
        )
    ax.set_xlabel("k")
    ax.set_ylabel("recall@k of the expected sources")
    ax.set_ylim(0, 1.05)
    ax.set_title("Cairn vs baselines")
    ax.legend()
    return _png(plt, fig)


def _latency_plot(result: dict[str, Any]) -> bytes:
    plt, (fig, ax) = _figure()
    golden = [c for c in result["cases"] if c["suite"] == "golden"]
    stages = sorted({s for c in golden for s in c["timings"]})
    data = [[c["timings"].get(s, 0.0) for c in golden] for s in stages]
    data.append([sum(c["timings"].values()) for c in golden])
    ax.boxplot(data, tick_labels=[*stages, "total"])
    ax.set_ylabel("ms")
    ax.set_title("Latency per stage (golden questions)")
    return _png(plt, fig)
