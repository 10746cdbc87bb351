"""The Evals tab: run the suites, see the metrics, the per-category plot, the failing cases and
what changed since the previous run. Running is for signed-in editors: a run overwrites the
report `cairn eval --compare-last` reads, and holds a worker for minutes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.pipeline import Cairn
from evals.gate import Gate, compare
from evals.report import category_figure, metrics_table, render_failing
from evals.runner import run_eval
from evals.suites import load_suites
from guardrails.errors import CairnError
from ui.errors import user_error
from ui.progress import GradioProgress

EVALS_DIR = Path(__file__).resolve().parents[1] / "evals"


class EvalsTab:
    def __init__(self, cairn: Cairn, last_run: Path) -> None:
        self.cairn = cairn
        self.last_run = last_run

    def build(self, editor: gr.State) -> None:
        """`editor`: the session's signed-in state from the Sources tab, checked on every run."""
        suites = gr.CheckboxGroup(
            ["golden", "adversarial"], value=["golden", "adversarial"], label="Suites"
        )
        run = gr.Button("Run evaluation", variant="primary", elem_id="evals-run")
        gr.Markdown("Sign in as an editor in the Sources tab to run the evaluation.")
        summary = gr.Markdown(elem_id="evals-summary")
        table = gr.Dataframe(headers=["metric", "Cairn", "naive RAG", "BM25"], interactive=False)
        plot = gr.Plot(label="Per-category scores")
        changes = gr.Markdown(elem_id="evals-changes")
        failing = gr.Markdown(elem_id="evals-failing")
        outputs = [summary, table, plot, changes, failing]
        run.click(self.run, [editor, suites], outputs, concurrency_limit=1)

    def run(
        self,
        editor: bool,
        names: list[str],
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio injects it
    ) -> tuple[Any, ...]:
        if not editor:
            refused = "Sign in as an editor (Sources tab) to run the evaluation."
            return refused, gr.update(), gr.update(), gr.update(), gr.update()
        try:
            sources = set(self.cairn.retriever.snapshot.sources)
            chosen = load_suites(EVALS_DIR, sources, self.cairn.rules.facts).select(names)
            result = run_eval(self.cairn, chosen, (), GradioProgress(progress))
        except CairnError as exc:
            raise user_error(f"The evaluation could not run: {exc}", "evals") from exc
        previous = json.loads(self.last_run.read_text()) if self.last_run.is_file() else None
        self.last_run.parent.mkdir(parents=True, exist_ok=True)
        self.last_run.write_text(json.dumps(result, indent=1), encoding="utf-8")
        metrics = result["metrics"]
        summary = (
            f"{result['n_golden']} golden questions, {result['n_adversarial']} adversarial answers "
            f"(corpus {result['corpus_version']}): golden pass rate {metrics['pass_rate']:.2f}, "
            f"guardrail catch rate {metrics['guardrails']['catch_rate']:.2f}."
        )
        if previous is None:
            changed = "No previous run to compare with."
        else:
            found, regressions = compare(
                previous, result, Gate.load(EVALS_DIR / "gate.yaml").tolerance
            )
            changed = "\n".join(
                [
                    f"**{len(found)} case(s) changed since the previous run.**",
                    *(f"- {c}" for c in found[:200]),
                ]
                + [f"- ❗ regression: {r}" for r in regressions]
            )
        return (
            summary,
            [list(row) for row in metrics_table(result)],
            category_figure(result),
            changed,
            render_failing(result),
        )
