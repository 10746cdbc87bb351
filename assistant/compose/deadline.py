"""A total time limit on one model answer over HTTP.

httpx's timeouts apply to each connect and each read, never to a whole response: a server that
sends a keep-alive line every few seconds, or a token every few seconds, holds a request for as
long as it likes. `Deadline` enforces the whole answer's limit by shutting the answer's sockets
when it expires, so a read blocked on such a server returns at once and no thread stays stuck.

    with Deadline(30.0) as deadline:
        client = httpx.Client(event_hooks={"request": [deadline.watch]})
        ...  # every read of this client's requests ends by the deadline
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx


class Deadline:
    """Shuts every socket opened for the watched requests `seconds` after it is entered."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()
        with self._lock:
            self._done = True  # the sockets may be closed and their numbers reused from now on

    def watch(self, request: httpx.Request) -> None:
        """An httpx request hook: trace the request's connections to learn their sockets."""
        request.extensions["trace"] = self._trace

    def _trace(self, event: str, info: dict[str, Any]) -> None:
        # httpcore's trace extension: connect_tcp and start_tls return the stream to read from
        if not event.endswith((".connect_tcp.complete", ".start_tls.complete")):
            return
        sock = info["return_value"].get_extra_info("socket")
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # shutdown, not close: it wakes a read blocked in another thread (close does not on Linux)
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
