"""Language-model generators: an OpenAI-compatible endpoint (through LangChain's chat model) or a
local GGUF model in-process (llama-cpp-python, through a thin adapter).

    backend = openai_backend("http://127.0.0.1:8080/v1", "local-model", "OPENAI_API_KEY", 120, 200)
    generator = LlmGenerator("openai", backend, corpus_name, lexicon, slots=ModelSlots(2))
    text = "".join(generator.stream(request))

Both sit behind `ChatBackend`, one method that streams text, and both give up on an answer
after a total time limit. Failures (server down, time limit, model missing, model busy) raise
`GeneratorFailed` with a plain sentence; the pipeline then falls back to the extractive answer.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from assistant.compose import prompts
from assistant.compose.base import GenerationRequest, GeneratorFailed, cite, urgent_section
from assistant.compose.deadline import Deadline
from assistant.understand.conversation import describe
from assistant.understand.intent import Intent
from guardrails.lexicon import Lexicon

Messages = list[tuple[str, str]]  # (role, content)


class ChatBackend(Protocol):
    def stream(self, messages: Messages) -> Iterator[str]:
        """Yield the reply in pieces; raise GeneratorFailed when the model cannot answer, or
        has not finished within the backend's total time limit."""


class LangChainBackend:
    """Any LangChain chat model: ChatOpenAI for an OpenAI-compatible server, or a fake."""

    def __init__(self, model: Any, describe_target: str = "the model") -> None:
        self.model = model
        self.target = describe_target

    def stream(self, messages: Messages) -> Iterator[str]:
        try:
            for chunk in self.model.stream(messages):
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    yield text
        except GeneratorFailed:
            raise
        except Exception as exc:  # transport, timeout and API errors of many libraries
            raise GeneratorFailed(
                f"{self.target} did not answer ({type(exc).__name__}: {exc})"
            ) from exc


class OpenAiBackend:
    """An OpenAI-compatible endpoint through LangChain's ChatOpenAI, with a total deadline for
    each answer (connecting and every streamed chunk, keep-alive lines included). The key is
    read from the environment variable named `key_env` at call time, never stored or logged."""

    def __init__(
        self, base_url: str, model: str, key_env: str, timeout_s: float, max_tokens: int
    ) -> None:
        self.base_url = base_url
        self.model = model
        self.key_env = key_env
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens
        self.target = f"the model server at {base_url}"
        self._tls: Any = None  # made once: building it reads the CA bundle (50 ms)

    def stream(self, messages: Messages) -> Iterator[str]:
        import httpx

        self._tls = self._tls or httpx.create_ssl_context()
        # one client per answer: its connection is this answer's alone, shut at the deadline
        deadline = Deadline(self.timeout_s)
        client = httpx.Client(
            verify=self._tls, timeout=self.timeout_s, event_hooks={"request": [deadline.watch]}
        )
        chat = LangChainBackend(self._chat(client), self.target)
        with client, deadline:
            late = f"{self.target} gave no complete answer within {self.timeout_s:g} s"
            try:
                for text in chat.stream(messages):
                    if deadline.expired:
                        break
                    yield text
            except GeneratorFailed as failure:  # a read ended by the deadline, or another error
                if deadline.expired:
                    raise GeneratorFailed(late) from failure
                raise
            if deadline.expired:
                raise GeneratorFailed(late)

    def _chat(self, client: Any) -> Any:
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        return ChatOpenAI(
            base_url=self.base_url,
            model=self.model,
            api_key=SecretStr(os.environ.get(self.key_env) or "not-needed"),
            http_client=client,
            timeout=self.timeout_s,
            max_retries=0,
            max_tokens=self.max_tokens,
            temperature=0.0,
            streaming=True,
        )


class LlamaCppBackend:
    """A local GGUF model through llama-cpp-python, loaded on first use."""

    def __init__(
        self,
        model_path: Path,
        threads: int,
        context: int,
        max_tokens: int,
        timeout_s: float = math.inf,
    ) -> None:
        self.model_path = model_path
        self.threads = threads
        self.context = context
        self.max_tokens = max_tokens
        self.timeout_s = timeout_s
        self._llama: Any = None
        self._turn = threading.Lock()

    def _load(self) -> Any:
        if self._llama is None:
            if not self.model_path.is_file():
                raise GeneratorFailed(
                    f"the local model file {self.model_path} does not exist (run `make setup-llm` "
                    "or set CAIRN_LLM_MODEL_PATH)"
                )
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise GeneratorFailed(
                    "llama-cpp-python is not installed (run `make setup-llm`)"
                ) from exc
            self._llama = Llama(
                model_path=str(self.model_path),
                n_ctx=self.context,
                n_threads=self.threads,
                verbose=False,
            )
        return self._llama

    def stream(self, messages: Messages) -> Iterator[str]:
        started = time.monotonic()
        # One Llama object is not thread-safe: answers take turns, each within its deadline.
        if not self._turn.acquire(timeout=-1 if math.isinf(self.timeout_s) else self.timeout_s):
            raise GeneratorFailed(
                f"the local model was busy with other answers for {self.timeout_s:g} s"
            )
        try:
            yield from self._stream(self._load(), messages, started)
        finally:
            self._turn.release()

    def _stream(self, llama: Any, messages: Messages, started: float) -> Iterator[str]:
        try:
            for part in llama.create_chat_completion(
                messages=[{"role": r, "content": c} for r, c in messages],
                max_tokens=self.max_tokens,
                temperature=0.0,
                stream=True,
            ):
                if time.monotonic() - started > self.timeout_s:
                    raise TimeoutError(f"no complete answer within {self.timeout_s:g} s")
                text = part["choices"][0]["delta"].get("content")
                if text:
                    yield text
        except Exception as exc:
            raise GeneratorFailed(f"the local model failed ({type(exc).__name__}: {exc})") from exc


class ModelSlots:
    """At most `size` model answers at once, shared by the model generators. One more falls
    back at once instead of waiting, so slow model answers never hold the web app's workers
    that extractive answers need."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = threading.BoundedSemaphore(size)

    @contextlib.contextmanager
    def take(self) -> Iterator[None]:
        if not self._free.acquire(blocking=False):
            raise GeneratorFailed(
                f"the language model is busy with other answers (at most {self.size} at once)"
            )
        try:
            yield
        finally:
            self._free.release()


class LlmGenerator:
    """Prompt, stream, and post-process a language model's answer."""

    def __init__(
        self,
        name: str,
        backend: ChatBackend,
        corpus_name: str,
        lexicon: Lexicon,
        passages: int = 3,
        slots: ModelSlots | None = None,
    ) -> None:
        self.name = name
        self.backend = backend
        self.corpus_name = corpus_name
        self.lexicon = lexicon
        self.passages = passages
        self.slots = slots  # None: no limit
        self.last_prompt_chars = 0
        self.last_messages: Messages = []

    def messages(self, request: GenerationRequest) -> Messages:
        lead_numbers = {n for line in (*request.notices, *request.lead) for n in line.numbers}
        retrieved = [e for e in request.evidence if e.n is not None]
        if request.intent is Intent.DOSE:
            # a dose question's best passages are its dose facets: the passages of the drug's
            # dose sources that state its doses (retrieval ranks a monograph's small passages
            # on every word of the question)
            by_number = {e.n: e for e in [*request.evidence, *request.extra] if e.n is not None}
            facets = [by_number[n] for f in request.facets for n in f.numbers if n in by_number]
            retrieved = list({e.n: e for e in [*facets, *retrieved]}.values())
        chosen = retrieved[: self.passages]
        chosen += [e for e in request.extra if e.n in lead_numbers and e not in chosen]
        passages = "\n\n".join(
            prompts.PASSAGE.format(n=e.n, text=_trim(e.chunk.text, prompts.PASSAGE_CHARS))
            for e in chosen
        )
        facts = describe(request.context, self.lexicon)
        patient = prompts.PATIENT.format(facts="; ".join(facts)) if facts else ""
        own = [*request.notices, *request.lead]  # Cairn's statements, contraindications too
        pathway = ""
        if own:
            lines = "\n".join(f"- {cite(line.text, line.numbers[:1])}" for line in own)
            pathway = prompts.PATHWAY.format(lines=lines)
        user = prompts.USER.format(
            passages=passages, patient=patient, pathway=pathway, question=request.question
        )
        self.last_prompt_chars = len(prompts.SYSTEM) + len(prompts.EXAMPLE_USER) + len(user)
        self.last_messages = [
            ("system", prompts.SYSTEM),
            ("user", prompts.EXAMPLE_USER),
            ("assistant", prompts.EXAMPLE_ANSWER),
            ("user", user),
        ]
        return self.last_messages

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        """Cairn's urgent notices first (never left to the model), then the model's answer."""
        with self.slots.take() if self.slots else contextlib.nullcontext():
            urgent = urgent_section(request.notices)
            if urgent:
                yield urgent + "\n\n"
            yield from self.backend.stream(self.messages(request))


def not_covered(text: str) -> bool:
    """Whether the model said the sources do not cover the question (in its first sentence)."""
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return bool(re.search(prompts.NOT_COVERED, first, re.IGNORECASE))


def _trim(text: str, limit: int) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + " ..."


def openai_backend(
    base_url: str, model: str, key_env: str, timeout: float, max_tokens: int
) -> OpenAiBackend:
    """ChatOpenAI against any OpenAI-compatible endpoint, `timeout` seconds for a whole answer."""
    return OpenAiBackend(base_url, model, key_env, timeout, max_tokens)
