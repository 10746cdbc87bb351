"""What a statement claims, read apart from its wording, to find two statements that make the
same claim.

A statement is read whole and clause by clause (a clause ends at a semicolon outside
parentheses): each as the drugs it names (a regimen as its drugs), its figures and dates, its
other content terms (stemmed words; the concepts that are not drugs: terms, trials; and the
names in capitals the lexicon does not know, a guideline body or an agency), what its main
clause says to do, its negation and the words that bound its figures. Words in parentheses are
asides (an abbreviation, a reference, a definition): their figures count, their words do not.

    content = read_claims("On 15 December 2025 the FDA approved T-DXd with pertuzumab.", tokens)
    says_all(kept, other)  # True when `kept` says all `other` says
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.compose.decision import stance
from guardrails.lexicon import ConceptKind, Lexicon
from ingest.lexical import Tokenizer

# A claim says nothing another does not when it adds no figure, no drug, no concept, and words
# (stems) that make at most this share of its content (drugs, figures and words).
NEW_WORDS = 0.34
MIN_TERMS = 3  # shorter claims are not compared
_CLAUSE = re.compile(r";\s+(?![^()]*\))")  # not inside parentheses
_ASIDE = re.compile(r"\([^()]*\)")
_BOUND = re.compile(
    r"\b(?:under|below|above|over|less|more|fewer|greater|higher|lower|at least|at most|"
    r"within|up to)\b|[<>≤≥]",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:no|not|never|without|cannot)\b|n't\b", re.IGNORECASE)
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_YEAR = re.compile(r"(?:19|20)\d\d")
_DRUG_KINDS = (ConceptKind.DRUG, ConceptKind.REGIMEN, ConceptKind.GROUP)
# A name in capitals the lexicon does not know (a guideline body, an agency: "ESMO", "FDA"): who
# says it is part of the claim.
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]+\b")


@dataclass(frozen=True)
class ClaimContent:
    """A clause (or a whole statement) as claims are compared: its content, not its words."""

    drugs: frozenset[str]  # the drugs named: a regimen as its drugs, a group unless a member is
    figures: frozenset[str]  # numbers, asides included; years only outside asides
    stated: frozenset[str]  # the figures outside asides
    held: frozenset[str]  # every number, years in asides too ("Recommendation 2.1 (2022)")
    words: frozenset[str]  # the other content terms outside asides; names in capitals as "n:"
    actions: frozenset[str]  # what the main clause says to do ("go on", "stop")
    negated: bool
    bounds: frozenset[str]  # "under", "or more": the same figures under other bounds differ

    @property
    def size(self) -> int:
        return len(self.drugs | self.figures | self.words)


def read_claims(text: str, tokenizer: Tokenizer) -> tuple[ClaimContent, ...]:
    """The statement as a whole, then each of its clauses when it has more than one."""
    clauses = [c for c in _CLAUSE.split(text) if c.strip()]
    whole = _read(text, tokenizer)
    if len(clauses) < 2:
        return (whole,)
    return (whole, *(_read(c, tokenizer) for c in clauses))


def says_all(kept: ClaimContent, other: ClaimContent, frame: frozenset[str] | None = None) -> bool:
    """Whether `kept` says all that `other` says: the same drugs (or a comparison of the drugs of
    `other`'s result), every figure of `other`, the same action, negation and bounds, every
    concept (a term, a trial) and name ("ESMO"), and all but a few of the words of `other`.
    With a `frame` (the words and terms of the question, for Cairn's own statements: a quote
    restating the patient's population adds nothing to them), those terms of `other` and the
    figures of its asides (a definition in parentheses) need not be in `kept`."""
    if min(kept.size, other.size) < MIN_TERMS or not _same_drugs(kept, other):
        return False  # a combination and one of its drugs are two claims
    if (other.figures if frame is None else other.stated) - kept.held:
        return False  # another result, dose or date
    if kept.negated != other.negated or kept.bounds != other.bounds:
        return False  # "no dose reductions" vs "dose reductions"; "under 10" vs "10 or more"
    if kept.actions != other.actions:
        return False  # "is continued" vs "is stopped"
    new = other.words - (frame or frozenset()) - kept.words
    if any(t.startswith(("c:", "n:")) for t in new):
        return False  # another condition, population, trial or guideline body
    said = other.drugs | other.figures | (other.words - (frame or frozenset()))
    return len(new) <= NEW_WORDS * len(said)


def _read(text: str, tokenizer: Tokenizer) -> ClaimContent:
    bare = _ASIDE.sub(" ", text)
    terms, outside = set(tokenizer(text)), set(tokenizer(bare))
    drugs = _drugs(terms, tokenizer.lexicon)
    numbers = {t for t in terms if _FIGURE.fullmatch(t) and not _YEAR.fullmatch(t)}
    stated = {t for t in outside if _FIGURE.fullmatch(t)}
    names = {m.group().lower() for m in _ACRONYM.finditer(bare)}
    return ClaimContent(
        drugs=drugs,
        figures=frozenset(numbers | stated),
        stated=frozenset(stated),
        held=frozenset(t for t in terms if _FIGURE.fullmatch(t)),
        words=frozenset(
            f"n:{t}" if t in names else t
            for t in outside
            if not _FIGURE.fullmatch(t) and not _is_drug(t, tokenizer.lexicon)
        ),
        actions=frozenset(a.value for a in stance(bare)),
        negated=bool(_NEGATION.search(bare)),
        bounds=frozenset(m.group().lower() for m in _BOUND.finditer(bare)),
    )


def _same_drugs(kept: ClaimContent, other: ClaimContent) -> bool:
    """The same drugs; or a result (a figure with decimals) of some of the drugs `kept`
    compares: "ILD in 12.1% with T-DXd plus pertuzumab (grade 5 in 0.5%) vs 1.0% with THP"
    says "grade 5 ILD in 0.5% with T-DXd plus pertuzumab"."""
    if kept.drugs == other.drugs:
        return True
    result = any("." in f for f in other.figures)  # 12.1%, HR 0.76: not a day or a dose
    return result and bool(other.drugs) and other.drugs < kept.drugs


def _is_drug(term: str, lexicon: Lexicon | None) -> bool:
    concept = lexicon.get(term[2:]) if lexicon and term.startswith("c:") else None
    return concept is not None and concept.kind in _DRUG_KINDS


def _drugs(terms: Iterable[str], lexicon: Lexicon | None) -> frozenset[str]:
    """The drugs the terms name. The tokenizer gives a regimen's parts and a drug's groups as
    terms of their own, so a regimen counts as its parts and a group only when none of its
    members is named: "THP" and "trastuzumab, pertuzumab and a taxane" name the same drugs,
    "docetaxel" and "a taxane" do not."""
    if lexicon is None:
        return frozenset()
    named = {t[2:] for t in terms if _is_drug(t, lexicon)}
    drugs = set()
    for concept_id in named:
        concept = lexicon.get(concept_id)
        assert concept is not None
        if concept.kind is ConceptKind.REGIMEN:
            continue
        members = lexicon.drugs_of(concept_id) - {concept_id}
        if concept.kind is ConceptKind.GROUP and named & members:
            continue
        drugs.add(concept_id)
    return frozenset(drugs)
