"""The load run of `cairn bench --faults`: the real app (`cairn serve`) on a free loopback port,
and 1, 4, 16, ... users at once asking through gradio_client's `/answer`, as scripts do.

    with served(corpus, data, stand_in=False, log=Path("serve.log")) as app:
        levels = run_load(app, questions, users=[1, 4, 16], per_user=2, timeout_s=600)

Each user is its own client, connected before the levels; the users of a level start together
and ask their questions one after another. A request that errs, times out or returns no answer
is lost. An answer that differs from the first answer to the same question in the run is
counted as changed: load must never change what is said.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.faults import ROOT, cairn_command
from evals.metrics import percentile

MAX_ERRORS = 5  # error messages kept per level
CONNECTING = 4  # clients connecting at once, before the levels
CONNECT_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class App:
    url: str
    pid: int


@dataclass
class LoadLevel:
    """One level of the load run; latencies in seconds, queueing included."""

    users: int
    requests: int
    answered: int = 0
    lost: int = 0
    changed: int = 0
    p50_s: float | None = None
    p95_s: float | None = None
    wall_s: float = 0.0
    server_peak_rss_mb: float | None = None
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[Any], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with status {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listened on port {port} within {timeout} s")


@contextlib.contextmanager
def listening(
    argv: list[str], port: int, timeout: float, **popen: Any
) -> Iterator[subprocess.Popen[bytes]]:
    """A server process started with `argv`, ready once `port` accepts connections, and
    terminated (killed after 20 s) on exit. `popen` goes to `subprocess.Popen` (env, stdout...)."""
    process = subprocess.Popen(argv, **popen)
    try:
        wait_for_port(port, process, timeout=timeout)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def served(corpus: Path, data: Path, stand_in: bool, log: Path) -> Iterator[App]:
    """`cairn serve` over `corpus` and `data` on a free loopback port, stopped on exit."""
    port = free_port()
    argv, env = cairn_command(["serve", "--port", str(port)], corpus, data, stand_in=stand_in)
    with log.open("w") as out:
        options = {"env": env, "cwd": ROOT, "stdout": out, "stderr": subprocess.STDOUT}
        with listening(argv, port, 300, **options) as process:
            yield App(f"http://127.0.0.1:{port}", process.pid)


def run_load(
    app: App, questions: list[str], users: list[int], per_user: int, timeout_s: float
) -> list[LoadLevel]:
    """The levels in order, after one warm-up question (model loaded, caches filled)."""
    if not questions:
        raise ValueError("the load run needs at least one question")
    clients = _connect(app.url, max(users, default=1))
    try:
        first: dict[str, str] = {}
        _Session(app, clients[:1], questions, 1, timeout_s, first).run()
        first.clear()  # the warm-up answer is not compared: the run's own first answers are
        return [
            _Session(app, clients[:n], questions, per_user, timeout_s, first).run() for n in users
        ]
    finally:
        for client in clients:
            if not isinstance(client, str):
                client.close()


def _connect(url: str, count: int) -> list[Any]:
    """`count` clients (or why one could not connect), connected a few at a time before any
    question is asked: each fetches the app's config and API description, which is not the
    load being measured. The levels share them (users 0..n-1)."""
    from gradio_client import Client

    def connect(_: int) -> Any:
        try:
            return Client(
                url,
                verbose=False,
                analytics_enabled=False,
                httpx_kwargs={"timeout": CONNECT_TIMEOUT_S},
            )
        except Exception as exc:  # the app refused or dropped the connection
            return f"could not connect: {type(exc).__name__}: {str(exc)[:200]}"

    with ThreadPoolExecutor(max_workers=CONNECTING) as pool:
        return list(pool.map(connect, range(count)))


class _Session:
    """One level: one user per client, each asking `per_user` questions in turn."""

    def __init__(
        self,
        app: App,
        clients: list[Any],
        questions: list[str],
        per_user: int,
        timeout_s: float,
        first: dict[str, str],
    ) -> None:
        self.app, self.clients, self.questions = app, clients, questions
        self.per_user, self.timeout_s, self.first = per_user, timeout_s, first
        self.level = LoadLevel(users=len(clients), requests=len(clients) * per_user)
        self.latencies: list[float] = []
        self.lock = threading.Lock()

    def run(self) -> LoadLevel:
        started = time.perf_counter()
        threads = [threading.Thread(target=self._user, args=(u,)) for u in range(len(self.clients))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        level = self.level
        level.wall_s = round(time.perf_counter() - started, 2)
        if self.latencies:
            level.p50_s = round(percentile(self.latencies, 0.5), 2)
            level.p95_s = round(percentile(self.latencies, 0.95), 2)
        level.server_peak_rss_mb = _peak_rss_mb(self.app.pid)
        return level

    def _user(self, user: int) -> None:
        client = self.clients[user]
        if isinstance(client, str):
            self._lost(self.per_user, f"user {user} {client}")
            return
        for turn in range(self.per_user):
            question = self.questions[(user * self.per_user + turn) % len(self.questions)]
            self._ask(client, question)

    def _ask(self, client: Any, question: str) -> None:
        asked = time.perf_counter()
        try:
            job = client.submit(question, "[]", "{}", "", api_name="/answer")
            answer = json.loads(job.result(timeout=self.timeout_s))
            said = json.dumps([answer["text"], answer["review"]["verdict"]])
            if not answer["text"].strip():
                raise ValueError("an empty answer")
        except Exception as exc:  # an error, a timeout or something that is no answer
            self._lost(1, f"{question[:60]!r}: {type(exc).__name__}: {str(exc)[:200]}")
            return
        seconds = time.perf_counter() - asked
        with self.lock:
            self.latencies.append(seconds)
            self.level.answered += 1
            if self.first.setdefault(question, said) != said:
                self.level.changed += 1

    def _lost(self, count: int, error: str) -> None:
        with self.lock:
            self.level.lost += count
            if len(self.level.errors) < MAX_ERRORS:
                self.level.errors.append(error)


def _peak_rss_mb(pid: int) -> float | None:
    """The server's peak resident memory so far (Linux), megabytes."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None
