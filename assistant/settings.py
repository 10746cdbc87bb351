"""One typed settings object, nested by concern.

Every field reads an environment variable `CAIRN_<FIELD>` (e.g. `CAIRN_CHROMA_URL`,
`CAIRN_GENERATOR`, `CAIRN_LLM_MODEL_PATH`) and, below that, the matching table of an optional
`cairn.toml` (or the file named by `CAIRN_CONFIG`):

    [retrieval]
    top_k = 8

Secrets are never fields: settings hold the *name* of the environment variable that has them.

    settings = Settings.load()
    settings.index.index_dir  # Path('var/index')
"""

from __future__ import annotations

import os
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from guardrails.errors import CairnError


def config_file() -> Path:
    return Path(os.environ.get("CAIRN_CONFIG", "cairn.toml"))


class _Group(BaseSettings):
    """A settings group: env `CAIRN_<FIELD>` over the `[section]` table of cairn.toml."""

    model_config = SettingsConfigDict(env_prefix="CAIRN_", extra="forbid", frozen=True)
    section: ClassVar[str] = ""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        table = _toml_table(cls.section)
        return init_settings, env_settings, InitSettingsSource(settings_cls, init_kwargs=table)


def _toml_table(section: str) -> dict[str, Any]:
    path = config_file()
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    known = sorted(group.section for group in _Group.__subclasses__())
    unknown = [name for name in data if name not in known]
    if unknown:
        raise ValueError(
            f"{path}: unknown table [{unknown[0]}]; the tables are "
            + ", ".join(f"[{name}]" for name in known)
        )
    table = data.get(section, {})
    return table if isinstance(table, dict) else {}


class CorpusSettings(_Group):
    section = "corpus"
    corpus_dir: Path = Field(Path("corpus"), description="Folder with sources/ and rules/")

    @property
    def sources_dir(self) -> Path:
        return self.corpus_dir / "sources"

    @property
    def rules_dir(self) -> Path:
        return self.corpus_dir / "rules"


class IndexSettings(_Group):
    section = "index"
    data_dir: Path = Field(Path("var"), description="Where the index, audit log and reports live")
    chroma_url: str | None = Field(
        None, description="A Chroma server (http://host:port); unset: the embedded index"
    )
    collection: str = Field("cairn-chunks", min_length=3, description="Chroma collection name")
    chunk_max_chars: int = Field(1100, ge=200, le=8000, description="Largest chunk, characters")
    chunk_overlap_chars: int = Field(200, ge=0, le=2000, description="Overlap between chunks")
    max_source_mb: float = Field(5.0, gt=0, le=500, description="Largest source file, megabytes")
    max_source_chunks: int = Field(
        2000, ge=1, le=100_000, description="Most chunks one source may make"
    )

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


class RetrievalSettings(_Group):
    section = "retrieval"
    top_k: int = Field(8, ge=1, le=50, description="Passages handed to the generator")
    candidates: int = Field(80, ge=5, le=500, description="Candidates per retriever before fusion")
    rrf_k: int = Field(60, ge=1, le=1000, description="Reciprocal rank fusion constant")
    kind_promotion: int = Field(
        5, ge=0, le=100, description="Ranks gained by sources of the kind a question calls for"
    )
    max_per_source: int = Field(
        3, ge=1, le=50, description="Passages of one source in the top k while others remain"
    )
    superseded_demotion: int = Field(
        15, ge=0, le=1000, description="Ranks a superseded passage drops in each fused list"
    )
    min_similarity: float = Field(
        0.40, ge=0.0, le=1.0, description="Below this dense similarity a question is off-corpus"
    )
    uncovered_topic_share: float = Field(
        0.45,
        ge=0.0,
        le=1.0,
        description="From this share of a question's topic weight in words no source uses, "
        "the answer opens by saying the sources do not cover them (assistant/understand/topic.py)",
    )


class GeneratorName(StrEnum):
    EXTRACTIVE = "extractive"
    OPENAI = "openai"
    LLAMACPP = "llamacpp"


class GeneratorSettings(_Group):
    section = "generator"
    generator: GeneratorName = Field(GeneratorName.EXTRACTIVE, description="Who writes answers")
    llm_model_path: Path | None = Field(None, description="A GGUF file for the llamacpp generator")
    llm_threads: int = Field(2, ge=1, le=64, description="CPU threads for the local model")
    llm_context: int = Field(4096, ge=512, le=32768, description="Context window, tokens")
    llm_max_tokens: int = Field(200, ge=16, le=4096, description="Longest answer, tokens")
    llm_timeout_s: float = Field(
        120.0, gt=0, description="Give up on a model answer not complete after this long, in all"
    )
    llm_concurrency: int = Field(
        2, ge=1, le=64, description="Model answers at once; one more gets the extractive answer"
    )
    llm_passages: int = Field(3, ge=1, le=12, description="Passages in the LLM prompt")
    openai_base_url: str = Field(
        "http://127.0.0.1:8080/v1", description="OpenAI-compatible endpoint (vLLM, llama.cpp...)"
    )
    openai_model: str = Field("local-model", description="Model name sent to the endpoint")
    openai_api_key_env: str = Field(
        "OPENAI_API_KEY", description="Name of the environment variable holding the API key"
    )


class UISettings(_Group):
    section = "ui"
    host: str = Field("127.0.0.1", description="Interface to bind; 0.0.0.0 exposes the app")
    port: int = Field(7860, ge=1, le=65535, description="Port of the web app")
    concurrency: int = Field(4, ge=1, le=64, description="Answers computed at once")
    max_upload_mb: float = Field(10.0, gt=0, le=200, description="Largest upload, megabytes")
    editor_user_env: str = Field(
        "CAIRN_EDITOR_USER", description="Name of the env variable with the editor's user name"
    )
    editor_password_env: str = Field(
        "CAIRN_EDITOR_PASSWORD", description="Name of the env variable with the editor's password"
    )
    signin_backoff_s: float = Field(
        1.0, ge=0, le=60, description="Lock-out after a failed sign-in; doubles per failure"
    )
    signin_backoff_max_s: float = Field(
        300.0, ge=0, le=86400, description="Longest lock-out after failed sign-ins, seconds"
    )
    upload_keep_s: int = Field(
        600, ge=5, le=86400, description="Uploads not yet processed are deleted after this long"
    )


class AuditSettings(_Group):
    section = "audit"
    audit_enabled: bool = Field(True, description="Write every answer to the audit log")
    audit_file: str = Field("audit.jsonl", description="Audit log file name under data_dir")


class Settings(BaseModel):
    """All settings; each group reads its own environment variables."""

    model_config = {"frozen": True}

    corpus: CorpusSettings = Field(default_factory=CorpusSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    generator: GeneratorSettings = Field(default_factory=GeneratorSettings)
    ui: UISettings = Field(default_factory=UISettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)

    @classmethod
    def load(cls) -> Settings:
        return cls()

    @property
    def audit_path(self) -> Path:
        return self.index.data_dir / self.audit.audit_file


def load_settings() -> Settings:
    """The settings, or a CairnError naming the bad value and where to fix it."""
    try:
        return Settings.load()
    except ValidationError as exc:
        named = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']} (got {e['input']!r})" for e in exc.errors()
        )
        raise CairnError(
            f"The settings are invalid: {named}.",
            "Correct the CAIRN_ environment variables or cairn.toml.",
        ) from exc
    except ValueError as exc:  # an unknown cairn.toml table
        raise CairnError(f"The settings are invalid: {exc}.", "Correct cairn.toml.") from exc
