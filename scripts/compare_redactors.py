"""Measure de-identification libraries against Cairn's own redaction on the redaction suite.

    python scripts/compare_redactors.py                       # every candidate installed here
    python scripts/compare_redactors.py cairn presidio-regex  # some of them
    python scripts/compare_redactors.py --misses scrubadub    # and list what each one missed

The libraries are not Cairn's dependencies: run this with a Python that has them (and Cairn on
PYTHONPATH), e.g. a scratch venv with `pip install scrubadub presidio-analyzer
presidio-anonymizer`. The spaCy candidates need an English spaCy pipeline installed as a
package; pass its name with --spacy-model. docs/evals.md has the figures of the last run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evals.redaction import REDACTION_SUITE, RedactionSuite, evaluate

Redactor = Callable[[str], str]


def cairn(_: str) -> Redactor:
    from assistant.understand.redaction import redact

    return redact


def scrubadub_default(_: str) -> Redactor:
    import scrubadub

    return scrubadub.Scrubber().clean


def _tuned_scrubber() -> object:
    """British and American phone numbers, UK postcodes, SSNs, NI numbers, dates of birth."""
    import scrubadub
    from scrubadub.detectors import PhoneDetector
    from scrubadub.detectors.en_US import SocialSecurityNumberDetector

    scrubber = scrubadub.Scrubber(locale="en_GB")
    scrubber.add_detector(PhoneDetector(locale="en_US", name="phone_us"))
    scrubber.add_detector(SocialSecurityNumberDetector(locale="en_US"))
    scrubber.add_detector("date_of_birth")
    return scrubber


def scrubadub_tuned(_: str) -> Redactor:
    return _tuned_scrubber().clean  # type: ignore[attr-defined, no-any-return]


# Presidio's entities that a patient identifier can be, without the ones that take clinical
# text for identifiers on this suite (DATE_TIME: "every 3 weeks"; US_DRIVER_LICENSE: "m2";
# ORGANIZATION and NRP: "ASCO", "HER2+").
PRESIDIO_PATIENT = ["PERSON", "LOCATION", "PHONE_NUMBER", "EMAIL_ADDRESS", "US_SSN", "UK_NHS"]


def _presidio(nlp: object, entities: list[str] | None = None, threshold: float = 0.0) -> Redactor:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_anonymizer import AnonymizerEngine

    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_sm"}])
    engine.nlp = {"en": nlp}  # the pipeline given, not the one named (that would be downloaded)
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    anonymizer = AnonymizerEngine()

    def redact(text: str) -> str:
        results = analyzer.analyze(
            text=text, language="en", entities=entities, score_threshold=threshold
        )
        return anonymizer.anonymize(text=text, analyzer_results=results).text  # type: ignore[arg-type]

    return redact


def presidio_regex(_: str) -> Redactor:
    """Presidio's pattern recognizers over a blank spaCy pipeline (no NER model)."""
    import spacy

    return _presidio(spacy.blank("en"))


def presidio_spacy(model: str) -> Redactor:
    """Presidio with an English spaCy pipeline for PERSON, LOCATION, DATE_TIME and NRP."""
    import spacy

    return _presidio(spacy.load(model))


def presidio_tuned(model: str) -> Redactor:
    """The same, limited to patient identifiers, with a score of 0.3 or more."""
    import spacy

    return _presidio(spacy.load(model), PRESIDIO_PATIENT, 0.3)


CANDIDATES: dict[str, Callable[[str], Redactor]] = {
    "cairn": cairn,
    "scrubadub": scrubadub_default,
    "scrubadub-tuned": scrubadub_tuned,
    "presidio-regex": presidio_regex,
    "presidio-spacy": presidio_spacy,
    "presidio-tuned": presidio_tuned,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", nargs="*", help=f"some of: {', '.join(CANDIDATES)}")
    parser.add_argument("--spacy-model", default="en_core_web_sm", help="an installed pipeline")
    parser.add_argument("--misses", action="store_true", help="list the misses")
    parser.add_argument("--suite", type=Path, default=REDACTION_SUITE, help="a suite file")
    args = parser.parse_args()
    unknown = set(args.candidates) - set(CANDIDATES)
    if unknown:
        parser.error(f"unknown candidates: {', '.join(sorted(unknown))}")
    suite = RedactionSuite.load(args.suite)
    kinds: list[str] = []
    rows: list[tuple[str, str]] = []
    for name in args.candidates or CANDIDATES:
        start = time.perf_counter()
        try:
            redactor = CANDIDATES[name](args.spacy_model)
            redactor("warm up: Jane Smith, 07700 900123")
        except Exception as exc:  # an uninstalled library or model: say so, go on
            rows.append((name, f"not available ({type(exc).__name__}: {str(exc)[:80]})"))
            continue
        load_s = time.perf_counter() - start
        result = evaluate(redactor, suite)
        kinds = list(result.total)
        cells = " ".join(f"{result.recall_of(k):>6.2f}" for k in kinds)
        rows.append(
            (
                name,
                f"{cells} {result.recall:>6.3f} {result.false_redaction_rate:>6.3f} "
                f"{result.ms_per_sentence:>7.2f} {load_s:>6.1f}",
            )
        )
        if args.misses:
            for miss in result.misses:
                print(f"{name} MISS [{miss.kind}] {miss.identifier!r}: {miss.redacted}")
            for case_id, redacted in result.false_redactions:
                print(f"{name} FALSE [{case_id}]: {redacted}")
    header = " ".join(f"{k[:6]:>6}" for k in kinds)
    print(f"{'candidate':<16} {header} {'recall':>6} {'false':>6} {'ms/q':>7} {'load s':>6}")
    for name, row in rows:
        print(f"{name:<16} {row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
