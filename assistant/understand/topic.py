"""Which of a question's topic words the corpus covers.

    index = index_of(snapshot, lexicon)  # assistant/understand/topic_index.py
    reading = read_topic("reconstituted Enhertu vial: how long in the fridge?", lexicon,
                         measures, index)
    reading.uncovered  # ('reconstituted', 'fridge'): no passage of the corpus uses them
    reading.share      # their share of the question's topic weight
    reading.subjects   # ('trastuzumab deruxtecan',)

A question's topic words are its words that are not a name the lexicon knows (the drugs and
regimens are the question's subjects; its terms are topic concepts the corpus holds), not a
measure's name or a unit ('plt', 'x10', 'mm3', 'mL/min'), not a function word, not a code with
digits ('C3D1') and not shorter than four letters, unless written as an abbreviation with two
capitals ('INR', 'QTc', 'ECG'; never a schedule or route: 'BID', 'IV'). A measured value
('Hb 7.8', 'ANC 0.8') is a topic concept: covered when the passages give thresholds for the
measure (a value with no rule for it is not answered); a measure named without a value, when
they use one of its names. Else its name as written is uncovered. A topic word is covered
when a passage uses it: the word itself, a word of the same stem ('reconstitution' covers
'reconstituted'; 'breastfeeding' covers 'breastfeed'), a corpus word it abbreviates ('tuca',
'tabs') or one it misspells; a short abbreviation, itself or the initials of a phrase ('TPC':
"treatment of physician's choice"). When the question names drugs, that passage must name one
of them: "digoxin" in one drug's interactions is not covered for another drug. A concomitant
drug the lexicon lists as a member of an interaction class is covered when the asked drugs'
passages name it or use the words of its class ("strong CYP3A4 inhibitors").

An uncovered word counts only when it is not everyday English: the encoder lists its whole
words by frequency, and the first `EVERYDAY_RANK` of them ('today', 'good', 'anything') say
nothing about the topic. Each topic word weighs its inverse document frequency, an uncovered
word or a term of the lexicon the most; `share` is the uncovered words' part of the weight.
One uncovered word never decides scope alone: the scope stage reads `share` beside retrieval
(assistant/understand/scope.py), and an uncovered topic gets a notice and the closest material,
not a refusal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.understand.topic_index import SUBJECTS, WORD, TopicIndex, drugs_named
from guardrails.dose_patterns import ROUTES, SCHEDULES
from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.measures import Measure, Measures
from ingest.lexical import STOPWORDS


@dataclass(frozen=True)
class TopicReading:
    words: tuple[str, ...] = ()  # the question's topic words, as written (lower case)
    uncovered: tuple[str, ...] = ()  # those no passage uses
    share: float = 0.0  # the uncovered words' share of the topic's weight
    subjects: tuple[str, ...] = ()  # the drugs and regimens named, by generic name


def read_topic(
    question: str,
    lexicon: Lexicon,
    measures: Measures,
    index: TopicIndex,
    subjects_from: str = "",
) -> TopicReading:
    """The topic words of `question` and which of them the corpus covers; the subjects are the
    drugs and regimens it names (else those of `subjects_from`, a follow-up's standalone form)."""
    mentions = lexicon.find_all(question)
    spans = [(m.start, m.end) for m in mentions]
    for compiled in measures.compiled:
        spans.extend((m.start(), m.end()) for m in compiled.names.finditer(question))
    notation = [
        (m.start(), m.end()) for _, p in (*SCHEDULES, *ROUTES) for m in p.finditer(question)
    ]
    units = measures.unit_words()
    asked = drugs_named(question, lexicon) or drugs_named(subjects_from, lexicon)
    most = index.weight(0)
    weights: list[float] = [most for m in mentions if m.kind is ConceptKind.TERM or m.absent]
    words: list[str] = []
    uncovered: list[str] = []
    for mention in mentions:  # a concomitant drug: covered when the drugs' passages name its class
        if _member_uncovered(mention.concept_id, lexicon, index, asked):
            uncovered.append(mention.text.lower())
    valued = measures.values(question)
    for measure, written in _measured(question, measures):
        weights.append(most)
        ruled = index.rules_on(measure.id, asked) if measure.id in valued else None
        if ruled is None:  # named without a value: its name in the passages covers it
            ruled = any(_name_covered(name, index, asked) for name in measure.names)
        if not ruled:
            uncovered.append(written.lower())
    for match in WORD.finditer(question):
        word = match.group().lower()
        if any(start <= match.start() < end for start, end in spans):
            continue
        if not _candidate(match.group(), units, any(s <= match.start() < e for s, e in notation)):
            continue
        used_by = index.passages_using(word)
        if used_by and not index.covered_for(word, asked):
            used_by = 0  # only other drugs' passages use it: not covered for the drugs asked
        if not used_by and word in index.everyday:
            continue
        words.append(word)
        weights.append(index.weight(used_by))
        if not used_by:
            uncovered.append(word)
    uncovered = list(dict.fromkeys(uncovered))
    uncovered_weight = most * len(uncovered)
    total = sum(weights)
    share = uncovered_weight / total if uncovered and total else 0.0
    return TopicReading(
        tuple(words), tuple(uncovered), round(share, 3), _subjects(question, subjects_from, lexicon)
    )


def _member_uncovered(
    concept_id: str,
    lexicon: Lexicon,
    index: TopicIndex,
    asked: frozenset[str],
) -> bool:
    """Whether a term that is a member of a class (a concomitant drug, a member of an interaction
    class) is named by no passage of the drugs asked, neither itself nor by a class of it (every
    topic word of the class's name used there)."""
    if not asked or lexicon.kind_of(concept_id) is not ConceptKind.TERM:
        return False
    classes = [c for c in lexicon.concepts.values() if concept_id in c.members]
    if not classes:
        return False
    for concept in (lexicon.get(concept_id), *classes):
        assert concept is not None
        names = [
            w for w in WORD.findall(concept.generic.lower()) if len(w) >= 4 and w not in STOPWORDS
        ]
        if names and all(index.covered_for(w, asked) for w in names):
            return False
    return True


def _measured(question: str, measures: Measures) -> list[tuple[Measure, str]]:
    """The measured values a question names (not a grade: a scale, not a topic), each with its
    name as written."""
    found: list[tuple[Measure, str]] = []
    for compiled in measures.compiled:
        match = compiled.names.search(question) if compiled.measure.kind == "value" else None
        if match:
            found.append((compiled.measure, match.group()))
    return found


def _name_covered(name: str, index: TopicIndex, asked: frozenset[str]) -> bool:
    """A measure's name is used by the asked drugs' passages: every word of it that could be a
    topic word ('absolute neutrophil count': all three; 'ANC': itself)."""
    parts = [w for w in WORD.findall(name.lower()) if w not in STOPWORDS]
    return bool(parts) and all(index.covered_for(w, asked) for w in parts)


def _candidate(written: str, units: frozenset[str], in_notation: bool) -> bool:
    """A topic word: four letters or more, or a short abbreviation with two capitals ('INR',
    'QTc') that is not a schedule's or route's shorthand ('BID', 'IV')."""
    word = written.lower()
    if not word.isalpha() or word in STOPWORDS or word in units:
        return False
    if len(word) >= 4:
        return True
    return len(word) >= 2 and sum(c.isupper() for c in written) >= 2 and not in_notation


def _subjects(question: str, fallback: str, lexicon: Lexicon) -> tuple[str, ...]:
    for text in (question, fallback):
        names: list[str] = []
        for mention in lexicon.find(text):
            concept = lexicon.get(mention.concept_id)
            if concept and concept.kind in SUBJECTS and concept.generic not in names:
                names.append(concept.generic)
        if names:
            return tuple(names)
    return ()


def topic_notice(uncovered: Iterable[str], subjects: Iterable[str]) -> str:
    """The line that opens an answer whose topic the sources do not cover. It is a bold line,
    which the review reads as a heading: it states no fact to cite."""
    words = ", ".join(uncovered)
    about = " and ".join(subjects)
    where = f" for {about}" if about else ""
    return f"**The sources do not cover {words}{where}; closest material:**"
