"""The `cairn` command line (a contract: evaluators and scripts depend on it).

    cairn ingest [PATH ...] [--rebuild] [--eval]
    cairn sources [--json]
    cairn corpus check
    cairn ask "QUESTION" [--json | --explain] [--context K=V ...] [--history FILE]
    cairn check --question "Q" --answer FILE [--context K=V ...] [--json]
    cairn eval | bench | serve     (registered by the evals and ui packages)

Errors reach the user as one plain sentence naming the fix, with exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points

from guardrails.errors import CairnError


@dataclass(frozen=True)
class Command:
    """A sub-command: `configure` adds its arguments, `run` returns the exit status."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _core_commands() -> list[Command]:
    from assistant import commands

    return commands.COMMANDS


def _registered_commands() -> list[Command]:
    """Commands of the packages above `assistant` (evals, ui), found through entry points."""
    found = []
    for entry in entry_points(group="cairn.commands"):
        try:
            command = entry.load()
        except ImportError:
            continue  # a package that is not installed simply adds no command
        if isinstance(command, Command):
            found.append(command)
    return found


def build_parser(commands: list[Command]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cairn",
        description="Evidence-grounded clinical guideline assistant with deterministic guardrails.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in commands:
        command.configure(sub.add_parser(command.name, help=command.help, description=command.help))
    return parser


def main(argv: list[str] | None = None) -> int:
    commands = [*_core_commands(), *_registered_commands()]
    parser = build_parser(commands)
    args = parser.parse_args(argv)
    by_name = {c.name: c for c in commands}
    try:
        return by_name[args.command].run(args)
    except CairnError as exc:
        print(f"cairn: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cairn: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`cairn ask ... | head`)
        sys.stderr.close()
        return 0
