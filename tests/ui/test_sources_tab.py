"""Editor sign-in and uploads of the running app, through gradio_client as a script would call
them: failed sign-ins back off, and the server keeps no copy of an upload."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from gradio_client import Client, handle_file

from tests.ui.conftest import EDITOR, Served

pytestmark = pytest.mark.integration
# the served app's back-off (tests/ui/conftest.py): 0.2 s, doubling, at most 1.6 s
LOCKOUTS = [0.2, 0.4, 0.8, 1.6, 1.6]


def sign_in(client: Client, password: str) -> str:
    """Sign in as soon as the back-off allows; returns the message of the checked attempt."""
    while True:
        message = str(client.predict(EDITOR[0], password, api_name="/sign_in"))
        if not message.startswith("Too many failed sign-ins"):
            return message
        time.sleep(seconds(message))


def seconds(message: str) -> float:
    found = re.search(r"try again in ([\d.]+) s", message, re.I)
    assert found, message
    return float(found.group(1))


def add(client: Client, path: Path) -> str:
    meta = ("", "", "review", "", None, "current", "2026-11-20")
    return str(client.predict(handle_file(str(path)), *meta, api_name="/add")[0])


def held(served: Served, name: str) -> list[Path]:
    """The server's copies of an uploaded file called `name` (GRADIO_TEMP_DIR)."""
    return list((served.data / "gradio").rglob(name))


def test_each_wrong_password_locks_the_client_out_for_longer(served: Served) -> None:
    client = Client(served.url, verbose=False)
    started = time.monotonic()
    lockouts = [seconds(sign_in(client, "wrong")) for _ in LOCKOUTS]
    assert lockouts == LOCKOUTS
    # inside the lock-out even the right password is not checked
    refused = str(client.predict(*EDITOR, api_name="/sign_in"))
    assert refused.startswith("Too many failed sign-ins")
    assert sign_in(client, EDITOR[1]) == f"Signed in as **{EDITOR[0]}**."
    assert time.monotonic() - started >= sum(LOCKOUTS)
    # a success clears the record: the next failure starts again at the first lock-out
    assert seconds(sign_in(client, "wrong")) == LOCKOUTS[0]
    assert sign_in(client, EDITOR[1]).startswith("Signed in")


def test_an_upload_is_deleted_once_processed_signed_in_or_not(
    served: Served, tmp_path: Path
) -> None:
    client = Client(served.url, verbose=False)
    upload = tmp_path / "upload-probe-note.md"
    upload.write_text("No front matter here.\n")
    assert add(client, upload) == "Sign in as an editor first."
    assert held(served, upload.name) == []
    sign_in(client, EDITOR[1])
    assert "The source was not added" in add(client, upload)
    assert held(served, upload.name) == []
    assert not (served.corpus / "sources" / upload.name).exists()


def test_an_upload_no_event_uses_is_deleted_after_the_keep_time(
    served: Served, tmp_path: Path
) -> None:
    upload = tmp_path / "anonymous-upload.txt"
    upload.write_text("kept by nobody\n")
    with upload.open("rb") as file:
        response = httpx.post(f"{served.url}/gradio_api/upload", files={"files": file})
    response.raise_for_status()
    assert held(served, upload.name)
    deadline = time.monotonic() + 60  # CAIRN_UPLOAD_KEEP_S=15, checked every 3 s
    while held(served, upload.name) and time.monotonic() < deadline:
        time.sleep(1)
    assert held(served, upload.name) == []
