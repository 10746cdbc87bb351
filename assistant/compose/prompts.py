"""The prompts of the language-model generators, in one place.

Kept tight on purpose: on a CPU the first token waits for the whole prompt (about 230 prompt
tokens a second for the 0.5B model), so passages are few and trimmed.
"""

from __future__ import annotations

# How a model says the sources do not answer (checked in the first sentence of its reply).
NOT_COVERED = r"\b(?:not covered|do(?:es)? not cover|no information|not (?:mentioned|addressed))\b"

SYSTEM = (
    "Use the numbered sources to answer the question in 2-4 sentences. Write each sentence in "
    "your own words and end it with the source number in brackets, e.g. [1]. Copy drug names, "
    "doses and numbers exactly. If the sources do not answer the question, say that they do "
    "not cover it."
)

# One worked example (a made-up drug, so nothing in it can leak into an answer as a fact).
EXAMPLE_USER = (
    "Sources:\n[1] Exampleumab is given at 10 mg/kg every 2 weeks.\n\nQuestion: Exampleumab dose?"
)
EXAMPLE_ANSWER = "Exampleumab is given at 10 mg/kg every 2 weeks [1]."

USER = "Sources:\n{passages}\n\n{patient}{pathway}Question: {question}"

PASSAGE = "[{n}] {text}"

PATIENT = "Patient: {facts}.\n"

PATHWAY = "Guideline pathway for this patient:\n{lines}\n"

PASSAGE_CHARS = 450
