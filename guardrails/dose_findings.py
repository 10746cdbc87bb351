"""The dose checks' findings, and the words they describe the table's rows with.

    block(mention, "doses.wrong-amount", f"... expected {expected(rows)}.", rows)
    sentence_block(sentence, "doses.food", "Lapatinib is taken on an empty stomach ...", sources)

A finding cites the sources of the rows it names and adds their notes once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from guardrails.answer import AnswerSentence
from guardrails.dose_mentions import DoseMention
from guardrails.dose_table import DoseRow
from guardrails.records import Finding, Severity


def sentence_block(
    sentence: AnswerSentence, rule_id: str, message: str, sources: Iterable[str]
) -> Finding:
    """A block on a whole sentence (a label-table check: what the sentence says to do)."""
    return Finding(
        rule_id=rule_id,
        severity=Severity.BLOCK,
        check="doses",
        message=message,
        span=sentence.claim,
        start=sentence.start,
        end=sentence.end,
        source_ids=tuple(dict.fromkeys(sources)),
    )


def block(mention: DoseMention, rule_id: str, message: str, rows: Sequence[DoseRow]) -> Finding:
    return finding(mention, Severity.BLOCK, rule_id, message, rows)


def finding(
    mention: DoseMention,
    severity: Severity,
    rule_id: str,
    message: str,
    rows: Sequence[DoseRow],
) -> Finding:
    notes = " ".join(dict.fromkeys(r.note for r in rows if r.note and r.note not in message))
    return Finding(
        rule_id=rule_id,
        severity=severity,
        check="doses",
        message=f"{message} {notes}".strip(),
        span=mention.sentence.claim,
        start=mention.start,
        end=mention.end,
        source_ids=tuple(dict.fromkeys(s for r in rows for s in r.sources)),
    )


def info(mention: DoseMention, rule_id: str, message: str) -> Finding:
    return Finding(
        rule_id=rule_id,
        severity=Severity.INFO,
        check="doses",
        message=message,
        span=mention.sentence.claim,
        start=mention.start,
        end=mention.end,
    )


def expected(rows: Sequence[DoseRow]) -> str:
    return "; ".join(dict.fromkeys(r.describe() for r in rows)) or "no dose"


def partner_names(ids: set[str], rows: Sequence[DoseRow]) -> str:
    partners = sorted({p for r in rows for p in r.partners if p in ids})
    return " and ".join(partners) or "its partner"


def schedules(rows: Sequence[DoseRow]) -> str:
    return " or ".join(sorted({s for r in rows for s in r.schedules}))


def route_words(route: str) -> str:
    return {"iv": "intravenously", "sc": "subcutaneously", "oral": "orally"}.get(route, route)


def same_number(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def fmt(value: float) -> str:
    return f"{value:g}"
