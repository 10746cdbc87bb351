"""Load source documents and validate their metadata.

Markdown files carry YAML front matter; `.txt`, `.html` and `.pdf` files carry the same fields in
a sidecar `NAME.meta.yaml`. Every problem names the file, the field and what is expected, and all
problems of all files are reported at once.

    loaded, problems = load_sources([Path("corpus/sources")])
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from guardrails.errors import CairnError
from guardrails.fields import NonBlank
from guardrails.schema import Strict, validate
from ingest.records import Source, SourceKind, SourceStatus

SOURCE_SUFFIXES = (".md", ".txt", ".html", ".htm", ".pdf")
SIDECAR_SUFFIX = ".meta.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?", re.DOTALL)


class SourceError(CairnError):
    """One or more source documents are invalid; nothing was indexed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(
            f"The corpus has {count}:\n" + "\n".join(f"  - {p}" for p in problems),
            "Fix the files named above and run the command again; the index was not changed.",
        )


@dataclass(frozen=True)
class SourceLimits:
    """What one source may weigh: a huge file would stall ingest and flood retrieval."""

    max_bytes: int = 5 * 1024 * 1024
    max_chunks: int = 2000


@dataclass(frozen=True)
class LoadedSource:
    source: Source
    text: str  # the body as Markdown-like text: headings start with '#'


def discover(paths: list[Path]) -> list[Path]:
    """Source files under the given files or folders, sorted, sidecars and READMEs left out."""
    found: set[Path] = set()
    for path in paths:
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        for candidate in candidates:
            name = candidate.name
            if not candidate.is_file() or name.endswith(SIDECAR_SUFFIX):
                continue
            if name.startswith((".", "_")) or name.upper().startswith("README"):
                continue
            if candidate.suffix.lower() in SOURCE_SUFFIXES:
                found.add(candidate)
    return sorted(found)


def load_sources(
    paths: list[Path], limits: SourceLimits | None = None
) -> tuple[list[LoadedSource], list[str]]:
    """Load every source under `paths`; return the valid ones and every problem found."""
    loaded: list[LoadedSource] = []
    problems: list[str] = []
    files = discover(paths)
    missing = [p for p in paths if not p.exists()]
    problems.extend(f"{p}: no such file or folder" for p in missing)
    outside = _linked_out(paths, files)
    problems.extend(
        f"{p}: a link to {p.resolve()}, outside the corpus; copy the document in instead"
        for p in outside
    )
    for path in (f for f in files if f not in outside):
        try:
            loaded.append(load_source(path, limits))
        except SourceError as exc:
            problems.extend(exc.problems)
    problems.extend(cross_check([item.source for item in loaded]))
    return loaded, problems


def _linked_out(paths: list[Path], files: list[Path]) -> list[Path]:
    """Files found in a folder of `paths` that are links to somewhere outside that folder."""
    out = []
    for folder in (p for p in paths if p.is_dir()):
        root = folder.resolve()
        out += [f for f in files if f.is_relative_to(folder) and not _within(f, root)]
    return out


def _within(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root)


def cross_check(sources: list[Source]) -> list[str]:
    """Problems between documents: repeated ids, successors that do not exist."""
    problems = []
    seen: dict[str, str] = {}
    for source in sources:
        if source.id in seen:
            problems.append(f"{source.path}: id '{source.id}' is already used by {seen[source.id]}")
        seen.setdefault(source.id, source.path)
    for source in sources:
        if source.superseded_by and source.superseded_by not in seen:
            problems.append(
                f"{source.path}: field 'superseded_by' names '{source.superseded_by}', "
                "which is not a source id in the corpus"
            )
    return problems


def load_source(path: Path, limits: SourceLimits | None = None) -> LoadedSource:
    """Read one source and its metadata; raise SourceError listing every problem."""
    limits = limits or SourceLimits()
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise SourceError(
            [
                f"{path}: {size / 2**20:.1f} MB, more than the limit of "
                f"{limits.max_bytes / 2**20:g} MB per source (CAIRN_MAX_SOURCE_MB); "
                "split it or summarise it"
            ]
        )
    raw = path.read_bytes()
    digest = hashlib.sha256(raw)
    front = None  # the front matter as written: its problems carry line numbers
    if suffix == ".md":
        meta, body, problems = _split_front_matter(path, raw)
        match = _FRONT_MATTER.match(raw.decode("utf-8", errors="replace"))
        front = "\n" + match.group(1) if match else None  # the file's line 1 is '---'
    else:
        sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
        if not sidecar.is_file():
            raise SourceError([f"{path}: metadata file {sidecar.name} not found beside it"])
        sidecar_raw = sidecar.read_bytes()
        digest.update(sidecar_raw)
        meta, problems = _parse_yaml(sidecar, sidecar_raw.decode("utf-8", errors="replace"))
        body = ""
        if not problems:
            try:
                body = _extract_text(path, raw)
            except Exception as exc:  # pypdf and bs4 raise many types on damaged files
                problems.append(f"{path}: could not read the file ({exc})")
    if problems:
        raise SourceError(problems)
    source, problems = validate_metadata(meta, path, front)
    if not body.strip():
        problems.append(f"{path}: the document has no text")
    if problems or source is None:
        raise SourceError(problems)
    source = source.model_copy(update={"path": str(path), "sha256": digest.hexdigest()})
    return LoadedSource(source, body)


def _split_front_matter(path: Path, raw: bytes) -> tuple[dict[str, Any], str, list[str]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return {}, "", [f"{path}: not UTF-8 text; save it as UTF-8"]
    match = _FRONT_MATTER.match(text)
    if match is None:
        return (
            {},
            "",
            [f"{path}: no YAML front matter; start the file with '---', the fields, '---'"],
        )
    meta, problems = _parse_yaml(path, match.group(1))
    return meta, text[match.end() :], problems


def _parse_yaml(path: Path, text: str) -> tuple[dict[str, Any], list[str]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        return {}, [
            f"{path}: the metadata is not valid YAML{where}: {getattr(exc, 'problem', exc)}"
        ]
    except ValueError as exc:  # a date that does not exist, e.g. 2026-02-30
        return {}, [f"{path}: the metadata has an impossible date ({exc}); write a real YYYY-MM-DD"]
    if not isinstance(data, dict):
        return {}, [f"{path}: the metadata must be a mapping of field: value"]
    return data, []


def _source_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError(
            f"{value!r} must be lowercase letters, digits and hyphens, e.g. guideline-2024"
        )
    return value


def _address(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"{value!r} must be an address starting with https://")
    return value


def _text(value: Any) -> Any:
    """A topic written as a number (a recommendation number: `covers: {asco: [2.1]}`)."""
    return str(value) if isinstance(value, int | float) else value


class _FrontMatter(Strict):
    """A source's metadata, as its front matter or sidecar writes it."""

    id: Annotated[str, AfterValidator(_source_id)]
    title: NonBlank
    kind: SourceKind
    citation: NonBlank
    year: int = Field(ge=1900, le=2100, description="a four-digit year such as 2022")
    last_reviewed: dt.date
    status: SourceStatus
    url: Annotated[str, AfterValidator(_address)] | None = None
    superseded_by: str | None = None
    tags: tuple[str, ...] = ()
    recalled_facts: tuple[str, ...] = ()
    covers: dict[str, tuple[Annotated[str, BeforeValidator(_text)], ...]] = Field(
        default_factory=dict, description="subject: [topic, ...], e.g. a-drug-id: [dosing]"
    )
    population: dict[str, str] = Field(
        default_factory=dict, description="fact: value, with the fact ids of rules/facts.yaml"
    )

    @model_validator(mode="after")
    def _successor(self) -> _FrontMatter:
        if self.status is SourceStatus.SUPERSEDED and not self.superseded_by:
            raise ValueError(
                "status is 'superseded' but field 'superseded_by' names no successor; "
                "give the id of the document that replaces it"
            )
        if self.superseded_by is not None and self.status is not SourceStatus.SUPERSEDED:
            raise ValueError("field 'superseded_by' is set but status is not 'superseded'")
        return self


def validate_metadata(
    meta: dict[str, Any], path: Path, text: str | None = None
) -> tuple[Source | None, list[str]]:
    """Check every field; return the Source (when valid) and the problems found. `text` is the
    front matter as written, for line numbers."""
    spec, problems = validate(_FrontMatter, meta, str(path), text=text)
    source_id = meta.get("id")
    md = path.suffix.lower() == ".md"
    if md and isinstance(source_id, str) and source_id and path.stem != source_id:
        problems.append(f"{path}: the file name should be {source_id}.md to match its id")
    if problems or spec is None:
        return None, problems
    return Source(**spec.model_dump()), []


def _extract_text(path: Path, raw: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix == ".txt":
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"not UTF-8 text at byte {exc.start}; save it as UTF-8 (it would be indexed "
                "with unreadable characters)"
            ) from None
    if suffix in (".html", ".htm"):
        return _html_to_text(raw.decode("utf-8", errors="replace"))
    return _pdf_to_text(path)


def _html_to_text(html: str) -> str:
    """Headings become Markdown headings so chunking keeps the section structure."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "head"]):
        tag.decompose()
    lines = []
    for element in soup.find_all(["h1", "h2", "h3", "h4", "p", "li", "td", "pre"]):
        text = " ".join(element.get_text(" ", strip=True).split())
        if not text:
            continue
        name = element.name or ""
        if name.startswith("h"):
            lines.append("\n" + "#" * min(int(name[1]), 3) + " " + text + "\n")
        elif name == "li":
            lines.append("- " + text)
        else:
            lines.append(text + "\n")
    return "\n".join(lines)


def _pdf_to_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return "\n\n".join((page.extract_text() or "") for page in reader.pages)
