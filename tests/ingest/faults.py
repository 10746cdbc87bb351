"""Assertions about the real `cairn` command line run in a child process (the faults and the
child's driver live in `evals/faults.py`, shared with `cairn bench --faults`)."""

from __future__ import annotations

import subprocess

from evals import faults


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """The one error line of a failed command (exit status 2): no traceback, nothing else on
    stderr but ingest's progress lines."""
    assert done.returncode == 2, (done.returncode, done.stderr[-3000:])
    error = faults.error_line(done)
    assert error is not None, done.stderr[-3000:]
    return error


def cited_sources(done: subprocess.CompletedProcess[str]) -> set[str]:
    """The sources cited by the answer `cairn ask --json` printed."""
    assert done.returncode == 0, done.stderr[-3000:]
    cited = faults.cited_sources(done.stdout)
    assert cited is not None, done.stdout[-3000:]
    return cited
