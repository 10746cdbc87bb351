"""The Ask tab: chat with streaming answers, the verdict, the sources panel, the patient context
as editable fields (correcting one re-runs the answer) and suggested follow-up questions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from assistant.audit import AuditLog
from assistant.pipeline import Cairn, Final, Restart, Token
from assistant.records import Answer
from assistant.understand.conversation import Turn
from guardrails.errors import CairnError
from guardrails.facts import FactSchema
from guardrails.records import FactStatus, PatientContext
from ui.errors import log, one_line, user_error
from ui.render import (
    CHECKING,
    answer_markdown,
    badge_html,
    findings_markdown,
    sources_html,
    writing_markdown,
)

UNKNOWN = "unknown"
Field = tuple[str, str, list[str] | None]  # key of --context, label, choices (None: free text)


def fields_of(schema: FactSchema) -> list[Field]:
    """The editable fields: the facts the corpus's schema shows in the app, in its order."""
    fields: list[Field] = []
    for spec in (f for f in schema.facts if f.ui and f.type != "therapies"):
        if spec.type == "enum":
            choices: list[str] | None = [UNKNOWN, *spec.values]
        elif spec.type == "boolean":
            choices = [UNKNOWN, "true", "false"]
        else:
            choices = [UNKNOWN, *spec.choices] if spec.choices else None
        fields.append((spec.id, spec.label, choices))
    return fields


DISCLAIMER = (
    "Cairn supports, and does not replace, clinical judgement. Check every recommendation "
    "against the patient and the cited sources."
)


@dataclass
class Session:
    turns: list[Turn] = field(default_factory=list)
    overrides: dict[str, str] = field(default_factory=dict)
    last_question: str = ""


def field_values(cairn: Cairn, context: PatientContext) -> list[str]:
    """The context as the fields show it (the line is the one the pathway derives)."""
    schema = cairn.rules.facts
    values = []
    for key, _, choices in fields_of(schema):
        spec = schema.get(key)
        if spec is not None and spec.role == "line":
            line = cairn.rules.pathway.line_of(context)
            values.append(str(line) if line else UNKNOWN)
            continue
        fact = context.fact(key)
        if fact.status is FactStatus.NEGATED:
            negated = spec.read.negated_value if spec is not None else None
            values.append(negated or "false")
        elif fact.status is FactStatus.STATED and fact.value is not None:
            value = fact.value
            values.append(
                str(value).lower()
                if isinstance(value, bool)
                else f"{value:g}"
                if isinstance(value, float)
                else str(value)
            )
        else:
            values.append(UNKNOWN if choices else "")
    return values


def suggestions(cairn: Cairn, answer: Answer) -> list[str]:
    """Follow-ups from the pathway: the next line, the dose, monitoring."""
    recommendation = cairn.rules.pathway.recommend(answer.context)
    lexicon = cairn.rules.lexicon
    if recommendation is None or not (recommendation.preferred or recommendation.acceptable):
        return []
    regimen = (recommendation.preferred or recommendation.acceptable)[0]
    name = lexicon.label(regimen)
    drugs = [d for d in lexicon.drug_list(regimen) if cairn.rules.doses.rows_for(d)]
    drug = lexicon.label(drugs[0]) if drugs else name
    return [
        f"What if the disease progresses on {name}?",
        f"What is the dose of {drug}?",
        f"How is {drug} monitored?",
    ]


def _field(key: str, label: str, options: list[str] | None) -> gr.Dropdown | gr.Textbox:
    if options:
        return gr.Dropdown(
            options, value=UNKNOWN, label=label, elem_id=f"field-{key}", min_width=120
        )
    return gr.Textbox(label=label, elem_id=f"field-{key}", min_width=120)


def _example_text(event: gr.SelectData) -> str:
    return str(event.value["text"])


class AskTab:
    """Builds the tab and handles its events."""

    def __init__(self, cairn: Cairn, audit: AuditLog) -> None:
        self.cairn = cairn
        self.audit = audit
        self.n_fields = 0

    def build(self) -> None:
        session = gr.State(Session())
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(
                    elem_id="cairn-chat",
                    height=560,
                    buttons=["copy"],
                    examples=[{"text": q} for q in self.cairn.corpus.examples] or None,
                    placeholder=f"Ask a question about {self.cairn.corpus.name}.",
                )
                with gr.Row():
                    question = gr.Textbox(
                        show_label=False,
                        placeholder="Type a clinical question",
                        scale=5,
                        elem_id="cairn-question",
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="cairn-ask")
                with gr.Row():
                    follow = [
                        gr.Button(visible=False, size="sm", elem_classes=["cairn-suggest"])
                        for _ in range(3)
                    ]
                choices = list(self.cairn.generators)
                generator = gr.Dropdown(
                    choices,
                    value=self.cairn.default,
                    label="Answer writer",
                    visible=len(choices) > 1,
                )
                gr.Markdown(DISCLAIMER, elem_classes=["cairn-disclaimer"])
            with gr.Column(scale=2):
                badge = gr.HTML(elem_id="cairn-badge")
                findings = gr.Markdown(elem_id="cairn-findings")
                with gr.Accordion("Patient details Cairn used (edit one to re-run)", open=True):
                    fields: list[gr.Dropdown | gr.Textbox] = []
                    specs = fields_of(self.cairn.rules.facts)
                    self.n_fields = len(specs)  # the outputs of every event, fixed here
                    for row in range(0, len(specs), 3):
                        with gr.Row():
                            fields.extend(_field(*spec) for spec in specs[row : row + 3])
                gr.Markdown("**Sources** (click a citation number to open its passage)")
                sources = gr.HTML(elem_id="cairn-sources")
        outputs = [chat, session, badge, findings, sources, question, *fields, *follow]
        inputs = [question, chat, session, generator]
        send.click(self.respond, inputs, outputs)
        question.submit(self.respond, inputs, outputs)
        chat.example_select(_example_text, None, question).then(self.respond, inputs, outputs)
        for button in follow:
            button.click(lambda label: label, button, question).then(self.respond, inputs, outputs)
        rerun_inputs = [chat, session, generator, *fields]
        for (key, _, _), component in zip(specs, fields, strict=True):
            if isinstance(component, gr.Textbox):
                events = [component.submit, component.blur]
            else:
                events = [component.input]
            for event in events:
                event(self._edited(key), [session, component], session).then(
                    self.rerun, rerun_inputs, outputs
                )

    def _edited(self, key: str) -> Any:
        def remember(session: Session, value: str) -> Session:
            if value in ("", UNKNOWN):
                session.overrides.pop(key, None)
            else:
                session.overrides[key] = value
            return session

        return remember

    def respond(
        self, question: str, chat: list[dict[str, Any]], session: Session, generator: str
    ) -> Iterator[tuple[Any, ...]]:
        question = (question or "").strip()
        if not question:
            raise user_error("Type a clinical question first.", "ask")
        chat = [*chat, {"role": "user", "content": question}, {"role": "assistant", "content": "…"}]
        yield from self._answer(question, chat, session, generator, session.turns)

    def rerun(
        self, chat: list[dict[str, Any]], session: Session, generator: str, *values: str
    ) -> Iterator[tuple[Any, ...]]:
        if not session.last_question:
            return
        earlier = session.turns[:-2]
        session.turns = earlier
        yield from self._answer(session.last_question, chat, session, generator, earlier)

    def _answer(
        self,
        question: str,
        chat: list[dict[str, Any]],
        session: Session,
        generator: str,
        history: list[Turn],
    ) -> Iterator[tuple[Any, ...]]:
        draft = ""
        unchanged = [gr.update()] * (self.n_fields + 3)
        try:
            for event in self.cairn.stream(
                question, history, dict(session.overrides), generator=generator
            ):
                if isinstance(event, Token):  # kept here until reviewed: see writing_markdown
                    draft += event.text
                    words = len(draft.split())
                    chat[-1] = {"role": "assistant", "content": writing_markdown(words)}
                    yield (chat, session, CHECKING, gr.update(), gr.update(), "", *unchanged)
                elif isinstance(event, Restart):
                    draft = ""
                elif isinstance(event, Final):
                    yield self._final(event.answer, question, chat, session)
        except CairnError as exc:
            log.warning("cairn: ask: %s", one_line(str(exc)))  # a user error, not a fault
            chat[-1] = {"role": "assistant", "content": f"**Cairn could not answer.** {exc}"}
            yield (chat, session, gr.update(), gr.update(), gr.update(), "", *unchanged)

    def _final(
        self, answer: Answer, question: str, chat: list[dict[str, Any]], session: Session
    ) -> tuple[Any, ...]:
        self.audit.record(answer, "ui")
        chat[-1] = {"role": "assistant", "content": answer_markdown(answer)}
        session.turns = [*session.turns, Turn("user", question), Turn("assistant", answer.text)]
        session.last_question = question
        follow = suggestions(self.cairn, answer)
        buttons = [gr.update(value=s, visible=True) for s in follow] + [
            gr.update(visible=False)
        ] * (3 - len(follow))
        return (
            chat,
            session,
            badge_html(answer),
            findings_markdown(answer),
            sources_html(answer),
            "",
            *field_values(self.cairn, answer.context),
            *buttons,
        )
