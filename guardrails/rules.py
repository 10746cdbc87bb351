"""The rule book: every rule file of a corpus, loaded and validated together.

rules = RuleBook.load(Path("corpus/rules"))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from guardrails.dose_attribution import DoseVocabulary
from guardrails.dose_table import DoseTable
from guardrails.errors import RulesError
from guardrails.facts import FactSchema
from guardrails.lexicon import Lexicon
from guardrails.measures import Measures
from guardrails.pathway import Pathway
from guardrails.pathway_rules import load_pathway


@dataclass(frozen=True)
class RuleBook:
    lexicon: Lexicon
    doses: DoseTable
    pathway: Pathway
    measures: Measures = field(default_factory=Measures)
    facts: FactSchema = field(default_factory=FactSchema)

    @classmethod
    def load(cls, folder: Path) -> RuleBook:
        """All rule files; every problem of every file is reported at once."""
        problems: list[str] = []
        lexicon = Lexicon.load(folder / "lexicon.yaml")  # the others refer to its ids
        doses = pathway = None
        measures = Measures()
        facts = FactSchema()
        facts_valid = True
        try:
            facts = FactSchema.load(folder / "facts.yaml", lexicon)  # optional
        except RulesError as exc:
            problems.extend(exc.problems)
            facts_valid = False  # the pathway's conditions cannot be checked against it
        try:
            measures = Measures.load(folder / "measures.yaml")  # optional
        except RulesError as exc:
            problems.extend(exc.problems)
        try:
            doses = DoseTable.load(folder / "doses.yaml", lexicon, facts if facts_valid else None)
        except RulesError as exc:
            problems.extend(exc.problems)
        try:
            pathway = load_pathway(folder / "pathway.yaml", lexicon, facts, facts_valid)
        except RulesError as exc:
            problems.extend(exc.problems)
        if problems or doses is None or pathway is None:
            raise RulesError(problems)
        return cls(lexicon, doses, pathway, measures, facts)

    @cached_property
    def dose_vocabulary(self) -> DoseVocabulary:
        """For the dose parser: fixed-dose products (every row has several parts) and the
        units each drug is dosed in."""
        drugs = self.doses.drugs
        products = frozenset(
            d for d in drugs if all(len(r.amounts) > 1 for r in self.doses.rows_for(d))
        )
        units = {d: frozenset(u for r in self.doses.rows_for(d) for u in r.units) for d in drugs}
        amounts = {
            d: frozenset(
                (a, u)
                for r in self.doses.rows_for(d)
                for a, u in [
                    *zip(r.amounts, r.units, strict=False),
                    *((x, r.unit) for x in r.reductions),
                    *((x, r.unit) for x in (r.low, r.high, r.maximum) if x is not None),
                ]
            )
            for d in drugs
        }
        return DoseVocabulary(products, units, amounts)
