"""Slow model answers cannot starve extractive ones: a started app whose model server trickles
keep-alive lines still answers extractive questions, and ends the model answers at their
deadline."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client

from tests.conftest import FIXTURES, free_port, listening
from tests.stalling_model import StallingModel

pytestmark = pytest.mark.integration

QUESTION = "What is the dose of zorbatinib?"
DEADLINE_S = 45  # long enough that the model answers are still held while the test asks


@pytest.fixture(scope="module")
def model() -> Iterator[StallingModel]:
    with StallingModel("trickle") as server:
        yield server


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, model: StallingModel) -> Iterator[str]:
    """`cairn serve` over the small corpus: 2 extractive workers, 2 model slots, the model
    being the trickling server."""
    root = tmp_path_factory.mktemp("model-workers")
    corpus, data = root / "corpus", root / "var"
    shutil.copytree(FIXTURES / "mini", corpus)
    env = {
        **os.environ,
        "CAIRN_CORPUS_DIR": str(corpus),
        "CAIRN_DATA_DIR": str(data),
        "CAIRN_GENERATOR": "openai",
        "CAIRN_OPENAI_BASE_URL": model.url,
        "CAIRN_OPENAI_API_KEY_ENV": "CAIRN_TEST_NO_SUCH_KEY",
        "CAIRN_LLM_TIMEOUT_S": str(DEADLINE_S),
        "CAIRN_CONCURRENCY": "2",
        "CAIRN_LLM_CONCURRENCY": "2",
        "CAIRN_AUDIT_ENABLED": "false",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    cairn = str(Path(sys.executable).parent / "cairn")
    subprocess.run([cairn, "ingest"], env=env, check=True, capture_output=True)
    port = free_port()
    with (
        (root / "serve.log").open("w") as log,
        listening(
            [cairn, "serve", "--port", str(port)], port, 120, env=env, stdout=log, stderr=log
        ),
    ):
        yield f"http://127.0.0.1:{port}"


def test_extractive_answers_go_on_while_model_answers_trickle(
    app: str, model: StallingModel
) -> None:
    client = Client(app, verbose=False)
    asked = [client.submit(QUESTION, "[]", "{}", "openai", api_name="/answer") for _ in range(4)]
    until = time.monotonic() + 120
    while model.requests < 2 and time.monotonic() < until:
        time.sleep(0.2)
    assert model.requests == 2, "the two model slots were never taken"

    extractive = client.submit(QUESTION, "[]", "{}", "extractive", api_name="/answer")
    answer = json.loads(extractive.result(timeout=DEADLINE_S))
    assert answer["generator"] == "extractive" and "150 mg" in answer["text"]

    held = [job for job in asked if not job.done()]
    assert len(held) == 2, "the model answers beyond the two slots did not fall back at once"
    for job in asked:
        done = json.loads(job.result(timeout=DEADLINE_S + 60))
        assert done["generator"] == "extractive (fallback from openai)"
        reason = " ".join(done["notices"])
        if job in held:
            assert f"no complete answer within {DEADLINE_S} s" in reason
        else:
            assert "busy" in reason
    assert model.requests == 2
