"""The layout of an extractive answer: the decision asked first, then the support.

The statements (urgent notices, the pathway's lead for this patient, the chosen evidence
sentences, the dose facets) are first merged where they make the same claim: one sentence is
kept, with the citations of all. Then the statement that answers the decision asked opens the
answer on its own line: for a yes/no question "Yes: ...", "No: ..." or "The sources differ: ...
; ..." when a statement (or two, from different sources) decides it (`decision.py`), else the
pathway's lead for a choice of regimen, else Cairn's line on this patient's own dose or
condition (an adjustment row the question meets, the dose in mg for the patient's size), else
the statement of the role asked that holds most of the question's words. The rest follows
under the headings of the question's intent (guideline, dose, evidence, cautions). Urgent
notices stay above everything.

    text = compose_answer(statements, Layout(order, decision), lexicon, question_terms)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from assistant.compose.base import URGENT, GenerationRequest, cite
from assistant.compose.claims import ClaimContent, read_claims, says_all
from assistant.compose.decision import DIFFER, Claim, Decision, decide
from assistant.understand.intent import Role, roles
from guardrails.cues import Cues
from guardrails.lexicon import ConceptKind, Lexicon
from ingest.lexical import Tokenizer


@dataclass(frozen=True)
class Statement:
    """One line of the answer: its text, the passages it cites, and where it goes."""

    text: str
    numbers: tuple[int, ...]
    heading: str
    roles: frozenset[Role]
    terms: frozenset[str]  # tokens as the scorer reads them (stemmed words, concept ids)
    sources: frozenset[str]  # the source ids of the passages it cites
    claims: tuple[ClaimContent, ...]  # what it says, whole and by clause (`claims.py`)
    own: bool = False  # Cairn's own statement (a notice or the pathway's lead), not quoted
    patient: bool = False  # Cairn's line on this patient's own dose or condition

    def cited(self) -> str:
        return cite(self.text, self.numbers)


def statements_of(
    request: GenerationRequest,
    quoted: Sequence[tuple[str, str, tuple[int, ...]]],
    reader: tuple[Tokenizer, Cues],
    lead_heading: str,
) -> list[Statement]:
    """The answer's statements in order: urgent notices, the pathway's lead, then the quoted
    sentences (heading, text, passage numbers), each read for merging and ordering."""
    tokenizer, cues = reader

    def read(
        text: str, numbers: Sequence[int], heading: str, own: bool, patient: bool = False
    ) -> Statement:
        sources = {e.source.id for n in numbers if (e := request.numbered(n)) is not None}
        return Statement(
            text,
            tuple(numbers),
            heading,
            frozenset(roles(text, cues)),
            frozenset(tokenizer(text)),
            frozenset(sources),
            read_claims(text, tokenizer),
            own,
            patient,
        )

    return [
        *(read(line.text, line.numbers, URGENT, True) for line in request.notices),
        *(read(line.text, line.numbers, lead_heading, True, line.patient) for line in request.lead),
        *(read(text, numbers, heading, False) for heading, text, numbers in quoted),
    ]


@dataclass(frozen=True)
class Layout:
    order: Sequence[str]  # the headings in display order
    decision: Decision
    lead_heading: str  # the heading of the pathway's lead ("For this patient")
    choice: bool  # the question asks which regimen: the pathway's lead answers it


def covers(
    kept: Statement, other: Statement | ClaimContent, frame: frozenset[str] = frozenset()
) -> bool:
    """Whether `kept` says all that `other` (a statement or one of its clauses) says: the whole
    of `kept` or one of its clauses has the same drugs, every figure and all but a few of the
    words of `other` (`claims.py`). ASCO's first-line recommendation quoted from three passages
    is one claim; the same regimen with its survival figures is another. Cairn's own statement
    is read with the question's `frame`: a quote that adds only the question's own population
    and a definition in parentheses says nothing more."""
    said = other.claims[0] if isinstance(other, Statement) else other
    if kept.own:  # Cairn's words stay whatever the quote adds
        return any(says_all(k, said, frame) for k in kept.claims)
    return any(  # of two that say the same, the one with more to say stays
        says_all(k, said) and not (says_all(said, k) and said.size > k.size) for k in kept.claims
    )


def merge_same_claims(
    statements: Sequence[Statement], frame: frozenset[str] = frozenset()
) -> list[Statement]:
    """Statements in order, each claim once. A quoted statement that another says all of goes,
    and its citations join that one (the fuller one stays in the earlier one's place); one whose
    every clause other statements say goes, its citations joining each of them. Cairn's own
    statements (notices, the pathway's lead) keep their words; urgent notices are never merged.
    """
    merged = list(statements)
    while (step := _merge_one(merged, frame)) is not None:
        merged = step
    return merged


def _merge_one(statements: list[Statement], frame: frozenset[str]) -> list[Statement] | None:
    """The statements with one quoted statement merged into the others, or None."""
    peers = [i for i, s in enumerate(statements) if s.heading != URGENT]
    for j in peers:
        other = statements[j]
        if other.own:
            continue
        for i in (i for i in peers if i != j):
            if covers(statements[i], other, frame):
                return _folded(statements, j, {i})
        sayers = _sayers(other, [(i, statements[i]) for i in peers if i != j], frame)
        if sayers:
            return _folded(statements, j, sayers)
    return None


def _sayers(
    other: Statement, peers: Sequence[tuple[int, Statement]], frame: frozenset[str]
) -> set[int] | None:
    """The statements that together say every clause of `other`, or None."""
    found: set[int] = set()
    for clause in other.claims[1:]:
        said = next((i for i, s in peers if covers(s, clause, frame)), None)
        if said is None:
            return None
        found.add(said)
    return found or None


def _folded(statements: list[Statement], j: int, into: set[int]) -> list[Statement]:
    """Statement `j` dropped, its citations joining the statements `into`; a fuller statement
    that comes later takes the dropped one's place and heading."""
    other = statements[j]
    merged = list(statements)
    for i in into:
        merged[i] = _joined(statements[i], other)
    if len(into) == 1 and (i := next(iter(into))) > j:
        merged[j] = replace(merged[i], heading=other.heading)
        del merged[i]
        return merged
    del merged[j]
    return merged


def question_frame(weights: Mapping[str, float], lexicon: Lexicon) -> frozenset[str]:
    """The question's terms (`weights`), and the words of the terms it names ("metastatic
    breast cancer" for MBC), which a quote may restate without saying more."""
    words = Tokenizer()
    frame = {t for t in weights if not t.startswith("c:")}
    for term in weights:
        concept = lexicon.get(term[2:]) if term.startswith("c:") else None
        if concept is not None and concept.kind is ConceptKind.TERM:
            frame |= {term, *words(concept.generic)}
    return frozenset(frame)


def _joined(kept: Statement, other: Statement) -> Statement:
    return replace(
        kept,
        numbers=tuple(dict.fromkeys((*kept.numbers, *other.numbers))),
        sources=kept.sources | other.sources,
    )


def compose_answer(
    statements: Sequence[Statement],
    layout: Layout,
    lexicon: Lexicon,
    weights: Mapping[str, float],
) -> str:
    """The answer's Markdown: urgent notices, the line that answers the decision, then each
    heading's statements in the layout's order."""
    statements = merge_same_claims(statements, question_frame(weights, lexicon))
    first, opening = _opening(statements, layout, lexicon, weights)
    parts = []
    urgent = [s for s in statements if s.heading == URGENT]
    if urgent:
        parts.append(_section(URGENT, urgent))
    if opening:
        parts.append(opening)
    rest = [s for i, s in enumerate(statements) if i not in first and s.heading != URGENT]
    order = [*layout.order, *(s.heading for s in rest if s.heading not in layout.order)]
    for heading in dict.fromkeys(order):
        lines = [s for s in rest if s.heading == heading]
        if lines:
            parts.append(_section(heading, lines))
    return "\n\n".join(parts)


def _opening(
    statements: Sequence[Statement],
    layout: Layout,
    lexicon: Lexicon,
    weights: Mapping[str, float],
) -> tuple[set[int], str]:
    """The indexes of the statements that open the answer, and the opening line."""
    candidates = [i for i, s in enumerate(statements) if s.heading != URGENT]
    if not candidates:
        return set(), ""
    ranked = sorted(candidates, key=lambda i: -_coverage(statements[i], weights))
    lead = [i for i in candidates if statements[i].heading == layout.lead_heading]
    claims = [Claim(s.text, s.sources) for s in statements]
    decided = decide(claims, layout.decision, lexicon, ranked)
    if lead and layout.choice and not _names_any(statements[lead[0]], layout.decision.subjects):
        # "Is T-DM1 still preferred second line?": the pathway's choice for this patient is
        # another regimen; a sentence in favour of the one asked about must not answer "Yes".
        decided = None
    if decided is not None:
        chosen, answer = decided
        if answer == DIFFER:
            said = "; ".join(_unstop(statements[i].cited()) for i in chosen)
            return set(chosen), f"{answer}: {said}."
        return set(chosen), f"{answer}: {statements[chosen[0]].cited()}"
    if lead and layout.choice:
        return {lead[0]}, statements[lead[0]].cited()
    patient = [i for i in lead if statements[i].patient]
    if patient:  # "Child-Pugh C, starting dose?": the row for this patient answers it
        return {patient[0]}, statements[patient[0]].cited()
    asked = [i for i in ranked if statements[i].roles & layout.decision.roles]
    best = (asked or lead or ranked)[0]
    return {best}, statements[best].cited()


def _names_any(statement: Statement, concepts: frozenset[str]) -> bool:
    return not concepts or any(f"c:{c}" in statement.terms for c in concepts)


def _coverage(statement: Statement, weights: Mapping[str, float]) -> float:
    """The weight of the question's terms the statement holds; a tie keeps the earlier one
    (sorted() is stable, and statements come in the order they were chosen)."""
    return sum(w for t, w in weights.items() if t in statement.terms)


def _section(heading: str, statements: Sequence[Statement]) -> str:
    return f"**{heading}**\n" + "\n".join(f"- {s.cited()}" for s in statements)


def _unstop(cited: str) -> str:
    """'Text. [1]' -> 'Text [1]', to join two statements in one sentence."""
    return re.sub(r"\.\s*(\[[\d, ]+\])$", r" \1", cited)
