"""`cairn corpus check`: each kind of error, shown on a broken copy of the small corpus."""

from __future__ import annotations

from pathlib import Path

from ingest.corpus_check import check_corpus
from tests.conftest import REAL_CORPUS


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new))


def test_the_real_corpus_is_valid() -> None:
    problems, summary = check_corpus(REAL_CORPUS)
    assert problems == [] and "sources" in summary


def test_the_small_corpus_is_valid(mini_corpus: Path) -> None:
    assert check_corpus(mini_corpus)[0] == []


def test_incomplete_front_matter_names_file_and_field(mini_corpus: Path) -> None:
    edit(mini_corpus / "sources" / "zorba-trial.md", "kind: trial\n", "")
    problems, _ = check_corpus(mini_corpus)
    assert any(p.endswith("zorba-trial.md:2: missing field 'kind'") for p in problems)


def test_repeated_ids_are_reported(mini_corpus: Path) -> None:
    copy = mini_corpus / "sources" / "copy" / "zorba-trial.md"
    copy.parent.mkdir()
    copy.write_text((mini_corpus / "sources" / "zorba-trial.md").read_text())
    problems, _ = check_corpus(mini_corpus)
    assert any("id 'zorba-trial' is already used" in p for p in problems)


def test_a_dose_row_citing_an_unknown_source(mini_corpus: Path) -> None:
    edit(
        mini_corpus / "rules" / "doses.yaml",
        "sources: [zorbatinib-label]\n  - id: velmab-loading",
        "sources: [no-such-label]\n  - id: velmab-loading",
    )
    problems, _ = check_corpus(mini_corpus)
    assert any("dose row 'zorbatinib' cites source id 'no-such-label'" in p for p in problems)


def test_a_pathway_rule_citing_an_unknown_source(mini_corpus: Path) -> None:
    edit(
        mini_corpus / "rules" / "pathway.yaml",
        "    sources: [widget-guideline-2024]\n  - id: second-line",
        "    sources: [ghost-guideline]\n  - id: second-line",
    )
    problems, _ = check_corpus(mini_corpus)
    assert any("situation 'first-line' cites source id 'ghost-guideline'" in p for p in problems)


def test_a_dose_that_no_cited_source_states(mini_corpus: Path) -> None:
    edit(mini_corpus / "rules" / "doses.yaml", "amount: 150\n", "amount: 175\n")
    problems, _ = check_corpus(mini_corpus)
    assert any("dose row 'zorbatinib': 175 mg does not appear in the text" in p for p in problems)


def test_a_reduction_step_that_no_cited_source_states(mini_corpus: Path) -> None:
    edit(mini_corpus / "rules" / "doses.yaml", "reductions: [100, 50]", "reductions: [100, 25]")
    problems, _ = check_corpus(mini_corpus)
    assert any("25 mg does not appear" in p for p in problems)


def test_a_lexicon_name_that_maps_to_two_drugs(mini_corpus: Path) -> None:
    edit(mini_corpus / "rules" / "lexicon.yaml", "names: [Velmax]", "names: [Velmax, Zorbix]")
    problems, _ = check_corpus(mini_corpus)
    assert any("the name 'Zorbix' maps to two concepts" in p for p in problems)


def test_a_superseded_document_without_successor(mini_corpus: Path) -> None:
    edit(
        mini_corpus / "sources" / "widget-guideline-2019.md",
        "superseded_by: widget-guideline-2024\n",
        "",
    )
    problems, _ = check_corpus(mini_corpus)
    assert any(
        "widget-guideline-2019.md: status is 'superseded' but field 'superseded_by' "
        "names no successor" in p
        for p in problems
    )


def test_a_malformed_rule_file_names_the_entry_and_field(mini_corpus: Path) -> None:
    edit(
        mini_corpus / "rules" / "doses.yaml",
        "unit: mg/kg\n    schedule: once",
        "unit: mg per kilo\n    schedule: once",
    )
    problems, _ = check_corpus(mini_corpus)
    assert any(
        "doses[1] ('velmab-loading'): field 'unit[0]': must be one of" in p for p in problems
    )


def test_a_broken_corpus_description_is_a_problem(mini_corpus: Path) -> None:
    (mini_corpus / "corpus.yaml").write_text("name: widgets\nexample: ['q?']\n", encoding="utf-8")
    problems, _ = check_corpus(mini_corpus)
    assert any(
        p.endswith(
            "corpus.yaml:2: unknown field 'example'; did you mean 'examples'? (allowed: "
            "covers, description, examples, language, name, scope)"
        )
        for p in problems
    )


def test_a_negative_dose_is_a_problem(mini_corpus: Path) -> None:
    doses = mini_corpus / "rules" / "doses.yaml"
    edit(
        doses,
        "    maximum: 150\n    reductions: [100, 50]",
        "    maximum: 150\n    reductions: [100, -50]",
    )
    edit(doses, "amount: 6\n", "amount: -6\n")
    problems, _ = check_corpus(mini_corpus)
    assert f"{doses}:11: doses[0] ('zorbatinib'): field 'reductions[1]': " in problems[0]
    assert problems[0].endswith("must be greater than 0, not -50")
    assert problems[1] == (
        f"{doses}:27: doses[2] ('velmab'): field 'amount[0]': must be greater than 0, not -6"
    )


def test_a_binary_rule_file_is_a_problem_naming_it(mini_corpus: Path) -> None:
    lexicon = mini_corpus / "rules" / "lexicon.yaml"
    lexicon.write_bytes(bytes(range(256)) * 4)
    problems, _ = check_corpus(mini_corpus)
    assert f"{lexicon}: not UTF-8 text (byte 128); save it as UTF-8 YAML" in problems


def test_a_missing_corpus_description_is_a_problem(mini_corpus: Path) -> None:
    (mini_corpus / "corpus.yaml").unlink()
    problems, _ = check_corpus(mini_corpus)
    assert any(p.startswith(f"{mini_corpus / 'corpus.yaml'} not found") for p in problems)


def test_doses_and_populations_are_checked_against_the_fact_schema(mini_corpus: Path) -> None:
    trial = mini_corpus / "sources" / "zorba-trial.md"
    edit(trial, "kind: trial\n", "kind: trial\npopulation: {her2: low}\n")
    facts = mini_corpus / "rules" / "facts.yaml"
    facts.write_text(facts.read_text().replace("    role: weight\n", ""))
    problems, _ = check_corpus(mini_corpus)
    assert any("population: 'her2' is not a fact of rules/facts.yaml" in p for p in problems)
    assert any("dose 'velmab-loading' is in mg/kg" in p and "role: weight" in p for p in problems)


def test_pathway_conditions_are_checked_against_the_fact_schema(mini_corpus: Path) -> None:
    edit(mini_corpus / "rules" / "pathway.yaml", "when: {crcl: {max: 29.9}}", "when: {crcl: low}")
    problems, _ = check_corpus(mini_corpus)
    assert any(
        "field 'when': condition 'crcl': 'low' is not a number (in mL/min)" in p for p in problems
    )


def test_an_administration_time_that_no_cited_source_states(mini_corpus: Path) -> None:
    edit(
        mini_corpus / "rules" / "doses.yaml",
        "    schedule: once\n",
        "    schedule: once\n    administration: {minutes: 47}\n",
    )
    problems, _ = check_corpus(mini_corpus)
    assert any(
        "dose row 'velmab-loading': administration time 47 minutes does not appear" in p
        for p in problems
    )


def test_a_missed_dose_delay_that_no_cited_source_states(mini_corpus: Path) -> None:
    edit(mini_corpus / "rules" / "doses.yaml", "weeks: 6,", "weeks: 5,")
    problems, _ = check_corpus(mini_corpus)
    assert any("dose row 'velmab': missed.weeks 5 does not appear" in p for p in problems)


def test_a_missed_dose_rule_citing_an_unknown_source(mini_corpus: Path) -> None:
    edit(
        mini_corpus / "rules" / "doses.yaml",
        "weeks: 6, sources: [zorbatinib-label]",
        "weeks: 6, sources: [ghost-label]",
    )
    problems, _ = check_corpus(mini_corpus)
    assert any("'velmab': missed cites source id 'ghost-label'" in p for p in problems)


def test_a_resolution_time_that_no_cited_source_states(mini_corpus: Path) -> None:
    edit(mini_corpus / "rules" / "doses.yaml", "at_most_days: 14", "at_most_days: 10")
    problems, _ = check_corpus(mini_corpus)
    assert any(
        "rule 'zorbatinib-widgetitis-grade-2': resolved 10 days does not appear" in p
        for p in problems
    )
