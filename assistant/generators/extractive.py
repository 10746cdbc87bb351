"""The default generator: an answer composed from retrieved sentences, no language model.

Order of the answer: urgent notices; the pathway's recommendation for this patient ("For this
patient"); then the most relevant evidence sentences under headings that fit the question (for
a treatment question: recommended, dose and schedule, duration, alternatives, cautions), with
the dose sentences of the recommended drugs. Near-duplicates are dropped, every sentence carries
its passage's citation, and a sentence the guardrails would flag for this patient (a dose or a
regimen the pathway does not support) is never used.

    text = generate(ExtractiveGenerator(rules), request)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from assistant.generators.base import URGENT, GenerationRequest, cite
from assistant.intent import LAYOUTS, Intent, Role, heading_for, roles
from assistant.labs import fits, measured_values
from assistant.plan import Facet
from assistant.records import Evidence
from guardrails.answer import parse_answer
from guardrails.dose_mentions import find_doses
from guardrails.doses import check_doses
from guardrails.grounding import POPULATION_CLASS
from guardrails.lexicon import ConceptKind
from guardrails.pathway_check import check_pathway
from guardrails.records import FactStatus, PatientContext, Severity
from guardrails.rules import RuleBook
from guardrails.text import split_sentences
from ingest.lexical import Tokenizer
from ingest.records import SourceStatus

MAX_SENTENCES = 7
MAX_PER_PASSAGE = 2
DUPLICATE_OVERLAP = 0.6
KEEP_RATIO = 0.5  # keep sentences scoring at least this share of the best one
_HISTORY_CUES = re.compile(r"\b(20[01]\d|superseded|previous|older|history of the|used to)\b", re.I)
_SKIP_LINE = re.compile(r"^\s*(#|\||---)")
_LINE_WORDS = re.compile(r"\b(first|second|third|later)[- ]line\b", re.I)
_LINE_ORDER = {"first": 1, "second": 2, "third": 3, "later": 3}
_AFTER = re.compile(r"\b(?:after|following|progress\w*(?: on| during)?|beyond|post)\b[^.;]*$", re.I)
_SUBGROUP = re.compile(r"\b(?:subgroups?|subsets?|stable|active|untreated|exploratory)\b", re.I)
_FIGURE = re.compile(r"\d+(?:\.\d+)?")  # a number, not a code like "4b5"
_YEAR = re.compile(r"(?:19|20)\d\d")
_LEAD = "For this patient"
# A limit ("never above 3.6 mg/kg") is not the dose to give.
_LIMIT = re.compile(r"\b(?:above|exceed\w*|maximum|never|forbid\w*|not be given)\b", re.I)


@dataclass(frozen=True)
class Candidate:
    text: str
    evidence: Evidence
    terms: frozenset[str]
    roles: frozenset[Role]
    score: float


class ExtractiveGenerator:
    name = "extractive"

    def __init__(self, rules: RuleBook) -> None:
        self.rules = rules
        self.tokenizer = Tokenizer(rules.lexicon)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        yield self.compose(request)

    def compose(self, request: GenerationRequest) -> str:
        primary = request.intent
        taken = [line.text for line in (*request.notices, *request.lead)]
        chosen = self._select(request, primary, taken)
        facets = self._facets(request, chosen)
        sections: dict[str, list[str]] = {}
        for line in request.notices:
            sections.setdefault(URGENT, []).append(cite(line.text, line.numbers))
        for line in request.lead:
            sections.setdefault(_LEAD, []).append(cite(line.text, line.numbers))
        for candidate in chosen:
            heading = heading_for(primary, set(candidate.roles))
            sections.setdefault(heading, []).append(
                cite(candidate.text, (candidate.evidence.n or 0,))
            )
        for heading, candidate in facets:
            sections.setdefault(heading, []).append(
                cite(candidate.text, (candidate.evidence.n or 0,))
            )
        order = [URGENT, _LEAD, *(heading for heading, _ in LAYOUTS[primary])]
        order += [h for h in sections if h not in order]
        return "\n\n".join(
            f"**{heading}**\n" + "\n".join(f"- {line}" for line in sections[heading])
            for heading in order
            if sections.get(heading)
        )

    # --- the main sentences -------------------------------------------------------------------

    def _select(
        self, request: GenerationRequest, primary: Intent, taken: list[str]
    ) -> list[Candidate]:
        candidates = self._candidates(request, request.candidates, request.question, primary)
        chosen: list[Candidate] = []
        if not candidates:
            return chosen
        best = candidates[0].score
        taken_terms = [frozenset(self.tokenizer(t)) for t in taken]
        per_passage: dict[str, int] = {}
        for candidate in candidates:
            if len(chosen) >= MAX_SENTENCES or candidate.score < best * KEEP_RATIO:
                break
            chunk_id = candidate.evidence.chunk.id
            if per_passage.get(chunk_id, 0) >= _per_passage(primary):
                continue
            others = [*taken_terms, *(c.terms for c in chosen)]
            if any(_duplicate(candidate.terms, other) for other in others):
                continue
            if not self._safe(candidate.text, request.context):
                continue
            chosen.append(candidate)
            per_passage[chunk_id] = per_passage.get(chunk_id, 0) + 1
        return chosen

    def _candidates(
        self, request: GenerationRequest, evidence: Iterable[Evidence], query: str, primary: Intent
    ) -> list[Candidate]:
        query_terms = self.tokenizer(query)
        weights = _weights(query_terms)
        focus = {t for t in query_terms if t.startswith("c:") and self._is_focus(t)}
        wants_history = bool(_HISTORY_CUES.search(request.question))
        wants_subgroup = bool(_SUBGROUP.search(request.question))
        values = measured_values(request.question)
        asked = request.line or max(
            (_LINE_ORDER[m.lower()] for m in _LINE_WORDS.findall(query)), default=None
        )
        populations = self._populations(query) | self._context_populations(request.context)
        asked_roles = roles(query) - {Role.OTHER, Role.RECOMMENDATION}
        first_roles = asked_roles or set(LAYOUTS[primary][0][1])
        found: list[Candidate] = []
        for rank, passage in enumerate(evidence):
            if passage.n is None:
                continue
            passage_weight = 1.0 / (1.0 + 0.12 * rank)
            summary = passage.chunk.section.lower().startswith("summary")
            for span in split_sentences(passage.chunk.text):
                text = span.text.strip().lstrip("-* ").strip()
                if len(text) < 30 or _SKIP_LINE.match(text):
                    continue
                terms = frozenset(self.tokenizer(text))
                overlap = sum(w for t, w in weights.items() if t in terms)
                sentence_roles = frozenset(roles(text))
                score = 0.65 * overlap + 0.35 * passage_weight
                if focus and not focus & terms:
                    score *= 0.35
                lines = _topic_lines(text)
                if asked is not None and lines and asked not in lines:
                    # a first-line sentence for a second-line question (the pathway's line is
                    # surer than words in the question)
                    score *= 0.25 if request.line else 0.4
                if self._populations(text) - populations:
                    score *= 0.5  # a subgroup (HR-positive, brain metastases) not asked about
                elif _SUBGROUP.search(text) and not wants_subgroup:
                    score *= 0.8  # whole-trial results before subgroup results
                if sentence_roles & first_roles:
                    score += 0.12
                fit = fits(values, text) if values else None
                if fit is not None:
                    score *= 1.25 if fit else 0.5  # the threshold this patient's value is in
                if summary:
                    score += 0.05
                if passage.source.status is SourceStatus.SUPERSEDED and not wants_history:
                    score *= 0.3
                if len(text) > 400:
                    score *= 0.85
                found.append(Candidate(text, passage, terms, sentence_roles, score))
        found.sort(key=lambda c: -c.score)
        return found

    def _populations(self, text: str) -> set[str]:
        lexicon = self.rules.lexicon
        return {
            m.concept_id
            for m in lexicon.find(text)
            if (c := lexicon.get(m.concept_id)) is not None and c.drug_class == POPULATION_CLASS
        }

    @staticmethod
    def _context_populations(context: PatientContext) -> set[str]:
        found = set()
        if context.hr.status is FactStatus.STATED and context.hr.value == "positive":
            found.add("hr-positive")
        if context.brain_mets.status is FactStatus.STATED:
            found.add("brain-metastases")
        return found

    def _is_focus(self, token: str) -> bool:
        """Drugs, regimens and terms the question names must appear in a quoted sentence."""
        concept = self.rules.lexicon.get(token[2:])
        if concept is None or concept.id == "chemotherapy":
            return False
        return concept.kind is ConceptKind.TRIAL or concept.drug_class != ""

    # --- facets: the dose sentences of the recommended drugs ----------------------------------

    def _facets(
        self, request: GenerationRequest, chosen: list[Candidate]
    ) -> list[tuple[str, Candidate]]:
        picked: list[tuple[str, Candidate]] = []
        for facet in request.facets:
            for _ in range(2 if facet.kind == "reduction" else 1):  # the steps, and the floor
                taken = [*chosen, *(c for _, c in picked)]
                candidate = self._facet_sentence(request, facet, taken)
                if candidate is None:
                    break
                picked.append((facet.heading, candidate))
        return picked

    def _facet_sentence(
        self, request: GenerationRequest, facet: Facet, taken: list[Candidate]
    ) -> Candidate | None:
        passages = [e for e in (*request.evidence, *request.extra) if e.n in facet.numbers]
        concept = f"c:{facet.concept_id}"
        for candidate in self._candidates(request, passages, facet.query, Intent.DOSE):
            if facet.kind == "reduction":
                if (
                    concept in candidate.terms
                    and candidate.roles & {Role.REDUCTION, Role.ACTION}
                    and all(c.text != candidate.text for c in taken)
                    and self._safe(candidate.text, request.context)
                ):
                    return candidate
                continue
            if concept not in candidate.terms or facet.concept_id not in self._dosed(
                candidate.text
            ):
                continue
            if Role.REDUCTION in candidate.roles or _LIMIT.search(candidate.text):
                continue
            if any(
                c.text == candidate.text or facet.concept_id in self._dosed(c.text) for c in taken
            ):
                return None  # the drug's dose is already in the answer
            if self._safe(candidate.text, request.context):
                return candidate
        return None

    def _dosed(self, sentence: str) -> set[str]:
        mentions = find_doses(
            parse_answer(sentence), self.rules.lexicon, self.rules.dose_vocabulary
        )
        return {m.drug for m in mentions if m.drug}

    def _safe(self, sentence: str, context: PatientContext) -> bool:
        """False when the guardrails would warn about or block this sentence for this patient."""
        parsed = parse_answer(sentence)
        mentions = find_doses(parsed, self.rules.lexicon, self.rules.dose_vocabulary)
        findings = [
            *check_doses(mentions, self.rules.doses, self.rules.lexicon, context),
            *check_pathway(parsed, context, self.rules.pathway, self.rules.lexicon),
        ]
        return not any(f.severity is not Severity.INFO for f in findings)


def _topic_lines(text: str) -> set[int]:
    """The lines of therapy a sentence is about; 'after first-line X' is history, not topic."""
    lines = set()
    for match in _LINE_WORDS.finditer(text):
        if not _AFTER.search(text[max(0, match.start() - 40) : match.start()]):
            lines.add(_LINE_ORDER[match.group(1).lower()])
    return lines


def _figures(terms: frozenset[str]) -> set[str]:
    return {t for t in terms if _FIGURE.fullmatch(t) and not _YEAR.fullmatch(t)}


def _per_passage(primary: Intent) -> int:
    """A trial question may take design, result and safety from one results passage."""
    return MAX_PER_PASSAGE + 1 if primary is Intent.TRIAL else MAX_PER_PASSAGE


def _weights(terms: list[str]) -> dict[str, float]:
    """Concept tokens count double; weights sum to 1."""
    raw = {t: (2.0 if t.startswith("c:") else 1.0) for t in terms}
    total = sum(raw.values()) or 1.0
    return {t: w / total for t, w in raw.items()}


def _duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    """Near-duplicates: similar overall, or one mostly contained in the other; a sentence that
    brings mostly other figures (the hazard ratio beside the medians) is not one."""
    if not a or not b:
        return False
    fa, fb = _figures(a), _figures(b)
    if len(fa - fb) > 2 * len(fa & fb):
        return False
    shared = len(a & b)
    return (
        shared / math.sqrt(len(a) * len(b)) >= DUPLICATE_OVERLAP
        or shared / min(len(a), len(b)) >= 0.8
    )
