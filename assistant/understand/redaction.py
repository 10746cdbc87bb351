"""Likely patient identifiers in a question, replaced by placeholders (for the audit log).

    redact("PATIENT JOHN SMITH, hospital no. 998877: T-DXd dose?")
    # 'PATIENT [NAME], [ID]: T-DXd dose?'

Patterns, not a model: e-mail addresses, dates of birth and other dates, SSNs, record and NHS
numbers, phone numbers, long numbers, UK postcodes and US ZIP codes, street addresses, ages of
90 and over (written "90+"), and names: after a title, after "patient", "pt", "named" or
"called", before an age ("Maria García, 54 yo"), and a given name followed by a surname. Clinical
numbers, drug, trial and guideline names are left alone. evals/redaction.py measures it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.understand.names import redact_names

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})|\d{4}([/.-])\d{1,2}\2\d{1,2}|\d{4} \d{2} \d{2}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}|"
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})(?![\w/]|[.-]\d)"
)
# A run of digits in groups joined by one space, dot or hyphen: "020 7946 0018", "555.010.8821".
_DIGITS = (
    r"(?:\+\d{1,3}[\s.-]?)?(?:\(0\)\s?)?(?:\(\d{2,5}\)[\s.-]?)?\d+(?:[\s.-]\d+)*(?![\w.]|\.\d)"
)
_STREET = (
    r"(?i:road|rd|street|st|lane|ln|avenue|ave|close|terrace|row|drive|court|ct|way|boulevard|"
    r"blvd|place|pl|crescent|gardens|grove|square|sq|hill|park|mews|walk|parade)\b\.?"
)
_UNIT = r"(?i:flat|apt|apartment|unit|suite)\.?\s*\d+[a-z]?"
_CAPITAL = r"(?:[A-Z][\w'’]*)"
_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]? ?\d(?!ST|ND|RD|TH)[ABD-HJLNP-UW-Z]{2}"

Replace = str | Callable[[re.Match[str]], str]


def _ignore_case(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _keep_label(placeholder: str) -> Callable[[re.Match[str]], str]:
    """Replace the group named `value`, keep the label around it."""
    return lambda m: (
        m.string[m.start() : m.start("value")] + placeholder + m.string[m.end("value") : m.end()]
    )


def _enough_digits(
    least: int, placeholder: str, keep_label: bool = True
) -> Callable[[re.Match[str]], str]:
    """Replace the group named `value` if it has `least` digits or more."""

    def replace(m: re.Match[str]) -> str:
        if sum(c.isdigit() for c in m.group("value")) < least:
            return m.group()
        return _keep_label(placeholder)(m) if keep_label else placeholder

    return replace


_RULES: list[tuple[re.Pattern[str], Replace]] = [
    (re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]*\w"), "[EMAIL]"),
    (
        _ignore_case(
            rf"\b(?:DOB|D\.O\.B\b\.?|date of birth|birth date|born(?: on)?|b\.)\s*[:=]?\s*{_DATE}"
        ),
        "[DOB]",
    ),
    (_ignore_case(rf"(?<![\w/.]){_DATE}"), "[DATE]"),
    (
        _ignore_case(
            r"\b(?:SSN|SS#|social security(?: number| no\.?)?|social)(?:\s+is)?\s*[:#]?\s*"
            r"\d{3}[- ]?\d{2}[- ]?\d{4}\b"
        ),
        "[SSN]",
    ),
    (re.compile(r"(?<![\w.-])\d{3}-\d{2}-\d{4}(?![\w-])"), "[SSN]"),
    (
        _ignore_case(
            r"\b(?:MRN|medical record(?: number| no\.?)?|CRN|patient ID|ID|NHS(?: number| no\.?)?|"
            r"(?:record|hospital|hosp\.?|unit|case|chart)(?: number| no\.?| #)?)"
            r"(?:\s+is)?\s*[:#]?\s*(?P<value>(?:[A-Z]{1,3}-?)?\d+(?:-\d+)*(?:\s\d{3,}(?![\d.]))*)\b"
        ),
        _enough_digits(4, "[ID]", keep_label=False),
    ),
    (
        _ignore_case(
            rf"\b(?:phone|tel|telephone|mob|mobile|cell|call|ring|contact|ph)\.?\s*[:#]?\s*"
            rf"(?:(?:her|him|them|\w+ )?on\s+)?(?P<value>{_DIGITS})"
        ),
        _enough_digits(7, "[PHONE]"),
    ),
    (re.compile(rf"(?<![\w.+(-])(?P<value>(?=[+(0]){_DIGITS})"), _enough_digits(9, "[PHONE]")),
    (re.compile(r"(?<![\w.-])\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?![\w.]|\.\d)"), "[PHONE]"),
    (re.compile(r"\b\d{7,}\b"), "[ID]"),
    (_ignore_case(rf"\bpost ?code\s*[:#]?\s*(?P<value>{_POSTCODE})\b"), _keep_label("[POSTCODE]")),
    (re.compile(rf"\b{_POSTCODE}\b"), "[POSTCODE]"),
    (
        re.compile(r"\b(?:[A-Z]{2}\s|(?i:zip(?: code)?)\s*[:#]?\s*)(?P<value>\d{5}(?:-\d{4})?)\b"),
        _keep_label("[POSTCODE]"),
    ),
    (
        re.compile(
            rf"(?:\b{_UNIT},?\s*)?\b\d{{1,5}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:{_CAPITAL}\s+){{1,3}}"
            rf"{_STREET}(?:,?\s*{_UNIT}\b)?"
        ),
        "[ADDRESS]",
    ),
    (
        _ignore_case(
            rf"\b(?:lives at|living at|resides(?: at)?|address:?|home:?|moving to)\s+"
            rf"(?P<value>(?:{_UNIT},?\s*)?\d{{1,5}}[a-z]?\s+(?:[a-z][\w'’]*\s+){{1,3}}{_STREET})"
        ),
        _keep_label("[ADDRESS]"),
    ),
    (
        re.compile(
            r"\b(?:9\d|1[01]\d)(?=\s*(?:yo\b|y/o|y\.o\.|-?years?\b|-?yrs?\b|-year-old|[FM]\b))"
        ),
        "90+",
    ),
    (_ignore_case(r"\b(?:aged?:?)\s+(?P<value>(?:9\d|1[01]\d))\b"), _keep_label("90+")),
]


def redact(text: str) -> str:
    """The text with likely patient identifiers replaced by placeholders."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return redact_names(text)
