"""Relations between therapies that the pathway forbids, read from a sentence's structure
rather than from a list of its wordings.

    relation = Relation("stops-with", subjects, anchors, terms)
    relation.holds("Once the docetaxel is finished, stop pertuzumab as well.", lexicon)  # True

- `stops-with`: a subject therapy is stopped together with (when, once, after, for as long as)
  an anchor therapy: "HP is stopped together with the paclitaxel".
- `continues-without`: a subject is kept on its own when its anchor partner is stopped or held:
  "keep giving pertuzumab on its own if trastuzumab is held".
- `given-with`: a subject is given together with an anchor: "trastuzumab concurrently with
  doxorubicin".

Subjects and anchors are lexicon concepts (a group stands for its members) and, for subjects,
plain terms of the corpus ("HER2-targeted therapy"). Only the verbs and the links between the
therapies are English here; which therapies they concern is data in pathway.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from guardrails.lexicon import Lexicon
from guardrails.negation import status_of
from guardrails.records import FactStatus

KINDS = ("stops-with", "continues-without", "given-with")

_STOP = (
    r"(?:stop|stops|stopped|stopping|discontinu\w*|end|ends|ended|cease[sd]?|halt\w*|drop\w*|"
    r"withdraw\w*|c[oa]me?s? off|coming off|taken off|take[ns]? off)"
)
_HOLD = _STOP + r"|(?:held|hold|holds|withh[eo]ld\w*|paused?|interrupt\w*)"
# Between a stop verb and its object: "stop (all / the / also) X".
_OBJECT_GAP = re.compile(
    r"^\s*(?:(?:the|all|both|also|any|further|treatment with|therapy with)\s+)*$", re.I
)
# Between a subject and its verb: "X (can / should / will) (also) (be) stopped".
_SUBJECT_GAP = re.compile(
    r"^\s*(?:\(\w+\)\s*)?(?:(?:is|are|can|could|should|will|must|may|would|then|also|be|too|"
    r"as well|therefore)\s+)*$",
    re.I,
)
_LIMIT = re.compile(
    r"\b(?:only\s+)?(?:for\s+)?as\s+long\s+as\b|\bfor the (?:same time|duration) (?:as|of)\b|"
    r"\bonly (?:during|while|with)\b",
    re.I,
)
# What ties the stop to the anchor: a link word before it, or the anchor's own end after it.
_LINK_BEFORE = re.compile(
    r"\b(?:(?:with|together with|along with|alongside|at the same time as|when|once|after|"
    r"as soon as|as|the last (?:cycle|dose) of|finishing|completing|stopping|the end of)|"
    r"(?:once|when|after|as soon as|if)\s+(?:\w+\s+){0,3}?(?:finish\w*|complet\w*|stop\w*|"
    r"end\w*|done with|c[oa]me off))\s+(?:(?:the|all|her|his|a|any|last|final)\s+)*$",
    re.I,
)
_ANCHOR_ENDS = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:is|are|has been|have been|gets?)?\s*(?:finished|completed|complete|"
    r"stopped|stops|over|done|ends|ended|discontinued|continues)\b",
    re.I,
)
_CONTINUE = re.compile(
    r"\b(?:continu\w*|keep\w*|kept|maintain\w*|carry on|carried on|go on|goes on|giving)\b|"
    r"\b(?:alone|on its own|by itself|as a single agent|as monotherapy)\b",
    re.I,
)
_TOGETHER = re.compile(
    r"^\s*(?:\w+\s+){0,3}?(?:concurrently with|together with|combined with|in combination with|"
    r"at the same time as|alongside|with|plus|and|\+)\s+(?:(?:an?|the)\s+)?$",
    re.I,
)

# "an anthracycline right after stopping trastuzumab": no gap where the rule wants one.
_RIGHT_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,3}?(?:right|immediately|soon|straight|just|directly)\s+after\s+"
    r"(?:stopping|finishing|discontinuing|the last dose of)?\s*$",
    re.I,
)


@dataclass(frozen=True)
class Relation:
    kind: str
    subjects: frozenset[str]  # concept ids, with every drug of a group or regimen
    anchors: frozenset[str]
    terms: tuple[str, ...] = ()  # plain subject terms ("HER2-targeted therapy")

    def holds(self, text: str, lexicon: Lexicon) -> bool:
        return self.where(text, lexicon) is not None

    def where(self, text: str, lexicon: Lexicon) -> int | None:
        """Where the first subject starts when the relation holds in `text`, else None."""
        subjects, anchors = self._spans(text, lexicon)
        if subjects and anchors and self._found(text, subjects, anchors):
            return min(s[0] for s in subjects)
        return None

    def _found(
        self, text: str, subjects: list[tuple[int, int]], anchors: list[tuple[int, int]]
    ) -> bool:
        if self.kind == "stops-with":
            return (
                any(_stopped(text, s) for s in subjects) and any(_tied(text, a) for a in anchors)
            ) or any(_limited(text, s, anchors) for s in subjects)
        if self.kind == "continues-without":
            return (
                any(_CONTINUE.search(_clause(text, s)) for s in subjects)
                and any(_held(text, a) for a in anchors)
                and not _negated_anywhere(text, subjects)
            )
        pairs = [(s, a, text[s[1] : a[0]]) for s in subjects for a in anchors if s[1] <= a[0]]
        pairs += [(s, a, text[a[1] : s[0]]) for s in subjects for a in anchors if a[1] <= s[0]]
        return any(
            (_TOGETHER.match(gap) or _RIGHT_AFTER.match(gap))
            and not _negated_anywhere(text, [s, a])
            for s, a, gap in pairs
        )

    def _spans(
        self, text: str, lexicon: Lexicon
    ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        subjects: list[tuple[int, int]] = []
        anchors: list[tuple[int, int]] = []
        for mention in lexicon.find(text):
            drugs = lexicon.drugs_of(mention.concept_id) | {mention.concept_id}
            if drugs & self.anchors and not drugs & self.subjects:
                anchors.append((mention.start, mention.end))
            elif drugs <= self.subjects or mention.concept_id in self.subjects:
                subjects.append((mention.start, mention.end))
        if not anchors:  # the relation needs both; most sentences name no anchor
            return subjects, anchors
        if self._terms is not None:
            subjects.extend(m.span() for m in self._terms.finditer(text))
        return subjects, anchors

    @cached_property
    def _terms(self) -> re.Pattern[str] | None:
        """The plain subject terms as one pattern, longest first (case-insensitive), each
        written any way a writer spells it: hyphen or space between its words, and its head
        noun in the plural or another word for a therapy ("HER2-directed treatment")."""
        if not self.terms:
            return None
        ordered = sorted({t.lower() for t in self.terms}, key=len, reverse=True)
        return re.compile("|".join(map(term_pattern, ordered)), re.IGNORECASE)


# The general words for a therapy, one standing for another at the head of a term.
_THERAPY = ("therapy", "therapies", "treatment", "treatments")
_HEAD = r"(?:therap(?:y|ies)|treatments?)"


def term_pattern(term: str) -> str:
    words = [w for w in re.split(r"[\s-]+", term) if w]
    parts = [_HEAD if w in _THERAPY else re.escape(w) for w in words]
    return r"\b" + r"[\s-]+".join(parts) + r"\b"


def _stopped(text: str, span: tuple[int, int]) -> bool:
    """'stop (all) X' or 'X (can be) stopped', the verb not negated."""
    start, end = span
    gap_start = max(0, start - 60)
    for match in re.finditer(r"\b" + _STOP + r"\b", text[gap_start:start], re.I):
        if _OBJECT_GAP.match(text[gap_start + match.end() : start]):
            return _affirmed(text, gap_start + match.start(), gap_start + match.end())
    after = text[end : end + 60]
    for match in re.finditer(r"\b" + _STOP + r"\b", after, re.I):
        if _SUBJECT_GAP.match(after[: match.start()]):
            return _affirmed(text, end + match.start(), end + match.end())
    return False


def _tied(text: str, span: tuple[int, int]) -> bool:
    start, end = span
    return bool(_LINK_BEFORE.search(text[max(0, start - 40) : start])) or bool(
        _ANCHOR_ENDS.match(text[end : end + 40])
    )


def _limited(text: str, subject: tuple[int, int], anchors: list[tuple[int, int]]) -> bool:
    """'give X only for as long as the chemotherapy continues'."""
    for anchor in anchors:
        if anchor[0] > subject[1]:
            between = text[subject[1] : anchor[0]]
            limit = _LIMIT.search(between)
            if limit and _affirmed(text, subject[1] + limit.start(), subject[1] + limit.end()):
                return True
    return False


def _held(text: str, span: tuple[int, int]) -> bool:
    after = text[span[1] : span[1] + 40]
    return bool(re.match(r"^\s*(?:\w+\s+){0,3}?(?:" + _HOLD + r")\b", after, re.I)) or bool(
        re.search(
            r"\b(?:" + _HOLD + r")\s+(?:(?:the|all)\s+)?$",
            text[max(0, span[0] - 30) : span[0]],
            re.I,
        )
    )


def _clause(text: str, span: tuple[int, int]) -> str:
    return text[max(0, span[0] - 40) : span[1] + 40]


def _affirmed(text: str, start: int, end: int) -> bool:
    return status_of(text, start, end) is FactStatus.STATED


def _negated_anywhere(text: str, spans: list[tuple[int, int]]) -> bool:
    return any(status_of(text, s, e) is FactStatus.NEGATED for s, e in spans)
