"""The decision a question asks for, and which statement of an answer gives it.

A question asks for a decision: which regimen, which dose, hold or not, or yes or no. The roles
a statement must play to answer it come from the question's words and intent; a yes/no question
("Do I hold it?", "Can I keep dosing?") also asks about one action (go on, stop, reduce), and a
statement answers it when it names the question's drug, fits its situation (the grade or value
it states), and takes a stance on that action in its main clause (conditions after "until",
"unless", "if", "then" are left out). "Yes" or "No" is read from that stance, never assumed;
statements of two sources taking opposite stances make "The sources differ".

    decision = read_decision(analysis, measures)  # of the question's analysis
    lead = decide(statements, decision)  # -> (index, "No") or None
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assistant.compose.fit import fits
from assistant.understand.actions import PATTERNS, WEAK_GO, Action
from assistant.understand.analysis import QuestionAnalysis
from assistant.understand.figures import figures
from assistant.understand.intent import Intent, Role
from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.measures import Measures

YES, NO, DIFFER = "Yes", "No", "The sources differ"

_NEGATION = re.compile(r"\b(?:no|not|never|without|nor|cannot|n't)\b(?:\W+\w+){0,3}\W*$", re.I)
# A clause that states a condition or what comes later, not what to do now.
_CONDITION = re.compile(
    r"(?:,|;|:)?\s*\b(?:until|unless|if|once|then|after|whenever|when|as needed|"
    r"(?:that|which)(?=[^,.;]{0,40}\b(?:resolv|recover|improv|return|persist)))\b",
    re.I,
)
# A negation after the action: "dose reductions are not recommended".
_NEGATED_AFTER = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:not|never)\b", re.I)
# The roles that answer a question of each intent when its words name none.
_ROLES_OF_INTENT: dict[Intent, tuple[Role, ...]] = {
    Intent.TREATMENT: (Role.RECOMMENDATION, Role.ALTERNATIVE),
    Intent.DOSE: (Role.DOSE,),
    Intent.SAFETY: (Role.ACTION, Role.REDUCTION, Role.MONITORING, Role.CAUTION),
    Intent.TRIAL: (Role.RESULT, Role.DESIGN),
    Intent.DIFFERENCE: (Role.RECOMMENDATION, Role.ALTERNATIVE),
    Intent.GENERAL: tuple(Role),
}
# Roles a question's own words can ask for ("hold or reduce?", "how long?", "what dose?").
_ASKABLE = (Role.ACTION, Role.REDUCTION, Role.DOSE, Role.DURATION, Role.MONITORING)


@dataclass(frozen=True)
class Decision:
    """What the question asks to decide."""

    roles: frozenset[Role]  # the roles of a statement that answers it
    action: Action | None  # a yes/no question's action; None when it is not a yes/no question
    subjects: frozenset[str]  # the drugs and regimens the question names (concept ids)
    values: tuple[float, ...]  # the figures the question states ("platelets 35,000")
    measured: Mapping[str, float] = field(default_factory=dict)  # its measured values, by measure
    measures: Measures | None = None  # the corpus's measures, which read a statement's thresholds

    def fits(self, text: str) -> bool:
        """Whether the statement's conditions hold the question's situation: a threshold of
        the measure the question states includes its value ("AST 4.2 x ULN": "over 2.5 to 5 x
        ULN" of AST, not "LVEF under 40%"); with no measured value, any figure it states."""
        if self.measured and self.measures is not None:
            return self.measures.fits(dict(self.measured), text) is True
        return fits(text, self.values)


@dataclass(frozen=True)
class Claim:
    """A statement as the decision reads it."""

    text: str
    sources: frozenset[str]  # the sources it cites


def read_decision(analysis: QuestionAnalysis, measures: Measures | None = None) -> Decision:
    """The decision the analysed question asks for: the roles the user's own words ask for
    (else those of the intent), the action of a yes/no question, the drugs the standalone form
    names and the figures the user states. A dose question that states a grade or a measured
    value ("dose after grade 2 pneumonitis?") asks what to do first."""
    intent = analysis.intent
    wanted = analysis.question_roles & frozenset(_ASKABLE)
    if intent is Intent.DOSE and (analysis.grade or analysis.values):
        wanted |= {Role.ACTION, Role.REDUCTION}
    subjects = frozenset(
        m.concept_id
        for m in analysis.search_mentions
        if m.kind in (ConceptKind.DRUG, ConceptKind.REGIMEN)
    )
    return Decision(
        wanted or frozenset(_ROLES_OF_INTENT[intent]),
        analysis.action,
        subjects,
        analysis.figures,
        analysis.values,
        measures,
    )


def stance(text: str) -> frozenset[Action]:
    """What the statement's main clauses say to do, negations read: "not a contraindication"
    goes on, "not re-challenged" stops, "no dose reductions" keeps the dose. Conditions and
    later steps ("until ...", "then restarted") are left out."""
    strong: set[Action] = set()
    for clause in _main_clauses(text):
        for action, pattern in PATTERNS.items():
            for match in pattern.finditer(clause):
                negated = _negated(clause, match.start()) or (
                    action is not Action.GO and _NEGATED_AFTER.match(clause[match.end() :])
                )
                strong.add(_read(action, bool(negated)))
        for match in WEAK_GO.finditer(clause):
            if _negated(clause, match.start()):
                strong.add(Action.STOP)  # "is not combined with"
    return frozenset(strong)


def _read(action: Action, negated: bool) -> Action:
    if not negated:
        return action
    return {Action.GO: Action.STOP, Action.STOP: Action.GO}.get(action, Action.KEEP_DOSE)


def _negated(clause: str, start: int) -> bool:
    return bool(_NEGATION.search(clause[:start]))


def answer_to(asked: Action, said: frozenset[Action]) -> str | None:
    """Yes or No for a question about `asked`, from what a statement says; None when it says
    nothing about that action, or two things (a reduction does not say whether to stop)."""
    relevant = (
        {Action.REDUCE, Action.KEEP_DOSE} if asked is Action.REDUCE else {Action.GO, Action.STOP}
    )
    said = said & relevant
    if len(said) != 1:
        return None
    return YES if asked in said else NO


def decide(
    claims: Sequence[Claim], decision: Decision, lexicon: Lexicon, ranked: Sequence[int]
) -> tuple[list[int], str] | None:
    """The claims that answer a yes/no question and the answer: one claim and Yes or No, or
    the best claim of each of two sources that take opposite stances on the same figures
    (DIFFER). `ranked` is the claims' indexes, best first. None when no claim decides it, or
    when the claims that disagree state other conditions (grade 1 vs grade 2)."""
    if decision.action is None:
        return None
    verdicts: list[tuple[int, str]] = []
    for i in ranked:
        claim = claims[i]
        if not _about(claim.text, decision, lexicon) or not decision.fits(claim.text):
            continue
        answer = answer_to(decision.action, stance(claim.text))
        if answer is not None:
            verdicts.append((i, answer))
    if not verdicts:
        return None
    first, answer = verdicts[0]
    other = next((i for i, a in verdicts if a != answer), None)
    if other is None:
        return [first], answer
    a, b = claims[first], claims[other]
    if a.sources.isdisjoint(b.sources) and set(figures(a.text)) == set(figures(b.text)):
        return [first, other], DIFFER
    return None


def _about(text: str, decision: Decision, lexicon: Lexicon) -> bool:
    """The statement names a drug the question names, and no other drug or regimen (a
    statement about the regimen that replaced it does not answer for it)."""
    if not decision.subjects:
        return True
    named = {
        m.concept_id
        for m in lexicon.find(text)
        if m.kind in (ConceptKind.DRUG, ConceptKind.REGIMEN)
    }
    parts = set(decision.subjects)
    for concept_id in decision.subjects:
        concept = lexicon.get(concept_id)
        parts.update(concept.components if concept else ())
    return bool(named & decision.subjects) and named <= parts


def _main_clauses(text: str) -> list[str]:
    """The statement's clauses that say what to do now: each sentence cut at its first
    condition ("until", "unless", "if", "then", ...)."""
    clauses = []
    for sentence in re.split(r"(?<=[.;])\s+", text):
        head = _CONDITION.split(sentence, maxsplit=1)[0]
        if head.strip():
            clauses.append(head)
    return clauses
