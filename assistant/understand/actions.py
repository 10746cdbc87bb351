"""The clinical actions a yes/no question asks about and a statement takes a stance on.

    asked_action("Grade 2 rash on zorbatinib. Do I hold it?", lexicon)  # -> Action.STOP
    asked_action("Zorbix, widgets 35 k today. Hold?", lexicon)  # a note's form: Action.STOP

The words are general English of clinical action; a corpus's domain words are not needed. The
question side is read once per turn (`reader.py`); the statement side reads the same patterns
(`assistant.compose.decision.stance`).
"""

from __future__ import annotations

import re
from enum import StrEnum

from guardrails.lexicon import ConceptKind, Lexicon


class Action(StrEnum):
    """What a yes/no question asks about, and what a statement says to do."""

    GO = "go on"  # give, continue, restart, combine
    STOP = "stop"  # hold, interrupt, discontinue, avoid
    REDUCE = "reduce"
    KEEP_DOSE = "no reduction"  # "has no dose reductions"


# Verbs, not their nouns: "with neratinib interruption or reduction as needed" is an option.
_ACTION_WORDS: dict[Action, str] = {
    Action.REDUCE: r"reduc\w*|lower(?:ed|ing)? (?:the )?dose|dose level",
    Action.STOP: (
        r"contraindicat\w*|withh[oe]ld\w*|held|holds?|holding|interrupt(?:s|ed|ing)?|"
        r"discontinu(?:e|es|ed|ing)|stop\w*|avoid\w*|ends?\b"
    ),
    Action.GO: (
        r"recommend\w*|preferred|continu\w*|restart\w*|resum\w*|re-?challeng\w*|keep\w*|"
        r"an option|safe|ok|okay|allowed|permitted|"
        r"(?:may|can|should) (?:also )?(?:be )?(?:given|used|offered|combined|started|receive\w*)"
    ),
}
PATTERNS = {a: re.compile(rf"\b(?:{w})\b", re.IGNORECASE) for a, w in _ACTION_WORDS.items()}
# Weaker words of going on: in a question ("Do I give ...?"), and negated in a statement ("is
# not combined with"); a statement's plain "given" describes, it does not decide.
WEAK_GO = re.compile(
    r"\b(?:give|given|giving|use|used|using|start|starts|started|get|receive\w*|combin\w*|"
    r"need|needs|needed|required|necessary|offered|may be|can be)\b",
    re.IGNORECASE,
)
_AUXILIARY = re.compile(
    r"^(?:so|and|but|ok|okay|then)?[,\s]*(?:is|are|was|can|could|should|shall|do|does|did|may|"
    r"might|will|would|must|has|have|need)\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[^.?!]+[.?!]?")
# A bedside note's yes/no question without its auxiliary: an action verb, at most a few words
# (its object), and the question mark ("Hold?", "ok to restart it?", "Continue the dose?").
_LEAD_IN = re.compile(r"^(?:so|and|but|then)?[,\s]*(?:ok(?:ay)?\s+to\s+)?", re.I)
_WH = re.compile(r"\b(?:when|what|which|how|where|why|who|whom)\b", re.I)
_ELLIPTICAL = re.compile(
    r"^(?:so|and|but|then)?[,\s]*(?:ok(?:ay)?\s+to\s+)?(?:hold|withhold|interrupt|stop|"
    r"continue|resume|restart|re-?challenge|reduce|give|keep|discontinue)\b[^?]{0,40}\?$",
    re.I,
)
# Words between an action and its object ("keep giving the", "restart her on"), and the objects
# that are the drug itself.
_OBJECT_SKIP = re.compile(r"^(?:\W+|\b(?:the|a|an|on|giving|using|taking|full)\b)*", re.I)
_OBJECT = re.compile(
    r"(?:it|this|that|her|him|them|treatment|therapy|going)\b|(?:[\w-]+\s+){0,2}dos\w*\b", re.I
)
_PREPOSITION = re.compile(r"(?:after|with|in|for|during|at|if|when|while|before|,|and)\b", re.I)


def asked_action(question: str, lexicon: Lexicon) -> Action | None:
    """The action a yes/no clause of the question asks about ("Do I hold it?" -> STOP); None
    when no clause is a yes/no question about giving a drug: a choice ("hold or reduce?"), or
    an action on something else ("Does it need DPYD testing?")."""
    for clause in _CLAUSE.findall(question):
        clause = clause.strip()
        if re.search(r"\bor\b(?! not)", clause, re.I):
            continue
        if _ELLIPTICAL.match(clause) and not _WH.search(clause):  # "Hold?", not "restart when?"
            clause = f"Do I {_LEAD_IN.sub('', clause)}"
        if not _AUXILIARY.match(clause):
            continue
        patterns = [*((a, PATTERNS[a]) for a in (Action.REDUCE, Action.STOP, Action.GO))]
        for action, pattern in [*patterns, (Action.GO, WEAK_GO)]:
            match = pattern.search(clause)
            if match and _on_a_drug(clause, match, lexicon):
                return action
    return None


def _on_a_drug(clause: str, match: re.Match[str], lexicon: Lexicon) -> bool:
    """Whether the action falls on a drug: its object is a drug, a pronoun, the dose or
    nothing ("hold it?", "keep giving the pertuzumab?", "rechallenge?"); an action with no
    object falls on what comes before it ("Is T-DXd contraindicated after ...?")."""
    after = clause[match.end() :]
    words = _OBJECT_SKIP.sub("", after)
    if not words.strip(" ?!.") or _PREPOSITION.match(words):
        before = clause[: match.start()]  # passive: "Is loperamide prophylaxis needed?"
        return _names_drug(before, lexicon) or len(before.split()) <= 2  # "Can I rechallenge?"
    return bool(_OBJECT.match(words)) or _names_drug(" ".join(words.split()[:4]), lexicon)


def _names_drug(text: str, lexicon: Lexicon) -> bool:
    return any(m.kind in (ConceptKind.DRUG, ConceptKind.REGIMEN) for m in lexicon.find(text))
