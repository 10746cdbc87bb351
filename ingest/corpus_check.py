"""`cairn corpus check`: validate the sources and the rule files together.

    problems, summary = check_corpus(Path("corpus"))

Fails (with messages naming the file, the entry and the field) when front matter is incomplete,
ids repeat, a superseded document names no successor, a rule file is malformed, a lexicon name
maps to two concepts, a rule or dose row cites a source id that does not exist, or a dose of the
dose table (or a row's administration time) does not appear in the text of any source it cites.
"""

from __future__ import annotations

import re
from pathlib import Path

from guardrails.cues import Cues
from guardrails.dose_table import PER_KG, PER_M2, SCHEDULES, DoseRow
from guardrails.errors import CairnError, RulesError
from guardrails.rules import RuleBook
from ingest.corpus_info import CorpusInfo
from ingest.corpus_intervals import intervals_in_sources
from ingest.rule_files import load_rulebook
from ingest.sources import LoadedSource, SourceLimits, load_sources

_UNIT_PATTERN = {
    "mg/kg": r"mg\s*/\s*kg",
    "mg/m2": r"mg\s*/\s*m(?:2|²)",
    "units": r"units?",
    "mg": r"mg(?!\s*/\s*(?:kg|m))",
}


def check_corpus(folder: Path, limits: SourceLimits | None = None) -> tuple[list[str], str]:
    """Every problem of the corpus at `folder`, and a one-line summary when it is valid."""
    loaded, problems = load_sources([folder / "sources"], limits)
    try:
        CorpusInfo.load(folder / "corpus.yaml")
    except RulesError as exc:
        problems.extend(exc.problems)
    except CairnError as exc:
        problems.append(str(exc))
    try:
        rules = load_rulebook(folder / "rules")
    except RulesError as exc:
        return [*problems, *exc.problems], ""
    texts = {item.source.id: item for item in loaded}
    problems.extend(_unknown_sources(rules, set(texts), folder / "rules"))
    problems.extend(_doses_in_sources(rules, texts, folder / "rules" / "doses.yaml"))
    problems.extend(_times_in_sources(rules, texts, folder / "rules" / "doses.yaml"))
    problems.extend(intervals_in_sources(rules, texts, folder / "rules" / "doses.yaml", _mentions))
    problems.extend(_doses_against_facts(rules, folder / "rules"))
    problems.extend(_populations_against_facts(rules, texts))
    try:
        Cues.load(folder / "rules" / "cues.yaml")
    except RulesError as exc:
        problems.extend(exc.problems)
    summary = (
        f"{len(loaded)} sources, {len(rules.lexicon.concepts)} lexicon entries, "
        f"{len(rules.doses.rows)} dose rows, {len(rules.pathway.situations)} pathway situations, "
        f"{len(rules.facts.ids)} patient facts"
    )
    return problems, summary


def check_coverage(folder: Path) -> tuple[list[str], list[str]]:
    """The coverage map's matrix lines and its problems (`corpus/coverage.yaml`)."""
    from ingest.coverage import coverage_report
    from ingest.sources import discover

    loaded, _ = load_sources(discover([folder / "sources"]))
    try:
        report = coverage_report(folder / "coverage.yaml", loaded)
    except RulesError as exc:
        return [], exc.problems
    return report.lines(), report.problems


def _unknown_sources(rules: RuleBook, known: set[str], folder: Path) -> list[str]:
    cited: list[tuple[str, str, tuple[str, ...]]] = [
        ("doses.yaml", f"dose row '{row.id}'", row.sources) for row in rules.doses.rows
    ]
    cited += [
        ("doses.yaml", f"rule '{r.id}'", r.sources)
        for r in (*rules.doses.modifications, *rules.doses.adjustments)
    ]
    pathway = rules.pathway
    cited.append(("pathway.yaml", "lines", pathway.early_relapse_sources))
    cited += [("pathway.yaml", f"situation '{s.id}'", s.sources) for s in pathway.situations]
    cited += [
        ("pathway.yaml", f"contraindication '{c.id}'", c.sources) for c in pathway.contraindications
    ]
    cited += [("pathway.yaml", f"pitfall '{p.id}'", p.sources) for p in pathway.pitfalls]
    cited += [("pathway.yaml", f"emergency '{e.id}'", e.sources) for e in pathway.emergencies]
    return [
        f"{folder / file}: {entry} cites source id '{source}', which is not in the corpus"
        for file, entry, sources in cited
        for source in sources
        if source not in known
    ]


def _populations_against_facts(rules: RuleBook, texts: dict[str, LoadedSource]) -> list[str]:
    """A source's `population` names facts of facts.yaml, with values they can take."""
    problems = []
    for item in texts.values():
        for key, value in item.source.population.items():
            spec = rules.facts.get(key)
            where = f"{item.source.path}: population"
            if spec is None:
                known = ", ".join(rules.facts.ids) or "none"
                problems.append(
                    f"{where}: '{key}' is not a fact of rules/facts.yaml; use one of: {known}"
                )
            elif spec.type == "enum" and value not in spec.values:
                problems.append(f"{where}: {key} '{value}' is not one of {', '.join(spec.values)}")
    return problems


def _doses_against_facts(rules: RuleBook, folder: Path) -> list[str]:
    """A dose per kg or per m2 needs the fact its total is worked out from (`role: weight` or
    `role: surface_area` in facts.yaml)."""
    problems = []
    for unit, role in ((PER_KG, "weight"), (PER_M2, "surface_area")):
        row = next((r for r in rules.doses.rows if r.unit == unit), None)
        if row is not None and rules.facts.role(role) is None:
            problems.append(
                f"{folder / 'doses.yaml'}: dose '{row.id}' is in {unit}, but "
                f"{folder / 'facts.yaml'} declares no fact with 'role: {role}'; add one (a number "
                "in kg or m2) so the total dose can be checked"
            )
    return problems


def _doses_in_sources(rules: RuleBook, texts: dict[str, LoadedSource], path: Path) -> list[str]:
    problems = []
    for row in rules.doses.rows:
        cited = [texts[s].text for s in row.sources if s in texts]
        if not cited:
            continue
        per_day = {SCHEDULES.get(s, 0) for s in row.schedules} - {0, 1}
        for value, unit in _stated(row):
            daily = [value * n for n in per_day]  # "2,000 mg/m2/day in two divided doses"
            if not any(
                _mentions(text, value, unit) or any(_mentions(text, d, unit, True) for d in daily)
                for text in cited
            ):
                problems.append(
                    f"{path}: dose row '{row.id}': {_format(value)} {unit} does not appear in the "
                    f"text of any source it cites ({', '.join(row.sources)})"
                )
    return problems


def _times_in_sources(rules: RuleBook, texts: dict[str, LoadedSource], path: Path) -> list[str]:
    """Every minute count of a row's `administration` in a cited source, in minutes or hours."""
    problems = []
    for row in rules.doses.rows:
        cited = [texts[s].text for s in row.sources if s in texts]
        if row.administration is None or not cited:
            continue
        first, later = row.administration.spans(row.phase)
        minutes = {m for low, high in (*first, *later) for m in (low, high) if m != float("inf")}
        for value in sorted(minutes):
            if not any(_gives_time(text, value) for text in cited):
                problems.append(
                    f"{path}: dose row '{row.id}': administration time {_format(value)} minutes "
                    f"does not appear in the text of any source it cites ({', '.join(row.sources)})"
                )
    return problems


def _gives_time(text: str, minutes: float) -> bool:
    """'90 minutes', '30-90 minutes', '2 to 5 minutes', 'a 3-hour infusion' (180)."""
    written = [(minutes, r"min(?:ute)?s?")] + ([(minutes / 60, r"h(?:ou)?rs?")] * (minutes >= 60))
    return any(
        re.search(rf"(?<![\d.,]){_format(n)}(?![\d.,])[^.;]{{0,12}}?\b{unit}\b", text, re.I)
        for n, unit in written
    )


def _stated(row: DoseRow) -> list[tuple[float, str]]:
    """The amounts a row asserts: each part, the range ends and the reduction steps."""
    values = list(zip(row.amounts, row.units, strict=False))
    values += [(x, row.unit) for x in (row.low, row.high) if x is not None]
    values += [(x, row.unit) for x in row.reductions]
    return values


def _mentions(text: str, value: float, unit: str, per_day: bool = False) -> bool:
    number = _format(value)
    whole, _, fraction = number.partition(".")
    digits = re.sub(r"(\d)(?=(\d{3})+$)", r"\1,?", whole)  # 1250 -> 1,?250
    fraction_part = rf"\.{fraction}0*" if fraction else r"(?:\.0+)?"
    day = r"\s*(?:/\s*day|per day|a day)" if per_day else ""
    # the number with its unit, or a range end: "20 to 30 mg/m2", "75-100 mg/m2"
    other = r"\d[\d,.]*"
    pattern = (
        rf"(?<![\d.,]){digits}{fraction_part}(?:\s*(?:-|–|to)\s*{other})?\s*"
        rf"{_UNIT_PATTERN[unit]}{day}"
    )
    return re.search(pattern, text, re.IGNORECASE) is not None


def _format(value: float) -> str:
    return f"{value:g}" if value % 1 else str(int(value))
