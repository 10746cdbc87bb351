"""User, model and corpus text in the chat's HTML and Markdown comes out escaped: a `<script>` in
an answer or a passage never reaches the page as a tag. (Layout is tested in test_render.py.)"""

from __future__ import annotations

from assistant.records import Answer, Citation
from guardrails.records import Finding, PatientContext, Review, Severity
from ui.render import answer_markdown, badge_html, findings_markdown, sources_html

DOSE = "Trastuzumab deruxtecan 5.4 mg/kg every 3 weeks is preferred in second line."
SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def citation(n: int, snippet: str, **fields: object) -> Citation:
    values: dict[str, object] = {
        "n": n,
        "source_id": f"source-{n}",
        "title": f"Source {n}",
        "section": "Recommendations",
        "citation": f"Author {n}. J Med 2022",
        "year": 2022,
        "status": "current",
        "chunk_id": f"source-{n}#0",
        "snippet": snippet,
        **fields,
    }
    return Citation.model_validate(values)


def answer(
    text: str,
    citations: list[Citation] | None = None,
    findings: list[Finding] | None = None,
    **fields: object,
) -> Answer:
    values: dict[str, object] = {
        "question": "q",
        "standalone_question": "q",
        "context": PatientContext(),
        "text": text,
        "citations": citations or [],
        "review": Review.of(findings or []),
        "timings": {"retrieve": 80.0},
        "corpus_version": "abc123",
        "generator": "extractive",
        **fields,
    }
    return Answer.model_validate(values)


def test_a_script_in_a_cited_passage_is_escaped_in_the_sources_panel() -> None:
    text = f"{DOSE} [1]"
    panel = sources_html(answer(text, [citation(1, f"{DOSE} Other text {SCRIPT} here.")]))
    assert "<script>" not in panel
    assert ESCAPED in panel
    assert f"<mark>{DOSE}</mark>" in panel  # highlighting still works around escaped text


def test_corpus_metadata_in_the_sources_panel_is_escaped() -> None:
    hostile = citation(
        1,
        DOSE,
        title=f"Title {SCRIPT}",
        section="<b>Doses</b>",
        citation="Doe & Roe <i>J</i>",
    )
    panel = sources_html(answer(f"{DOSE} [1]", [hostile]))
    assert "<script>" not in panel and "<b>" not in panel and "<i>" not in panel
    assert f"[1] Title {ESCAPED}" in panel
    assert "&lt;b&gt;Doses&lt;/b&gt; · 2022" in panel
    assert "Doe &amp; Roe &lt;i&gt;J&lt;/i&gt;" in panel


def test_a_source_url_cannot_break_out_of_its_attribute() -> None:
    hostile = citation(1, DOSE, url="https://example.org/'><script>x</script>")
    panel = sources_html(answer(f"{DOSE} [1]", [hostile]))
    assert "<script>" not in panel
    assert "href='https://example.org/&#x27;&gt;&lt;script&gt;x&lt;/script&gt;'" in panel


def test_the_badge_escapes_the_corpus_version() -> None:
    badge = badge_html(answer(DOSE, corpus_version=SCRIPT))
    assert "<script>" not in badge and f"Corpus {ESCAPED}" in badge


def test_an_answer_containing_a_script_tag_comes_out_escaped() -> None:
    hostile = Finding(
        rule_id="grounding.uncited", severity=Severity.WARN, message=f"finding {SCRIPT}",
        check="grounding", start=0, end=5,
    )  # fmt: skip
    shown = answer_markdown(
        answer(f"{DOSE} {SCRIPT} [1]", [citation(1, DOSE)], [hostile], notices=[SCRIPT])
    )
    assert "<script>" not in shown
    assert "&lt;script&gt;" in shown


def test_a_finding_quoting_a_script_tag_is_escaped_in_the_findings_list() -> None:
    hostile = Finding(
        rule_id="doses.wrong-amount", severity=Severity.BLOCK, message="Wrong dose.",
        check="doses", span=f"T-DXd {SCRIPT}",
    )  # fmt: skip
    listed = findings_markdown(answer(DOSE, findings=[hostile]))
    assert "<script>" not in listed


def test_a_markdown_image_in_a_passage_or_an_answer_is_not_an_image() -> None:
    image = "![x](http://host.example/p.png)"
    shown = answer(f"{DOSE} {image} [1]", [citation(1, f"{DOSE} {image}")])
    rendered = answer_markdown(shown) + sources_html(shown)
    assert "![x]" not in rendered.replace("\\![x]", "") and "<img" not in rendered
