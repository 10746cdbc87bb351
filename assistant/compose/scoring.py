"""How well each sentence of the retrieved passages answers a question: the extractive
generator's scores.

    scorer = SentenceScorer(rules)
    ranked = scorer.candidates(request, request.candidates)  # or (..., facet): its own query
    ranked[0].features  # {"query_overlap": 0.4, "subject_absent": 0.0, ...}

The scorer reads what the question asks from its analysis (`Asked`, built from
`request.analysis`) and each sentence once (`Sentence`); the named
features of `features.py` turn the two into a record of values in [0, 1], and `weights.yaml`
weighs them into the score (`weights.py`): the question's terms a sentence shares and its
passage's rank, scaled down when it leaves out the drug or trial the user named, doses a drug
with a partner the dose question did not name, is about another line of therapy or a subgroup
not asked about, or comes from a superseded source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.compose.base import GenerationRequest
from assistant.compose.features import Asked, Sentence, feature_record
from assistant.compose.weights import Weights
from assistant.records import Evidence
from assistant.retrieve.plan import Facet
from assistant.understand.intent import LAYOUTS, Intent, Role, roles
from guardrails.cues import cues_of
from guardrails.fact_words import populations as populations_of
from guardrails.grounding import POPULATION_CLASS
from guardrails.lexicon import ConceptKind
from guardrails.rules import RuleBook
from guardrails.text import split_sentences
from ingest.lexical import Tokenizer
from ingest.records import SourceStatus

_SKIP_LINE = re.compile(r"^\s*(#|\||---)")
_LINE_WORDS = re.compile(r"\b(first|second|third|later)[- ]line\b", re.I)
_LINE_ORDER = {"first": 1, "second": 2, "third": 3, "later": 3}
_AFTER = re.compile(r"\b(?:after|following|progress\w*(?: on| during)?|beyond|post)\b[^.;]*$", re.I)
_SUBGROUP = re.compile(r"\b(?:subgroups?|subsets?|stable|active|untreated|exploratory)\b", re.I)


@dataclass(frozen=True)
class Candidate:
    text: str
    evidence: Evidence
    terms: frozenset[str]
    roles: frozenset[Role]
    score: float
    features: dict[str, float] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Selection:
    """The sentences an answer uses, those left out with the reason (best first), and the
    facet sentences (a recommended drug's dose, scored for the facet's own query)."""

    chosen: list[Candidate]
    rejected: list[tuple[Candidate, str]]
    facets: list[Candidate] = field(default_factory=list)  # the dose sentences of the drugs


class SentenceScorer:
    def __init__(self, rules: RuleBook, weights: Weights | None = None) -> None:
        self.rules = rules
        self.weights = weights or Weights.load()
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
        self, request: GenerationRequest, evidence: Iterable[Evidence], facet: Facet | None = None
    ) -> list[Candidate]:
        """Sentences scored for the question (or for a `facet` of the answer: a drug's dose),
        best first: each with its feature record (`features.py`) and the score `weights.yaml`
        gives it."""
        found = [
            Candidate(
                c.text, c.evidence, c.terms, c.roles, self.weights.score(c.features), c.features
            )
            for c in self.featured(request, evidence, facet)
        ]
        found.sort(key=lambda c: -c.score)
        return found

    def featured(
        self, request: GenerationRequest, evidence: Iterable[Evidence], facet: Facet | None = None
    ) -> list[Candidate]:
        """The candidate sentences with their feature records, unscored, in passage order."""
        evidence = list(evidence)
        question = self.asked(request, evidence, facet)
        found: list[Candidate] = []
        main = {e.n for e in request.evidence}
        ranks = {True: 0, False: 0}  # retrieved passages and offered ones are ranked apart
        values = dict(request.analysis.values)
        for passage in evidence:
            if passage.n is None:
                continue
            retrieved = passage.n in main
            rank, ranks[retrieved] = ranks[retrieved], ranks[retrieved] + 1
            # interleaved as the source ranking interleaves them: offered i after retrieved i
            rank_weight = 1.0 / (1.0 + 0.12 * (rank if retrieved else rank + 0.5))
            summary = passage.chunk.section.lower().startswith("summary")
            for span in split_sentences(passage.chunk.text):
                text = span.text.strip().lstrip("-* ").strip()
                if len(text) < 30 or _SKIP_LINE.match(text):
                    continue
                terms = frozenset(self.tokenizer(text))
                sentence = Sentence(
                    text=text,
                    terms=terms,
                    roles=frozenset(roles(text, self.cues)),
                    rank_weight=rank_weight,
                    summary=summary,
                    superseded=passage.source.status is SourceStatus.SUPERSEDED,
                    lines=frozenset(_topic_lines(text)),
                    populations=frozenset(self._populations(text)),
                    drugs=frozenset(self._drugs(terms)),
                    fit=self.rules.measures.fits(values, text) if values else None,
                    other_measure=bool(values) and self.rules.measures.others(values, text),
                    subgroup_words=bool(_SUBGROUP.search(text)),
                )
                record = feature_record(sentence, question)
                found.append(Candidate(text, passage, terms, sentence.roles, 0.0, record))
        return found

    def asked(
        self, request: GenerationRequest, evidence: list[Evidence], facet: Facet | None = None
    ) -> Asked:
        """What the question asks, from its analysis: the focus is the drugs and trials the
        user named, leaving out the therapy the patient is on or had ("controlled on HP");
        when the user's words name none (a follow-up), those of the standalone form. A `facet`
        of the answer asks with its own query (Cairn's words: "<drug> dose"), in the question's
        situation (patient, line, history and subgroup asked)."""
        analysis = request.analysis
        if facet is not None:
            terms = self.tokenizer(facet.query)
            wanted, populations = roles(facet.query, self.cues), self._populations(facet.query)
            return self._asked(request, evidence, terms, self._focus(terms), Intent.DOSE,
                               wanted, populations)  # fmt: skip
        named = {
            m: self._focus(self.tokenizer.concept_tokens(m.concept_id)) for m in analysis.mentions
        }
        if any(named.values()):
            focus = {t for m, found in named.items() if not m.on_or_had for t in found}
        else:
            focus = self._focus(analysis.terms)
        return self._asked(
            request, evidence, analysis.terms, focus, analysis.intent,
            set(analysis.asked_roles), set(analysis.populations),
        )  # fmt: skip

    def _asked(
        self,
        request: GenerationRequest,
        evidence: list[Evidence],
        terms: Sequence[str],
        focus: set[str],
        primary: Intent,
        asked_roles: set[Role],
        populations: set[str],
    ) -> Asked:
        # A dose question about some drugs ("lapatinib + capecitabine doses?") wants their
        # doses, not those of regimens with other partners.
        partners = self._partners(focus) if primary is Intent.DOSE else None
        asked_roles -= {Role.OTHER, Role.RECOMMENDATION}
        topic = {t for t in terms if t.startswith("c:") and not self._is_focus(t)}
        analysis = request.analysis
        return Asked(
            weights=query_weights(terms),
            focus=frozenset(focus),
            population_focus=frozenset(f"c:{p}" for p in populations),
            partners=None if partners is None else frozenset(partners),
            topic=frozenset(topic - {f"c:{p}" for p in populations}),
            roles=frozenset(asked_roles or set(LAYOUTS[primary][0][1])),
            line=request.line,
            patient_line=request.line is not None,
            populations=frozenset(populations | populations_of(request.context, self.rules.facts)),
            wants_history=analysis.asks_history or _names_a_past_version(analysis.years, evidence),
            wants_subgroup=analysis.asks_subgroup,
        )

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


def query_weights(terms: Iterable[str]) -> dict[str, float]:
    """Concept tokens count double; weights sum to 1."""
    raw = {t: (2.0 if t.startswith("c:") else 1.0) for t in terms}
    total = sum(raw.values()) or 1.0
    return {t: w / total for t, w in raw.items()}


def _names_a_past_version(years: Iterable[int], evidence: Iterable[Evidence]) -> bool:
    """A year in the question no later than a superseded source among the evidence ("ASCO
    2018 vs 2014"): the question asks about past versions, so their passages keep their
    weight. Read from the sources' front matter, so no year in code ages."""
    superseded = [e.source.year for e in evidence if e.source.status is SourceStatus.SUPERSEDED]
    if not superseded:
        return False
    return any(y <= int(max(superseded)) for y in years)
