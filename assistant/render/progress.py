"""Progress for long runs: a bar on a terminal, plain lines otherwise (logs, CI, pipes)."""

from __future__ import annotations

import sys
from typing import Any, TextIO


class TerminalProgress:
    """A tqdm bar per phase when `stream` is a terminal; otherwise one line per tenth."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._bar: Any = None
        self._name = ""
        self._total = 0
        self._done = 0
        self._next_report = 0

    def phase(self, name: str, total: int) -> None:
        self.close()
        self._name, self._total, self._done = name, total, 0
        if self.tty:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=name, file=self.stream, unit="item", leave=False)
        else:
            print(f"{name}: 0/{total}", file=self.stream, flush=True)
            self._next_report = max(1, total // 10)

    def advance(self, count: int) -> None:
        self._done += count
        if self._bar is not None:
            self._bar.update(count)
        elif self._done >= self._next_report or self._done == self._total:
            print(f"{self._name}: {self._done}/{self._total}", file=self.stream, flush=True)
            self._next_report = self._done + max(1, self._total // 10)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
