"""What an answer recommends: the regimens and drugs named in recommendation language.

Each named drug or regimen is judged on its own: "avoid T-DXd and start trastuzumab" recommends
trastuzumab only; "T-DXd rather than THP" rejects THP; "after progression on THP, T-DXd is
recommended" names THP as history; "T-DXd is not recommended" recommends nothing.

    [r.concept_id for r in recommended(parse_answer(text), lexicon)]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from guardrails.answer import AnswerSentence
from guardrails.lexicon import ConceptKind, Lexicon, Mention
from guardrails.memo import TextMemo

RECOMMEND = re.compile(
    r"\b(?:recommend\w*|prefer(?:red|able)?|standard(?: of care)?|of choice|first choice|"
    r"best (?:option|choice)|right (?:[\w-]+ )?(?:choice|option|regimen)|should (?:receive|get|be "
    r"(?:given|treated|started|offered|switched|continued)|start|use|go on|move|continue)|"
    r"give|start(?:ing)?|use|offer(?:ed)?|switch(?:ed)? to|move (?:on )?to|next step|go with|"
    r"candidate for|indicated|is the (?:option|choice)|opt for|choose|treat\w*|"
    r"(?:a |an )?(?:strong |good |reasonable |acceptable |appropriate |valid )?"
    r"(?:option|alternative|partner|choice)|"
    r"reasonable|appropriate|can be (?:given|used|continued|started|resumed|added)|continue[sd]?|"
    r"resum\w+|would (?:give|use|start|choose|recommend))\b",
    re.IGNORECASE,
)
_PREFERRED = re.compile(
    r"\b(?:preferred|prefer|preferable|standard(?: of care)?|of choice|first choice|best|"
    r"right (?:[\w-]+ )?(?:choice|option|regimen)|is recommended|are recommended|"
    r"recommended (?:as )?(?:the )?(?:first|second|third|later)|the recommended|recommends?)\b",
    re.IGNORECASE,
)
_REJECT = re.compile(
    r"\b(?:not|never|avoid\w*|no longer|shouldn't|don't|do not|contraindicat\w*|withh[oe]ld\w*|"
    r"stop\w*|discontinu\w*|nor|without|except|cannot|can't)\b",
    re.IGNORECASE,
)
_REJECT_AFTER = re.compile(
    r"^[^,;.]{0,25}?\b(?:is|are|was|should be|must be)?\s*(?:not (?:recommended|preferred|given|"
    r"used|an option)|avoided|contraindicated|withheld|stopped|discontinued|excluded|interrupted|"
    r"held|paused|not)\b",
    re.IGNORECASE,
)
# "no one regimen (is) preferred", "none is preferred": a preference word that is denied.
_NO_PREFERENCE = re.compile(
    r"\b(?:no|none|neither|without)\b(?:\s+[\w-]+){0,3}\s+(?:is\s+)?$", re.I
)
# "T-DXd already given", "T-DM1 (previously received)": the therapy is history, not advice.
_GIVEN_AFTER = re.compile(
    r"^[\s(]*(?:(?:was|were|is|has been|had been|having been)\s+)?(?:already|previously)\s+"
    r"(?:given|received|used|had|administered)\b",
    re.IGNORECASE,
)
# "T-DXd second line only if it has not been given", "T-DM1, unless already received": advice
# that defers to the history, never a recommendation to repeat a therapy.
_UNLESS_GIVEN = re.compile(
    r"\b(?:(?:only\s+)?(?:if|when|provided|as long as)\s+(?:it|they|this|that)?\s*"
    r"(?:has|have|had|was|were|is)?\s*(?:not|n't|never)\s+(?:already\s+|previously\s+|yet\s+)?"
    r"(?:been\s+)?(?:given|received|used)|unless\s+(?:already|previously)\s+(?:given|received|used))\b",
    re.IGNORECASE,
)
_CONTRAST = re.compile(
    r"\b(?:rather than|instead of|in place of|over|unlike|versus|vs\.?|compared with|than)\b", re.I
)
_HISTORY = re.compile(
    r"\b(?:after|following|post|progress\w*(?: on| after| through)?|on|during|while on|prior|"
    r"previous(?:ly)?|"
    r"received|failed|failure of|since|beyond|already had|has had|had)\s+(?:first-line\s+|"
    r"second-line\s+|\w+-line\s+)?$",
    re.IGNORECASE,
)
_FINAL_JOIN = re.compile(r"\s*,?\s*(?:and|or)\s+(?:(?:a|an|the)\s+)?", re.I)
_LIST_JOIN = re.compile(
    r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|plus\s+|\+\s*|/\s*)(?:(?:a|an|the)\s+)?", re.I
)
_JOINED = re.compile(r"\s*(?:,|and|plus|with|\+|/)?\s*(?:(?:a|an|the)\s+)?", re.I)
_SEPARATOR = re.compile(
    r",\s*(?:and|or|but|while)\b|;|,(?=\s*(?:and|or)\b)|\band\b(?=\s+\w+\s+(?:is|are))", re.I
)
_NEGATED_CUE = re.compile(r"\b(?:not|never|no longer)\s+(?:\w+\s+)?$", re.I)
_CLAUSES = re.compile(r"[;:]|\bbut\b|\bwhereas\b|\bwhile\b|\bhowever\b|\bunless\b|\bif\b", re.I)
_HISTORICAL = re.compile(
    r"\b(?:20(?:0\d|1\d)|superseded|formerly|used to|had been|was (?:the )?(?:standard|preferred|"
    r"recommended))\b|\bwas recommended\b",
    re.IGNORECASE,
)
_TRIAL_REPORT = re.compile(r"\b(?:randomi[sz]ed|arm|trial|study|compared)\b", re.I)


@dataclass(frozen=True)
class Recommended:
    concept_id: str
    preferred: bool  # presented as the preferred / standard choice
    sentence: AnswerSentence


@lru_cache(maxsize=1024)  # the pathway checks ask this of each sentence more than once
def states_recommendation(claim: str) -> bool:
    """Whether the sentence holds a recommendation cue at all (negated or not)."""
    return RECOMMEND.search(claim) is not None


def defers_to_history(claim: str) -> bool:
    """The sentence makes its advice conditional on the therapy not having been given."""
    return _UNLESS_GIVEN.search(claim) is not None


def recommended(sentences: Sequence[AnswerSentence], lexicon: Lexicon) -> list[Recommended]:
    return [
        Recommended(concept_id, preferred, sentence)
        for sentence in sentences
        for concept_id, preferred in _recommended_in(sentence.claim, lexicon)
    ]


# A claim's recommendations depend on its words and the lexicon only.
_READ = TextMemo[tuple[tuple[str, bool], ...]]()


def _recommended_in(claim: str, lexicon: Lexicon) -> tuple[tuple[str, bool], ...]:
    return _READ.get((lexicon,), claim, lambda: _read_recommended(claim, lexicon))


def _read_recommended(claim: str, lexicon: Lexicon) -> tuple[tuple[str, bool], ...]:
    found: list[tuple[str, bool]] = []
    if states_recommendation(claim) and not _HISTORICAL.search(claim):
        rejected = _rejected(claim, lexicon)
        for _, clause in _clauses(claim):
            if not _recommends(clause):
                continue
            if _TRIAL_REPORT.search(clause) and not _PREFERRED.search(clause):
                continue  # "in CLEOPATRA, patients were given ..." reports, not recommends
            chosen = _chosen(clause, lexicon)
            found += [
                (concept_id, preferred)
                for concept_id, preferred in _as_regimens(chosen, lexicon)
                if not lexicon.drugs_of(concept_id) & rejected
            ]
    return tuple(found)


def _recommends(clause: str) -> bool:
    """A recommendation cue that is not itself negated ("does not recommend it")."""
    return any(
        not _NEGATED_CUE.search(clause[max(0, m.start() - 20) : m.start()])
        for m in RECOMMEND.finditer(clause)
    )


def _rejected(claim: str, lexicon: Lexicon) -> set[str]:
    """Drugs the sentence rejects anywhere ("..., but T-DXd is avoided"): a clause that
    recommends one of them elsewhere in the sentence does not count."""
    drugs: set[str] = set()
    for mention in lexicon.find(claim):
        if (
            _REJECT_AFTER.match(claim[mention.end :])
            and lexicon.kind_of(mention.concept_id) is ConceptKind.DRUG
        ):
            drugs |= lexicon.drugs_of(mention.concept_id)
    return drugs


def _clauses(claim: str) -> list[tuple[int, str]]:
    pieces, start = [], 0
    for match in _CLAUSES.finditer(claim):
        pieces.append((start, claim[start : match.start()]))
        start = match.start()
    pieces.append((start, claim[start:]))
    return [(s, p) for s, p in pieces if p.strip()]


def _chosen(clause: str, lexicon: Lexicon) -> list[tuple[Mention, bool]]:
    """The mentions a clause puts forward, each with whether it is called preferred."""
    mentions = [
        m
        for m in lexicon.find(clause)
        if m.kind in (ConceptKind.DRUG, ConceptKind.REGIMEN, ConceptKind.GROUP)
    ]
    contrast = _CONTRAST.search(clause)
    chosen: list[tuple[Mention, bool]] = []
    rejecting = history = False
    for i, mention in enumerate(mentions):
        previous_end = mentions[i - 1].end if i else 0
        following = mentions[i + 1].start if i + 1 < len(mentions) else len(clause)
        lead = clause[previous_end : mention.start]
        tail = clause[mention.end : following]
        if contrast and mention.start >= contrast.end():
            continue  # the option set aside: "rather than THP"
        if RECOMMEND.search(lead) and not _REJECT.search(lead):
            rejecting = False  # "avoid T-DXd and start trastuzumab": a new verb resets
        if _REJECT.search(lead) or (
            rejecting and re.fullmatch(r"[\s,]*(?:and|or|nor|plus|\+)?[\s,]*", lead)
        ):
            rejecting = True
            continue
        rejecting = False
        listed = history and _in_history_list(clause, mentions, i)
        history = bool(
            listed or _HISTORY.search(clause[max(0, mention.start - 40) : mention.start])
        )
        if _REJECT_AFTER.match(tail) or _GIVEN_AFTER.match(tail) or history:
            continue
        chosen.append((mention, False))
    return _preferred_by_group(clause, chosen)


def _in_history_list(clause: str, mentions: list[Mention], i: int) -> bool:
    """'after progression on X, Y and a Z, W is ...': Y and Z continue the list of therapies
    given (it ends at the item joined by 'and' or 'or'); W does not."""
    leads = [clause[mentions[k - 1].end : mentions[k].start] for k in range(i, len(mentions))]
    for lead in leads:
        if not _LIST_JOIN.fullmatch(lead):
            return False
        if _FINAL_JOIN.fullmatch(lead):
            return True
    return False


def _preferred_by_group(
    clause: str, chosen: list[tuple[Mention, bool]]
) -> list[tuple[Mention, bool]]:
    """Mentions joined by 'plus', 'and', 'with' or commas form one option; it is preferred
    when a preference word stands next to the option ("X plus Y is the preferred ...")."""
    groups: list[list[Mention]] = []
    for mention, _ in chosen:
        if groups and _JOINED.fullmatch(clause[groups[-1][-1].end : mention.start]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    result: list[tuple[Mention, bool]] = []
    for index, group in enumerate(groups):
        previous_end = groups[index - 1][-1].end if index else 0
        following = groups[index + 1][0].start if index + 1 < len(groups) else len(clause)
        # The option's own phrase: from the separator before it to the separator after it.
        left = max(previous_end, group[0].start - 40)
        cuts = [m.end() for m in _SEPARATOR.finditer(clause, left, group[0].start)]
        right = min(following, group[-1].end + 60)
        after = _SEPARATOR.search(clause, group[-1].end, right)
        window = clause[max([left, *cuts]) : after.start() if after else right]
        preferred = any(
            not _NO_PREFERENCE.search(window[: m.start()]) for m in _PREFERRED.finditer(window)
        )
        result.extend((m, preferred) for m in group)
    return result


def _as_regimens(chosen: list[tuple[Mention, bool]], lexicon: Lexicon) -> list[tuple[str, bool]]:
    """Drugs named together become the regimen they form ('trastuzumab, pertuzumab and
    docetaxel' is THP); drugs that are parts of a named regimen are not counted again."""
    preferred = {m.concept_id: p for m, p in chosen}
    named = list(preferred)
    drugs = {d for concept in named for d in lexicon.drugs_of(concept)}
    formed = [
        c.id
        for c in lexicon.concepts.values()
        if c.kind is ConceptKind.REGIMEN and c.id not in named and _forms(c.id, drugs, lexicon)
    ]
    candidates = [*named, *formed]
    regimens = [c for c in candidates if lexicon.kind_of(c) is ConceptKind.REGIMEN]
    kept = [
        r
        for r in regimens
        if not any(r != o and lexicon.drugs_of(r) < lexicon.drugs_of(o) for o in regimens)
    ]
    covered = {d for r in kept for d in lexicon.drugs_of(r)}
    singles = [c for c in named if c not in regimens and not (lexicon.drugs_of(c) & covered)]

    def is_preferred(concept: str) -> bool:
        if concept in preferred:
            return preferred[concept]
        return any(
            preferred.get(n, False)
            for n in named
            if lexicon.drugs_of(n) & lexicon.drugs_of(concept)
        )

    return [(c, is_preferred(c)) for c in dict.fromkeys([*kept, *singles])]


def _forms(regimen: str, drugs: set[str], lexicon: Lexicon) -> bool:
    concept = lexicon.get(regimen)
    if concept is None or not concept.components:
        return False
    return all(lexicon.drugs_of(part) & drugs for part in concept.components)
