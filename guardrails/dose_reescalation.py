"""Re-escalation: a drug whose reduced dose the label never increases again, said to be.

check_reescalation(parse_answer(text), table, lexicon)
# "T-DXd is re-escalated to 5.4 mg/kg" -> doses.re-escalation (block)
"""

from __future__ import annotations

from collections.abc import Sequence

from guardrails.answer import AnswerSentence
from guardrails.dose_table import DoseTable
from guardrails.lexicon import Lexicon
from guardrails.negation import status_of
from guardrails.records import FactStatus, Finding, Severity
from guardrails.text import Folded

# Raising a reduced dose again: "re-escalated to", "increased back to", "return to the full dose".
_REESCALATE = Folded(
    r"\bre-?escalat\w*|\b(?:increase|raise|escalate|titrate)[sd]?\b[^.;]{0,25}\b(?:back|again)\b"
    r"|\b(?:go(?:es|ing)?|return(?:s|ed|ing)?|brought|br(?:ing|ings))\s+back\s+(?:up\s+)?to\b"
    r"|\breturn(?:s|ed|ing)?\s+to\s+(?:the\s+)?(?:full|starting|original|initial|previous)\s+dose"
)


def check_reescalation(
    sentences: Sequence[AnswerSentence], table: DoseTable, lexicon: Lexicon
) -> list[Finding]:
    """A drug whose reduced dose is never increased again (`reescalation: false`), said to be."""
    fixed = {r.drug for r in table.rows if not r.reescalation}
    findings: list[Finding] = []
    for sentence in sentences:
        text = sentence.claim
        cue = _REESCALATE.search(text)
        if not cue or status_of(text, cue.start(), cue.end()) is not FactStatus.STATED:
            continue
        drugs = [m.concept_id for m in lexicon.find(text) if m.concept_id in fixed]
        if not drugs:
            continue
        rows = [r for r in table.rows_for(drugs[0]) if not r.reescalation]
        findings.append(
            Finding(
                rule_id="doses.re-escalation",
                severity=Severity.BLOCK,
                check="doses",
                message=f"{lexicon.label(drugs[0])} is never re-escalated after a dose "
                "reduction. " + " ".join(dict.fromkeys(r.note for r in rows if r.note)),
                span=text,
                start=sentence.start,
                end=sentence.end,
                source_ids=tuple(dict.fromkeys(s for r in rows for s in r.sources)),
            )
        )
    return findings
