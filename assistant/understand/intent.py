"""What kind of question this is, and what role each evidence sentence plays.

These are cues of clinical language in general (dose, trial, toxicity), not of one disease; the
words of a corpus's domain (guideline bodies, toxicities, tests) come from its `rules/cues.yaml`
(`guardrails.cues`), read beside the lexicon's file or passed as `cues`.

    intents("What dose of T-DXd after ILD grade 1?")  # -> [Intent.DOSE, Intent.SAFETY]
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache

from guardrails.cues import NO_CUES, Cues, cues_of
from guardrails.lexicon import ConceptKind, Lexicon


class Intent(StrEnum):
    DOSE = "dose"
    DIFFERENCE = "difference"
    TRIAL = "trial"
    SAFETY = "safety"
    TREATMENT = "treatment"
    GENERAL = "general"


def _cue(words: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{words})", re.IGNORECASE)


_DOSE = (
    r"doses?\b|dosing|dosage|how much (?:\w+ )?(?:to give|should|do (?:i|we|you) give|is given)|"
    r"mg\b|mg/|loading|maintenance dose|dose reduc|reduce\b|reduction|how low|lowest dose|"
    r"dose level|re-?escalat|bump (?:\w+ )?(?:back )?up|(?:go|come) back up|"
    r"reduce the dose|schedule|infusion time|how (?:is|are) (?:[\w-]+ ){1,3}?given|how often|"
    r"frequency|titrat|prophylaxis"
)
_DIFFERENCE = (
    r"differ|disagree|conflict|which guideline|why do(?:es)? (?:the )?(?:guidelines?|label)|"
    r"threshold|same\?|but the label"
)
# Asking what to give: a line of therapy, options, what next, which regimen.
_TREATMENT_STRONG = (
    r"first[- ]line|second[- ]line|third[- ]line|later[- ]line|\b[1-5]L\b|1st|2nd|3rd|\d+th line|"
    r"options?\b|what next|next\b|which regimen|what regimen|regimen\?|recommend|"
    r"what (?:should|do|would) (?:i|we|you) (?:give|use|start|do)|treat (?:as|with)|"
    r"can (?:she|he|i|we) (?:still )?(?:get|have|receive|give|use|start)|should (?:she|he|i|we)"
)
# Asking which regimen to give: the regimen comes first, even when the dose is asked too.
_CHOICE = (
    r"(?:which|what) (?:[\w-]+ ){0,3}?(?:regimen|option)s?\b|regimen\?|"
    r"what next|what (?:should|do|would) (?:i|we) give"
)
_TRIAL = (
    r"trial|study|studies|results?\b|pfs\b|os\b|hazard|\bhr\b|efficacy|survival|response rate|"
    r"orr\b|data\b|evidence|phase [123]|median|benefit|randomi"
)
_SAFETY = (
    r"toxicit|side effect|adverse|monitor|warning|contraindicat|safe(?:ty|ly)?\b|risk|"
    r"hold\b|interrupt|discontinu|interaction|avoid|grade [1-4]|screen"
)
_TREATMENT = (
    r"treat|therap|line\b|regimen|give\b|standard|preferred|approach|manage|choice|start|"
    r"after progress|relaps|recurr|sequenc|maintenance|continue|stop|add\b|switch"
)


@cache
def _intent_cues(cues: Cues) -> dict[str, re.Pattern[str]]:
    words = {
        "difference": _DIFFERENCE,
        "choice": _CHOICE,
        "dose": _DOSE,
        "treatment_strong": _TREATMENT_STRONG,
        "trial": _TRIAL,
        "safety": _SAFETY,
        "treatment": _TREATMENT,
    }
    return {k: _cue("|".join(w for w in (v, cues.intent(k)) if w)) for k, v in words.items()}


def intents(
    question: str, lexicon: Lexicon | None = None, cues: Cues | None = None
) -> list[Intent]:
    """The intents a question expresses, the main one first; GENERAL when none matches.

    A dose or a guideline difference is asked for explicitly; "what next / which line /
    options" makes a treatment question even when it names a toxicity or a trial; a named trial
    or an outcome makes a trial question; then safety; then treatment in general."""
    names_trial = lexicon is not None and any(
        m.kind is ConceptKind.TRIAL for m in lexicon.find(question)
    )
    cue = _intent_cues(cues_of(lexicon) if cues is None else cues)
    ordered = [
        (Intent.DIFFERENCE, bool(cue["difference"].search(question))),
        (Intent.TREATMENT, bool(cue["choice"].search(question))),
        (Intent.DOSE, bool(cue["dose"].search(question))),
        (Intent.TREATMENT, bool(cue["treatment_strong"].search(question))),
        (Intent.TRIAL, names_trial or bool(cue["trial"].search(question))),
        (Intent.SAFETY, bool(cue["safety"].search(question))),
        (Intent.TREATMENT, bool(cue["treatment"].search(question))),
    ]
    found = list(dict.fromkeys(intent for intent, hit in ordered if hit))
    return found or [Intent.GENERAL]


def asks_for_choice(question: str) -> bool:
    """Whether the question asks which therapy to give (a line, the next step, the options)."""
    cue = _intent_cues(NO_CUES)
    return bool(cue["choice"].search(question) or cue["treatment_strong"].search(question))


class Role(StrEnum):
    RECOMMENDATION = "recommendation"
    DOSE = "dose"
    REDUCTION = "reduction"
    DURATION = "duration"
    ALTERNATIVE = "alternative"
    ACTION = "action"
    MONITORING = "monitoring"
    CAUTION = "caution"
    RESULT = "result"
    DESIGN = "design"
    OTHER = "other"


_DOSE_AMOUNT = re.compile(r"\d[\d,.]*\s*(?:mg(?:/kg|/m2|/m²)?|units|mL)\b", re.IGNORECASE)
_ROLE_WORDS: dict[Role, str] = {
    Role.REDUCTION: (
        r"reduc|dose level|lower(?:ed)? (?:the )?dose|re-?escalat|if .{0,30}not tolerated|"
        r"bump (?:\w+ )?(?:back )?up|(?:go|come) back up|one level lower"
    ),
    Role.ACTION: (
        r"interrupt|withh[oe]ld|\bhold|\bheld\b|discontinu|stop\b|stopped|resume|restart|"
        r"permanently|manage"
    ),
    Role.MONITORING: (
        r"monitor|assess|baseline|every \d+ (?:weeks|months)|before (?:each|every)|"
        r"test(?:ing)?\b|check|measure|scan"
    ),
    Role.CAUTION: (
        r"caution|risk|warning|boxed|contraindicat|avoid|toxicit|adverse|"
        r"occurred in|incidence|fatal"
    ),
    Role.RECOMMENDATION: (
        r"recommend|preferred|standard|should|is offered|first[- ]line|"
        r"second[- ]line|third[- ]line|guideline|approved|indicated|"
        r"regimen of choice|may be offered"
    ),
    Role.DURATION: (
        r"until (?:disease )?progression|continue|continued|maintenance|how long|keep going|"
        r"\d+\s*(?:-|to)\s*\d+ months|cycles|duration|best response"
    ),
    Role.ALTERNATIVE: (
        r"alternative|option|instead|may (?:also )?(?:be|receive)|can be|"
        r"if .{0,40}(?:contraindicated|unavailable|not)|other"
    ),
    Role.RESULT: (
        r"\bhr\b|hazard|median|progression-free|survival|response rate|results?\b|"
        r"outcomes?\b|efficacy|"
        r"\bpfs\b|\bos\b|\borr\b|months? (?:with|vs)|\d+(?:\.\d+)?%"
    ),
    Role.DESIGN: (
        r"randomi|enrolled|assigned|phase \d|single[- ]arm|open-label|"
        r"eligib|entry|primary endpoint|(?:experimental|control|treatment) arms?\b"
    ),
}


@cache
def _role_cues(cues: Cues) -> dict[Role, re.Pattern[str]]:
    return {
        role: _cue("|".join(w for w in (words, cues.role(role.value)) if w))
        for role, words in _ROLE_WORDS.items()
    }


def roles(sentence: str, cues: Cues = NO_CUES) -> set[Role]:
    """The roles a sentence plays, by the general cues and the corpus's (`cues`)."""
    found = {role for role, pattern in _role_cues(cues).items() if pattern.search(sentence)}
    if _DOSE_AMOUNT.search(sentence):
        found.add(Role.DOSE)
    return found or {Role.OTHER}


# Headings per intent: (heading, roles that belong there), in display order.
LAYOUTS: dict[Intent, list[tuple[str, tuple[Role, ...]]]] = {
    Intent.TREATMENT: [
        ("Guideline recommendations", (Role.RECOMMENDATION,)),
        ("Dose and schedule", (Role.DOSE, Role.REDUCTION)),
        ("Duration", (Role.DURATION,)),
        ("Alternatives", (Role.ALTERNATIVE,)),
        ("Cautions", (Role.CAUTION, Role.ACTION, Role.MONITORING)),
        ("Evidence", (Role.RESULT, Role.DESIGN, Role.OTHER)),
    ],
    Intent.DOSE: [
        ("Dose and schedule", (Role.DOSE, Role.DURATION)),
        ("Dose reductions", (Role.REDUCTION,)),
        ("Monitoring and cautions", (Role.ACTION, Role.MONITORING, Role.CAUTION)),
        (
            "Also relevant",
            (Role.RECOMMENDATION, Role.ALTERNATIVE, Role.RESULT, Role.DESIGN, Role.OTHER),
        ),
    ],
    Intent.TRIAL: [
        ("Design", (Role.DESIGN,)),
        ("Results", (Role.RESULT,)),
        ("Safety", (Role.CAUTION,)),
        ("Place in therapy", (Role.RECOMMENDATION, Role.ALTERNATIVE, Role.DURATION)),
        ("Also relevant", (Role.DOSE, Role.REDUCTION, Role.ACTION, Role.MONITORING, Role.OTHER)),
    ],
    Intent.SAFETY: [
        ("What to do", (Role.ACTION, Role.REDUCTION)),
        ("Monitoring", (Role.MONITORING,)),
        ("Risk", (Role.CAUTION, Role.RESULT)),
        (
            "Also relevant",
            (
                Role.RECOMMENDATION,
                Role.DOSE,
                Role.ALTERNATIVE,
                Role.DURATION,
                Role.DESIGN,
                Role.OTHER,
            ),
        ),
    ],
    Intent.DIFFERENCE: [
        ("Where the sources differ", (Role.RECOMMENDATION, Role.ALTERNATIVE)),
        ("Why", (Role.DESIGN, Role.RESULT, Role.OTHER, Role.DURATION)),
        ("Also relevant", (Role.DOSE, Role.REDUCTION, Role.ACTION, Role.MONITORING, Role.CAUTION)),
    ],
    Intent.GENERAL: [
        ("Answer", tuple(Role)),
    ],
}


def heading_for(intent: Intent, sentence_roles: set[Role]) -> str:
    if Role.CAUTION in sentence_roles:  # an adverse-event rate is a caution before a result
        sentence_roles = sentence_roles - {Role.RESULT}
    for heading, accepted in LAYOUTS[intent]:
        if sentence_roles & set(accepted):
            return heading
    return LAYOUTS[intent][-1][0]
