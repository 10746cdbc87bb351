"""HTML and Markdown for the chat: the answer with clickable citations and findings beside the
sentences they concern, the verdict badge, and the sources panel. Pure functions, tested alone.
"""

from __future__ import annotations

import html
import re

from assistant.compose.citations import by_source
from assistant.records import Answer, Citation
from guardrails.answer import parse_answer
from guardrails.records import Finding, Severity, Verdict
from guardrails.text import split_sentences

_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_BADGES = {
    Verdict.PASS: ("pass", "Checked against the pathway and dose table"),
    Verdict.WARN: ("warn", "Warnings: read the findings"),
    Verdict.BLOCK: ("block", "Blocked: answer withheld"),
}
_ICONS = {Severity.BLOCK: "⛔", Severity.WARN: "⚠️", Severity.INFO: "ℹ️"}


def linked_markers(text: str) -> str:
    """'[1, 3]' -> '[[1](#cite-1), [3](#cite-3)]': each number opens its passage."""

    def link(match: re.Match[str]) -> str:
        numbers = [n.strip() for n in match.group(1).split(",")]
        return "[" + ", ".join(f"[{n}](#cite-{n})" for n in numbers) + "]"

    return _MARKER.sub(link, text)


def answer_markdown(answer: Answer) -> str:
    """The answer as the chat shows it: assumptions and notices first, findings under the
    sentences they concern, citation numbers as links; the reference list is in the panel."""
    body = answer.text.split("\n\n**References**")[0]
    # A withheld answer's findings point into the draft it replaced, and its safe message
    # already lists them.
    shown = [] if answer.review.verdict is Verdict.BLOCK else answer.review.findings
    body = _annotate(body, [f for f in shown if f.severity is not Severity.INFO])
    parts = []
    for notice in answer.notices:
        parts.append(f"> ❗ {_escape(notice)}")
    if answer.assumptions:
        assumed = _escape("; ".join(answer.assumptions))
        parts.append(f"*Assuming, from earlier in the conversation: {assumed}.*")
    parts.append(linked_markers(body))
    return "\n\n".join(parts)


def writing_markdown(words: int) -> str:
    """What the chat shows while the answer is written: progress, never the draft's text. The
    review needs the whole draft, and a draft it blocks (a wrong dose, a contraindicated drug)
    must not have been on the screen, even marked as unchecked."""
    written = f" ({words} words written so far)" if words else ""
    return (
        "⏳ *Answer being checked against the pathway and dose table: it appears here once "
        f"reviewed{written}.*"
    )


CHECKING = "<div class='cairn-badge cairn-checking'><strong>Checking…</strong></div>"


def _escape(text: str) -> str:
    """Corpus and model text is shown as text: no HTML of its own reaches the page, and no
    Markdown image (a remote image would be fetched by every reader's browser)."""
    return _no_images(html.escape(text, quote=False))


def _no_images(text: str) -> str:
    return _IMAGE.sub(r"\\![", text)


_IMAGE = re.compile(r"!\[")


def _annotate(body: str, findings: list[Finding]) -> str:
    """Put each finding as a quoted line right after the answer line it concerns (the answer
    text is escaped here, after the offsets are used)."""
    if not findings:
        return _escape(body)
    notes: dict[int, list[str]] = {}
    lines = body.split("\n")
    offsets = []
    position = 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    loose = []
    for finding in findings:
        if finding.start is None:
            loose.append(finding)
            continue
        index = max(i for i, offset in enumerate(offsets) if offset <= finding.start)
        notes.setdefault(index, []).append(
            f"  > {_ICONS[finding.severity]} {_escape(finding.message)}"
        )
    out = []
    for i, line in enumerate(lines):
        out.append(_escape(line))
        out.extend(notes.get(i, []))
    out.extend(f"> {_ICONS[f.severity]} {_escape(f.message)}" for f in loose)
    return "\n".join(out)


def badge_html(answer: Answer) -> str:
    css, label = _BADGES[answer.review.verdict]
    counts = {s: sum(1 for f in answer.review.findings if f.severity is s) for s in Severity}
    warnings = counts[Severity.WARN]
    detail = f"{counts[Severity.BLOCK]} blocking, {warnings} warning{'' if warnings == 1 else 's'}"
    as_of = f" · evidence as of {answer.evidence_as_of}" if answer.evidence_as_of else ""
    return (
        f"<div class='cairn-badge cairn-{css}' data-verdict='{answer.review.verdict.value}'>"
        f"<strong>{html.escape(label)}</strong> <span>({detail})</span></div>"
        f"<div class='cairn-meta'>Corpus {html.escape(answer.corpus_version)}{as_of} · "
        f"generator {html.escape(answer.generator)} · "
        f"{sum(answer.timings.values()):.0f} ms</div>"
    )


def findings_markdown(answer: Answer) -> str:
    if not answer.review.findings:
        return "No findings: every statement is cited, and doses and regimens match the rules."
    lines = []
    withheld = answer.review.verdict is Verdict.BLOCK  # its words are not quoted either
    for f in answer.review.findings:
        sources = f" *(sources: {', '.join(f.source_ids)})*" if f.source_ids else ""
        quote = f" — “{_escape(f.span[:140])}”" if f.span and not withheld else ""
        message = _escape(f.message)
        lines.append(f"- {_ICONS[f.severity]} **{f.severity.value}** {message}{sources}{quote}")
    return "\n".join(lines)


def sources_html(answer: Answer) -> str:
    """The cited passages, each with the cited sentences highlighted and the id 'cite-N' its
    markers link to, grouped by source as the reference list is: the title once with all the
    source's numbers, then each passage's section, and the citation once at the end."""
    if not answer.citations:
        return "<div class='cairn-sources-empty'>No sources cited.</div>"
    cited = _cited_sentences(answer)
    blocks = []
    for group in by_source(answer.citations):
        first, last = group[0], group[-1]
        status = " <em>(superseded)</em>" if first.status == "superseded" else ""
        numbers = ", ".join(str(c.n) for c in group)
        head = (
            f"<div class='cairn-source-head'>[{numbers}] {html.escape(first.title)}{status}</div>"
        )
        link = (
            f" <a href='{html.escape(last.url)}' target='_blank' rel='noopener'>link</a>"
            if last.url
            else ""
        )
        end = f"<div class='cairn-cite'>{html.escape(last.citation)}{link}</div>"
        for c in group:
            label = f"[{c.n}] " if len(group) > 1 else ""
            blocks.append(
                f"<div class='cairn-source' id='cite-{c.n}'>{head if c is first else ''}"
                f"<div class='cairn-source-section'>{label}{html.escape(c.section)} · "
                f"{c.year}</div>"
                f"<div class='cairn-passage'>{_highlight(c, cited.get(c.n, []))}</div>"
                f"{end if c is last else ''}</div>"
            )
    return "<div class='cairn-sources'>" + "".join(blocks) + "</div>"


def _cited_sentences(answer: Answer) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    body = answer.text.split("\n\n**References**")[0]
    for sentence in parse_answer(body):
        for n in sentence.citations:
            found.setdefault(n, []).append(sentence.claim)
    return found


def _highlight(citation: Citation, claims: list[str]) -> str:
    """The passage, with the sentence each claim is cited for marked: the passage sentence
    closest to the claim (the same sentence, for a quoted one)."""
    spans = split_sentences(citation.snippet)
    marked = set()
    for claim in claims:
        scores = [(_overlap(span.text, claim), i) for i, span in enumerate(spans)]
        best, index = max(scores, default=(0.0, -1))
        if best >= 0.4:
            marked.add(index)
    return " ".join(
        f"<mark>{_no_images(html.escape(s.text))}</mark>"
        if i in marked
        else _no_images(html.escape(s.text))
        for i, s in enumerate(spans)
    )


def _overlap(passage_sentence: str, claim: str) -> float:
    a = set(re.findall(r"[a-z0-9.]+", passage_sentence.lower()))
    b = set(re.findall(r"[a-z0-9.]+", claim.lower()))
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0
