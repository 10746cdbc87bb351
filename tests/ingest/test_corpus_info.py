"""The corpus description: name, coverage, scope, example questions; clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardrails.errors import CairnError
from ingest.corpus_info import CorpusInfo
from tests.conftest import REAL_CORPUS

INFO = CorpusInfo.load(REAL_CORPUS / "corpus.yaml")


def test_the_real_corpus_description_loads_with_its_scope() -> None:
    assert INFO.name == "HER2-positive metastatic breast cancer"
    assert len(INFO.covers) == 7
    assert INFO.context == {"setting": "metastatic", "her2": "positive"}
    assert INFO.conditions == ("breast",)
    assert [e.reason for e in INFO.excluded] == [
        "drug prices and reimbursement",
        "the duration of (neo)adjuvant treatment of early breast cancer",
    ]


def test_a_missing_description_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "widgets" / "corpus.yaml"
    with pytest.raises(CairnError) as caught:
        CorpusInfo.load(path)
    assert str(caught.value).startswith(f"{path} not found")
    assert "docs/corpus-format.md" in caught.value.fix


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("description: no name here\ncovers: [x]\n", "'name'"),
        ("name: [unclosed\n", "corpus.yaml"),
        (
            "name: x\nscope:\n  excluded:\n    - pattern: '(unclosed'\n      reason: r\n",
            "missing )",
        ),
        ("name: x\nscope:\n  excluded:\n    - pattern: 'p'\n", "'scope.excluded[0].reason'"),
    ],
)
def test_an_invalid_description_names_the_file_and_the_fix(
    tmp_path: Path, text: str, detail: str
) -> None:
    path = tmp_path / "corpus.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CairnError) as caught:
        CorpusInfo.load(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert detail in message
    assert "docs/corpus-format.md" in caught.value.fix


def test_the_real_corpus_offers_example_questions() -> None:
    assert 3 <= len(INFO.examples) <= 8
    assert all(q.strip().endswith("?") for q in INFO.examples)


def test_a_misspelt_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corpus.yaml"
    path.write_text("name: x\nexample: ['q?']\n", encoding="utf-8")
    with pytest.raises(CairnError) as caught:
        CorpusInfo.load(path)
    assert "unknown field 'example'" in str(caught.value)


def test_the_corpus_declares_the_language_it_is_written_in(tmp_path: Path) -> None:
    assert (INFO.language, INFO.language_name) == ("en", "English")
    path = tmp_path / "corpus.yaml"
    path.write_text("name: x\n", encoding="utf-8")
    assert CorpusInfo.load(path).language == "en"  # the default: the encoder reads English


def test_a_language_the_encoder_does_not_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corpus.yaml"
    path.write_text("name: x\nlanguage: fr\n", encoding="utf-8")
    with pytest.raises(CairnError) as caught:
        CorpusInfo.load(path)
    assert "language 'fr' is not one Cairn's embedding model reads; it reads en (English)" in str(
        caught.value
    )
