from pathlib import Path

import pytest

from guardrails.errors import RulesError
from guardrails.lexicon import ConceptKind, Lexicon

REAL = Path(__file__).resolve().parents[2] / "corpus" / "rules" / "lexicon.yaml"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(REAL)


def ids(lexicon: Lexicon, text: str) -> list[str]:
    return [m.concept_id for m in lexicon.find(text)]


def test_every_name_of_tdxd_is_one_concept(lexicon: Lexicon) -> None:
    text = "T-DXd, trastuzumab deruxtecan, fam-trastuzumab deruxtecan-nxki, Enhertu, DS-8201, TDXd"
    assert set(ids(lexicon, text)) == {"trastuzumab-deruxtecan"}
    assert len(ids(lexicon, text)) == 6


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("deruxtecan reduction levels", "trastuzumab-deruxtecan"),
        ("emtansine", "trastuzumab-emtansine"),
    ],
)
def test_an_antibody_drug_conjugate_named_by_its_payload_alone(
    lexicon: Lexicon, text: str, concept: str
) -> None:
    """Clinicians and models shorten the conjugates to their payload: its doses are that drug's."""
    assert [m.concept_id for m in lexicon.find(text)] == [concept]


def test_longest_name_wins_over_its_prefix(lexicon: Lexicon) -> None:
    assert ids(lexicon, "ado-trastuzumab emtansine then trastuzumab") == [
        "trastuzumab-emtansine",
        "trastuzumab",
    ]
    assert ids(lexicon, "nab-paclitaxel, not paclitaxel") == ["nab-paclitaxel", "paclitaxel"]


def test_short_capital_abbreviations_are_case_sensitive(lexicon: Lexicon) -> None:
    assert ids(lexicon, "OS was longer") == ["os"]
    assert ids(lexicon, "the os of the patient") == []
    assert ids(lexicon, "thp or THP") == ["thp", "thp"]


def test_regimens_and_groups_resolve_to_drugs(lexicon: Lexicon) -> None:
    assert lexicon.drugs_of("thp") == {
        "trastuzumab", "pertuzumab", "docetaxel", "paclitaxel", "nab-paclitaxel",
    }  # fmt: skip
    assert next(c for c in lexicon.concepts.values() if c.id == "thp").kind is ConceptKind.REGIMEN


def test_rejects_a_name_that_maps_to_two_concepts() -> None:
    data = {
        "drugs": [
            {"id": "a", "generic": "alpha", "names": ["AX"]},
            {"id": "b", "generic": "beta", "names": ["ax"]},
        ]
    }
    with pytest.raises(RulesError) as caught:
        Lexicon.from_data(data)
    assert "'ax' maps to two concepts" in str(caught.value)


def test_rejects_unknown_references_and_fields() -> None:
    data = {"regimens": [{"id": "r", "generic": "r", "components": ["ghost"], "colour": "red"}]}
    with pytest.raises(RulesError) as caught:
        Lexicon.from_data(data, "lexicon.yaml")
    problems = caught.value.problems
    assert problems == [
        "lexicon.yaml: regimens[0] ('r'): field 'components[0]': 'ghost' is not an id in "
        "lexicon.yaml",
        "lexicon.yaml: regimens[0] ('r'): unknown field 'colour' (allowed: class, components, "
        "generic, id, members, names, never_substitute)",
    ]


def test_a_name_marked_absent_is_not_a_mention_but_find_all_flags_it(lexicon: Lexicon) -> None:
    text = "a chemotherapy-free option for a trastuzumab-naive patient, or chemo"
    assert ids(lexicon, text) == ["chemotherapy"]
    absent = [(m.concept_id, m.text) for m in lexicon.find_all(text) if m.absent]
    assert absent == [
        ("chemotherapy", "chemotherapy-free"),
        ("trastuzumab", "trastuzumab-naive"),
    ]


def test_tchp_is_its_own_regimen_with_pertuzumab() -> None:
    rules = Path(__file__).resolve().parents[2] / "corpus" / "rules"
    lexicon = Lexicon.load(rules / "lexicon.yaml")
    assert [m.concept_id for m in lexicon.find("TCHP")] == ["tchp"]
    assert "pertuzumab" in lexicon.drugs_of("tchp")
    assert "pertuzumab" not in lexicon.drugs_of("tch")
