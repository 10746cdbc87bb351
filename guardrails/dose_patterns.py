"""The language of doses: amounts and units, schedules, routes, loading and maintenance cues.

Clinical writing conventions, not facts of one disease: the drugs and their doses come from
the lexicon and the dose table.
"""

from __future__ import annotations

import re

from guardrails.text import Folded

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT = (
    r"mg\s*/\s*kg|mg\s+per\s+kg|mg\s*/\s*m(?:2|²|\^2)|mg\s+per\s+(?:m2|m²|square\s+met(?:re|er))"
    r"|mg(?!\s*/\s*(?:d?L|mL|dl|ml)\b)|units?|IU\b"
)
AMOUNT = re.compile(
    rf"(?<![\w.])(?:(?P<low>{NUMBER})\s*(?:-|–|to)\s*)?(?P<num>{NUMBER})\s*(?P<unit>{_UNIT})"
    r"(?P<perday>\s*(?:/\s*day|per\s+day|a\s+day\b))?(?!\w)",
    re.IGNORECASE,
)
# "1,200 mg / 600 mg / 30,000 units" and "600 mg pertuzumab / 600 mg trastuzumab / ...".
COMPOUND_GAP = re.compile(r"^\s*(?:[A-Za-z-]+\s*)?/\s*$")
# A formulation strength, not a dose: "(six 40 mg tablets)".
STRENGTH = re.compile(r"^\s*(?:tablets?|capsules?|vials?|strength|film-coated)\b", re.I)
# A drug-like word (by its stem ending) right before an amount: 'dexamethasone 16 mg'.
UNKNOWN_DRUG = re.compile(
    r"\b([a-z]{3,}(?:one|ine|ide|mab|nib|tin|xel|cin|pam|zole|pril|sartan|statin|parin|fen|"
    r"ate|lol|pine|micin|mycin|vir|platin))\s+(?:\w+\s+){0,1}$",
    re.IGNORECASE,
)
SCHEDULES: list[tuple[str, re.Pattern[str]]] = [
    ("three times daily", re.compile(r"three times (?:a )?da(?:y|ily)|\btid\b|t\.i\.d", re.I)),
    (
        "twice daily",
        re.compile(
            r"twice (?:a )?da(?:y|ily)|\bbid\b|b\.i\.d|every 12 hours|\bq12h\b|"
            r"two times (?:a )?day|(?:in )?two (?:divided )?doses",
            re.I,
        ),
    ),
    ("once daily", re.compile(r"once (?:a )?da(?:y|ily)|\bdaily\b|\bqd\b|every day|per day", re.I)),
    (
        "every 3 weeks",
        re.compile(
            r"every (?:3|three) weeks|\bq3w\b|\bq\s?3\s?w(?:ee)?ks?\b|(?:3|three)[- ]weekly|"
            r"every 21 days",
            re.I,
        ),
    ),
    ("every 2 weeks", re.compile(r"every (?:2|two) weeks|\bq2w\b|fortnightly", re.I)),
    ("every 4 weeks", re.compile(r"every (?:4|four) weeks|\bq4w\b|every 28 days", re.I)),
    ("weekly", re.compile(r"(?<![-\w])weekly\b|every week|once a week|\bqw\b|\bq1w\b", re.I)),
]
ROUTES: list[tuple[str, re.Pattern[str]]] = [
    ("iv", re.compile(r"\bintravenous(?:ly)?\b|\bIV\b|\bi\.v\.|infusion", re.I)),
    ("sc", re.compile(r"\bsubcutaneous(?:ly)?\b|\bSC\b|\bs\.c\.|\bsubcut\b|\bSQ\b", re.I)),
    ("oral", re.compile(r"\borally\b|\boral\b|by mouth|\bPO\b|tablets?\b", re.I)),
]
_LOADING = re.compile(r"\bloading\b|\binitial\b|\bfirst (?:dose|infusion)\b|\bload\b", re.I)
_MAINTENANCE = re.compile(
    r"\bthen\b|followed by|\bthereafter\b|\bmaintenance\b|\bsubsequent\b|\bafter that\b", re.I
)
_DESCRIPTOR = r"\s*(?:(?:IV|intravenous\w*|subcutaneous\w*)\s+)?(?:(?:as|in|for) (?:a |the )?)?"
_LOADING_AFTER = re.compile(_DESCRIPTOR + r"loading", re.I)
_MAINTENANCE_AFTER = re.compile(_DESCRIPTOR + r"maintenance", re.I)
_FIRST_OF_PAIR = re.compile(r"[^.;]{0,40}?\b(?:then|followed by)\b", re.I)
REDUCED = Folded(
    r"reduc|lower(?:ed)? (?:the )?dose|\blowered\b|dose level|decreas|step(?:s|ped)? down|"
    r"de-escalat|"
    r"if .{0,40}not tolerated|cannot tolerate|not tolerate|intoleran|"
    r"discontinu\w*\b[^.]{0,30}\bif\b|"
    r"first to|then to|second reduction|hepatic impairment|child-pugh|inhibitor|"
    r"restart\w* at|resum\w* at|re-?introduc\w* at"
)
UPPER = Folded(
    r"up to|maximum|\bmax\b|escalat\w*(?: to)?|no more than|not exceed|above|increased? to"
)
NEGATION = Folded(
    r"\bnot\b|\bnever\b|\bno longer\b|rather than|instead of|\bavoid\b|don't|\bisn't\b|"
    r"\bincorrect\b|\bwrong\b|\bnor\b"
)
CLAUSE_BREAK = re.compile(r"[;:]|,\s(?:but|whereas|while)\b|\bbut\b")
# What follows an amount up to here is its own descriptor ("4 mg/kg as a loading dose, or ...").
SEPARATOR = re.compile(r",|\bor\b|\band\b|\bthen\b|\bfollowed by\b", re.I)
# After an amount, a new phase starts here: "1,200 mg loading, then maintenance every 3 weeks".
NEXT_PHASE = re.compile(r",?\s*\b(?:then|followed by|thereafter|or)\b", re.I)
# "DRUG with PARTNER (...) is given at X": the amount belongs to the first drug.
SUBJECT_LINK = re.compile(
    r"^[^.;]*?\b(?:with|plus|alongside)\b[^.;]*?(?:\b(?:is|are)\s+(?:\w+\s+){0,2}?(?:at\s+)?|:\s*)$",
    re.I,
)
# The words between a drug and its amount: "pertuzumab 840 mg", "capecitabine is given at ...".
DOSING_PREDICATE = re.compile(
    r"[\s()]*(?:(?:is|are|was)\s+)?(?:(?:given|dosed|administered|started|used|reduced|"
    r"lowered|increased|escalated|restarted|resumed)\s+)?(?:at|of|to|:)?\s*",
    re.I,
)
# An amount computed from the one before: "1,000 mg/m2 ... comes to 1,800 mg".
TOTAL_OF = re.compile(
    r"(?:comes to|come to|equals?|which is|that is|i\.e\.|=|works out (?:at|to)|amounts to|"
    r"gives|for (?:her|him|this patient)(?: is)?)\s*(?:about|approximately|roughly|~)?\s*$",
    re.I,
)
# Between the listed parts of a fixed-dose product: "1,200 mg pertuzumab, 600 mg trastuzumab".
PRODUCT_PART_GAP = re.compile(r"\s*(?:[A-Za-z-]+\s*)?(?:,|and|plus|\+|/)?\s*(?:and\s+)?", re.I)
LEAD_IN_BREAK = re.compile(r"\b(?:with|and|plus|or|then)\b|[,+;]", re.I)
PARTNER_LINK = re.compile(
    r"^[^.;]{0,40}?\b(?:with|plus|and|alongside|in combination with|combined with)\s+$", re.I
)
# Cycle days: "on days 1-14 of each 21-day cycle", "days 1 and 8 of a 21-day cycle", "d1-14 q21d".
CYCLE_DAYS = re.compile(
    r"\b(?:days?|d)\s?(\d{1,3})\s*(?:-|–|to|through)\s*(?:days?\s?|d)?(\d{1,3})\b"
    r"|\bdays?\s+(\d{1,3})\s*(?:,|and|&|\+)\s*(\d{1,3})\b"
    r"|\b(?:for\s+)?(\d{1,3})\s+(?:consecutive\s+)?days\s+(?:of|in|out of)\s+(?:each|every|a)\b",
    re.I,
)
CYCLE_LENGTH = re.compile(
    r"\b(\d{1,3})[- ]day(?:s)?\s+(?:treatment\s+)?cycles?\b|\bq(\d{1,3})d\b"
    r"|\bdays?\s?\d{1,3}\s*(?:-|–|to|through|and|,)\s*\d{1,3}\s+(?:of|out of)\s+"
    r"(?:each\s+|every\s+|a\s+)?(\d{1,3})\b",
    re.I,
)
CONTINUOUS = re.compile(
    r"\bcontinuous(?:ly)?\b|\bwithout (?:a )?(?:break|rest|pause)\b|\bwith no (?:break|rest)\b"
    r"|\bevery day of (?:the|each|every) cycle\b|\bnon-?stop\b",
    re.I,
)
WEIGHT = re.compile(r"(?<![\w/])(\d+(?:\.\d+)?)\s*kg\b(?!\s*/)", re.I)


def number(text: str) -> float:
    return float(text.replace(",", ""))


def unit_of(text: str) -> str:
    compact = re.sub(r"\s+", " ", text.lower())
    if "kg" in compact:
        return "mg/kg"
    if "m2" in compact or "m²" in compact or "m^2" in compact or "met" in compact:
        return "mg/m2"
    if compact.startswith(("unit", "iu")):
        return "units"
    return "mg"


def first_of(
    patterns: list[tuple[str, re.Pattern[str]]], text: str, last: bool = False
) -> str | None:
    """The name of the pattern matching earliest in `text` (or latest, with `last`)."""
    best: tuple[int, str] | None = None
    for name, pattern in patterns:
        for match in pattern.finditer(text):
            position = -match.start() if last else match.start()
            if best is None or position < best[0]:
                best = (position, name)
    return best[1] if best else None


def phase_of(before: str, after: str, following: str = "") -> str:
    """loading | maintenance | unspecified: a descriptor right after the amount wins ("30,000
    units in the loading dose"), then the nearest cue before it, then "X, then Y" makes X the
    loading dose (`following` is the text up to the next amount)."""
    if _LOADING_AFTER.match(after):
        return "loading"
    if _MAINTENANCE_AFTER.match(after):
        return "maintenance"
    loading = [m.end() for m in _LOADING.finditer(before)]
    maintenance = [m.end() for m in _MAINTENANCE.finditer(before)]
    if loading or maintenance:
        later = max(loading, default=-1) > max(maintenance, default=-1)
        return "loading" if later else "maintenance"
    if _FIRST_OF_PAIR.match(following or after):
        return "loading"  # "8 mg/kg, then 6 mg/kg": the first of a pair
    return "unspecified"


def cycle_of(text: str) -> tuple[frozenset[int] | None, int | None, bool]:
    """The cycle days, cycle length and 'continuously' stated in `text`."""
    days: frozenset[int] | None = None
    match = CYCLE_DAYS.search(text)
    if match:
        if match.group(1):
            low, high = int(match.group(1)), int(match.group(2))
            days = frozenset(range(low, high + 1)) if low <= high else None
        elif match.group(3):
            days = frozenset({int(match.group(3)), int(match.group(4))})
        else:  # "for 14 days of each 21-day cycle": the first 14 days
            days = frozenset(range(1, int(match.group(5)) + 1))
    length_match = CYCLE_LENGTH.search(text)
    length = None
    if length_match:
        length = int(next(g for g in length_match.groups() if g))
    return days, length, bool(CONTINUOUS.search(text))


# Administration times: "over 90 minutes", "over at least 30 min", "infused for 1.5 hours",
# "a 30-minute infusion", "as a 3-hour infusion" (not "for over 1 hour", "for 30 minutes
# afterwards"), and the cues that place a time: every administration, later ones or the first.
_TIME_N = r"\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten"
_TIME_UNIT = r"(?P<unit>minutes?|mins?|hours?|hrs?|h)\b"
_TIME_BOUND = (
    r"(?:(?P<lower>at least|no less than|not less than|a minimum of|more than|longer than)"
    r"|(?P<upper>up to|no more than|not more than|at most|a maximum of|less than|no longer than)"
    r"|about|approximately|around|roughly|~)\s*"
)
TIME_OVER = re.compile(
    r"(?<!for )(?:\bover|\b(?:infused|injected|administered|given)\s+(?:\w+\s+){0,2}?(?:for|in))"
    rf"\s+(?:{_TIME_BOUND})?(?:(?P<low>{_TIME_N})\s*(?:-|–|to|or)\s*)?"
    rf"(?P<num>{_TIME_N})\s*{_TIME_UNIT}"
    r"(?!\s+(?:afterwards?|apart|prior)\b)",
    re.IGNORECASE,
)
TIME_BEFORE_NOUN = re.compile(
    rf"\b(?:(?P<low>{_TIME_N})-?\s*(?:-|–|to)\s*)?(?P<num>{_TIME_N})[\s-]*{_TIME_UNIT}"
    r"(?:\s+[a-z]+)?\s+(?:infusion|injection)",
    re.IGNORECASE,
)
TIME_WORDS = {w: i for i, w in enumerate(_TIME_N.split("|")[1:], start=1)}
TIME_CUE = re.compile(
    r"(?P<every>\bfrom the (?:first|start|outset)\b[^.;,]{0,25}?\bon(?:wards?)?\b"
    r"|\b(?:every|each|all)\s+(?!later|subsequent|following|maintenance|remaining)(?:\w+\s+)?"
    r"(?:infusions|injections|doses|administrations|infusion|injection|dose)\b)"
    r"|(?P<later>\bif\s+(?:the\s+)?(?:first|previous|prior|earlier|initial)\s+(?:\w+\s+){0,2}?"
    r"(?:is|was|has been)\s+(?:well\s+)?tolerated"
    r"|\bafter\s+(?:the\s+)?(?:[\w,./]+\s+){0,3}?(?:first|initial|loading)\b"
    r"|\blater\b|\bsubsequent(?:ly)?\b|\bmaintenance\b|\bthereafter\b|\bafterwards?\b"
    r"|\bremaining\b|\bsecond\b|\bfollowing (?:infusions|injections|doses)\b)"
    r"|(?P<first>\bfirst\b|\binitial(?:ly)?\b|\bloading\b|\b1st\b)",
    re.IGNORECASE,
)
