from pathlib import Path

import numpy as np

from guardrails.lexicon import Lexicon
from ingest.lexical import LexicalIndex, Tokenizer

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini" / "rules" / "lexicon.yaml"


def tokenizer() -> Tokenizer:
    return Tokenizer(Lexicon.load(MINI))


def test_names_become_one_concept_token_and_regimens_add_their_parts() -> None:
    tokens = tokenizer()("Zorbix and ZV for lung nodules")
    assert tokens == ["c:zorbatinib", "c:zv", "c:zorbatinib", "c:velmab", "c:lung-nodules"]


def test_brand_name_query_finds_the_generic_passage(tmp_path: Path) -> None:
    tok = tokenizer()
    docs = ["zorbatinib 150 mg twice daily", "velmab 6 mg/kg every 3 weeks", "unrelated text"]
    index = LexicalIndex.build([tok(d) for d in docs])
    assert index.search(tok("ZRB-9 dose"), k=2)[0][0] == 0
    index.save(tmp_path / "bm25")
    reloaded = LexicalIndex.load(tmp_path / "bm25", size=3)
    assert reloaded.search(tok("Velmax"), k=1)[0][0] == 1


def test_mask_filters_rows_and_unknown_terms_find_nothing() -> None:
    tok = tokenizer()
    index = LexicalIndex.build([tok("zorbatinib rash"), tok("zorbatinib dose")])
    assert [row for row, _ in index.search(tok("zorbatinib"), 2, np.array([0, 1], np.float32))] == [
        1
    ]
    assert index.search(["nothing-like-this"], 2) == []


def test_an_absent_name_is_its_own_token_whatever_the_synonym() -> None:
    tok = tokenizer()
    assert tok("a Zorbix-free regimen") == ["c:zorbatinib:absent", "regimen"]
    assert tok("zorbatinib-free") == tok("ZRB-9-free")
    assert "c:zorbatinib" not in tok("a zorbatinib-free regimen")


def test_a_member_of_a_term_yields_the_class_token_so_it_finds_the_class_passage() -> None:
    lexicon = Lexicon.from_data(
        {
            "drugs": [{"id": "zorbatinib", "generic": "zorbatinib"}],
            "terms": [
                {"id": "blue-inhibitors", "generic": "blue inhibitors", "members": ["quellazole"]},
                {"id": "quellazole", "generic": "quellazole", "names": ["Quell"]},
            ],
        }
    )
    tok = Tokenizer(lexicon)
    assert tok("Quell") == ["c:quellazole", "c:blue-inhibitors"]
    docs = ["avoid blue inhibitors with zorbatinib", "zorbatinib with food"]
    index = LexicalIndex.build([tok(d) for d in docs])
    assert index.search(tok("zorbatinib and quellazole"), k=1)[0][0] == 0
