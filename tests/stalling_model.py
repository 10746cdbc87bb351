"""A real OpenAI-compatible chat server on a loopback port that never finishes an answer.

    with StallingModel("trickle") as server:  # or "hang", "slow"
        openai_backend(server.url, "m", "NO_KEY", 1.0, 50)

"hang" reads the request and says nothing; "trickle" sends response headers, then an SSE
keep-alive comment every 0.2 s; "slow" streams a token every 0.4 s. None ever ends the answer.
`disconnected` is set once the client has closed a connection, `held_s` is how long the
client held the last closed one after sending its request.
"""

from __future__ import annotations

import contextlib
import json
import select
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Mode = Literal["hang", "trickle", "slow"]
INTERVAL = {"hang": 0.2, "trickle": 0.2, "slow": 0.4}
TOKEN = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 0,
    "model": "m",
    "choices": [{"index": 0, "delta": {"content": "T-DXd "}, "finish_reason": None}],
}


class StallingModel:
    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self.stopped = threading.Event()
        self.disconnected = threading.Event()
        self.requests = 0
        self.held_s = 0.0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> StallingModel:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopped.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        model = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                model.requests += 1
                received = time.monotonic()
                if model.mode != "hang":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.flush()
                self.close_connection = True
                with contextlib.suppress(OSError):  # the client closed while a piece was sent
                    self._stall()
                if not model.stopped.is_set():
                    model.held_s = time.monotonic() - received
                    model.disconnected.set()

            def _stall(self) -> None:
                piece = {
                    "hang": b"",
                    "trickle": b": keep-alive\n\n",
                    "slow": f"data: {json.dumps(TOKEN)}\n\n".encode(),
                }[model.mode]
                while not model.stopped.is_set():
                    if piece:
                        self.connection.sendall(piece)
                    readable, _, _ = select.select([self.connection], [], [], INTERVAL[model.mode])
                    if readable and not self.connection.recv(1):
                        return  # the client closed the connection

        return Handler
