"""Fit the extractive generator's sentence weights (`assistant/compose/weights.yaml`).

    python -m evals.fit_weights                      # fit on the development questions, report
    python -m evals.fit_weights --write              # ... and write the fitted weights

Every golden question is asked once through the real pipeline, which records the generation
request the extractive generator got (the retrieval does not depend on the weights); the
candidate sentences' features are computed once per request, so each weight setting only
re-scores them and composes the answer again. The objective is the key-fact coverage of the
composed answers on the development questions (golden files without a `heldout` prefix, the
'bedside management' category left out); coordinate descent tries each feature's weight on a
small grid, keeping a change only when it states more key facts less forbidden claims (on
a tie the weight stays: key facts cannot see every harm a feature guards against, such as a
superseded source); an ablation then gives each feature's worth (its weight set to zero).
The held-out questions (`heldout*` files and 'bedside management'), written before the fit,
are scored with the weights before and after.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from assistant.compose.base import GenerationRequest
from assistant.compose.extractive import ExtractiveGenerator
from assistant.compose.scoring import Candidate, SentenceScorer
from assistant.compose.weights import WEIGHTS_FILE, Kind, Weights
from assistant.pipeline import Cairn
from assistant.records import Evidence
from assistant.retrieve.plan import Facet
from assistant.settings import load_settings
from evals.fit_capture import Captured, capture
from evals.metrics import body_text
from guardrails.records import PatientContext
from guardrails.rules import RuleBook

HELD_OUT_CATEGORY = "bedside management"
# The weights each feature may take: multiples of its weight, or small ones when it has none.
SCALES = (0.0, 0.5, 1.0, 1.5, 2.5)
FROM_ZERO = {Kind.ADD: (0.0, 0.05, 0.1, 0.2, 0.4), Kind.LOG: (0.0, -0.25, 0.25, -0.75, 0.75)}


def held_out(case: Captured) -> bool:
    return Path(case.path).name.startswith("heldout") or case.category == HELD_OUT_CATEGORY


def batch(case: Captured) -> str:
    """The held-out batch of a case: its file's prefix ('heldout2'), or its category."""
    if case.category == HELD_OUT_CATEGORY:
        return case.category
    return Path(case.path).name.split("-")[0]


class _OnceScorer(SentenceScorer):
    """Computes each request's feature records once; scores them with the current weights."""

    def __init__(self, rules: RuleBook) -> None:
        super().__init__(rules)
        self.memo: dict[tuple[object, ...], list[Candidate]] = {}

    def featured(
        self, request: GenerationRequest, evidence: Iterable[Evidence], facet: Facet | None = None
    ) -> list[Candidate]:
        evidence = list(evidence)
        key = (id(request), tuple(id(e) for e in evidence), facet)
        if key not in self.memo:
            self.memo[key] = super().featured(request, evidence, facet)
        return self.memo[key]


class Offline(ExtractiveGenerator):
    """Composes the captured requests again under any weights, with every feature record,
    guardrail check and dose reading computed once."""

    def __init__(self, rules: RuleBook) -> None:
        super().__init__(rules)
        self.scorer = _OnceScorer(rules)
        self.safe_memo: dict[tuple[str, int], bool] = {}
        self.dosed_memo: dict[str, set[str]] = {}

    def _safe(self, sentence: str, context: PatientContext) -> bool:
        key = (sentence, id(context))
        if key not in self.safe_memo:
            self.safe_memo[key] = super()._safe(sentence, context)
        return self.safe_memo[key]

    def _dosed(self, sentence: str) -> set[str]:
        if sentence not in self.dosed_memo:
            self.dosed_memo[sentence] = super()._dosed(sentence)
        return self.dosed_memo[sentence]

    def facts(self, cases: Sequence[Captured], weights: Weights) -> Tally:
        """Key facts stated, key facts, and forbidden claims made over the cases, their
        answers composed under the weights."""
        self.scorer.weights = weights
        stated = total = forbidden = 0
        for case in cases:
            total += len(case.must_state)
            if case.request is None:
                stated, forbidden = stated + case.real, forbidden + case.real_forbidden
                continue
            body = body_text(self.compose(case.request))
            stated += sum(1 for p in case.must_state if p.search(body))
            forbidden += sum(1 for p in case.must_not_state if p.search(body))
        return stated, total, forbidden


Tally = tuple[int, int, int]  # key facts stated, key facts, forbidden claims made


class Objective(Protocol):
    def facts(self, cases: Sequence[Captured], weights: Weights) -> Tally: ...


def gain(tally: Tally) -> int:
    """What the fit maximizes: key facts stated, less forbidden claims made."""
    return tally[0] - tally[2]


def fit(offline: Objective, dev: Sequence[Captured], start: Weights, rounds: int = 2) -> Weights:
    """Coordinate descent over each feature's grid, on the development key facts (less
    forbidden claims); a weight changes only for a gain, so a tie keeps the weight."""
    current, best = start, gain(offline.facts(dev, start))
    for round_ in range(rounds):
        changed = False
        for name in start.values:
            grid = _grid(start, name)
            for value in sorted(grid, key=lambda v: (v != 0.0, abs(v))):
                if value == current.values[name]:
                    continue
                trial = current.with_values({name: value})
                stated = gain(offline.facts(dev, trial))
                if stated > best:
                    print(
                        f"  round {round_ + 1}: {name} {current.values[name]} -> {value}: {stated}"
                    )
                    current, best, changed = trial, stated, True
        if not changed:
            break
    return current


def _grid(weights: Weights, name: str) -> set[float]:
    weight = weights.values[name]
    if weight == 0.0:
        return set(FROM_ZERO[weights.kinds[name]])
    return {round(weight * s, 3) for s in SCALES}


def write_weights(weights: Weights, path: Path = WEIGHTS_FILE) -> None:
    """Replace the weight lines of weights.yaml, keeping its comments and descriptions."""
    lines, feature = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^  (\w+):$", line):
            feature = match.group(1)
        elif feature and re.match(r"^    weight: ", line):
            line = f"    weight: {weights.values[feature]}"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _ratio(tally: Tally) -> str:
    stated, total, forbidden = tally
    facts = f"{stated / total:.4f} ({stated}/{total})" if total else "n/a"
    return f"{facts}, {forbidden} forbidden"


def ablation(
    offline: Offline, dev: Sequence[Captured], test: Sequence[Captured], w: Weights
) -> None:
    """Each feature's worth: the key facts with its weight set to zero."""
    for name, value in w.values.items():
        if value != 0.0:
            zero = w.with_values({name: 0.0})
            d, t = offline.facts(dev, zero), offline.facts(test, zero)
            print(f"  without {name}: development {_ratio(d)}, held-out {_ratio(t)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.fit_weights", description=__doc__)
    parser.add_argument("--write", action="store_true", help="write the fitted weights.yaml")
    parser.add_argument("--rounds", type=int, default=2, help="coordinate descent rounds")
    args = parser.parse_args(argv)
    cairn = Cairn.from_settings(load_settings())
    cases = capture(cairn)
    offline = Offline(cairn.rules)
    dev = [c for c in cases if not held_out(c)]
    test = [c for c in cases if held_out(c)]
    start = Weights.load()
    print(f"{len(dev)} development and {len(test)} held-out questions")
    real = _ratio(
        (
            sum(c.real for c in dev),
            sum(len(c.must_state) for c in dev),
            sum(c.real_forbidden for c in dev),
        )
    )
    print(f"pipeline key facts, development: {real}")
    before = offline.facts(dev, start), offline.facts(test, start)
    print(f"before: development {_ratio(before[0])}, held-out {_ratio(before[1])}")
    fitted = fit(offline, dev, start, args.rounds)
    after = offline.facts(dev, fitted), offline.facts(test, fitted)
    print(f"after:  development {_ratio(after[0])}, held-out {_ratio(after[1])}")
    for name in sorted({batch(c) for c in test}):
        cases = [c for c in test if batch(c) == name]
        was, now = offline.facts(cases, start), offline.facts(cases, fitted)
        print(f"  held-out {name}: {_ratio(was)} -> {_ratio(now)}")
    for name in start.values:
        if fitted.values[name] != start.values[name]:
            print(f"  {name}: {start.values[name]} -> {fitted.values[name]}")
    ablation(offline, dev, test, fitted)
    if args.write:
        write_weights(fitted)
        print(f"wrote {WEIGHTS_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
