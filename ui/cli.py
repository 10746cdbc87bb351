"""`cairn serve`: the web app on 127.0.0.1 (`--host` to expose it deliberately)."""

from __future__ import annotations

import argparse

from assistant.cli import Command
from assistant.settings import load_settings


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="interface to bind (default 127.0.0.1, from settings)")
    parser.add_argument("--port", type=int, help="port (default 7860, from settings)")


def _run(args: argparse.Namespace) -> int:
    from ui.app import build_app, launch

    settings = load_settings()
    host = args.host or settings.ui.host
    port = args.port or settings.ui.port
    print(f"Cairn is starting on http://{host}:{port} (Ctrl+C stops it).", flush=True)
    launch(build_app(settings), settings, host, port)
    return 0


SERVE_COMMAND = Command("serve", "serve the web app (chat, sources, evals)", _configure, _run)
