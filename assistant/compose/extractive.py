"""The default generator: an answer composed from retrieved sentences, no language model.

The statements: urgent notices; the pathway's recommendation for this patient ("For this
patient"); the most relevant evidence sentences under headings that fit the question (for a
treatment question: recommended, dose and schedule, duration, alternatives, cautions), with the
dose sentences of the recommended drugs. Near-duplicates are dropped, every sentence carries its
passage's citation, and a sentence the guardrails would flag for this patient (a dose or a
regimen the pathway does not support) is never used. `compose.py` lays them out: the same
claim once, the statement that answers the decision asked first.

    text = generate(ExtractiveGenerator(rules), request)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from assistant.compose.base import GenerationRequest
from assistant.compose.compose import Layout, compose_answer, statements_of
from assistant.compose.decision import read_decision
from assistant.compose.scoring import Candidate, Selection, SentenceScorer, query_weights
from assistant.retrieve.plan import Facet
from assistant.understand.analysis import Decision as Asks
from assistant.understand.intent import LAYOUTS, Intent, Role, heading_for
from guardrails.answer import parse_answer
from guardrails.cues import cues_of
from guardrails.dose_mentions import find_doses
from guardrails.doses import check_doses
from guardrails.pathway_check import check_pathway
from guardrails.records import PatientContext, Severity
from guardrails.rules import RuleBook
from ingest.lexical import Tokenizer

MAX_SENTENCES = 7
MAX_PER_PASSAGE = 3
DUPLICATE_OVERLAP = 0.6
KEEP_RATIO = 0.5  # keep sentences scoring at least this share of the best one
COVERAGE = 0.6  # the weight of question terms a sentence adds to those already answered
_FIGURE = re.compile(r"\d+(?:\.\d+)?")  # a number, not a code like "4b5"
_YEAR = re.compile(r"(?:19|20)\d\d")
_LEAD = "For this patient"
_DOSE_CAUTIONS = LAYOUTS[Intent.DOSE][2][0]  # "Monitoring and cautions"
# A limit ("never above 3.6 mg/kg") is not the dose to give.
_LIMIT = re.compile(r"\b(?:above|exceed\w*|maximum|never|forbid\w*|not be given)\b", re.I)


class ExtractiveGenerator:
    name = "extractive"

    def __init__(self, rules: RuleBook) -> None:
        self.rules = rules
        self.tokenizer = Tokenizer(rules.lexicon)
        self.scorer = SentenceScorer(rules)
        self.cues = cues_of(rules.lexicon)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        yield self.compose(request)

    def compose(self, request: GenerationRequest) -> str:
        """The answer: the statement that decides the question first, then the support under
        the intent's headings, each claim once (`compose.py`)."""
        primary = request.intent
        taken = [line.text for line in (*request.notices, *request.lead)]
        chosen = self._select(request, primary, taken)
        facets = self._facets(request, chosen)
        placed = [*((heading_for(primary, set(c.roles)), c) for c in chosen), *facets]
        quoted = [(heading, c.text, (c.evidence.n or 0,)) for heading, c in placed]
        statements = statements_of(request, quoted, (self.tokenizer, self.cues), _LEAD)
        order = [_LEAD, *(heading for heading, _ in LAYOUTS[primary])]
        analysis = request.analysis
        if primary is Intent.DOSE and analysis.grade:
            # "T-DXd dose after grade 2 pneumonitis?": what to do comes before the doses
            order.remove(_DOSE_CAUTIONS)
            order.insert(1, _DOSE_CAUTIONS)
        lexicon = self.rules.lexicon
        decision = read_decision(analysis, self.rules.measures)
        choice = primary is Intent.TREATMENT or analysis.decision is Asks.CHOICE
        weights = query_weights(list(analysis.terms))
        layout = Layout(order, decision, _LEAD, choice)
        return compose_answer(statements, layout, lexicon, weights)

    # --- the main sentences -------------------------------------------------------------------

    def selection(self, request: GenerationRequest) -> Selection:
        """The main sentences chosen for the answer, and those left out with the reason
        (`cairn ask --explain`)."""
        rejected: list[tuple[Candidate, str]] = []
        taken = [line.text for line in (*request.notices, *request.lead)]
        chosen = self._select(request, request.intent, taken, rejected)
        facets = [c for _, c in self._facets(request, chosen)]
        return Selection(chosen, sorted(rejected, key=lambda r: -r[0].score), facets)

    def _select(
        self,
        request: GenerationRequest,
        primary: Intent,
        taken: list[str],
        rejected: list[tuple[Candidate, str]] | None = None,
    ) -> list[Candidate]:
        candidates = self.scorer.candidates(request, request.candidates)
        chosen: list[Candidate] = []
        if not candidates:
            return chosen
        left_out = rejected if rejected is not None else []
        best = candidates[0].score
        taken_terms = [frozenset(self.tokenizer(t)) for t in taken]
        per_passage: dict[str, int] = {}
        # the question's own words (not concepts: those the score counts already)
        weights = query_weights([t for t in request.analysis.terms if ":" not in t])
        covered = set().union(*taken_terms)
        pool = [c for c in candidates if c.score >= best * KEEP_RATIO]
        left_out.extend((c, "under half the best score") for c in candidates[len(pool) :])

        def gain(c: Candidate) -> float:
            """After the first sentence, the words of the question no chosen sentence has yet
            count too ("when does the rash start, and what about the liver?")."""
            new = sum(w for t, w in weights.items() if t in c.terms - covered)
            return c.score + (COVERAGE * new if chosen else 0.0)

        while pool and len(chosen) < MAX_SENTENCES:
            candidate = max(pool, key=gain)
            pool.remove(candidate)
            chunk_id = candidate.evidence.chunk.id
            if per_passage.get(chunk_id, 0) >= _per_passage(primary):
                left_out.append((candidate, "its passage gave enough sentences"))
                continue
            others = [*taken_terms, *(c.terms for c in chosen)]
            if any(_duplicate(candidate.terms, other) for other in others):
                left_out.append((candidate, "repeats a sentence already in the answer"))
                continue
            if not self._safe(candidate.text, request.context):
                left_out.append((candidate, "the guardrails would flag it for this patient"))
                continue
            chosen.append(candidate)
            covered |= candidate.terms
            per_passage[chunk_id] = per_passage.get(chunk_id, 0) + 1
        left_out.extend((c, "the answer had enough sentences") for c in pool)
        return chosen

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
        for candidate in self.scorer.candidates(request, passages, facet):
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


def _figures(terms: frozenset[str]) -> set[str]:
    """The figures of a sentence; when it has decimals (results: 58.9%, HR 0.33), only those,
    so shared framing numbers (a 95% CI, a 12-month rate) do not make two results alike."""
    found = {t for t in terms if _FIGURE.fullmatch(t) and not _YEAR.fullmatch(t)}
    return {t for t in found if "." in t} or found


def _per_passage(primary: Intent) -> int:
    """A trial question may take design, result and safety from one results passage."""
    return MAX_PER_PASSAGE + 1 if primary is Intent.TRIAL else MAX_PER_PASSAGE


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
