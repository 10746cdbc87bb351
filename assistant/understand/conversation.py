"""Follow-up questions: a standalone question for retrieval and the facts carried over.

    standalone_question("what dose?", history, context, lexicon)
    # -> "what dose? (trastuzumab deruxtecan; HER2-positive metastatic breast cancer, ...)"
    assumptions(earlier_context, context)
    # -> ["progressed on thp"]

Deterministic: a follow-up ("and if ...?", "what dose?", a question naming no drug) gains the
drugs and regimens of the earlier turns (the last answer's lead regimen first) and the patient
facts in words, so retrieval sees what the clinician means.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.understand.intent import Intent, intents
from guardrails.fact_words import describe_facts
from guardrails.facts import FactSchema, schema_of
from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.records import PatientContext

_FOLLOW_UP = re.compile(
    r"^\s*(?:and|what about|how about|what if|if|but|also|same|then|so)\b|"
    r"\b(?:she|he|her|his|they|them|it|that|this|those|these)\b|^\s*\w+(?:\s+\w+){0,3}\s*\?\s*$",
    re.IGNORECASE,
)

# A follow-up that asks whether a new fact changes the answer before.
_CHANGES = re.compile(
    r"\b(?:change[sd]?|what if|and if|if (?:she|he)|what about|how about|instead|still|now)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    content: str


def is_follow_up(question: str, history: Sequence[Turn], lexicon: Lexicon) -> bool:
    if not any(t.role == "user" for t in history):
        return False
    names_something = any(
        m.kind in (ConceptKind.DRUG, ConceptKind.REGIMEN) for m in lexicon.find(question)
    )
    return bool(_FOLLOW_UP.search(question)) or not names_something


def follow_up_intent(
    question: str,
    history: Sequence[Turn],
    lexicon: Lexicon,
    follow_up: bool | None = None,
    primary: Intent | None = None,
) -> Intent:
    """The question's main intent; a follow-up that only changes the patient ("she has a
    history of ILD, does that change it?") keeps the treatment intent of the conversation: of
    the latest earlier question with an intent of its own ("and if she has active brain
    metastases?" has none). `follow_up` and `primary`, when the caller has read them already."""
    primary = intents(question, lexicon)[0] if primary is None else primary
    if follow_up is None:
        follow_up = is_follow_up(question, history, lexicon)
    if primary not in (Intent.SAFETY, Intent.GENERAL) or not follow_up:
        return primary
    earlier = [intents(t.content, lexicon)[0] for t in reversed(history) if t.role == "user"]
    previous = next((i for i in earlier if i is not Intent.GENERAL), Intent.GENERAL)
    if _CHANGES.search(question) and previous is Intent.TREATMENT:
        return Intent.TREATMENT
    return primary


def standalone_question(
    question: str,
    history: Sequence[Turn],
    context: PatientContext,
    lexicon: Lexicon,
    follow_up: bool | None = None,
) -> str:
    """The question as retrieval should see it (`follow_up`, when the caller has read it)."""
    if follow_up is None:
        follow_up = is_follow_up(question, history, lexicon)
    if not follow_up:
        return question
    carried = _carried_concepts(question, history, lexicon, context)
    # The earlier question stands in for the topic only when no drug or regimen carries it.
    previous = (
        "" if carried else next((t.content for t in reversed(history) if t.role == "user"), "")
    )
    # Therapies already given would draw passages about themselves, not about what comes next.
    facts = describe_facts(context, schema_of(lexicon), lexicon, therapies=False)
    extra = "; ".join(x for x in (previous.strip(), ", ".join(carried), ", ".join(facts)) if x)
    return f"{question.strip()} ({extra})" if extra else question


def _carried_concepts(
    question: str, history: Sequence[Turn], lexicon: Lexicon, context: PatientContext
) -> list[str]:
    """Drugs and regimens the question does not name: those of the user's earlier questions,
    the latest first (T-DXd and T-DM1 in "why T-DXd over T-DM1?"), then those the last answer
    leads with, leaving out the therapies already given."""
    named = {m.concept_id for m in lexicon.find(question)}
    given = {t for therapies in context.therapies.values() for t in therapies}
    answer = next((t.content for t in reversed(history) if t.role == "assistant"), "")
    asked = [t.content for t in reversed(history) if t.role == "user"]
    carried: list[str] = []
    for text in (*asked, answer.split("\n\n")[0]):  # an answer's lead names its regimen
        for mention in lexicon.find(text):
            concept = mention.concept_id
            if (
                mention.kind in (ConceptKind.DRUG, ConceptKind.REGIMEN)
                and concept not in named
                and concept not in given
                and lexicon.label(concept) not in carried
            ):
                carried.append(lexicon.label(concept))
    return carried[:3]


def describe(
    context: PatientContext, lexicon: Lexicon, schema: FactSchema | None = None
) -> list[str]:
    """The known patient facts, in words (as the corpus's fact schema describes them)."""
    return describe_facts(context, schema_of(lexicon) if schema is None else schema, lexicon)


def assumptions(earlier: PatientContext, current: PatientContext, lexicon: Lexicon) -> list[str]:
    """Facts of earlier turns that still hold, for the answer to state ("as you said earlier")."""
    now = set(describe(current, lexicon))
    return [fact for fact in describe(earlier, lexicon) if fact in now]
