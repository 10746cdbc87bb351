"""The pathway check: does the answer recommend what the pathway supports for this patient?

    findings = check_pathway(sentences, context, pathway, lexicon)

Raises: a contraindicated drug recommended (block, or warn per rule), a first-line regimen for an
early relapse, a non-preferred regimen presented as preferred, a pitfall of pathway.yaml, and
one drug presented as interchangeable with one it must never replace.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from guardrails.answer import AnswerSentence
from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.memo import TextMemo
from guardrails.pathway import Pathway, PatternRule, Situation
from guardrails.recommendations import (
    Recommended,
    defers_to_history,
    recommended,
    states_recommendation,
)
from guardrails.records import Finding, PatientContext, Severity
from guardrails.text import Folded

_ADVICE_NEGATION = Folded(
    r"\b(?:do not|don't|never|avoid|should not|shouldn't|must not|not to|no need to|"
    r"mistake|error|wrong|pitfall|incorrect|rather than|instead of|not|against|warns?)\b"
)
# A negation inside the matched advice: "endocrine therapy is not given concurrently ...".
_NEGATED_VERB = Folded(
    r"\b(?:is|are|should|must|can|may)\s+not\b|\bnever\b|\b(?:isn't|aren't|shouldn't|can't)\b"
)
# Therapy already given: "after prior therapy that included an anthracycline ... and trastuzumab".
_PRIOR = Folded(r"\b(?:prior|previous(?:ly)?|received|had had|included|pretreated|pre-treated)\b")
_SUBSTITUTION = Folded(
    r"\b(?:interchangeab\w*|substitut\w*|equivalent(?: to)?|the same (?:drug|thing|as)|"
    r"swap\w*|biosimilar (?:of|to)|can (?:be used to )?(?:replace|stand in for)|"
    r"can be used in place of)\b"
)
# An answer that says the sources disagree has shown the disagreement a `differ` rule is about.
_DIFFER = Folded(r"\b(?:differ\w*|disagree\w*|conflict\w*|diverg\w*)\b")
_CAUTION = Folded(
    r"\b(?:case[- ]by[- ]case|with caution|caution|closely monitor\w*|careful|"
    r"clos(?:e|er) (?:[\w-]+ ){0,2}monitoring|"
    r"(?:after|first) (?:an? )?(?:[\w-]+ ){0,2}(?:review|assessment)|"
    r"(?:review|assessment) (?:comes )?first)\b"
)


def check_pathway(
    sentences: Sequence[AnswerSentence], context: PatientContext, pathway: Pathway, lexicon: Lexicon
) -> list[Finding]:
    picks = recommended(sentences, lexicon)
    answer = " ".join(s.claim for s in sentences)
    findings = _contraindicated(picks, context, pathway, lexicon, answer)
    situation = pathway.situation_for(context)
    if situation is not None:
        findings.extend(_against_situation(picks, situation, lexicon, answer))
    findings.extend(_already_failed(picks, context, lexicon))
    findings.extend(_pitfalls(sentences, pathway, lexicon))
    findings.extend(_substitutions(sentences, lexicon))
    return _one_per_sentence_and_rule(findings)


def _already_failed(
    picks: list[Recommended], context: PatientContext, lexicon: Lexicon
) -> list[Finding]:
    """A regimen the disease already progressed on, recommended again: the same drugs as a
    therapy that failed (a new partner, as in continuing an antibody with a new drug, is not
    the same regimen)."""
    failed = {
        frozenset(lexicon.drugs_of(t) or {t}): t for t in context.role_therapies("progressed")
    }
    findings = []
    for pick in picks:
        drugs = frozenset(lexicon.drugs_of(pick.concept_id) or {pick.concept_id})
        if drugs in failed and not defers_to_history(pick.sentence.claim):
            findings.append(
                _finding(
                    pick.sentence,
                    "pathway.already-progressed",
                    Severity.WARN,
                    f"The answer recommends {lexicon.label(pick.concept_id)}, but the disease "
                    f"has already progressed on {lexicon.label(failed[drugs])}.",
                    (),
                )
            )
    return findings


def _contraindicated(
    picks: list[Recommended],
    context: PatientContext,
    pathway: Pathway,
    lexicon: Lexicon,
    answer: str,
) -> list[Finding]:
    findings = []
    for rule in pathway.contraindications_for(context):
        direct = {c for c in rule.drugs if lexicon.kind_of(c) is ConceptKind.DRUG}
        for pick in picks:
            if rule.severity == "warn" and (
                rule.message in answer or _CAUTION.search(pick.sentence.claim)
            ):
                continue  # the answer states the caution with the recommendation
            if pick.concept_id in rule.drugs or lexicon.drugs_of(pick.concept_id) & direct:
                severity = Severity.BLOCK if rule.severity == "block" else Severity.WARN
                name = lexicon.label(pick.concept_id)
                findings.append(
                    _finding(
                        pick.sentence,
                        f"pathway.contraindicated.{rule.id}",
                        severity,
                        f"The answer recommends {name}. {rule.message}",
                        rule.sources,
                    )
                )
    return findings


def _against_situation(
    picks: list[Recommended], situation: Situation, lexicon: Lexicon, answer: str
) -> list[Finding]:
    findings = []
    preferred_drugs = {d for p in situation.preferred for d in lexicon.drugs_of(p)}
    for pick in picks:
        name = lexicon.label(pick.concept_id)
        if pick.concept_id in situation.first_line_regimens:
            if situation.differ and _DIFFER.search(answer):
                continue  # the answer itself says where the sources part ways
            rule_id, where = (
                ("pathway.guidelines-differ", f"for {situation.situation} the sources differ")
                if situation.differ
                else ("pathway.early-relapse", f"this is {situation.situation}")
            )
            message = f"The answer recommends {name}, a first-line regimen, but {where}: "
            findings.append(
                _finding(
                    pick.sentence,
                    rule_id,
                    Severity.WARN,
                    message + _first(situation.statement),
                    situation.sources,
                )
            )
            continue
        if not pick.preferred:
            continue
        if situation.no_preference:
            findings.append(
                _finding(
                    pick.sentence,
                    "pathway.not-preferred",
                    Severity.WARN,
                    f"The answer presents {name} as preferred, but for "
                    f"{situation.situation} the guideline prefers no regimen "
                    "over another.",
                    situation.sources,
                )
            )
        elif pick.concept_id in situation.not_preferred or (
            situation.preferred and not lexicon.drugs_of(pick.concept_id) <= preferred_drugs
        ):
            preferred = ", ".join(lexicon.label(p) for p in situation.preferred) or "no regimen"
            findings.append(
                _finding(
                    pick.sentence,
                    "pathway.not-preferred",
                    Severity.WARN,
                    f"The answer presents {name} as preferred for "
                    f"{situation.situation}; the pathway prefers {preferred}.",
                    situation.sources,
                )
            )
    return findings


def _pitfalls(
    sentences: Sequence[AnswerSentence], pathway: Pathway, lexicon: Lexicon
) -> list[Finding]:
    findings = []
    for sentence in sentences:
        claim = sentence.claim
        read = partial(_pitfalls_in, claim, pathway, lexicon)
        for rule in _PITFALLS.get((pathway, lexicon), claim, read):
            findings.append(
                _finding(
                    sentence, f"pathway.pitfall.{rule.id}", Severity.WARN, rule.message,
                    rule.sources,
                )
            )  # fmt: skip
    return findings


# The pitfalls a claim states depend on its words, the pathway and the lexicon only.
_PITFALLS = TextMemo[tuple[PatternRule, ...]]()


def _pitfalls_in(claim: str, pathway: Pathway, lexicon: Lexicon) -> tuple[PatternRule, ...]:
    found: list[PatternRule] = []
    recommends = states_recommendation(claim)
    for rule in pathway.pitfalls:
        if rule.recommendation_only and not recommends:
            continue
        at = rule.relation.where(claim, lexicon) if rule.relation is not None else None
        if at is not None and not _ADVICE_NEGATION.search(_clause_before(claim, at)):
            found.append(rule)
            continue
        for pattern in rule.patterns:
            match = pattern.search(claim)
            negated = match and (
                _ADVICE_NEGATION.search(_clause_before(claim, match.start()))
                or _NEGATED_VERB.search(match.group())
                or (rule.recommendation_only and _PRIOR.search(claim[: match.start()]))
            )
            if match and not negated:
                found.append(rule)
                break
    return tuple(found)


def _substitutions(sentences: Sequence[AnswerSentence], lexicon: Lexicon) -> list[Finding]:
    findings = []
    for sentence in sentences:
        claim = sentence.claim
        match = _SUBSTITUTION.search(claim)
        if not match or _ADVICE_NEGATION.search(claim[: match.start()][-60:]):
            continue
        drugs = [m.concept_id for m in lexicon.find(claim)]
        for drug in drugs:
            concept = lexicon.get(drug)
            clash = [d for d in drugs if concept is not None and d in concept.never_substitute]
            if clash:
                findings.append(
                    _finding(
                        sentence,
                        "pathway.substitution",
                        Severity.BLOCK,
                        f"{lexicon.label(drug)} and {lexicon.label(clash[0])} are "
                        "different drugs with different doses and must never be "
                        "substituted for each other.",
                        (),
                    )
                )
                break
    return findings


def _clause_before(text: str, start: int) -> str:
    """Where a negation could govern the advice: the same clause, up to 40 characters back."""
    head = text[:start]
    cut = max(head.rfind(";"), head.rfind(". "), head.rfind(","))
    return head[cut + 1 :][-40:]


def _first(statement: str) -> str:
    return statement.split(";")[0].rstrip(".") + "."


def _finding(
    sentence: AnswerSentence, rule_id: str, severity: Severity, message: str, sources: Sequence[str]
) -> Finding:
    return Finding(
        rule_id=rule_id,
        severity=severity,
        check="pathway",
        message=message,
        span=sentence.claim,
        start=sentence.start,
        end=sentence.end,
        source_ids=tuple(sources),
    )


def _one_per_sentence_and_rule(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, int | None]] = set()
    unique = []
    for finding in findings:
        key = (finding.rule_id, finding.start)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique
