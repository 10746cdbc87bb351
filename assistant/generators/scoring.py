"""How well each sentence of the retrieved passages answers a question: the extractive
generator's scores.

    scorer = SentenceScorer(rules)
    ranked = scorer.candidates(request, request.candidates, request.question, Intent.DOSE)

A sentence scores by the question's terms it shares (concepts count double) and its passage's
rank, and counts for less when it leaves out the drug or trial the user named, doses a drug with
a partner the dose question did not name, is about another line of therapy or a subgroup not
asked about, or comes from a superseded source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.generators.base import GenerationRequest
from assistant.intent import LAYOUTS, Intent, Role, intents, roles
from assistant.records import Evidence
from guardrails.cues import cues_of
from guardrails.fact_words import populations as populations_of
from guardrails.grounding import POPULATION_CLASS
from guardrails.lexicon import ConceptKind
from guardrails.rules import RuleBook
from guardrails.text import split_sentences
from ingest.lexical import Tokenizer
from ingest.records import SourceStatus

_HISTORY_CUES = re.compile(r"\b(superseded|previous|older|history of the|used to)\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_SKIP_LINE = re.compile(r"^\s*(#|\||---)")
_LINE_WORDS = re.compile(r"\b(first|second|third|later)[- ]line\b", re.I)
_LINE_ORDER = {"first": 1, "second": 2, "third": 3, "later": 3}
_AFTER = re.compile(r"\b(?:after|following|progress\w*(?: on| during)?|beyond|post)\b[^.;]*$", re.I)
# Words before a therapy the patient is on or had, not the therapy the question asks about.
_GIVEN_BEFORE = re.compile(
    r"\b(?:controlled|stable|progress\w*|responding|maintained|while|still|after|following|"
    r"post|since|beyond|failed|prior|previous(?:ly)?|finished|completed)"
    r"(?:\s+(?:on|with|to|of))?\s+(?:first|second|third|1st|2nd|3rd|\dL|[\w-]+[- ]line)?\s*$",
    re.IGNORECASE,
)
_SUBGROUP = re.compile(r"\b(?:subgroups?|subsets?|stable|active|untreated|exploratory)\b", re.I)


@dataclass(frozen=True)
class Candidate:
    text: str
    evidence: Evidence
    terms: frozenset[str]
    roles: frozenset[Role]
    score: float


class SentenceScorer:
    def __init__(self, rules: RuleBook) -> None:
        self.rules = rules
        self.cues = cues_of(rules.lexicon)  # the corpus's words for a sentence's role
        self.tokenizer = Tokenizer(rules.lexicon)
        lexicon = rules.lexicon
        self._combined = {
            d
            for c in lexicon.concepts.values()
            if c.kind is ConceptKind.REGIMEN
            for d in lexicon.drugs_of(c.id)
        }

    def candidates(
        self,
        request: GenerationRequest,
        evidence: Iterable[Evidence],
        query: str,
        primary: Intent,
        asked: str = "",
    ) -> list[Candidate]:
        """Sentences scored for the query; those without a drug or trial the user named (in
        `asked`, else in the query) count for less."""
        query_terms = self.tokenizer(query)
        weights = query_weights(query_terms)
        named = self._subject(asked)
        focus = self._focus(query_terms) if named is None else named
        # A dose question about some drugs ("lapatinib + capecitabine doses?") wants their
        # doses, not those of regimens with other partners.
        partners = self._partners(focus) if primary is Intent.DOSE else None
        population_focus = {f"c:{p}" for p in self._populations(query)}
        evidence = list(evidence)
        wants_history = bool(_HISTORY_CUES.search(request.question)) or _names_a_past_version(
            request.question, evidence
        )
        wants_subgroup = bool(_SUBGROUP.search(request.question))
        values = self.rules.measures.values(request.question)
        asked_line = request.line or max(
            (_LINE_ORDER[m.lower()] for m in _LINE_WORDS.findall(query)), default=None
        )
        populations = self._populations(query) | populations_of(request.context, self.rules.facts)
        asked_roles = roles(query, self.cues) - {Role.OTHER, Role.RECOMMENDATION}
        if Intent.TRIAL in intents(query):  # words that ask for results, not a trial name
            asked_roles.add(Role.RESULT)  # "what's the data behind it?" asks for results
        first_roles = asked_roles or set(LAYOUTS[primary][0][1])
        found: list[Candidate] = []
        main = {e.n for e in request.evidence}
        ranks = {True: 0, False: 0}  # retrieved passages and offered ones are ranked apart
        for passage in evidence:
            if passage.n is None:
                continue
            retrieved = passage.n in main
            rank, ranks[retrieved] = ranks[retrieved], ranks[retrieved] + 1
            # interleaved as the source ranking interleaves them: offered i after retrieved i
            passage_weight = 1.0 / (1.0 + 0.12 * (rank if retrieved else rank + 0.5))
            summary = passage.chunk.section.lower().startswith("summary")
            for span in split_sentences(passage.chunk.text):
                text = span.text.strip().lstrip("-* ").strip()
                if len(text) < 30 or _SKIP_LINE.match(text):
                    continue
                terms = frozenset(self.tokenizer(text))
                overlap = sum(w for t, w in weights.items() if t in terms)
                sentence_roles = frozenset(roles(text, self.cues))
                score = 0.65 * overlap + 0.35 * passage_weight
                if focus and not focus & terms:
                    # a population ("ER+") is often implied by the sentence's context
                    score *= 0.7 if focus <= population_focus else 0.35
                elif partners is not None and self._drugs(terms) - partners:
                    score *= 0.6
                lines = _topic_lines(text)
                if asked_line is not None and lines and asked_line not in lines:
                    # a first-line sentence for a second-line question (the pathway's line is
                    # surer than words in the question)
                    score *= 0.25 if request.line else 0.4
                if self._populations(text) - populations:
                    score *= 0.5  # a subgroup (HR-positive, brain metastases) not asked about
                elif _SUBGROUP.search(text) and not wants_subgroup:
                    score *= 0.8  # whole-trial results before subgroup results
                if sentence_roles & first_roles:
                    score += 0.12
                fit = self.rules.measures.fits(values, text) if values else None
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

    def _drugs(self, terms: Iterable[str]) -> set[str]:
        """The drugs a sentence names that some regimen combines (not supportive drugs)."""
        return {t[2:] for t in terms if t[2:] in self._combined}

    def _partners(self, named: set[str]) -> set[str] | None:
        """The drugs a question names, with the ingredients of a named combination product
        (pertuzumab and trastuzumab in Phesgo); None when it names none."""
        lexicon = self.rules.lexicon
        drugs = {d for t in named for d in lexicon.drugs_of(t[2:])}
        if not drugs:
            return None
        generics = " ".join(lexicon.label(d).lower() for d in drugs)
        ingredients = {
            c.id
            for c in lexicon.concepts.values()
            if c.kind is ConceptKind.DRUG and re.search(rf"\b{re.escape(c.id)}\b", generics)
        }
        return drugs | ingredients

    def _subject(self, asked: str) -> set[str] | None:
        """The drugs and trials the user's words ask about, leaving out the therapy the patient
        is on or had ("controlled on HP", "after Kadcyla"); None when they name none at all."""
        if not self._focus(self.tokenizer(asked)):
            return None
        subject = asked
        for mention in reversed(self.rules.lexicon.find(asked)):
            if _GIVEN_BEFORE.search(asked[max(0, mention.start - 40) : mention.start]):
                subject = subject[: mention.start] + subject[mention.end :]
        return self._focus(self.tokenizer(subject))

    def _focus(self, terms: Iterable[str]) -> set[str]:
        return {t for t in terms if t.startswith("c:") and self._is_focus(t)}

    def _is_focus(self, token: str) -> bool:
        """Drugs, regimens and terms the question names must appear in a quoted sentence."""
        concept = self.rules.lexicon.get(token[2:])
        if concept is None:
            return False
        return concept.kind is ConceptKind.TRIAL or concept.drug_class != ""


def _topic_lines(text: str) -> set[int]:
    """The lines of therapy a sentence is about; 'after first-line X' is history, not topic."""
    lines = set()
    for match in _LINE_WORDS.finditer(text):
        if not _AFTER.search(text[max(0, match.start() - 40) : match.start()]):
            lines.add(_LINE_ORDER[match.group(1).lower()])
    return lines


def query_weights(terms: list[str]) -> dict[str, float]:
    """Concept tokens count double; weights sum to 1."""
    raw = {t: (2.0 if t.startswith("c:") else 1.0) for t in terms}
    total = sum(raw.values()) or 1.0
    return {t: w / total for t, w in raw.items()}


def _names_a_past_version(question: str, evidence: Iterable[Evidence]) -> bool:
    """A year in the question no later than a superseded source among the evidence ("ASCO
    2018 vs 2014"): the question asks about past versions, so their passages keep their
    weight. Read from the sources' front matter, so no year in code ages."""
    superseded = [e.source.year for e in evidence if e.source.status is SourceStatus.SUPERSEDED]
    if not superseded:
        return False
    return any(int(y) <= max(superseded) for y in _YEAR.findall(question))
