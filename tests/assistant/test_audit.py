"""The audit log: likely patient identifiers redacted, clinical text kept, one line per answer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.audit import AuditLog, redact
from assistant.pipeline import Cairn
from assistant.records import Answer
from assistant.settings import GeneratorName, GeneratorSettings, Settings
from guardrails.records import Finding, PatientContext, Review, Severity
from tests.conftest import free_port


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mrs Jane Smith asks about the T-DXd dose", "[NAME] asks about the T-DXd dose"),
        ("Dr. House recommends THP", "[NAME] recommends THP"),
        ("Prof. Cortes said so", "[NAME] said so"),
        ("patient Maria Lopez progressed on THP", "patient [NAME] progressed on THP"),
        ("my pt Maria progressed", "my pt [NAME] progressed"),
        ("a patient called Anna", "a patient called [NAME]"),
        ("Maria Lopez, 54F, HER2+ MBC", "[NAME], 54F, HER2+ MBC"),
        ("Maria Lopez, a 54 year old with MBC", "[NAME], a 54 year old with MBC"),
    ],
)
def test_names_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("lead", ["Patient", "Pt"])
def test_a_name_after_a_capitalised_patient_is_redacted(lead: str) -> None:
    assert redact(f"{lead} Maria Lopez progressed on THP") == f"{lead} [NAME] progressed on THP"


@pytest.mark.parametrize(
    "text",
    [
        "DOB 12/03/1968",
        "DOB: 1968-03-12",
        "D.O.B. 01.02.1970",
        "born on 12 March 1968",
        "date of birth March 12, 1968",
    ],
)
def test_dates_of_birth_are_redacted(text: str) -> None:
    assert redact(f"HER2+ MBC, {text}, T-DXd dose?") == "HER2+ MBC, [DOB], T-DXd dose?"


@pytest.mark.parametrize(
    "text",
    [
        "MRN 12345678",
        "MRN: AB123456",
        "NHS number 943 476 5919",
        "hospital no 1234-5678",
        "patient ID: 4567890",
        "record number 00123456",
    ],
)
def test_record_numbers_are_redacted(text: str) -> None:
    assert redact(f"{text}: T-DXd dose?") == "[ID]: T-DXd dose?"


def test_long_bare_numbers_are_redacted_as_identifiers() -> None:
    assert redact("ref 98765432 T-DXd?") == "ref [ID] T-DXd?"


@pytest.mark.parametrize(
    "text", ["020 7946 0018", "+44 20 7946 0018", "(555) 123-4567", "0161-496-0000"]
)
def test_phone_numbers_are_redacted(text: str) -> None:
    assert redact(f"call {text} about T-DXd") == "call [PHONE] about T-DXd"


def test_email_addresses_are_redacted() -> None:
    assert redact("write to jane.doe+mbc@example.org now") == "write to [EMAIL] now"


def test_dates_are_redacted() -> None:
    assert redact("seen on 14/02/2024 and 3.4.2023") == "seen on [DATE] and [DATE]"


def test_several_identifiers_in_one_question() -> None:
    text = "Mrs Jane Smith, MRN 12345678, DOB 01/02/1960, jane@x.org: T-DXd 5.4 mg/kg?"
    assert redact(text) == "[NAME], [ID], [DOB], [EMAIL]: T-DXd 5.4 mg/kg?"


@pytest.mark.parametrize(
    "text",
    [
        "pt progressed on THP",
        "Patient HER2+ MBC",
        "patient HER2 positive",
        "patient HER2-positive, ER-",
        "Patient has brain mets",
        "pt with ILD",
        "T-DXd 5.4 mg/kg every 3 weeks",
        "trastuzumab 8 mg/kg loading then 6 mg/kg",
        "capecitabine 1000 mg/m2 twice daily days 1-14",
        "tucatinib 300 mg twice daily",
        "LVEF 55%",
        "HR 0.28 (95% CI 0.22-0.37)",
        "median PFS 28.8 vs 6.8 months",
        "CLEOPATRA OS 56.5 vs 40.8 months",
        "DESTINY-Breast03 2022",
        "NCT03529110",
        "ER 90% PR 10%",
        "weight 70 kg height 165 cm",
        "relapse 2019-2024",
    ],
)
def test_clinical_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def answer(question: str = "Mrs Jane Smith, MRN 12345678: T-DXd dose?") -> Answer:
    finding = Finding(
        rule_id="doses.other-indication",
        severity=Severity.BLOCK,
        message="6.4 mg/kg is the gastric cancer dose.",
        check="doses",
    )
    return Answer(
        question=question,
        standalone_question=question,
        context=PatientContext(),
        text="**Answer withheld**",
        citations=[],
        review=Review.of([finding]),
        timings={"retrieve": 1.0},
        corpus_version="abc123def456",
        generator="extractive",
        retrieved=["label-x:dose:0:aa", "label-y:dose:0:bb"],
    )


def test_record_writes_one_json_line_with_the_fields(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "audit.jsonl"  # the folder is created
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    AuditLog(path).record(answer(), "cli")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert set(entry) == {
        "time", "interface", "question", "retrieved", "generator", "corpus_version", "verdict",
        "findings",
    }  # fmt: skip
    assert dt.datetime.fromisoformat(entry["time"]) >= before
    assert entry["interface"] == "cli"
    assert entry["question"] == "[NAME], [ID]: T-DXd dose?"
    assert entry["retrieved"] == ["label-x:dose:0:aa", "label-y:dose:0:bb"]
    assert (entry["generator"], entry["corpus_version"], entry["verdict"]) == (
        "extractive", "abc123def456", "block",
    )  # fmt: skip
    assert entry["findings"] == [
        {
            "rule_id": "doses.other-indication",
            "severity": "block",
            "message": "6.4 mg/kg is the gastric cancer dose.",
        }
    ]


def test_records_are_appended(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.record(answer("first question"), "ui")
    log.record(answer("second question"), "api")
    entries = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [(e["question"], e["interface"]) for e in entries] == [
        ("first question", "ui"),
        ("second question", "api"),
    ]


def test_non_ascii_text_is_written_as_is(tmp_path: Path) -> None:
    AuditLog(tmp_path / "audit.jsonl").record(answer("Dosis für T-DXd?"), "ui")
    assert "Dosis für T-DXd?" in (tmp_path / "audit.jsonl").read_text(encoding="utf-8")


def test_a_disabled_log_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "var" / "audit.jsonl"
    AuditLog(path, enabled=False).record(answer(), "ui")
    assert not path.exists() and not path.parent.exists()


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        ("call 07700 900123 about T-DXd", "900123"),
        ("date of birth: 3rd March 1968, T-DXd dose?", "1968"),
        ("Ms O'Brien asks about T-DXd", "Brien"),
    ],
)
def test_common_identifier_forms_are_redacted(text: str, identifier: str) -> None:
    assert identifier not in redact(text)


SECRET = "sk-test-0123456789-DO-NOT-LOG"


def test_settings_hold_the_name_of_the_key_variable_never_the_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    settings = Settings.load()
    assert settings.generator.openai_api_key_env == "OPENAI_API_KEY"
    assert SECRET not in settings.model_dump_json() and SECRET not in repr(settings)


@pytest.mark.integration
def test_the_api_key_never_reaches_the_answer_or_the_audit_log(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mini_settings: Settings
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    generator = GeneratorSettings(
        generator=GeneratorName.OPENAI,
        openai_base_url=f"http://127.0.0.1:{free_port()}/v1",  # nobody listens: it fails
        llm_timeout_s=5.0,
    )
    settings = Settings(corpus=mini_settings.corpus, index=mini_settings.index, generator=generator)
    answer = Cairn.from_settings(settings).ask(
        "Mrs Jane Smith: what is the first-line treatment of widget disease?"
    )
    assert answer.generator == "extractive (fallback from openai)"  # the key was used
    assert SECRET not in answer.model_dump_json()
    log = tmp_path / "audit.jsonl"
    AuditLog(log).record(answer, "cli")
    line = log.read_text(encoding="utf-8")
    assert SECRET not in line and "Jane Smith" not in line
    assert json.loads(line)["generator"] == "extractive (fallback from openai)"
