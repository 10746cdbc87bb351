"""What the corpus covers, and whether a question falls inside it.

    info = CorpusInfo.load(Path("corpus/corpus.yaml"))
    decision = judge_scope(analysis, result, info, settings)
    decision.covered, decision.reason

A question is outside the corpus when it states patient facts the corpus is not about (HER2-
negative disease for a HER2-positive corpus), names another condition ("gastric cancer"), asks
about an excluded topic (drug prices), names a technical term the corpus never uses (a drug, a
gene, a trial: "osimertinib", "EGFR", "KEYNOTE-522"), or retrieval finds nothing close, unless
it names a drug the corpus knows and that drug's passages use every one of its topic words.

A question inside the corpus whose topic it does not hold ("reconstituted Enhertu vial, how
long in the fridge?") is answered with the closest material, opened by a notice naming what the
sources do not cover (`ScopeDecision.uncovered`): when the uncovered topic words carry at least
`uncovered_topic_share` of the topic's weight (assistant/understand/topic.py), or when retrieval
is weak
and some of its topic words are uncovered. Both only for a question that names a drug, regimen
or drug group the corpus knows: another question's uncovered words are judged as before.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.retrieve.retrieval import RetrievalResult
from assistant.settings import RetrievalSettings
from assistant.understand.topic import TopicReading
from guardrails.lexicon import Lexicon
from guardrails.records import FactStatus
from ingest.corpus_info import CorpusInfo

if TYPE_CHECKING:  # the analysis reads the question with this module's readers
    from assistant.understand.analysis import QuestionAnalysis

_CONDITION = re.compile(r"\b([a-z]+)\s+(?:cancer|carcinoma|tumou?r|malignancy)\b", re.I)
_WORD = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\b")
# Technical-looking words: acronyms (EGFR, TNBC), letter-digit names (ESR1), drug stems.
_DRUG_STEM = re.compile(
    r"(?:mab|nib|tecan|ciclib|lisib|parib|rafenib|statin|cillin|mycin|floxacin|azole|vir|"
    r"platin|rubicin|taxel|trant|estrant|olimus|tide|glutide|gliflozin|pril|sartan)$",
    re.I,
)
# Cycle, day and week shorthand of treatment calendars: C3D1, C5, D8, D5W, W2.
_NOTATION = re.compile(r"(?:[CDW]\d{1,2}){1,2}[A-Z]?", re.I)
_CONDITION_WORDS = frozenset(
    {"the", "of", "positive", "negative", "metastatic", "advanced", "this", "her"}
)


@dataclass(frozen=True)
class ScopeDecision:
    covered: bool
    reason: str = ""
    notice: str = ""  # the answer's whole text when it is not the "not covered" one
    uncovered: tuple[str, ...] = ()  # topic words the sources do not cover (answer opens so)
    subjects: tuple[str, ...] = ()  # the drugs and regimens the question asks them about


def judge_scope(
    analysis: QuestionAnalysis,
    result: RetrievalResult,
    info: CorpusInfo,
    settings: RetrievalSettings,
) -> ScopeDecision:
    context = analysis.context
    for key, expected in info.context.items():
        fact = getattr(context, key, None)
        if fact is not None and fact.status is FactStatus.STATED and str(fact.value) != expected:
            return ScopeDecision(
                False, f"the question is about {key.replace('_', ' ')} {fact.value}"
            )
    if info.conditions:
        for word, phrase in analysis.conditions:
            if word not in info.conditions and word not in _CONDITION_WORDS:
                return ScopeDecision(False, f"the question is about {phrase}")
    for reason in analysis.excluded:
        return ScopeDecision(False, f"the corpus does not cover {reason}")
    names, acronyms = list(analysis.unknown_names), list(analysis.unknown_acronyms)
    weak = not result.evidence or result.best_similarity < settings.min_similarity
    named = analysis.names_a_subject
    if named:
        acronyms = []  # "Tukysa pt, PCP started ...": an acronym beside a known drug is context
    if names or (acronyms and result.best_similarity < settings.min_similarity + 0.2):
        return ScopeDecision(False, f"the corpus never mentions {', '.join([*names, *acronyms])}")
    reading = _uncovered_topic(analysis.topic, settings, weak) if named else None
    if reading is not None and result.evidence:
        return ScopeDecision(True, uncovered=reading.uncovered, subjects=reading.subjects)
    if weak and not (named and result.evidence and _topic_held(analysis.topic)):
        return ScopeDecision(False, "no passage of the corpus is close to the question")
    return ScopeDecision(True)


def _topic_held(topic: TopicReading | None) -> bool:
    """Every topic word of the question is used by the passages of the drug it names: a
    shorthand question ("cape gr 3 hand-foot, restart at what %?") whose embedding is far from
    every passage is still inside the corpus."""
    return topic is not None and bool(topic.words) and not topic.uncovered


def condition_phrases(question: str) -> tuple[tuple[str, str], ...]:
    """The conditions a question names ("gastric cancer"): (the word before, the phrase)."""
    return tuple((m.group(1).lower(), m.group(0)) for m in _CONDITION.finditer(question))


def _uncovered_topic(
    topic: TopicReading | None, settings: RetrievalSettings, weak: bool
) -> TopicReading | None:
    """The topic reading when an answer about a drug the corpus knows must open by saying what
    of the topic the sources do not cover: the uncovered words weigh enough, or retrieval is
    weak and some are uncovered."""
    if topic is None or not topic.uncovered:
        return None
    return topic if topic.share >= settings.uncovered_topic_share or weak else None


def unknown_terms(
    question: str, vocabulary: frozenset[str], lexicon: Lexicon
) -> tuple[list[str], list[str]]:
    """Technical words of the question that the corpus never uses and that are not misspellings
    of words it uses: names (drug-like stems, letter-digit names such as ESR1) and acronyms
    (EGFR, which may also be an abbreviation the corpus spells out)."""
    named = {question[m.start : m.end].lower() for m in lexicon.find(question)}
    names: list[str] = []
    acronyms: list[str] = []
    for match in _WORD.finditer(question):
        word = match.group()
        lower = word.lower()
        if lower in vocabulary or lower in named or word[0].isdigit() or not technical_word(word):
            continue
        if _NOTATION.fullmatch(word):
            continue  # cycle and day shorthand ("C3D1", "D8"): a measure, not a term
        if any(part in vocabulary for part in lower.split("-") if len(part) > 3):
            continue
        if difflib.get_close_matches(lower, vocabulary, n=1, cutoff=0.8):
            continue  # a typo: "trastuzamab", "pertuzamab"
        (acronyms if _acronym(word) and not _name(word) else names).append(word)
    return names, acronyms


def _acronym(word: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", word)
    return len(letters) >= 3 and letters.isupper()


def _name(word: str) -> bool:
    """A letter-digit code with three letters or three digits (ESR1, DS-8201) or a drug-like
    stem; shorter mixes are clinical shorthand, not names: counts and frequencies ("x3",
    "q21d"), grades and stages ("G3", "gr3", "T2N1"), versions and scores ("v5", "PS2")."""
    letters, digits = len(re.findall(r"[A-Za-z]", word)), len(re.findall(r"\d", word))
    if letters and digits:
        return letters >= 3 or digits >= 3
    return bool(_DRUG_STEM.search(word) and len(word) > 6)


def technical_word(word: str) -> bool:
    """An acronym (EGFR), a letter-digit code (ESR1) or a drug-like name (osimertinib)."""
    return _acronym(word) or _name(word)


def _typo_of(word: str, candidate: str) -> bool:
    """A typo keeps the first letter; a word that is the other plus a prefix or an ending
    ("restaging", "managed") is another word, not a typo."""
    affixed = candidate.startswith(word) or word.startswith(candidate)
    affixed = affixed or candidate.endswith(word) or word.endswith(candidate)
    return candidate[0] == word[0] and not affixed


def correct_spelling(question: str, vocabulary: frozenset[str], lexicon: Lexicon) -> str:
    """Replace misspelt words with the corpus word they are closest to ("trastuzamab")."""
    named = [(m.start, m.end) for m in lexicon.find(question)]

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        lower = word.lower()
        if len(word) < 6 or lower in vocabulary or any(s <= match.start() < e for s, e in named):
            return word
        close = difflib.get_close_matches(lower, vocabulary, n=3, cutoff=0.85)
        # A drug or term name is corrected even for a dropped last letter ("capecitabin").
        return next((c for c in close if _typo_of(lower, c) or lexicon.find(c)), word)

    return _WORD.sub(fix, question)


def not_covered_text(info: CorpusInfo, reason: str) -> str:
    covers = "\n".join(f"- {item}" for item in info.covers)
    why = f" ({reason})" if reason else ""
    return (
        f"**Not covered**\n- Cairn's corpus ({info.name}) does not answer this question{why}, "
        f"so Cairn does not answer it from weak matches.\n\n**What the corpus covers**\n{covers}"
    )
