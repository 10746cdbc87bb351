"""The audit log: one JSON line per answer shown, with likely patient identifiers redacted.

    AuditLog(Path("var/audit.jsonl")).record(answer)

Each line: time, the question with names, dates of birth, record numbers, phone numbers and
e-mail addresses (and other dd/mm/yyyy dates) replaced by [NAME], [DOB], [ID], [PHONE], [EMAIL]
and [DATE]; the retrieved chunk ids;
the generator; the corpus version; the verdict and the findings.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from functools import partial
from pathlib import Path

from assistant.records import Answer

# A capitalised name, with inner capitals after an apostrophe or hyphen (O'Brien, Smith-Jones).
_NAME = r"[A-Z](?:'[A-Z])?[a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?"
_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b"), "[EMAIL]"),
    (
        re.compile(
            r"\b(?:DOB|D\.O\.B\.?|date of birth|born(?: on)?)\s*[:=]?\s*"
            r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
            r"\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?\w+\s+\d{4}|\w+\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})",
            re.I,
        ),
        "[DOB]",
    ),
    (
        re.compile(
            r"\b(?:MRN|medical record(?: number)?|record (?:no|number)|hospital (?:no|number)|"
            r"NHS(?: number| no)?|patient ID|ID)\s*[:#]?\s*[A-Z]{0,3}\d[\d\s-]{3,}\d\b",
            re.I,
        ),
        "[ID]",
    ),
    (
        re.compile(
            r"(?:\+\d{1,3}[\s-]?)?(?:\(\d{2,5}\)[\s-]?|\b\d{2,5}[\s-])\d{3,4}[\s-]?\d{3,4}\b"
        ),
        "[PHONE]",
    ),
    (re.compile(r"\b\d{7,}\b"), "[ID]"),
    (
        re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+{_NAME}(?:\s+{_NAME})?"),
        "[NAME]",
    ),
    (
        re.compile(
            rf"\b(?i:named|called|name is|name:|patient|pt)\s+{_NAME}(?:\s+{_NAME})?",
        ),
        "[NAME]",
    ),
    (
        re.compile(rf"\b{_NAME}\s+{_NAME}(?=,\s*(?:a\s+)?\d{{1,3}}\s*(?:yo|y/o|years?|F|M)\b)"),
        "[NAME]",
    ),
    (re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.](?:19|20)\d{2}\b"), "[DATE]"),
]
_KEEP_AFTER_PATIENT = re.compile(r"^(?:patient|pt)\s+", re.I)


def redact(text: str) -> str:
    """The text with likely patient identifiers replaced by placeholders."""
    for pattern, placeholder in _RULES:
        text = pattern.sub(partial(_replacement, placeholder=placeholder), text)
    return text


def _replacement(match: re.Match[str], placeholder: str) -> str:
    found = match.group()
    lead = re.match(r"^(?:named|called|name is|name:|patient|pt)\s+", found, re.I)
    if placeholder == "[NAME]" and lead:
        name = found[lead.end() :]
        if name.split()[0].lower() in _CLINICAL_WORDS:
            return found  # "patient HER2" is not a name
        return lead.group() + placeholder
    return placeholder


_CLINICAL_WORDS = frozenset(
    "her2 with has had progressed on is was the a an who after and in taking started received "
    "relapsed developed".split()
)


class AuditLog:
    def __init__(self, path: Path, enabled: bool = True) -> None:
        self.path = path
        self.enabled = enabled
        self._lock = threading.Lock()

    def record(self, answer: Answer, interface: str) -> None:
        if not self.enabled:
            return
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "interface": interface,
            "question": redact(answer.question),
            "retrieved": answer.retrieved,
            "generator": answer.generator,
            "corpus_version": answer.corpus_version,
            "verdict": answer.review.verdict.value,
            "findings": [
                {"rule_id": f.rule_id, "severity": f.severity.value, "message": f.message}
                for f in answer.review.findings
            ],
        }
        line = json.dumps(entry, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
