"""The patient context: the facts of a question and its history that change a recommendation.

    context = extract_context("58F HER2+ ER- MBC, no brain mets, progressed on THP", [], lexicon)
    context.brain_mets.status  # NEGATED
    context.progressed_on      # ('thp',)

Later turns override earlier ones; facts of earlier turns carry over unless changed. Negation
and uncertainty come from `guardrails.negation`; durations from `guardrails.timeline`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from guardrails.lexicon import Lexicon
from guardrails.negation import status_of
from guardrails.overrides import parse_override
from guardrails.records import BrainMets, Fact, FactStatus, PatientContext
from guardrails.timeline import lines_and_therapies, months_since_adjuvant

# Lexicon term ids whose mentions are patient facts (the vocabulary lives in lexicon.yaml).
ILD, BRAIN_METS, HEART_FAILURE = "ild", "brain-metastases", "heart-failure"

_HER2 = [
    (
        "positive",
        re.compile(
            r"\bHER2[- ]?(?:positive|pos\b|\+|3\+|amplified|overexpress)|\bIHC 3\+"
            r"|\bISH[- ]?(?:positive|\+)",
            re.I,
        ),
    ),
    (
        "low",
        re.compile(
            r"\bHER2[- ]?low\b|\bIHC 1\+|\bIHC 2\+ ?(?:and |/)?ISH[- ]?(?:negative|-)", re.I
        ),
    ),
    (
        "negative",
        re.compile(r"\bHER2[- ]?(?:negative|neg\b|-(?!\w)|0\b)|triple[- ]negative|\bTNBC\b", re.I),
    ),
]
_HR = [
    (
        "negative",
        re.compile(
            r"\b(?:HR|ER|ER/PR|ER/PgR|hormone[- ]receptor|o?estrogen[- ]receptor)"
            r"[- ]?(?:negative|neg\b|-(?![\w/]))|triple[- ]negative|\bTNBC\b",
            re.I,
        ),
    ),
    (
        "positive",
        re.compile(
            r"\b(?:HR|ER|PR|PgR|ER/PR|ER/PgR|hormone[- ]receptor|o?estrogen[- ]receptor)"
            r"[- ]?(?:positive|pos\b|\+)|\bluminal\b|\bER\+",
            re.I,
        ),
    ),
]
_ACTIVE = re.compile(
    r"\b(?:active|progressing|progressive|untreated|new|growing|enlarging|symptomatic|"
    r"progressed|progression)\b",
    re.I,
)
_STABLE = re.compile(
    r"\b(?:stable|(?<!un)treated|controlled|previously treated|after (?:SRS|radiosurgery|"
    r"radiation|surgery|resection)|post[- ]?(?:SRS|WBRT|radiation)|asymptomatic)\b",
    re.I,
)
_CNS_PREDOMINANT = re.compile(
    r"\bCNS[- ](?:predominant|only)|\bisolated (?:brain|CNS|intracranial)|\bbrain[- ]only\b|"
    r"\bpredominantly (?:CNS|intracranial|brain)|\bonly site\b|intracranial[- ]only",
    re.I,
)
_HISTORY = re.compile(
    r"\b(?:history of|h/o|hx of|prior|previous|known|pre-?existing|underlying|baseline|"
    r"has|had|have|having|with|developed|diagnosed|suffers from|on treatment for|"
    r"recovered from|resolved|grade [1-4])\b",
    re.I,
)
_GENERIC = re.compile(
    r"\b(?:risk|rate|incidence|monitor(?:ing)?|manage(?:ment)?|signs?|symptoms?|screen(?:ing)?|"
    r"frequency|how|what|cause[sd]?|prevent(?:ion)?|define|definition)\b[^.;]{0,25}$",
    re.I,
)
_LVEF = re.compile(
    r"\b(?:LVEF|EF|ejection fraction)\b[^.;%\d]{0,30}?(?:from\s+\d{1,2}\s*%?\s*to\s+"
    r"|by\s+\d{1,2}\s*(?:absolute\s+)?(?:percentage\s+)?points?\s+to\s+)?(\d{1,2}(?:\.\d)?)\s*%",
    re.I,
)
_LVEF_WORDS = r"(?:LVEF|EF|ejection fraction)"
_LVEF_BASELINE = re.compile(
    rf"\b{_LVEF_WORDS}\b[^.;%\d]{{0,30}}?from\s+(\d{{1,2}}(?:\.\d)?)\s*%?\s*to\s+\d"
    rf"|\b(?:baseline|pre-?treatment|pre-?therapy|initial)\s+{_LVEF_WORDS}\b\W{{0,12}}"
    rf"(?:(?:of|was|is)\s+)?(\d{{1,2}}(?:\.\d)?)\s*%"
    rf"|\b{_LVEF_WORDS}\b\W{{0,6}}(?:(?:of|was)\s+)?(\d{{1,2}}(?:\.\d)?)\s*%\s*"
    r"(?:at baseline|before (?:treatment|therapy|starting)|pre-?treatment)"
    r"|\bbaseline\W{1,3}(?:(?:was|of|is)\s+)?(\d{1,2}(?:\.\d)?)\s*%"
    r"|(\d{1,2}(?:\.\d)?)\s*%\s*(?:at\s+|as\s+)?(?:baseline|pre-?treatment)\b",
    re.I,
)
_HAS_LVEF = re.compile(rf"\b{_LVEF_WORDS}\b", re.I)
# "a 12-point fall", "dropped by 12 points": the baseline is the current value plus the fall.
_LVEF_FALL = re.compile(
    r"\b(?:(?:fell|dropped|declined|decreased|fall(?:en)?|drop(?:ped)?|decline|decrease)"
    r"\s+(?:of\s+|by\s+)?(\d{1,2})(?:\s*|-)(?:absolute\s+)?(?:points?|percentage points?)"
    r"|(\d{1,2})(?:\s*|-)(?:absolute\s+)?(?:points?|percentage[- ]points?)\s+"
    r"(?:absolute\s+)?(?:fall|drop|decline|decrease))",
    re.I,
)
_SITE = r"(?:extra-?cranial|systemic|extra-?CNS|body|visceral)"
_SITE_CONTROLLED = re.compile(
    rf"\b{_SITE}\s+(?:disease|mets|metastases)\s+(?:is\s+|are\s+|remains?\s+|still\s+)*"
    r"(?:stable|controlled|under control|responding|in (?:response|remission)|not progressing)"
    rf"|\b(?:stable|controlled|responding)\s+{_SITE}\s+(?:disease|mets|metastases)"
    rf"|\bno\s+(?:evidence of\s+)?{_SITE}\s+(?:disease\s+)?progression",
    re.I,
)
_SITE_PROGRESSING = re.compile(
    rf"\b{_SITE}\s+(?:disease\s+)?(?:progression|is progressing|progressing|progressed)"
    rf"|\bprogressi(?:on|ng)\s+(?:of\s+|in\s+)?(?:the\s+)?{_SITE}",
    re.I,
)
_GRADE_BEFORE = re.compile(r"\b(?:grade|gr|G)\s*([1-5])\b[^.;,]{0,20}$", re.I)
_GRADE_AFTER = re.compile(r"^\W{0,3}(?:\(?\s*)?(?:grade|gr|G)\s*([1-5])\b", re.I)
_PREGNANT = re.compile(
    r"\b(?:is|currently|she's|she is|weeks?|found to be|became|becomes)\s+(?:\w+\s+)?pregnant\b|"
    r"\bpregnant (?:woman|patient|lady)\b|\b(?:during|in) pregnancy\b"
    r"|\bpregnant\b(?=\s*[,.;?]|\s+and\b|\s*$)",
    re.I,
)
_NOT_PREGNANT = re.compile(r"\bnot pregnant\b|\bnegative pregnancy test\b|\bpostmenopausal\b", re.I)
_WEIGHT = re.compile(
    r"(?<![/\w.])(\d{2,3}(?:\.\d)?)\s*(kg|kilograms?|lbs?|pounds)\b(?!\s*/)|"
    r"\b(?:weighs|weight|wt)\W{0,3}(\d{2,3}(?:\.\d)?)\b(?!\s*(?:%|mg|cm))",
    re.I,
)
_HEIGHT = re.compile(r"(?<![\w.])(\d{3})\s*cm\b|(?<![\w.])(1\.\d{1,2})\s*m\b(?!\w|\s*2)", re.I)
_BSA = re.compile(r"\bBSA\W{0,6}(?:of\s+)?(\d\.\d{1,2})|(?<![\w.])(\d\.\d{1,2})\s*m(?:2|²)\b", re.I)
_METASTATIC = re.compile(r"\bmetasta|\bstage iv\b|\bMBC\b|\brecurren|\brelaps|\badvanced\b", re.I)
_EARLY = re.compile(
    r"\bearly[- ]stage\b|\bearly\s+(?:[\w+/-]+\s+){0,3}?cancer\b|\bextended adjuvant\b|"
    r"\bstage (?:I|II|III|1|2|3)[ABC]?\b|\bcurative\b|"
    r"\bresidual disease\b|\bpathologic(?:al)? complete response\b|\bpCR\b",
    re.I,
)

FIELDS = tuple(PatientContext.model_fields)


def extract_context(
    question: str, history: Sequence[str], lexicon: Lexicon, overrides: dict[str, str] | None = None
) -> PatientContext:
    """The context of `question` given the earlier user turns (oldest first)."""
    turns = [*history, question]
    facts: dict[str, Any] = {}
    priors: list[str] = []
    progressed: list[str] = []
    for turn, text in enumerate(turns):
        found, turn_priors, turn_progressed = _turn_facts(text, turn, lexicon, turns[:turn])
        facts.update({k: v for k, v in found.items() if v.status is not FactStatus.UNKNOWN})
        priors.extend(p for p in turn_priors if p not in priors)
        progressed.extend(p for p in turn_progressed if p not in progressed)
    context = PatientContext(
        **facts, prior_therapies=tuple(priors), progressed_on=tuple(progressed)
    )
    return apply_overrides(context, overrides or {}, lexicon) if overrides else context


def _turn_facts(
    text: str, turn: int, lexicon: Lexicon, earlier: Sequence[str]
) -> tuple[dict[str, Fact[Any]], list[str], list[str]]:
    facts: dict[str, Fact[Any]] = {
        "her2": _status(_HER2, text, turn),
        "hr": _status(_HR, text, turn),
        "setting": _setting(text, turn),
        "brain_mets": _brain_mets(text, turn, lexicon),
        "ild_history": _history_fact(text, turn, lexicon, ILD),
        "heart_failure": _history_fact(text, turn, lexicon, HEART_FAILURE),
        "ild_grade": _grade_of(text, turn, lexicon, ILD),
        "lvef": _number(_LVEF, text, turn),
        "lvef_baseline": _baseline(text, turn),
        "extracranial_progression": _extracranial(text, turn),
        "pregnant": _pregnant(text, turn),
        "weight_kg": _weight(text, turn),
        "height_cm": _height(text, turn),
        "bsa_m2": _number(_BSA, text, turn),
        "months_since_adjuvant": months_since_adjuvant(text, turn, earlier),
    }
    line, priors, progressed = lines_and_therapies(text, turn, lexicon)
    facts["line"] = line
    return facts, priors, progressed


def _fact(value: Any, status: FactStatus, evidence: str, turn: int) -> Fact[Any]:
    return Fact(value=value, status=status, evidence=evidence.strip(), turn=turn)


def _status(patterns: list[tuple[str, re.Pattern[str]]], text: str, turn: int) -> Fact[Any]:
    for value, pattern in patterns:
        match = pattern.search(text)
        if match:
            status = status_of(text, match.start(), match.end())
            if status is FactStatus.NEGATED:
                continue  # "not HER2-negative" is not a statement of HER2 status
            return _fact(value, status, match.group(), turn)
    return Fact()


def _setting(text: str, turn: int) -> Fact[Any]:
    metastatic, early = _METASTATIC.search(text), _EARLY.search(text)
    if metastatic:
        return _fact("metastatic", FactStatus.STATED, metastatic.group(), turn)
    if early:
        return _fact("early", FactStatus.STATED, early.group(), turn)
    return Fact()


def _brain_mets(text: str, turn: int, lexicon: Lexicon) -> Fact[Any]:
    result: Fact[Any] = Fact()
    for mention in (m for m in lexicon.find(text) if m.concept_id == BRAIN_METS):
        status = status_of(text, mention.start, mention.end)
        if status is FactStatus.NEGATED:
            result = _fact(BrainMets.NONE, status, mention.text, turn)
            continue
        window = text[max(0, mention.start - 50) : mention.end + 50]
        state: BrainMets | None = None
        if _CNS_PREDOMINANT.search(window):
            state = BrainMets.CNS_PREDOMINANT
        elif _ACTIVE.search(window):
            state = BrainMets.ACTIVE
        elif _STABLE.search(window):
            state = BrainMets.STABLE
        result = _fact(state, status, window, turn)
    return result


def _history_fact(text: str, turn: int, lexicon: Lexicon, concept_id: str) -> Fact[Any]:
    """A condition the patient has or had: needs words that attribute it to the patient, so a
    question about ILD risk does not give the patient ILD. The last mention wins."""
    result: Fact[Any] = Fact()
    for mention in (m for m in lexicon.find(text) if m.concept_id == concept_id):
        status = status_of(text, mention.start, mention.end)
        before = text[max(0, mention.start - 40) : mention.start]
        if status is FactStatus.NEGATED:
            result = _fact(False, status, mention.text, turn)
        elif status is FactStatus.UNCERTAIN:
            result = _fact(None, status, before[-20:] + mention.text, turn)
        elif _attributed(text, before, mention.end):
            result = _fact(True, status, before[-20:] + mention.text, turn)
    return result


def _attributed(text: str, before: str, end: int) -> bool:
    after_history = re.match(r"\s*(?:history|hx)\b", text[end:], re.I)
    return bool(_HISTORY.search(before) or after_history) and not _GENERIC.search(before)


def _grade_of(text: str, turn: int, lexicon: Lexicon, concept_id: str) -> Fact[Any]:
    """The highest grade written beside a stated mention ("grade 2 pneumonitis", "ILD grade 1")."""
    grades = []
    for mention in (m for m in lexicon.find(text) if m.concept_id == concept_id):
        if status_of(text, mention.start, mention.end) is not FactStatus.STATED:
            continue
        before = _GRADE_BEFORE.search(text[max(0, mention.start - 30) : mention.start])
        after = _GRADE_AFTER.search(text[mention.end : mention.end + 15])
        grades += [(int(m.group(1)), m.group()) for m in (before, after) if m]
    if not grades:
        return Fact()
    grade, words = max(grades)
    return _fact(float(grade), FactStatus.STATED, words, turn)


def _baseline(text: str, turn: int) -> Fact[Any]:
    """The pre-treatment value a fall is measured from: stated, or the current value plus a
    stated fall ("LVEF 44% after a 12-point drop")."""
    if not _HAS_LVEF.search(text):
        return Fact()
    found = _number(_LVEF_BASELINE, text, turn)
    if found.known:
        return found
    fall, current = _LVEF_FALL.search(text), _number(_LVEF, text, turn)
    if fall is None or current.value is None:
        return Fact()
    points = float(next(g for g in fall.groups() if g))
    return _fact(current.value + points, FactStatus.STATED, fall.group(), turn)


def _extracranial(text: str, turn: int) -> Fact[Any]:
    """Whether the disease outside the brain is progressing: "extracranial disease stable" is a
    negated fact (controlled), "systemic progression" a stated one."""
    controlled = _SITE_CONTROLLED.search(text)
    if controlled:
        return _fact(False, FactStatus.NEGATED, controlled.group(), turn)
    progressing = _SITE_PROGRESSING.search(text)
    if progressing and status_of(text, progressing.start(), progressing.end()) is FactStatus.STATED:
        return _fact(True, FactStatus.STATED, progressing.group(), turn)
    return Fact()


def _pregnant(text: str, turn: int) -> Fact[Any]:
    negative = _NOT_PREGNANT.search(text)
    if negative:
        return _fact(False, FactStatus.NEGATED, negative.group(), turn)
    match = _PREGNANT.search(text)
    if match:
        return _fact(True, status_of(text, match.start(), match.end()), match.group(), turn)
    return Fact()


def _number(pattern: re.Pattern[str], text: str, turn: int) -> Fact[Any]:
    matches = list(pattern.finditer(text))
    if not matches:
        return Fact()
    match = matches[-1]  # the last value is the current one ("LVEF fell from 60% to 45%")
    value = next(g for g in match.groups() if g)
    return _fact(float(value), FactStatus.STATED, match.group(), turn)


def _weight(text: str, turn: int) -> Fact[Any]:
    match = _WEIGHT.search(text)
    if match is None:
        return Fact()
    if match.group(1):
        value, unit = float(match.group(1)), match.group(2).lower()
        kilograms = value * 0.4536 if unit.startswith(("lb", "pound")) else value
    else:
        kilograms = float(match.group(3))
    return _fact(round(kilograms, 1), FactStatus.STATED, match.group(), turn)


def _height(text: str, turn: int) -> Fact[Any]:
    match = _HEIGHT.search(text)
    if match is None:
        return Fact()
    centimetres = float(match.group(1)) if match.group(1) else float(match.group(2)) * 100
    return _fact(centimetres, FactStatus.STATED, match.group(), turn)


def apply_overrides(
    context: PatientContext, overrides: dict[str, str], lexicon: Lexicon
) -> PatientContext:
    """Facts set by the user (`--context K=V`, the UI's fields) replace extracted ones."""
    updates = {key: parse_override(key, value, lexicon) for key, value in overrides.items()}
    return context.model_copy(update=updates)
