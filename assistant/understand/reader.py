"""Reading a turn into its `QuestionAnalysis`, once: every reader of the question's text runs
here (the patient context, the follow-up's standalone form, the intents, the topic, the
language, scope's cues), and nowhere after.

    reader = Reader(rules, corpus, vocabulary, topic_index)
    analysis = reader.analyze("and the dose?", history=[Turn("user", "...")])
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.understand.actions import asked_action
from assistant.understand.analysis import (
    Decision,
    LineReading,
    Mention,
    QuestionAnalysis,
    therapies_named,
)
from assistant.understand.conversation import (
    Turn,
    assumptions,
    follow_up_intent,
    is_follow_up,
    standalone_question,
)
from assistant.understand.figures import stated_figures
from assistant.understand.intent import Intent, Role, asks_for_choice, intents, roles
from assistant.understand.language import read_language
from assistant.understand.scope import condition_phrases, correct_spelling, unknown_terms
from assistant.understand.topic import read_topic
from assistant.understand.topic_index import TopicIndex
from guardrails.context import extract_contexts
from guardrails.cues import cues_of
from guardrails.grounding import POPULATION_CLASS
from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.negation import status_of
from guardrails.records import Fact, FactStatus, PatientContext
from guardrails.rules import RuleBook
from guardrails.safety import emergencies, pitfalls_asked
from guardrails.timeline import EARLY_SETTING
from ingest.corpus_info import CorpusInfo
from ingest.lexical import Tokenizer

# General language, not of one disease.
_ASKS_LABEL = re.compile(r"\b(?:label|prescribing information|package insert|smpc)\b", re.I)
_ACTION = re.compile(
    r"\b(?:hold|withhold|interrupt|stop|continue|resume|restart|delay|skip|discontinue|"
    r"reduce|re-?challenge|re-?escalate)\b",
    re.I,
)
_YES_NO = re.compile(
    r"^\s*(?:can|could|should|shall|is|are|was|were|does|do|did|will|would|may|might|must|"
    r"has|have|ok|okay)\b",
    re.I,
)
_HISTORY = re.compile(r"\b(superseded|previous|older|history of the|used to)\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_SUBGROUP = re.compile(r"\b(?:subgroups?|subsets?|stable|active|untreated|exploratory)\b", re.I)
# Words before a therapy the patient is on or had, not the therapy the question asks about.
_ON_OR_HAD = re.compile(
    r"\b(?:controlled|stable|progress\w*|responding|maintained|while|still|after|following|"
    r"post|since|beyond|failed|prior|previous(?:ly)?|finished|completed)"
    r"(?:\s+(?:on|with|to|of))?\s+(?:first|second|third|1st|2nd|3rd|\dL|[\w-]+[- ]line)?\s*$",
    re.IGNORECASE,
)


def mentions_of(text: str, lexicon: Lexicon) -> tuple[Mention, ...]:
    """The names the lexicon knows in `text`, with their negation and setting."""
    found = []
    for m in lexicon.find(text):
        early = bool(EARLY_SETTING.search(text[: m.start]))
        had = bool(_ON_OR_HAD.search(text[max(0, m.start - 40) : m.start]))
        status = status_of(text, m.start, m.end)
        found.append(Mention(m.concept_id, m.kind, m.text, m.start, m.end, status, early, had))
    return tuple(found)


def without_negated_conditions(text: str, mentions: Sequence[Mention]) -> str:
    """The text without the conditions it rules out ("no brain mets"), so they draw no
    passages about themselves."""
    for m in reversed(mentions):
        if m.kind is ConceptKind.TERM and m.status is FactStatus.NEGATED:
            text = text[: m.start] + text[m.end :]
    return text


def read_decision(question: str, found: Sequence[Intent]) -> Decision:
    if found[0] is Intent.DIFFERENCE:
        return Decision.COMPARISON
    if asks_for_choice(question):
        return Decision.CHOICE
    if _ACTION.search(question):
        return Decision.ACTION
    if found[0] is Intent.DOSE:
        return Decision.DOSE
    return Decision.YES_NO if _YES_NO.search(question) else Decision.INFORMATION


@dataclass(frozen=True)
class Reader:
    """What a turn is read with: the rules, the corpus's scope, its words and topic index."""

    rules: RuleBook
    corpus: CorpusInfo
    vocabulary: frozenset[str]
    index: TopicIndex

    def analyze(
        self,
        question: str,
        history: Sequence[Turn] = (),
        overrides: dict[str, str] | None = None,
        asked: str | None = None,
    ) -> QuestionAnalysis:
        """The analysis of `question` (normalized) after `history`; `asked` is the question
        as typed (accents kept), which the language reading needs."""
        rules, lexicon = self.rules, self.rules.lexicon
        users = [t.content for t in history if t.role == "user"]
        earlier, context = extract_contexts(question, users, lexicon, overrides, rules.facts)
        follow_up = is_follow_up(question, history, lexicon)
        standalone = correct_spelling(
            standalone_question(question, history, context, lexicon, follow_up),
            self.vocabulary,
            lexicon,
        )
        found = intents(question, lexicon)
        recommendation = rules.pathway.recommend(context)
        mentions = mentions_of(question, lexicon)
        search_text = without_negated_conditions(standalone, mentions_of(standalone, lexicon))
        search_mentions = mentions_of(search_text, lexicon)
        primary = follow_up_intent(question, history, lexicon, follow_up, found[0])
        if (
            primary is Intent.DOSE
            and recommendation is not None
            and asks_for_choice(question)
            and set(therapies_named(search_mentions, context, lexicon))
            <= set(context.prior_therapies)
        ):
            primary = Intent.TREATMENT  # the dose of the regimen the pathway chooses
        before = users[-1] if users else ""
        answered = {r.id for r in pitfalls_asked(before, rules.pathway)}
        names, acronyms = unknown_terms(question, self.vocabulary, lexicon)
        return QuestionAnalysis(
            question=question,
            standalone=standalone,
            search_text=search_text,
            follow_up=follow_up,
            mentions=mentions,
            search_mentions=search_mentions,
            terms=tuple(Tokenizer(lexicon)(standalone)),
            intents=tuple(found),
            intent=primary,
            decision=read_decision(question, found),
            action=asked_action(question, lexicon),
            roles=frozenset(roles(search_text)),
            grade=rules.measures.has_grade(search_text),
            values=rules.measures.values(standalone),
            figures=stated_figures(question, lexicon),
            asked_roles=self._asked_roles(standalone),
            question_roles=frozenset(roles(question, cues_of(lexicon))),
            asks_label=bool(_ASKS_LABEL.search(standalone)),
            asks_history=bool(_HISTORY.search(standalone)),
            asks_subgroup=bool(_SUBGROUP.search(standalone)),
            years=tuple(int(y) for y in _YEAR.findall(standalone)),
            populations=self._populations(standalone),
            topic=read_topic(question, lexicon, rules.measures, self.index, standalone),
            context=context,
            carried=tuple(assumptions(earlier, context, lexicon)) if history else (),
            line=self._line(context),
            recommendation=recommendation,
            emergencies=tuple(emergencies(question, rules.pathway)),
            pitfalls=tuple(
                r
                for r in pitfalls_asked(f"{before} {question}".strip(), rules.pathway)
                if r.id not in answered
            ),
            language=read_language(question if asked is None else asked, self.vocabulary, lexicon),
            conditions=condition_phrases(question),
            excluded=tuple(x.reason for x in self.corpus.excluded if x.pattern.search(question)),
            unknown_names=tuple(names),
            unknown_acronyms=tuple(acronyms),
        )

    def _asked_roles(self, standalone: str) -> frozenset[Role]:
        """The roles the question's words ask a sentence to play (the corpus's cues too); words
        that ask for data ("what's the data behind it?") ask for results."""
        found = roles(standalone, cues_of(self.rules.lexicon))
        if Intent.TRIAL in intents(standalone):
            found.add(Role.RESULT)
        return frozenset(found)

    def _populations(self, standalone: str) -> frozenset[str]:
        lexicon = self.rules.lexicon
        return frozenset(
            m.concept_id
            for m in lexicon.find(standalone)
            if (c := lexicon.get(m.concept_id)) is not None and c.drug_class == POPULATION_CLASS
        )

    def _line(self, context: PatientContext) -> LineReading:
        pathway, key = self.rules.pathway, self.rules.facts.roles.get("line", "")
        stated = context.fact(key) if key else Fact()
        if stated.status is not FactStatus.STATED or stated.value is None:
            line = pathway.line_of(context)
            return LineReading(line, None, line)
        alone = PatientContext(facts={key: stated}, roles=context.roles)  # as the pathway caps it
        unstated = context.replaced({key: Fact()})
        return LineReading(
            pathway.line_of(context), pathway.line_of(alone), pathway.line_of(unstated)
        )
