"""The prompts of the language-model generators, in one place.

Kept tight on purpose: on a CPU the first token waits for the whole prompt (about 230 prompt
tokens a second for the 0.5B model), so passages are few and trimmed.
"""

from __future__ import annotations

NOT_COVERED = "NOT COVERED"

SYSTEM = (
    "You answer an oncologist's question using ONLY the numbered passages.\n"
    "Rules:\n"
    "- End every sentence with the number of the passage it comes from, like [2].\n"
    "- Use only facts from the passages. Copy drug names, doses and numbers exactly.\n"
    "- If the passages do not answer the question, reply only: " + NOT_COVERED + "\n"
    "- At most 5 short sentences. No headings, no preamble."
)

USER = "Passages:\n{passages}\n\n{patient}{pathway}Question: {question}"

PASSAGE = "[{n}] {title} ({section}): {text}"

PATIENT = "Patient: {facts}.\n"

PATHWAY = "Guideline pathway for this patient: {statement} [{n}]\n"

PASSAGE_CHARS = 600
