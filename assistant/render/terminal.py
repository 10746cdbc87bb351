"""Plain-text rendering of answers and reviews for the terminal."""

from __future__ import annotations

from typing import TextIO

from assistant.records import Answer
from guardrails.records import Review, Verdict

BADGES = {
    Verdict.PASS: "Checked against the pathway and dose table: no problems found.",
    Verdict.WARN: "Warnings: read the findings below before acting on this answer.",
    Verdict.BLOCK: "Blocked: the answer was withheld because of the findings below.",
}


def print_answer(answer: Answer, out: TextIO) -> None:
    for notice in answer.notices:
        print(f"! {notice}", file=out)
    if answer.assumptions:
        print("Assuming: " + "; ".join(answer.assumptions) + ".", file=out)
    print(answer.text, file=out)
    print(file=out)
    print_review(answer.review, out)
    evidence_as_of = f", evidence as of {answer.evidence_as_of}" if answer.evidence_as_of else ""
    print(
        f"[corpus {answer.corpus_version}{evidence_as_of}; generator {answer.generator}; "
        f"{sum(answer.timings.values()):.0f} ms]",
        file=out,
    )


def print_review(review: Review, out: TextIO) -> None:
    print(f"Review: {review.verdict.value.upper()}. {BADGES[review.verdict]}", file=out)
    for finding in review.findings:
        sources = f" (sources: {', '.join(finding.source_ids)})" if finding.source_ids else ""
        span = f' — "{finding.span[:100]}"' if finding.span else ""
        print(
            f"  [{finding.severity.value}] {finding.rule_id}: {finding.message}{sources}{span}",
            file=out,
        )


class LiveDraft:
    """Streams a draft to a terminal, then erases it so only the reviewed answer remains (a
    blocked draft must not stay on screen)."""

    def __init__(self, out: TextIO) -> None:
        import shutil

        self.out = out
        self.width = max(20, shutil.get_terminal_size().columns)
        self.rows = 0
        self.column = 0

    def write(self, text: str) -> None:
        self.out.write(f"\x1b[2m{text}\x1b[0m")
        self.out.flush()
        for char in text:
            if char == "\n" or self.column + 1 >= self.width:
                self.rows += 1
                self.column = 0
            else:
                self.column += 1

    def erase(self) -> None:
        if self.rows:
            self.out.write(f"\x1b[{self.rows}F")
        self.out.write("\r\x1b[J")
        self.out.flush()
        self.rows = self.column = 0
