"""Checks on the patient facts a user sets (`--context K=V`, the app's fields), before they
reach `guardrails.overrides`, which keeps only the therapy names it recognises: an unknown
name would be dropped in silence and the answer given for a patient without that therapy.

    check_therapies({"prior_therapies": "THP, unobtainium"}, lexicon)  # raises CairnError
"""

from __future__ import annotations

from guardrails.errors import CairnError
from guardrails.facts import FactSchema, schema_of
from guardrails.lexicon import ConceptKind, Lexicon

_THERAPY_KINDS = (ConceptKind.DRUG, ConceptKind.REGIMEN, ConceptKind.GROUP)


def check_therapies(
    overrides: dict[str, str], lexicon: Lexicon, schema: FactSchema | None = None
) -> None:
    """CairnError naming the first therapy name the lexicon does not know as a drug or
    regimen, for the facts the schema declares as lists of therapies."""
    schema = schema_of(lexicon) if schema is None else schema
    for key in (f.id for f in schema.facts if f.type == "therapies"):
        for name in (overrides.get(key) or "").split(","):
            name = name.strip()
            if not name or name.lower() == "unknown":
                continue
            concepts = [lexicon.get(m.concept_id) for m in lexicon.find(name)]
            if not any(c is not None and c.kind in _THERAPY_KINDS for c in concepts):
                raise CairnError(
                    f"'{name}' in {key} is not a drug or regimen Cairn knows.",
                    f"Check the spelling, or write {key}=unknown; the names Cairn knows are "
                    "in corpus/rules/lexicon.yaml.",
                )
