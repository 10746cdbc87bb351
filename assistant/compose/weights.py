"""The weights of the sentence features and how they combine into a score (`weights.yaml`).

    weights = Weights.load()
    score = weights.score(feature_record(sentence, asked))
    for name, value, weight, effect in weights.explain(record): ...

score = (sum of w * f over the `add` features) * exp(sum of w * f over the `log` features): the
`add` features say how much a sentence answers the question, the `log` ones scale it (a named
drug left out, another line of therapy, a superseded source).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import Field

from assistant.compose.features import FEATURES
from guardrails.schema import Issue, Strict, parse
from guardrails.yamlio import read_yaml

WEIGHTS_FILE = Path(__file__).resolve().parent / "weights.yaml"


class Kind(StrEnum):
    ADD = "add"
    LOG = "log"


class _Entry(Strict):
    kind: Kind
    weight: float = Field(ge=-10, le=10)
    measures: str = Field(min_length=10, description="what the feature measures, in words")


class _Spec(Strict):
    features: dict[str, _Entry]


def _feature_issues(data: object) -> list[Issue]:
    """Every feature of `features.FEATURES` has a weight, and every weight a feature."""
    given = data.get("features") if isinstance(data, dict) else None
    if not isinstance(given, dict):
        return []  # the model reports what is wrong with the section itself
    missing = [
        Issue(("features",), f"no weight for {n}") for n in sorted(set(FEATURES) - set(given))
    ]
    unknown = [
        Issue(("features", n), f"{n} is not a feature of assistant/compose/features.py")
        for n in sorted(set(given) - set(FEATURES))
    ]
    return missing + unknown


@dataclass(frozen=True)
class Weights:
    """One weight and kind per feature of `features.FEATURES`, and what each measures."""

    kinds: dict[str, Kind]
    values: dict[str, float]
    measures: dict[str, str]

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> Weights:
        data, text = read_yaml(path)
        data = data or {}
        spec = parse(_Spec, data, str(path), text=text, issues=_feature_issues(data))
        return cls(
            {n: e.kind for n, e in spec.features.items()},
            {n: e.weight for n, e in spec.features.items()},
            {n: e.measures for n, e in spec.features.items()},
        )

    def with_values(self, values: dict[str, float]) -> Weights:
        """The same features with other weights (for fitting)."""
        return Weights(self.kinds, {**self.values, **values}, self.measures)

    def score(self, record: dict[str, float]) -> float:
        base = sum(self.values[n] * v for n, v in record.items() if self.kinds[n] is Kind.ADD)
        scale = sum(self.values[n] * v for n, v in record.items() if self.kinds[n] is Kind.LOG)
        return base * math.exp(scale)

    def explain(self, record: dict[str, float]) -> list[tuple[str, float, float, str]]:
        """(feature, value, weight, effect) for every feature with a value and a weight: the
        effect is '+0.26' for an added term, 'x0.35' for a scale."""
        rows = []
        for name, value in record.items():
            weight = self.values[name]
            if value == 0 or weight == 0:
                continue
            if self.kinds[name] is Kind.ADD:
                effect = f"+{weight * value:.3f}"
            else:
                effect = f"x{math.exp(weight * value):.2f}"
            rows.append((name, value, weight, effect))
        return rows
