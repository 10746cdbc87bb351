"""The coverage map: what the corpus must cover (`corpus/coverage.yaml`) against what its
sources declare they cover (each source's `covers:` front matter).

    report = coverage_report(Path("corpus/coverage.yaml"), loaded_sources)
    print("\\n".join(report.lines())); report.problems  # empty cells that are required

A table is subjects x topics (drugs x label sections, a guideline x its recommendation
numbers); every cell is required unless the table lists it under `gaps` with the reason. The
tables are data: a second corpus writes its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from guardrails.schema import parse
from ingest.sources import LoadedSource


class Gap(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: str
    topic: str
    reason: str = Field(min_length=1, description="why the cell is empty for now")


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    subjects: tuple[str, ...] = Field(min_length=1)
    topics: tuple[str, ...] = Field(min_length=1)
    gaps: tuple[Gap, ...] = ()


class CoverageSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tables: tuple[Table, ...]


@dataclass
class CoverageReport:
    tables: list[tuple[Table, dict[tuple[str, str], list[str]]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Each table as a matrix: 'x' covered, 'gap' a listed gap, '-' missing."""
        out: list[str] = []
        for table, cells in self.tables:
            gaps = {(g.subject, g.topic) for g in table.gaps}
            width = max(len(s) for s in table.subjects)
            filled = sum(1 for s in table.subjects for t in table.topics if cells.get((s, t)))
            total = len(table.subjects) * len(table.topics)
            out.append(f"{table.name}: {filled} of {total} cells covered, {len(gaps)} known gaps")
            heads = [t[:6] for t in table.topics]
            out.append(f"  {'':<{width}} " + " ".join(f"{h:>6}" for h in heads))
            for subject in table.subjects:
                marks = [
                    "x" if cells.get((subject, t)) else "gap" if (subject, t) in gaps else "-"
                    for t in table.topics
                ]
                out.append(f"  {subject:<{width}} " + " ".join(f"{m:>6}" for m in marks))
            out.extend(f"  gap: {g.subject} / {g.topic}: {g.reason}" for g in table.gaps)
        return out


def load_spec(path: Path) -> CoverageSpec:
    from guardrails.errors import RulesError

    if not path.is_file():
        raise RulesError([f"{path}: file not found"], f"Create {path.name} in the corpus folder.")
    text = path.read_text(encoding="utf-8")
    return parse(CoverageSpec, yaml.safe_load(text), str(path), text=text)


def covered_cells(sources: Sequence[LoadedSource]) -> dict[tuple[str, str], list[str]]:
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    for loaded in sources:
        for subject, topics in loaded.source.covers.items():
            for topic in topics:
                cells[(subject, topic)].append(loaded.source.id)
    return cells


def coverage_report(path: Path, sources: Sequence[LoadedSource]) -> CoverageReport:
    spec = load_spec(path)
    cells = covered_cells(sources)
    report = CoverageReport()
    for table in spec.tables:
        gaps = {(g.subject, g.topic) for g in table.gaps}
        mine = {(s, t): cells.get((s, t), []) for s in table.subjects for t in table.topics}
        report.tables.append((table, mine))
        for (subject, topic), ids in mine.items():
            if not ids and (subject, topic) not in gaps:
                report.problems.append(
                    f"{path}: '{table.name}': no source covers {subject} / {topic}; add it to "
                    "a source's `covers:` with the text, or list it under `gaps` with the reason"
                )
            if ids and (subject, topic) in gaps:
                report.problems.append(
                    f"{path}: '{table.name}': {subject} / {topic} is listed as a gap but "
                    f"{', '.join(ids)} covers it; remove the gap"
                )
    return report
