"""The Evals tab's run event of the running app, called as a script would call it."""

from __future__ import annotations

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from tests.ui.conftest import EDITOR, Served

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


def test_an_evaluation_that_cannot_run_is_one_line_in_the_browser_and_the_log(
    served_mini: Served,
) -> None:
    client = Client(served_mini.url, verbose=False)
    client.predict(*EDITOR, api_name="/sign_in")
    with pytest.raises(AppError) as caught:  # the suites cite sources the fictional corpus lacks
        client.predict(["golden"], api_name="/run")
    message = str(caught.value)
    assert message.startswith("The evaluation could not run: ") and "\n" not in message
    log = served_mini.log.read_text()
    assert "Traceback" not in log and f"cairn: evals: {message}" in log.splitlines()
