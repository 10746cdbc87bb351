"""A back-off on failed editor sign-ins, per client: after each failure the client is locked out
for twice as long as after the one before (up to a limit); a success clears its record.

    backoff = SignInBackoff(base_s=1.0, max_s=300.0)
    attempt = backoff.attempt("203.0.113.7", lambda: check_credentials(creds, user, password))
    attempt.ok, attempt.checked, attempt.retry_after  # False, True, 1.0 after a wrong password

A client locked out is refused without its password being checked, so guessing costs the sum of
the lock-outs: with the defaults, 100 guesses take more than seven hours instead of 15 seconds.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Attempt:
    ok: bool  # signed in
    checked: bool  # the credentials were checked (False: refused during a lock-out)
    retry_after: float  # seconds until this client may try again; 0 when signed in


@dataclass
class _Record:
    failures: int
    locked_until: float
    last_failure: float


class SignInBackoff:
    """Lock-outs of `base_s`, doubling per failure up to `max_s`. Failures older than
    `forget_after_s` are forgotten; at most `max_clients` records are kept (oldest dropped)."""

    def __init__(
        self,
        base_s: float,
        max_s: float,
        clock: Callable[[], float] = time.monotonic,
        forget_after_s: float = 3600.0,
        max_clients: int = 10_000,
    ) -> None:
        self.base_s, self.max_s = base_s, max(base_s, max_s)
        self.forget_after_s, self.max_clients = forget_after_s, max_clients
        self._clock = clock
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()  # check and record as one step: no parallel guesses

    def attempt(self, client: str, check: Callable[[], bool]) -> Attempt:
        """Run `check` unless `client` is locked out, and record the outcome."""
        with self._lock:
            now = self._clock()
            record = self._records.get(client)
            if record and now - record.last_failure > self.forget_after_s:
                del self._records[client]
                record = None
            if record and now < record.locked_until:
                return Attempt(False, False, record.locked_until - now)
            if check():
                self._records.pop(client, None)
                return Attempt(True, True, 0.0)
            failures = record.failures + 1 if record else 1
            lockout = min(self.max_s, self.base_s * 2 ** min(failures - 1, 60))
            self._records[client] = _Record(failures, now + lockout, now)
            self._records.move_to_end(client)
            while len(self._records) > self.max_clients:
                self._records.popitem(last=False)
            return Attempt(False, True, lockout)
