"""The Markdown table of a chaos run (`cairn bench --faults`).

print("\\n".join(markdown(run_chaos(plan, workdir))))
"""

from __future__ import annotations

from evals.chaos import ChaosResult
from evals.chaos_matrix import MODES
from evals.load import LoadLevel


def markdown(result: ChaosResult) -> list[str]:
    requests = sum(level.requests for level in result.load)
    parts = ", ".join(f"{name} {seconds / 60:.1f}" for name, seconds in result.parts.items())
    lines = [
        f"Cairn chaos run: {result.cores} cores, {result.seconds / 60:.1f} min"
        f"{f' ({parts})' if parts else ''}: {'PASS' if result.passed else 'FAIL'}",
        "",
        "| Check | Result |",
        "|---|---|",
        f"| Kills survived (kill -9 inside `cairn ingest`) | "
        f"{result.kills_survived}/{len(result.kills)} |",
        f"| Damage cases recovered (error naming the fix, one rebuild repairs) | "
        f"{result.damage_recovered}/{len(result.damage)} |",
        f"| Answers lost under load (must be 0) | {result.answers_lost} of {requests} |",
        f"| Answers changed under load (must be 0) | {result.answers_changed} |",
    ]
    if result.load:
        lines += ["", *_load_table(result.load)]
    if result.kills:
        lines += ["", *_kill_table(result)]
    if result.damage:
        lines += ["", "| Damage | Recovered | Seconds |", "|---|---|---|"]
        lines += [
            f"| {c.name} | {_mark(c.passed, 'recovered')} | {c.seconds:g} |" for c in result.damage
        ]
    problems = [
        f"- {c.matrix} {c.name}{f' ({c.mode})' if c.mode else ''}: {'; '.join(c.problems)}"
        for c in [*result.kills, *result.damage]
        if c.problems
    ]
    problems += [f"- {load.users} users: {error}" for load in result.load for error in load.errors]
    if problems:
        lines += ["", "Problems:", *problems]
    return lines


def _load_table(levels: list[LoadLevel]) -> list[str]:
    one = next((level for level in levels if level.users == 1), None)
    lines = [
        "| Users | Requests | Lost | p50 s | p95 s | p50 / 1 user | p95 / 1 user | Wall s "
        "| Server peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for level in levels:
        lines.append(
            f"| {level.users} | {level.requests} | {level.lost} | {_num(level.p50_s)} "
            f"| {_num(level.p95_s)} | {_ratio(level.p50_s, one.p50_s if one else None)} "
            f"| {_ratio(level.p95_s, one.p95_s if one else None)} | {level.wall_s:g} "
            f"| {_num(level.server_peak_rss_mb)} |"
        )
    return lines


def _kill_table(result: ChaosResult) -> list[str]:
    modes = [m for m in MODES if any(c.mode == m for c in result.kills)]
    lines = [f"| Fault point | {' | '.join(modes)} |", f"|---|{'---|' * len(modes)}"]
    for name in dict.fromkeys(c.name for c in result.kills):
        marks = []
        for mode in modes:
            case = next((c for c in result.kills if c.name == name and c.mode == mode), None)
            marks.append(_mark(case.passed, "survived") if case else "")
        lines.append(f"| {name} | {' | '.join(marks)} |")
    return lines


def _mark(passed: bool, word: str) -> str:
    return word if passed else "**FAILED**"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def _ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return "n/a"
    return f"{value / base:.1f}x"
