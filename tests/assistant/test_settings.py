"""Settings: CAIRN_* environment variables over the tables of cairn.toml, validated."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import GeneratorName, Settings, config_file


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No CAIRN_* variable of the caller, no cairn.toml of the working directory."""
    for name in list(os.environ):
        if name.startswith("CAIRN_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def write_config(monkeypatch: pytest.MonkeyPatch, path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("CAIRN_CONFIG", str(path))
    return path


def test_defaults() -> None:
    settings = Settings.load()
    assert settings.corpus.corpus_dir == Path("corpus")
    assert settings.corpus.sources_dir == Path("corpus/sources")
    assert settings.corpus.rules_dir == Path("corpus/rules")
    assert settings.index.data_dir == Path("var")
    assert settings.index.index_dir == Path("var/index")
    assert (settings.index.chroma_url, settings.index.collection) == (None, "cairn-chunks")
    assert (settings.index.chunk_max_chars, settings.index.chunk_overlap_chars) == (1100, 200)
    r = settings.retrieval
    assert (r.top_k, r.candidates, r.rrf_k, r.superseded_demotion) == (8, 80, 60, 15)
    assert r.min_similarity == 0.40
    assert settings.generator.generator is GeneratorName.EXTRACTIVE
    assert settings.generator.openai_api_key_env == "OPENAI_API_KEY"
    assert (settings.ui.host, settings.ui.port, settings.ui.max_upload_mb) == (
        "127.0.0.1", 7860, 10.0,
    )  # fmt: skip
    assert settings.audit.audit_enabled is True
    assert settings.audit_path == Path("var/audit.jsonl")


def test_the_config_file_is_cairn_toml_unless_cairn_config_names_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert config_file() == Path("cairn.toml")
    monkeypatch.setenv("CAIRN_CONFIG", "/etc/cairn/other.toml")
    assert config_file() == Path("/etc/cairn/other.toml")


@pytest.mark.parametrize(
    ("variable", "value", "group", "field", "expected"),
    [
        ("CAIRN_CORPUS_DIR", "/data/corpus", "corpus", "corpus_dir", Path("/data/corpus")),
        ("CAIRN_DATA_DIR", "/data/var", "index", "data_dir", Path("/data/var")),
        ("CAIRN_CHROMA_URL", "http://db:8000", "index", "chroma_url", "http://db:8000"),
        ("CAIRN_COLLECTION", "other-chunks", "index", "collection", "other-chunks"),
        ("CAIRN_TOP_K", "5", "retrieval", "top_k", 5),
        ("CAIRN_MIN_SIMILARITY", "0.55", "retrieval", "min_similarity", 0.55),
        ("CAIRN_GENERATOR", "openai", "generator", "generator", GeneratorName.OPENAI),
        ("CAIRN_LLM_MODEL_PATH", "/m/q.gguf", "generator", "llm_model_path", Path("/m/q.gguf")),
        ("CAIRN_PORT", "8080", "ui", "port", 8080),
        ("CAIRN_AUDIT_ENABLED", "false", "audit", "audit_enabled", False),
        ("CAIRN_AUDIT_FILE", "answers.jsonl", "audit", "audit_file", "answers.jsonl"),
    ],
)
def test_each_group_reads_its_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    group: str,
    field: str,
    expected: object,
) -> None:
    monkeypatch.setenv(variable, value)
    assert getattr(getattr(Settings.load(), group), field) == expected


def test_audit_path_joins_the_data_dir_and_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAIRN_DATA_DIR", "/srv/cairn")
    monkeypatch.setenv("CAIRN_AUDIT_FILE", "log.jsonl")
    assert Settings.load().audit_path == Path("/srv/cairn/log.jsonl")


def test_toml_tables_set_their_groups(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_config(
        monkeypatch,
        tmp_path / "elsewhere.toml",
        '[retrieval]\ntop_k = 12\n\n[index]\nchroma_url = "http://127.0.0.1:8000"\n\n'
        '[generator]\ngenerator = "llamacpp"\nllm_threads = 4\n\n[audit]\naudit_enabled = false\n',
    )
    settings = Settings.load()
    assert settings.retrieval.top_k == 12
    assert settings.retrieval.candidates == 80  # untouched fields keep their defaults
    assert settings.index.chroma_url == "http://127.0.0.1:8000"
    assert settings.generator.generator is GeneratorName.LLAMACPP
    assert settings.generator.llm_threads == 4
    assert settings.audit.audit_enabled is False


def test_cairn_toml_in_the_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / "cairn.toml").write_text("[ui]\nport = 9000\n", encoding="utf-8")
    assert Settings.load().ui.port == 9000


def test_a_key_of_another_table_does_not_leak_into_a_group(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_config(monkeypatch, tmp_path / "c.toml", "[ui]\nport = 9000\n")
    settings = Settings.load()
    assert settings.ui.port == 9000 and settings.retrieval.top_k == 8


def test_environment_variables_win_over_the_toml_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_config(monkeypatch, tmp_path / "c.toml", "[retrieval]\ntop_k = 12\n")
    monkeypatch.setenv("CAIRN_TOP_K", "5")
    assert Settings.load().retrieval.top_k == 5


def test_an_unknown_key_in_a_toml_table_is_rejected(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_config(monkeypatch, tmp_path / "c.toml", "[retrieval]\ntop_k = 8\ntopk = 12\n")
    with pytest.raises(ValidationError) as caught:
        Settings.load()
    assert "topk" in str(caught.value) and "extra_forbidden" in str(caught.value)


def test_an_unknown_toml_table_is_rejected(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_config(monkeypatch, tmp_path / "c.toml", "[retreival]\ntop_k = 3\n")
    with pytest.raises(ValueError, match="retreival"):
        Settings.load()


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        ("CAIRN_TOP_K", "0", "top_k"),
        ("CAIRN_TOP_K", "51", "top_k"),
        ("CAIRN_MIN_SIMILARITY", "1.5", "min_similarity"),
        ("CAIRN_CHUNK_MAX_CHARS", "100", "chunk_max_chars"),
        ("CAIRN_PORT", "70000", "port"),
        ("CAIRN_COLLECTION", "ab", "collection"),
        ("CAIRN_LLM_TIMEOUT_S", "0", "llm_timeout_s"),
        ("CAIRN_GENERATOR", "gpt", "generator"),
        ("CAIRN_TOP_K", "many", "top_k"),
    ],
)
def test_values_out_of_bounds_are_rejected(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as caught:
        Settings.load()
    assert [e["loc"] for e in caught.value.errors()] == [(field,)]


def test_a_bound_in_the_toml_file_is_rejected_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_config(monkeypatch, tmp_path / "c.toml", "[retrieval]\ntop_k = 0\n")
    with pytest.raises(ValidationError, match="top_k"):
        Settings.load()


def test_settings_are_frozen() -> None:
    settings = Settings.load()
    with pytest.raises(ValidationError):
        settings.retrieval.top_k = 3  # type: ignore[misc]
