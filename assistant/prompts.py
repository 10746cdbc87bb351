"""The prompts of the language-model generators, in one place.

Kept tight on purpose: on a CPU the first token waits for the whole prompt (about 230 prompt
tokens a second for the 0.5B model), so passages are few and trimmed.
"""

from __future__ import annotations

NOT_COVERED = "NOT COVERED"

SYSTEM = (
    "You answer an oncologist's question in 2 to 4 sentences of your own, using ONLY facts "
    "from the numbered passages. Put the passage number in square brackets at the end of "
    "every sentence, like [2]. Copy drug names, doses and numbers exactly. Do not repeat the "
    "passages. If they do not answer the question, reply only: " + NOT_COVERED
)

USER = "{passages}\n\n{patient}{pathway}Question: {question}\nAnswer:"

PASSAGE = "Passage [{n}] from {title}, {section}:\n{text}"

PATIENT = "Patient: {facts}.\n"

PATHWAY = "Guideline pathway for this patient: {statement} [{n}]\n"

PASSAGE_CHARS = 450
