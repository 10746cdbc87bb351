"""The default generator: an answer composed from retrieved sentences, no language model.

It leads with the pathway's recommendation for this patient (when there is one), then groups the
most relevant evidence sentences under headings that fit the question (for a treatment question:
recommended, dose and schedule, duration, alternatives, cautions), drops near-duplicates, and
puts the passage's citation number after every sentence.

    text = generate(ExtractiveGenerator(lexicon), request)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.generators.base import GenerationRequest
from assistant.intent import LAYOUTS, Intent, Role, heading_for, intents, roles
from assistant.records import Evidence
from guardrails.lexicon import Lexicon
from guardrails.text import split_sentences
from ingest.lexical import Tokenizer
from ingest.records import SourceStatus

MAX_SENTENCES = 8
MAX_PER_PASSAGE = 3
DUPLICATE_OVERLAP = 0.6
KEEP_RATIO = 0.45  # keep sentences scoring at least this share of the best one
_HISTORY_CUES = re.compile(r"\b(20[01]\d|superseded|previous|older|history|used to)\b", re.I)
_HEADING_LINE = re.compile(r"^\s*(#|\||---)")


@dataclass(frozen=True)
class Candidate:
    text: str
    evidence: Evidence
    terms: frozenset[str]
    roles: frozenset[Role]
    score: float


class ExtractiveGenerator:
    name = "extractive"

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.tokenizer = Tokenizer(lexicon)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        yield self.compose(request)

    def compose(self, request: GenerationRequest) -> str:
        primary = intents(request.question)[0]
        lead = self._lead(request)
        chosen = self._select(request, primary, exclude={text for text, _ in lead})
        return _render(primary, lead, chosen)

    def _lead(self, request: GenerationRequest) -> list[tuple[str, int]]:
        """The pathway's statement, cited to the passage of the rule's source that backs it."""
        recommendation = request.recommendation
        if recommendation is None:
            return []
        lines = []
        backing = [e for e in request.evidence if e.source.id in recommendation.source_ids]
        if backing and backing[0].n is not None:
            lines.append((recommendation.statement, backing[0].n))
        for note in recommendation.notes:
            if backing and backing[0].n is not None:
                lines.append((note, backing[-1].n if backing[-1].n is not None else backing[0].n))
        return lines

    def _select(
        self, request: GenerationRequest, primary: Intent, exclude: set[str]
    ) -> list[Candidate]:
        candidates = self._candidates(request, primary)
        if not candidates:
            return []
        best = candidates[0].score
        chosen: list[Candidate] = []
        per_passage: dict[str, int] = {}
        for candidate in candidates:
            if len(chosen) >= MAX_SENTENCES or candidate.score < best * KEEP_RATIO:
                break
            chunk_id = candidate.evidence.chunk.id
            if candidate.text in exclude or per_passage.get(chunk_id, 0) >= MAX_PER_PASSAGE:
                continue
            if any(_overlap(candidate.terms, other.terms) >= DUPLICATE_OVERLAP for other in chosen):
                continue
            chosen.append(candidate)
            per_passage[chunk_id] = per_passage.get(chunk_id, 0) + 1
        return chosen

    def _candidates(self, request: GenerationRequest, primary: Intent) -> list[Candidate]:
        query_terms = self.tokenizer(request.question)
        weights = _weights(query_terms)
        focus = {t for t in query_terms if t.startswith("c:") and self._is_focus(t)}
        wants_history = bool(_HISTORY_CUES.search(request.question))
        first_roles = set(LAYOUTS[primary][0][1])
        found: list[Candidate] = []
        for rank, evidence in enumerate(request.evidence):
            if evidence.n is None:
                continue
            passage_weight = 1.0 / (1.0 + 0.12 * rank)
            summary = evidence.chunk.section.lower().startswith("summary")
            for span in split_sentences(evidence.chunk.text):
                text = span.text.strip()
                if len(text) < 30 or _HEADING_LINE.match(text):
                    continue
                terms = frozenset(self.tokenizer(text))
                overlap = sum(w for t, w in weights.items() if t in terms)
                sentence_roles = frozenset(roles(text))
                score = 0.65 * overlap + 0.35 * passage_weight
                if focus and not focus & terms:
                    score *= 0.35
                if sentence_roles & first_roles:
                    score += 0.12
                if summary:
                    score += 0.05
                if evidence.source.status is SourceStatus.SUPERSEDED and not wants_history:
                    score *= 0.3
                if len(text) > 400:
                    score *= 0.85
                found.append(Candidate(text, evidence, terms, sentence_roles, score))
        found.sort(key=lambda c: -c.score)
        return found

    def _is_focus(self, token: str) -> bool:
        """Drugs, regimens and clinical terms the question names must appear in the answer."""
        concept = self.lexicon.get(token[2:])
        return concept is not None and concept.id not in {"mbc", "her2-positive"}


def _weights(terms: list[str]) -> dict[str, float]:
    """Concept tokens count double; weights sum to 1."""
    raw = {t: (2.0 if t.startswith("c:") else 1.0) for t in terms}
    total = sum(raw.values()) or 1.0
    return {t: w / total for t, w in raw.items()}


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def _render(primary: Intent, lead: list[tuple[str, int]], chosen: list[Candidate]) -> str:
    sections: dict[str, list[str]] = {}
    if lead:
        sections["For this patient"] = [f"{text} [{n}]" for text, n in lead]
    for candidate in chosen:
        heading = heading_for(primary, set(candidate.roles))
        line = f"{candidate.text} [{candidate.evidence.n}]"
        sections.setdefault(heading, []).append(line)
    order = ["For this patient"] + [heading for heading, _ in LAYOUTS[primary]]
    blocks = []
    for heading in order:
        lines = sections.get(heading)
        if lines:
            blocks.append(f"**{heading}**\n" + "\n".join(f"- {line}" for line in lines))
    return "\n\n".join(blocks)
