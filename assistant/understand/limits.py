"""What a question must be before Cairn reads it: normalized Unicode, and within its size
limits. Size limits of a question and its conversation: the work per answer grows with the text it
reads (context extraction reads every earlier user turn), so an unbounded question or history
would hold a worker for minutes. Past a limit the request is refused with a message.

    check_size(question, history)  # raises CairnError past a limit
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from assistant.understand.conversation import Turn
from guardrails.errors import CairnError

MAX_QUESTION_CHARS = 4_000
MAX_HISTORY_TURNS = 60
MAX_CONVERSATION_CHARS = 60_000


def check_size(question: str, history: Sequence[Turn]) -> None:
    if len(question) > MAX_QUESTION_CHARS:
        raise CairnError(
            f"The question is {len(question):,} characters long; the limit is "
            f"{MAX_QUESTION_CHARS:,}.",
            "Ask a shorter question; keep patient records out of it.",
        )
    if len(history) > MAX_HISTORY_TURNS:
        raise CairnError(
            f"The conversation has {len(history)} earlier turns; the limit is {MAX_HISTORY_TURNS}.",
            "Start a new conversation.",
        )
    total = len(question) + sum(len(t.content) for t in history)
    if total > MAX_CONVERSATION_CHARS:
        raise CairnError(
            f"The conversation is {total:,} characters long; the limit is "
            f"{MAX_CONVERSATION_CHARS:,}.",
            "Start a new conversation.",
        )


def normalized(text: str) -> str:
    """Full-width and compatibility forms folded (NFKC: 'Ｔ－ＤＸｄ' is 'T-DXd') and accents
    dropped ('deruxtécan' is 'deruxtecan'), so names match as the corpus writes them."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return unicodedata.normalize("NFC", "".join(c for c in folded if not unicodedata.combining(c)))
