"""The Evals tab's run event of the running app, called as a script would call it."""

from __future__ import annotations

import pytest
from gradio_client import Client

from tests.ui.conftest import Served

pytestmark = pytest.mark.integration


def test_an_evaluation_run_without_sign_in_is_refused_and_keeps_the_last_report(
    served: Served,
) -> None:
    last = served.data / "reports" / "last.json"
    last.parent.mkdir(parents=True, exist_ok=True)
    last.write_text('{"kept": true}')
    before = last.stat().st_mtime_ns
    client = Client(served.url, verbose=False)
    summary = client.predict(["golden", "adversarial"], api_name="/run")[0]
    assert summary == "Sign in as an editor (Sources tab) to run the evaluation."
    assert last.read_text() == '{"kept": true}' and last.stat().st_mtime_ns == before
