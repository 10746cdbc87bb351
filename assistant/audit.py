"""The audit log: one JSON line per answer shown, with likely patient identifiers redacted.

    AuditLog(Path("var/audit.jsonl")).record(answer)

Each line: time, the question with likely patient identifiers replaced by placeholders
(assistant/understand/redaction.py); the retrieved chunk ids; the generator; the corpus version; the
verdict and the findings.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

from assistant.records import Answer
from assistant.understand.redaction import redact

__all__ = ["AuditLog", "redact"]


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
