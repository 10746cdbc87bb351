"""`cairn corpus check`: the time intervals of the dose table appear in the sources they cite.

    problems = intervals_in_sources(rules, texts, Path("corpus/rules/doses.yaml"))

A row's `missed` rule (its delay in weeks, and the amounts of the loading row it gives again)
and a modification's `resolved` condition (its days) must each be stated by a source the rule
cites: "6 weeks or more", "more than one week", "28 days or less", "within 3 weeks" (21 days);
the durations are read as the review reads them (`guardrails.timeline.durations`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from guardrails.dose_table import DoseTable
from guardrails.rules import RuleBook
from guardrails.timeline import durations
from ingest.sources import LoadedSource


def intervals_in_sources(
    rules: RuleBook,
    texts: dict[str, LoadedSource],
    path: Path,
    mentions: Callable[[str, float, str], bool],
) -> list[str]:
    """Every problem of the intervals of `rules.doses`; `mentions(text, value, unit)` says
    whether a text gives an amount with its unit (the dose rows' own check)."""
    problems = _unknown(rules.doses, set(texts), path)
    for row in rules.doses.rows:
        rule = row.missed
        cited = [texts[s].text for s in (rule.sources if rule else ()) if s in texts]
        if rule is None or rule.weeks is None or not cited:
            continue
        where = f"{path}: dose row '{row.id}': missed"
        if not any(_gives_days(text, rule.weeks * 7) for text in cited):
            problems.append(f"{where}.weeks {rule.weeks:g} {_absent(rule.sources)}")
        reload = rules.doses.row(rule.reload or "")
        parts = zip(reload.amounts, reload.units, strict=False) if reload else iter(())
        for amount, unit in parts:
            if not any(mentions(text, amount, unit) for text in cited):
                problems.append(f"{where}.reload amount {amount:g} {unit} {_absent(rule.sources)}")
    for mod in rules.doses.modifications:
        cited = [texts[s].text for s in mod.sources if s in texts]
        limit = mod.resolved.limit if mod.resolved else None
        if limit is not None and cited and not any(_gives_days(t, limit) for t in cited):
            problems.append(
                f"{path}: rule '{mod.id}': resolved {limit:g} days {_absent(mod.sources)}"
            )
    return problems


def _unknown(table: DoseTable, known: set[str], path: Path) -> list[str]:
    return [
        f"{path}: dose row '{row.id}': missed cites source id '{source}', which is not in "
        "the corpus"
        for row in table.rows
        for source in (row.missed.sources if row.missed else ())
        if source not in known
    ]


def _gives_days(text: str, days: float) -> bool:
    """The text states a duration of `days` (as its exact length or the end of a bound)."""
    return any(abs(end - days) < 0.01 for d in durations(text) for end in d.days)


def _absent(sources: tuple[str, ...]) -> str:
    return f"does not appear in the text of any source it cites ({', '.join(sources)})"
