"""The chat's Markdown and HTML: linked markers, findings under their lines, the badge, and the
sources panel with the cited sentences marked."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from assistant.compose.extractive import ExtractiveGenerator
from assistant.compose.llm import LlmGenerator
from assistant.pipeline import Cairn
from assistant.records import Answer, Citation
from guardrails.answer import parse_answer
from guardrails.records import Finding, PatientContext, Review, Severity, Verdict
from tests.assistant.scripted import ScriptedBackend
from ui.render import (
    answer_markdown,
    badge_html,
    findings_markdown,
    linked_markers,
    sources_html,
    writing_markdown,
)

BODY = (
    "**Dose**\n"
    "- T-DXd is given at 5.4 mg/kg every 3 weeks [1].\n"
    "- Tucatinib is 300 mg twice daily.\n"
    "- Median PFS was 99 months [1, 2]."
)
TEXT = (
    BODY + "\n\n**References**\n[1] Label. Dose. Label 2025 (2025).\n[2] Trial. Results. T (2022)."
)


def finding(
    rule_id: str, severity: Severity, start: int | None, message: str = "", **kw: object
) -> Finding:
    return Finding(
        rule_id=rule_id,
        severity=severity,
        message=message or f"{rule_id} message",
        check="grounding",
        start=start,
        end=None if start is None else start + 5,
        **kw,
    )


def citation(n: int, snippet: str, **kw: object) -> Citation:
    fields: dict[str, object] = {
        "n": n,
        "source_id": f"source-{n}",
        "title": f"Source {n}",
        "section": "Dose and schedule",
        "citation": f"Citation {n}",
        "year": 2025,
        "status": "current",
        "chunk_id": f"source-{n}:dose:0:aa",
        "snippet": snippet,
    }
    fields.update(kw)
    return Citation(**fields)


def answer(findings: list[Finding] | None = None, text: str = TEXT, **kw: object) -> Answer:
    fields: dict[str, object] = {
        "question": "T-DXd dose?",
        "standalone_question": "T-DXd dose?",
        "context": PatientContext(),
        "text": text,
        "citations": [],
        "review": Review.of(findings or []),
        "timings": {"retrieve": 30.2, "generate": 10.1, "review": 1.2},
        "corpus_version": "abc123def456",
        "generator": "extractive",
    }
    fields.update(kw)
    return Answer(**fields)


# linked_markers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dose [1].", "Dose [[1](#cite-1)]."),
        ("Dose [1, 3].", "Dose [[1](#cite-1), [3](#cite-3)]."),
        ("Dose [2,4] and [5]", "Dose [[2](#cite-2), [4](#cite-4)] and [[5](#cite-5)]"),
        ("No markers here.", "No markers here."),
        ("A [link](https://x.org) stays.", "A [link](https://x.org) stays."),
    ],
)
def test_linked_markers_make_each_number_a_link(text: str, expected: str) -> None:
    assert linked_markers(text) == expected


# answer_markdown --------------------------------------------------------------------------------


def test_findings_go_under_the_line_they_concern_and_info_is_left_out() -> None:
    uncited = finding("grounding.uncited", Severity.WARN, BODY.index("Tucatinib"))
    number = finding("grounding.number-not-in-source", Severity.WARN, BODY.index("99"))
    info = finding("grounding.no-markers", Severity.INFO, BODY.index("T-DXd"))
    assert answer_markdown(answer([uncited, number, info])).split("\n") == [
        "**Dose**",
        "- T-DXd is given at 5.4 mg/kg every 3 weeks [[1](#cite-1)].",
        "- Tucatinib is 300 mg twice daily.",
        "  > ⚠️ grounding.uncited message",
        "- Median PFS was 99 months [[1](#cite-1), [2](#cite-2)].",
        "  > ⚠️ grounding.number-not-in-source message",
    ]


def test_findings_without_a_position_follow_the_answer() -> None:
    loose = finding("grounding.uncited", Severity.WARN, None, "Cite this.")
    lines = answer_markdown(answer([loose])).split("\n")
    assert lines[-1] == "> ⚠️ Cite this."
    assert lines[-2] == "- Median PFS was 99 months [[1](#cite-1), [2](#cite-2)]."


def test_notices_and_assumptions_come_first_and_the_reference_list_is_left_out() -> None:
    shown = answer(
        notices=["Citation markers 9 pointed to no passage; removed."],
        assumptions=["HER2-positive", "no brain metastases"],
    )
    parts = answer_markdown(shown).split("\n\n")
    assert parts[0] == "> ❗ Citation markers 9 pointed to no passage; removed."
    assert parts[1] == (
        "*Assuming, from earlier in the conversation: HER2-positive; no brain metastases.*"
    )
    assert parts[2].startswith("**Dose**\n- T-DXd is given at 5.4 mg/kg")
    assert len(parts) == 3
    assert "References" not in answer_markdown(shown)


def test_answer_text_notices_and_findings_are_shown_as_text_not_html() -> None:
    body = "T-DXd <b>5.4 mg/kg</b> & more [1].\n- Next <script>alert(1)</script>"
    uncited = finding("grounding.uncited", Severity.WARN, body.index("Next"), "Cites <i>no</i>.")
    shown = answer(
        [uncited], text=body, notices=["Notice <img src=x>"], assumptions=["HER2-positive <u>"]
    )
    markdown = answer_markdown(shown)
    assert "<b>" not in markdown and "<script>" not in markdown and "<img" not in markdown
    assert "T-DXd &lt;b&gt;5.4 mg/kg&lt;/b&gt; &amp; more [[1](#cite-1)]." in markdown
    assert "- Next &lt;script&gt;alert(1)&lt;/script&gt;\n  > ⚠️ Cites &lt;i&gt;no&lt;/i&gt;." in (
        markdown
    )
    assert "> ❗ Notice &lt;img src=x&gt;" in markdown
    assert "HER2-positive &lt;u&gt;" in markdown


# badge_html -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("findings", "css", "label", "counts"),
    [
        ([], "pass", "Checked against the pathway and dose table", "0 blocking, 0 warnings"),
        (
            [finding("a.b", Severity.WARN, 0), finding("c.d", Severity.INFO, 0)],
            "warn",
            "Warnings: read the findings",
            "0 blocking, 1 warning",
        ),
        (
            [finding("a.b", Severity.BLOCK, 0)] + [finding("c.d", Severity.WARN, 0)] * 2,
            "block",
            "Blocked: answer withheld",
            "1 blocking, 2 warnings",
        ),
    ],
)
def test_the_badge_has_a_class_and_label_per_verdict(
    findings: list[Finding], css: str, label: str, counts: str
) -> None:
    badge = badge_html(answer(findings))
    assert badge.startswith(
        f"<div class='cairn-badge cairn-{css}' data-verdict='{css}'><strong>{label}</strong> "
        f"<span>({counts})</span></div>"
    )


def test_the_badge_meta_line_gives_corpus_evidence_date_generator_and_time() -> None:
    shown = answer(
        evidence_as_of=dt.date(2026, 3, 1), generator="extractive (fallback from <openai>)"
    )
    assert badge_html(shown).endswith(
        "<div class='cairn-meta'>Corpus abc123def456 · evidence as of 2026-03-01 · "
        "generator extractive (fallback from &lt;openai&gt;) · 42 ms</div>"
    )


def test_findings_markdown_lists_every_finding() -> None:
    shown = answer(
        [
            finding(
                "doses.unchecked",
                Severity.WARN,
                0,
                "Unchecked dose.",
                source_ids=("label-x",),
                span="T-DXd 5.4 mg/kg.",
            ),
            finding("grounding.no-markers", Severity.INFO, None, "No markers."),
        ]
    )
    assert findings_markdown(shown).split("\n") == [
        "- ⚠️ **warn** Unchecked dose. *(sources: label-x)* — “T-DXd 5.4 mg/kg.”",
        "- ℹ️ **info** No markers.",
    ]
    assert findings_markdown(answer()).startswith("No findings:")


def test_the_findings_of_a_withheld_answer_quote_none_of_its_words() -> None:
    wrong = finding(
        "doses.wrong-amount",
        Severity.BLOCK,
        0,
        "Wrong dose.",
        source_ids=("label-x",),
        span="T-DXd 6.4 mg/kg.",
    )
    assert findings_markdown(answer([wrong])) == "- ⛔ **block** Wrong dose. *(sources: label-x)*"


# sources_html -----------------------------------------------------------------------------------


def test_no_citations_give_the_empty_panel() -> None:
    assert sources_html(answer()) == "<div class='cairn-sources-empty'>No sources cited.</div>"


def test_each_source_has_its_cite_id_and_the_cited_sentence_marked() -> None:
    shown = answer(
        text="T-DXd is given at 5.4 mg/kg every 3 weeks [1]. Monitor the LVEF [2].",
        citations=[
            citation(
                1,
                "T-DXd is given at 5.4 mg/kg every 3 weeks. Nausea is common with T-DXd.",
                url="https://example.org/label?a=1&b=2",
            ),
            citation(
                2,
                "Monitor the LVEF every 3 months. Stop for heart failure.",
                status="superseded",
                title="Cardiac <monitoring> & more",
            ),
        ],
    )
    panel = sources_html(shown)
    blocks = re.findall(r"<div class='cairn-source' id='cite-(\d+)'>", panel)
    assert blocks == ["1", "2"]
    first, second = panel.split("id='cite-2'")
    assert (
        "<div class='cairn-passage'><mark>T-DXd is given at 5.4 mg/kg every 3 weeks.</mark> "
        "Nausea is common with T-DXd.</div>"
    ) in first
    assert "<a href='https://example.org/label?a=1&amp;b=2' target='_blank'" in first
    assert "[2] Cardiac &lt;monitoring&gt; &amp; more <em>(superseded)</em>" in second
    assert "<mark>Monitor the LVEF every 3 months.</mark> Stop for heart failure." in second
    assert "Dose and schedule · 2025" in second and "<a href" not in second


def test_a_sentence_unlike_the_claim_is_not_marked() -> None:
    shown = answer(
        text="Tucatinib is given twice daily [1].",
        citations=[citation(1, "Capecitabine is taken for 14 days. LVEF is checked.")],
    )
    assert "<mark>" not in sources_html(shown)


# through the real pipeline ----------------------------------------------------------------------


@pytest.mark.integration
def test_a_real_answer_links_its_markers_and_marks_its_cited_sentences(real_cairn: Cairn) -> None:
    shown = real_cairn.ask("What is the T-DXd dose?")
    markdown = answer_markdown(shown)
    assert "[[1](#cite-1)]" in markdown and "**References**" not in markdown
    assert shown.review.verdict is Verdict.PASS
    assert badge_html(shown).startswith("<div class='cairn-badge cairn-pass' data-verdict='pass'>")
    panel = sources_html(shown)
    claims: dict[int, list[str]] = {}
    for sentence in parse_answer(shown.text):
        for n in sentence.citations:
            claims.setdefault(n, []).append(sentence.claim)
    blocks = dict(re.findall(r"id='cite-(\d+)'>(.*?)(?=<div class='cairn-source' id=|$)", panel))
    assert sorted(map(int, blocks)) == [c.n for c in shown.citations]
    for n, block in blocks.items():
        marks = re.findall(r"<mark>(.*?)</mark>", block)
        assert 1 <= len(marks) <= len(claims[int(n)])
    first_claim = claims[1][0]  # the extractive answer quotes its passage
    assert f"<mark>{html.escape(first_claim)}</mark>" in blocks["1"]


def scripted(real_cairn: Cairn, reply: str) -> Cairn:
    writer = LlmGenerator("llamacpp", ScriptedBackend(reply), "corpus", real_cairn.rules.lexicon)
    return Cairn(
        real_cairn.settings,
        real_cairn.rules,
        real_cairn.retriever,
        {"extractive": ExtractiveGenerator(real_cairn.rules), "llamacpp": writer},
        real_cairn.corpus,
    )


@pytest.mark.integration
def test_a_real_answer_with_warnings_shows_them_under_their_line(real_cairn: Cairn) -> None:
    # An uncited statement without figures is a warning (one with a figure no passage holds
    # would be a block).
    cairn = scripted(
        real_cairn,
        "T-DXd is an antibody-drug conjugate [1].\nTucatinib is an oral kinase inhibitor.",
    )
    shown = cairn.ask(
        "HER2+ MBC progressed on THP, no brain mets. T-DXd dose?", generator="llamacpp"
    )
    assert shown.review.verdict is Verdict.WARN
    lines = answer_markdown(shown).split("\n")
    tucatinib = next(i for i, line in enumerate(lines) if line.startswith("Tucatinib is an oral"))
    assert lines[tucatinib + 1] == "  > ⚠️ This statement cites no source."
    assert "cairn-warn" in badge_html(shown)


@pytest.fixture
def blocked(real_cairn: Cairn) -> Answer:
    """A real answer the review blocks (set up here so a changed pipeline errors, not xfails)."""
    cairn = scripted(
        real_cairn,
        "T-DXd is the preferred option [1].\nT-DXd is given at 6.4 mg/kg every 3 weeks [1].",
    )
    shown = cairn.ask(
        "HER2+ MBC progressed on THP, no brain mets. T-DXd dose?", generator="llamacpp"
    )
    assert shown.review.verdict is Verdict.BLOCK
    assert shown.text.startswith("**Answer withheld**")
    return shown


@pytest.mark.integration
def test_a_blocked_answer_shows_the_safe_message_and_the_block_badge(blocked: Answer) -> None:
    markdown = answer_markdown(blocked)
    assert markdown.startswith("**Answer withheld**")
    assert "6.4 mg/kg every 3 weeks [" not in markdown  # the withheld draft is not shown
    assert badge_html(blocked).startswith(
        "<div class='cairn-badge cairn-block' data-verdict='block'>"
        "<strong>Blocked: answer withheld</strong>"
    )


@pytest.mark.integration
def test_a_blocked_answer_shows_each_blocking_message_once(blocked: Answer) -> None:
    markdown = answer_markdown(blocked)
    for f in blocked.review.findings:
        if f.severity is Severity.BLOCK:
            assert markdown.count(f.message) == 1


def test_an_answer_being_written_shows_progress_not_its_words() -> None:
    assert writing_markdown(12) == (
        "⏳ *Answer being checked against the pathway and dose table: it appears here once "
        "reviewed (12 words written so far).*"
    )
    assert writing_markdown(0).endswith("once reviewed.*")


def test_the_passages_of_one_source_share_its_title_and_citation() -> None:
    same = {"source_id": "label-tdxd", "title": "T-DXd label"}
    shown = answer(
        text="T-DXd is given at 5.4 mg/kg every 3 weeks [1]. Monitor the LVEF [2].",
        citations=[
            citation(1, "T-DXd is given at 5.4 mg/kg every 3 weeks.", **same),
            citation(2, "Monitor the LVEF every 3 months.", section="Warnings", **same),
        ],
    )
    panel = sources_html(shown)
    assert re.findall(r"id='cite-(\d+)'", panel) == ["1", "2"]
    assert panel.count("T-DXd label") == 1 and "[1, 2] T-DXd label" in panel
    first, second = panel.split("id='cite-2'")
    assert "[1] Dose and schedule · 2025" in first and "[2] Warnings · 2025" in second
    assert "cairn-cite" not in first and "cairn-cite" in second
