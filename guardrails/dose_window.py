"""The text around one amount of a sentence that describes it: its schedule, route, phase,
cycle days and the partner drugs it is given with.

    window = Window(text, amount, since, following, drug, drugs)
    window.after()  # " every 3 weeks" in "pertuzumab 420 mg every 3 weeks, then ..."
"""

from __future__ import annotations

from dataclasses import dataclass

from guardrails import dose_patterns as p
from guardrails.dose_attribution import Amount
from guardrails.lexicon import Mention


@dataclass
class Window:
    """The text around an amount that describes it: `since` is where the previous amount
    ended, `following` where the next one starts."""

    text: str
    amount: Amount
    since: int
    following: int
    drug: Mention | None
    drugs: list[Mention]

    def after(self) -> str:
        """Up to the next amount, the next drug or a clause break."""
        end = self.amount.end
        breaks = [m.start() for m in p.CLAUSE_BREAK.finditer(self.text, end)]
        breaks += [m.start() for m in p.NEXT_PHASE.finditer(self.text, end)]
        next_drugs = [d.start for d in self.drugs if d.start >= end]
        stop = min([self.following, *next_drugs, *breaks, len(self.text)])
        return self.text[end:stop]

    def described(self) -> str:
        """What describes the amount's schedule: up to the next amount or clause break (a
        partner named in between, 'with tucatinib', does not end the description)."""
        end = self.amount.end
        breaks = [m.start() for m in p.CLAUSE_BREAK.finditer(self.text, end)]
        stop = min([self.following, *breaks, len(self.text)])
        return self.text[end:stop]

    def before(self) -> str:
        """From the clause start; after a previous amount, from the first separator on (what
        comes before it is that amount's own descriptor)."""
        start = self.amount.start
        breaks = [m.end() for m in p.CLAUSE_BREAK.finditer(self.text, 0, start)]
        clause = max([0, *breaks])
        if self.since > clause:
            separator = p.SEPARATOR.search(self.text, self.since, start)
            return self.text[separator.start() if separator else start : start]
        return self.text[clause:start]

    def near(self) -> str:
        """Schedule and route words before an amount count only next to its own drug
        ('weekly paclitaxel 80 mg/m2'), never across a long gap."""
        before, drug, start = self.before(), self.drug, self.amount.start
        reach = min(len(before), 40)
        if drug is not None and drug.end <= start and drug.start >= start - reach:
            lead = self.text[max(start - reach, drug.start - 25) : drug.start]
            return p.LEAD_IN_BREAK.split(lead)[-1] + self.text[drug.start : start]
        return before[-40:]

    def with_partners(self) -> list[str]:
        """Drugs the dose is given 'with': right after it, linked by with/plus/and."""
        end = self.amount.end
        following = [d for d in self.drugs if d.start >= end and d.start <= self.following]
        if following and p.PARTNER_LINK.match(self.text[end : following[0].start]):
            return [d.concept_id for d in following]
        return []
