"""The app's API through gradio_client, against a started app."""

from __future__ import annotations

import json

import pytest
from gradio_client import Client

from tests.ui.conftest import Served

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(served: Served) -> Client:
    return Client(served.url, verbose=False)


def test_answer_returns_a_cited_reviewed_answer(client: Client) -> None:
    answer = json.loads(
        client.predict(
            "What is first-line treatment for HER2+ MBC?", "[]", "{}", "", api_name="/answer"
        )
    )
    assert answer["review"]["verdict"] == "pass"
    assert {c["source_id"] for c in answer["citations"]} >= {"asco-her2-mbc-2022"}
    assert "pertuzumab" in answer["text"] and answer["generator"] == "extractive"


def test_answer_takes_history_and_context(client: Client) -> None:
    history = json.dumps([{"role": "user", "content": "HER2+ MBC progressed on first-line THP"}])
    answer = json.loads(
        client.predict("what next?", history, '{"ild_history": "true"}', "", api_name="/answer")
    )
    assert answer["context"]["ild_history"]["value"] is True
    assert "avoided" in answer["text"] and answer["review"]["verdict"] != "block"


def test_check_catches_a_wrong_dose(client: Client) -> None:
    review = json.loads(
        client.predict(
            "T-DXd dose?", "T-DXd is given at 6.4 mg/kg every 3 weeks.", "{}", api_name="/check"
        )
    )
    assert review["verdict"] == "block"
    assert "doses.other-indication" in {f["rule_id"] for f in review["findings"]}


def test_sources_lists_the_indexed_corpus(client: Client) -> None:
    listing = json.loads(client.predict(api_name="/sources"))
    assert len(listing["sources"]) >= 40 and listing["version"]


def test_audit_log_redacts_identifiers(client: Client, served: Served) -> None:
    client.predict("Mrs Jane Smith, MRN 12345678: T-DXd dose?", "[]", "{}", "", api_name="/answer")
    lines = (served.data / "audit.jsonl").read_text().splitlines()
    entry = json.loads(lines[-1])
    assert "Smith" not in entry["question"] and "12345678" not in entry["question"]
    assert entry["verdict"] in ("pass", "warn", "block") and entry["retrieved"]
