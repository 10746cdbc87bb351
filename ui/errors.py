"""Errors a user can fix, as the app reports them: the message in the browser (or to the API
client) and one line in the server log. Gradio prints a traceback for every `gr.Error` unless
told not to, which buried the server's real faults under users' typos.

    raise user_error(exc, "/answer") from exc
"""

from __future__ import annotations

import logging

import gradio as gr

log = logging.getLogger("cairn.ui")
LONGEST = 600  # characters of a message shown; a list of problems keeps its head and its fix


def user_error(message: str | Exception, where: str) -> gr.Error:
    """A `gr.Error` that shows `message` and logs it as one line, without a traceback."""
    text = one_line(str(message))
    log.warning("cairn: %s: %s", where, text)
    return gr.Error(text, print_exception=False)


def one_line(text: str) -> str:
    """`text` on one line, its middle left out past LONGEST characters (a fix hint ends it)."""
    text = " ".join(text.split())
    if len(text) <= LONGEST:
        return text
    return f"{text[: LONGEST - 200]} … {text[-180:]}"
