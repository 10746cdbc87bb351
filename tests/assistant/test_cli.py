"""The `cairn` command line (cli.py and commands.py), run as the installed console script over
private copies of the corpus: each module-scoped workspace is ingested once."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.settings import Settings
from tests.conftest import FIXTURES, REAL_CORPUS, free_port

pytestmark = pytest.mark.integration

CAIRN = str(Path(sys.executable).parent / "cairn")
MINI_IDS = ["widget-guideline-2019", "widget-guideline-2024", "zorba-trial", "zorbatinib-label"]
SUMMARY = re.compile(
    r"^Indexed corpus version (?P<version>[0-9a-f]{12}): (?P<added>\d+) added, "
    r"(?P<updated>\d+) updated, (?P<removed>\d+) removed, (?P<unchanged>\d+) unchanged; "
    r"(?P<embedded>\d+) of (?P<total>\d+) chunks embedded, (?P<deleted>\d+) deleted, "
    r"in \d+\.\d s\.$"
)


@dataclass(frozen=True)
class Workspace:
    root: Path
    corpus: Path
    data: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
        env.update(
            CAIRN_CORPUS_DIR=str(self.corpus),
            CAIRN_DATA_DIR=str(self.data),
            CAIRN_CONFIG=str(self.root / "no-such-cairn.toml"),
            CAIRN_GENERATOR="extractive",
            HF_HUB_OFFLINE="1",
            TRANSFORMERS_OFFLINE="1",
        )
        env.update(extra)
        return env

    def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CAIRN, *args],
            env=self.env(**extra),
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=300,
        )


def workspace(root: Path, corpus: Path) -> Workspace:
    shutil.copytree(corpus, root / "corpus")
    return Workspace(root, root / "corpus", root / "var")


@dataclass(frozen=True)
class Ingested:
    workspace: Workspace
    first: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Ingested:
    ws = workspace(tmp_path_factory.mktemp("cli-mini"), FIXTURES / "mini")
    first = ws.run("ingest")
    assert first.returncode == 0, first.stderr
    return Ingested(ws, first)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, real_settings: Settings) -> Iterator[Workspace]:
    """The real corpus with a copy of the session's index: its ingest has nothing to embed."""
    ws = workspace(tmp_path_factory.mktemp("cli-real"), REAL_CORPUS)
    shutil.copytree(real_settings.index.index_dir, ws.data / "index")
    done = ws.run("ingest")
    assert done.returncode == 0, done.stderr
    yield ws


def summary(stdout: str) -> dict[str, str]:
    match = SUMMARY.match(stdout.splitlines()[0])
    assert match is not None, stdout
    return match.groupdict()


# ingest -----------------------------------------------------------------------------------------


def test_ingest_prints_what_it_added(mini: Ingested) -> None:
    lines = mini.first.stdout.splitlines()
    counts = summary(mini.first.stdout)
    assert (counts["added"], counts["updated"], counts["removed"], counts["unchanged"]) == (
        "4", "0", "0", "0",
    )  # fmt: skip
    assert counts["embedded"] == counts["total"] and int(counts["total"]) >= 4
    assert counts["deleted"] == "0"
    assert lines[1:] == ["  added: " + ", ".join(MINI_IDS)]


def test_ingest_of_an_unchanged_corpus_embeds_nothing(mini: Ingested) -> None:
    again = mini.workspace.run("ingest")
    assert again.returncode == 0, again.stderr
    counts = summary(again.stdout)
    first = summary(mini.first.stdout)
    assert (counts["added"], counts["updated"], counts["removed"], counts["unchanged"]) == (
        "0", "0", "0", "4",
    )  # fmt: skip
    assert (counts["embedded"], counts["version"]) == ("0", first["version"])
    assert again.stdout.splitlines()[1:] == []  # no added/updated/removed lines


def test_ingest_reports_updated_removed_and_added_sources(mini: Ingested, tmp_path: Path) -> None:
    shutil.copytree(mini.workspace.root, tmp_path / "ws")
    ws = Workspace(tmp_path / "ws", tmp_path / "ws" / "corpus", tmp_path / "ws" / "var")
    trial = ws.corpus / "sources" / "zorba-trial.md"
    trial.write_text(trial.read_text().replace("400 patients", "401 patients"))
    (ws.corpus / "sources" / "widget-guideline-2019.md").unlink()
    (ws.corpus / "sources" / "velmab-note.md").write_text(
        "---\nid: velmab-note\ntitle: Velmab note\nkind: review\ncitation: Note 2025\n"
        "year: 2025\nlast_reviewed: 2026-01-01\nstatus: current\n---\n"
        "# Summary\nVelmab infusions take 90 minutes the first time.\n"
    )
    done = ws.run("ingest")
    assert done.returncode == 0, done.stderr
    counts = summary(done.stdout)
    assert (counts["added"], counts["updated"], counts["removed"], counts["unchanged"]) == (
        "1", "1", "1", "2",
    )  # fmt: skip
    assert (
        int(counts["deleted"]) >= 1 and counts["version"] != summary(mini.first.stdout)["version"]
    )
    assert done.stdout.splitlines()[1:] == [
        "  added: velmab-note",
        "  updated: zorba-trial",
        "  removed: widget-guideline-2019",
    ]


# sources ----------------------------------------------------------------------------------------


def test_sources_json_lists_the_indexed_sources(mini: Ingested) -> None:
    done = mini.workspace.run("sources", "--json")
    assert done.returncode == 0, done.stderr
    listing = json.loads(done.stdout)
    assert listing["version"] == summary(mini.first.stdout)["version"]
    rows = {row["id"]: row for row in listing["sources"]}
    assert sorted(rows) == MINI_IDS
    assert set(rows["zorba-trial"]) == {
        "id", "title", "kind", "year", "status", "last_reviewed", "superseded_by", "path", "chunks",
    }  # fmt: skip
    old = rows["widget-guideline-2019"]
    assert (old["status"], old["superseded_by"], old["kind"]) == (
        "superseded", "widget-guideline-2024", "guideline",
    )  # fmt: skip
    assert rows["zorba-trial"]["kind"] == "trial" and rows["zorba-trial"]["year"] == 2024
    assert rows["zorba-trial"]["path"] == str(mini.workspace.corpus / "sources" / "zorba-trial.md")
    assert all(row["chunks"] >= 1 for row in rows.values())
    assert sum(row["chunks"] for row in rows.values()) == int(summary(mini.first.stdout)["total"])


def test_sources_prints_a_table_with_superseded_sources_marked(mini: Ingested) -> None:
    done = mini.workspace.run("sources")
    lines = done.stdout.splitlines()
    version = summary(mini.first.stdout)["version"]
    assert lines[0].startswith(f"Corpus version {version}, 4 sources, evidence as of 20")
    rows = {line.split()[0]: line for line in lines[1:]}
    assert sorted(rows) == MINI_IDS
    assert rows["widget-guideline-2019"].endswith("[superseded by widget-guideline-2024]")
    assert rows["widget-guideline-2024"].endswith(" chunks")
    assert (
        " guideline " in rows["widget-guideline-2024"] and " 2024 " in rows["widget-guideline-2024"]
    )


# ask --------------------------------------------------------------------------------------------


def ask_json(ws: Workspace, *args: str) -> dict:
    done = ws.run("ask", *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


ENTRY = re.compile(
    r"^ +\d+\. score (?P<score>[\d.]+)  (?P<source>\S+) § (?P<section>[^(]+?)(?:  \(|$)"
)
ROW = re.compile(
    r"^ +(?P<name>[a-z_]+) +(?P<value>[\d.]+)  weight +(?P<weight>\S+)  (?P<effect>\S+)$"
)


def explained(block: str) -> list[dict]:
    """The entries of an --explain block: score, source, section, quote and feature rows."""
    entries: list[dict] = []
    for line in block.splitlines():
        if match := ENTRY.match(line):
            entries.append({**match.groupdict(), "rows": {}})
        elif entries and line.strip().startswith('"'):
            entries[-1]["quote"] = line.strip().strip('"').removesuffix(" ...")
        elif entries and (row := ROW.match(line)):
            entries[-1]["rows"][row["name"]] = row.groupdict()
    return entries


def sections_of(path: Path) -> dict[str, str]:
    text = path.read_text().split("---", 2)[2]
    parts = re.split(r"^# (.+)$", text, flags=re.M)[1:]
    return {title.strip(): body for title, body in zip(parts[::2], parts[1::2], strict=True)}


def test_ask_explain_shows_the_features_of_the_chosen_sentences(mini: Ingested) -> None:
    done = mini.workspace.run("ask", "--explain", "Which first-line treatment for widget disease?")
    assert done.returncode == 0, done.stderr
    answer, explanation = done.stdout.split("Why these sentences:")
    chosen = explained(explanation.split("Best left out:")[0])
    left_out = explained(explanation.split("Best left out:")[1])
    assert chosen and left_out
    for entry in chosen + left_out:
        sections = sections_of(mini.workspace.corpus / "sources" / f"{entry['source']}.md")
        assert entry["quote"] in sections[entry["section"]]  # the sentence is where it says
        rows = entry["rows"]
        assert ("summary_section" in rows) == (entry["section"] == "Summary")
        assert ("superseded" in rows) == (entry["source"] == "widget-guideline-2019")
        added = sum(float(r["effect"][1:]) for r in rows.values() if r["effect"][0] == "+")
        scale = math.prod(float(r["effect"][1:]) for r in rows.values() if r["effect"][0] == "x")
        assert added * scale == pytest.approx(float(entry["score"]), rel=0.03)
    for entry in chosen:
        assert entry["quote"] in answer.replace("\n", " ")


def test_ask_json_prints_the_answer_record(real: Workspace) -> None:
    answer = ask_json(real, "What is the T-DXd dose?")
    assert {"text", "citations", "review", "timings", "corpus_version", "generator"} <= set(answer)
    assert "5.4 mg/kg" in answer["text"] and "**References**" in answer["text"]
    first = answer["citations"][0]
    assert {"n", "source_id", "title", "section"} <= set(first)
    assert first["n"] == 1 and first["source_id"] == "label-trastuzumab-deruxtecan"
    assert [c["n"] for c in answer["citations"]] == list(range(1, len(answer["citations"]) + 1))
    assert answer["review"]["verdict"] == "pass"
    for f in answer["review"]["findings"]:
        assert {"rule_id", "severity", "message"} <= set(f)
        assert f["severity"] in ("info", "warn", "block")
    assert set(answer["timings"]) == {"context", "retrieve", "generate", "review"}
    assert all(ms >= 0 for ms in answer["timings"].values())
    assert re.fullmatch(r"[0-9a-f]{12}", answer["corpus_version"])
    assert answer["generator"] == "extractive"


def test_ask_with_a_context_fact_changes_the_answer(real: Workspace) -> None:
    answer = ask_json(
        real,
        "HER2+ MBC progressed on THP, no brain mets. What next?",
        "--context",
        "ild_history=true",
    )
    assert answer["context"]["ild_history"]["value"] is True
    assert answer["context"]["ild_history"]["evidence"] == "set by user"
    assert "history of interstitial lung disease" in answer["text"]
    assert "needs caution" in answer["text"]
    assert answer["review"]["verdict"] != "block"


def test_ask_with_a_history_file_answers_the_follow_up(real: Workspace) -> None:
    history = real.root / "history.json"
    history.write_text(
        json.dumps(
            [
                {
                    "role": "user",
                    "content": "HER2+ MBC progressed on first-line THP, no brain mets",
                },
                {
                    "role": "assistant",
                    "content": "Trastuzumab deruxtecan (T-DXd) is preferred [1].",
                },
            ]
        )
    )
    answer = ask_json(real, "what dose?", "--history", str(history))
    assert answer["question"] == "what dose?"
    assert answer["standalone_question"] == (
        "what dose? (trastuzumab deruxtecan; HER2-positive, metastatic disease, "
        "no brain metastases)"
    )
    assert answer["assumptions"] == [
        "HER2-positive",
        "metastatic disease",
        "progressed on trastuzumab + pertuzumab + a taxane",
        "no brain metastases",
    ]
    assert answer["context"]["progressed_on"] == ["thp"]


# check ------------------------------------------------------------------------------------------


def check(ws: Workspace, answer_text: str, *args: str) -> subprocess.CompletedProcess[str]:
    path = ws.root / "answer.txt"
    path.write_text(answer_text, encoding="utf-8")
    return ws.run("check", "--question", "T-DXd dose?", "--answer", str(path), *args)


def test_check_blocks_the_gastric_dose_of_t_dxd(real: Workspace) -> None:
    done = check(real, "T-DXd is given at 6.4 mg/kg every 3 weeks.", "--json")
    assert done.returncode == 1, done.stderr  # a blocked answer fails a script
    review = json.loads(done.stdout)
    assert review["verdict"] == "block"
    blocking = [f for f in review["findings"] if f["severity"] == "block"]
    assert [f["rule_id"] for f in blocking] == ["doses.other-indication"]
    assert "5.4 mg/kg" in blocking[0]["message"]
    assert blocking[0]["source_ids"] == ["label-trastuzumab-deruxtecan"]


def test_check_passes_the_correct_dose(real: Workspace) -> None:
    done = check(real, "T-DXd is given at 5.4 mg/kg intravenously every 3 weeks.", "--json")
    assert done.returncode == 0, done.stderr
    review = json.loads(done.stdout)
    assert review["verdict"] == "pass"
    assert [f["severity"] for f in review["findings"]] in ([], ["info"])


def test_check_prints_the_review_as_text(real: Workspace) -> None:
    done = check(real, "T-DXd is given at 6.4 mg/kg every 3 weeks.")
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Review: BLOCK. Blocked: the answer was withheld")
    assert any(line.startswith("  [block] doses.other-indication: ") for line in lines[1:])


# errors -----------------------------------------------------------------------------------------


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("cairn: ")
    return lines[0]


def test_an_empty_question_is_an_error(real: Workspace) -> None:
    error = one_line_error(real.run("ask", "   "))
    assert error == "cairn: The question is empty. Type a clinical question and ask again."


def test_an_unknown_context_key_is_an_error_naming_the_keys(real: Workspace) -> None:
    error = one_line_error(real.run("ask", "T-DXd dose?", "--context", "bogus=1"))
    assert "Unknown patient fact 'bogus'" in error and "ild_history" in error


def test_a_context_without_a_value_is_an_error(real: Workspace) -> None:
    error = one_line_error(real.run("ask", "T-DXd dose?", "--context", "ild_history"))
    assert error == (
        "cairn: 'ild_history' is not K=V. Write patient facts like --context KEY=VALUE, a fact "
        "id of rules/facts.yaml and its value."
    )


def test_an_unreadable_history_file_is_an_error(real: Workspace) -> None:
    history = real.root / "broken-history.json"
    history.write_text("[{'role': 'user'")
    error = one_line_error(real.run("ask", "what dose?", "--history", str(history)))
    assert f"The history file {history} is not readable JSON" in error


def test_a_missing_answer_file_is_an_error(real: Workspace) -> None:
    missing = real.root / "no-such-answer.txt"
    error = one_line_error(real.run("check", "--question", "Q?", "--answer", str(missing)))
    assert error == (
        f"cairn: The answer file {missing} does not exist. Give the path of a text file."
    )


def test_a_missing_index_names_cairn_ingest(real: Workspace, tmp_path: Path) -> None:
    empty = str(tmp_path / "empty-var")
    error = one_line_error(real.run("ask", "T-DXd dose?", CAIRN_DATA_DIR=empty))
    assert "No index found" in error and "Run `cairn ingest`" in error
    error = one_line_error(real.run("sources", CAIRN_DATA_DIR=empty))
    assert error == "cairn: No index found. Run `cairn ingest` first."


def test_invalid_settings_are_an_error(real: Workspace) -> None:
    error = one_line_error(real.run("ask", "T-DXd dose?", CAIRN_TOP_K="0"))
    assert "The settings are invalid" in error and "top_k" in error
    assert error.endswith("Correct the CAIRN_ environment variables or cairn.toml.")


def test_an_unreachable_chroma_server_names_the_fix(real: Workspace) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    error = one_line_error(real.run("ask", "T-DXd dose?", CAIRN_CHROMA_URL=url))
    assert f"Cannot reach the Chroma server at {url}" in error
    assert "unset CAIRN_CHROMA_URL" in error


# corpus check -----------------------------------------------------------------------------------


def test_corpus_check_passes_on_the_real_corpus(real: Workspace) -> None:
    done = real.run("corpus", "check", "--corpus", str(REAL_CORPUS))
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(
        rf"Corpus at {re.escape(str(REAL_CORPUS))} is valid: \d+ sources, \d+ lexicon entries, "
        r"\d+ dose rows, \d+ pathway situations, \d+ patient facts\.\n",
        done.stdout,
    )


def test_corpus_check_lists_the_problems_and_exits_1(mini: Ingested, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(mini.workspace.corpus, corpus)
    trial = corpus / "sources" / "zorba-trial.md"
    trial.write_text(trial.read_text().replace("kind: trial\n", ""))
    done = mini.workspace.run("corpus", "check", "--corpus", str(corpus))
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == f"cairn: the corpus at {corpus} has 1 problem(s):"
    assert f"  - {trial}:2: missing field 'kind'" in done.stderr.splitlines()


# bad input: one line, exit status 2 ------------------------------------------------------------


def _corpus_copy(mini: Ingested, tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(mini.workspace.corpus, corpus)
    return corpus


def _ingest_error(mini: Ingested, corpus: Path, tmp_path: Path, **env: str) -> str:
    done = mini.workspace.run(
        "ingest", CAIRN_CORPUS_DIR=str(corpus), CAIRN_DATA_DIR=str(tmp_path / "var"), **env
    )
    assert "Traceback" not in done.stderr and done.returncode == 2, done.stderr
    assert not (tmp_path / "var" / "index" / "manifest.json").exists()
    return done.stderr


def test_ingest_refuses_an_impossible_review_date(mini: Ingested, tmp_path: Path) -> None:
    corpus = _corpus_copy(mini, tmp_path)
    trial = corpus / "sources" / "zorba-trial.md"
    trial.write_text(
        trial.read_text().replace("last_reviewed: 2026-01-10", "last_reviewed: 2026-02-30")
    )
    stderr = _ingest_error(mini, corpus, tmp_path)
    assert f"{trial}: the metadata has an impossible date" in stderr


def test_ingest_refuses_a_binary_lexicon(mini: Ingested, tmp_path: Path) -> None:
    corpus = _corpus_copy(mini, tmp_path)
    lexicon = corpus / "rules" / "lexicon.yaml"
    lexicon.write_bytes(bytes(range(256)) * 8)
    stderr = _ingest_error(mini, corpus, tmp_path)
    assert stderr.startswith(f"cairn: {lexicon}: not UTF-8 text") and len(stderr.splitlines()) == 1
    done = mini.workspace.run("ask", "zorbatinib dose?", CAIRN_CORPUS_DIR=str(corpus))
    assert one_line_error(done).startswith(f"cairn: {lexicon}: not UTF-8 text")


def test_ingest_refuses_a_corpus_without_a_description(mini: Ingested, tmp_path: Path) -> None:
    corpus = _corpus_copy(mini, tmp_path)
    (corpus / "corpus.yaml").unlink()
    stderr = _ingest_error(mini, corpus, tmp_path)
    assert stderr.startswith(f"cairn: {corpus / 'corpus.yaml'} not found")


def test_ingest_refuses_a_source_with_too_many_chunks(mini: Ingested, tmp_path: Path) -> None:
    corpus = _corpus_copy(mini, tmp_path)
    stderr = _ingest_error(mini, corpus, tmp_path, CAIRN_MAX_SOURCE_CHUNKS="1")
    assert re.search(r"zorba-trial.md: makes \d+ chunks, more than the limit of 1 per", stderr)


def test_ask_refuses_a_binary_history_file(mini: Ingested) -> None:
    history = mini.workspace.root / "history.bin"
    history.write_bytes(bytes(range(256)))
    error = one_line_error(mini.workspace.run("ask", "dose?", "--history", str(history)))
    assert f"The history file {history} is not readable JSON (not UTF-8 text" in error


def test_ask_refuses_an_unknown_therapy_name(mini: Ingested) -> None:
    done = mini.workspace.run(
        "ask", "zorbatinib dose?", "--context", "prior_therapies=ZV, unobtainium"
    )
    assert one_line_error(done) == (
        "cairn: 'unobtainium' in prior_therapies is not a drug or regimen Cairn knows. Check "
        "the spelling, or write prior_therapies=unknown; the names Cairn knows are in "
        "corpus/rules/lexicon.yaml."
    )


def test_a_shortened_snapshot_is_an_error_naming_ingest(mini: Ingested, tmp_path: Path) -> None:
    data = tmp_path / "var"
    shutil.copytree(mini.workspace.data, data)
    (chunks,) = (data / "index" / "snapshots").glob("*/chunks.jsonl")
    lines = chunks.read_text().splitlines(keepends=True)
    chunks.write_text("".join(lines[:-2]))
    for command in (["ask", "zorbatinib dose?"], ["sources"]):
        error = one_line_error(mini.workspace.run(*command, CAIRN_DATA_DIR=str(data)))
        assert "is damaged" in error and error.endswith("Run `cairn ingest` to write it again.")
    chunks.write_text("".join(lines)[:-40])  # cut inside a record
    error = one_line_error(mini.workspace.run("ask", "dose?", CAIRN_DATA_DIR=str(data)))
    assert "a passage record is cut off or malformed" in error
