from pathlib import Path

from ingest.sources import SourceLimits, discover, load_source, load_sources

GOOD = """---
id: good-doc
title: A good document
kind: trial
citation: Doe J. Fictional J Med 2024
year: 2024
last_reviewed: 2026-01-01
status: current
---
# Summary
Some text that says something.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_a_valid_markdown_source(tmp_path: Path) -> None:
    loaded = load_source(write(tmp_path, "good-doc.md", GOOD))
    assert loaded.source.id == "good-doc"
    assert len(loaded.source.sha256) == 64
    assert loaded.text.lstrip().startswith("# Summary")


def test_reports_every_problem_of_every_file_at_once(tmp_path: Path) -> None:
    write(tmp_path, "good-doc.md", GOOD)
    write(
        tmp_path,
        "bad-kind.md",
        GOOD.replace("good-doc", "bad-kind").replace("kind: trial", "kind: blog"),
    )
    write(tmp_path, "no-year.md", GOOD.replace("good-doc", "no-year").replace("year: 2024\n", ""))
    write(
        tmp_path, "bad-date.md", GOOD.replace("good-doc", "bad-date").replace("2026-01-01", "soon")
    )
    loaded, problems = load_sources([tmp_path])
    assert [item.source.id for item in loaded] == ["good-doc"]
    joined = "\n".join(problems)
    assert (
        "bad-kind.md:4: field 'kind': must be one of 'guideline', 'trial', 'label', 'review' or "
        "'consensus', not 'blog'" in joined
    )
    assert "no-year.md:2: missing field 'year'" in joined
    assert "bad-date.md:7: field 'last_reviewed': must be a date written YYYY-MM-DD" in joined


def test_superseded_needs_an_existing_successor(tmp_path: Path) -> None:
    old = GOOD.replace("good-doc", "old-doc").replace("status: current", "status: superseded")
    write(tmp_path, "old-doc.md", old)
    write(
        tmp_path,
        "gone-doc.md",
        old.replace("old-doc", "gone-doc").replace(
            "status: superseded", "status: superseded\nsuperseded_by: nowhere"
        ),
    )
    _, problems = load_sources([tmp_path])
    assert any(
        "old-doc.md: status is 'superseded' but field 'superseded_by' names no successor" in p
        for p in problems
    )
    assert any("gone-doc.md: field 'superseded_by' names 'nowhere'" in p for p in problems)


def test_repeated_ids_are_an_error(tmp_path: Path) -> None:
    write(tmp_path, "good-doc.md", GOOD)
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "good-doc.md", GOOD)
    _, problems = load_sources([tmp_path])
    assert any("id 'good-doc' is already used" in p for p in problems)


def test_front_matter_missing_or_broken(tmp_path: Path) -> None:
    write(tmp_path, "plain.md", "# Just text\n")
    write(tmp_path, "broken.md", "---\nid: [unclosed\n---\nbody\n")
    _, problems = load_sources([tmp_path])
    assert any("plain.md: no YAML front matter" in p for p in problems)
    assert any("broken.md: the metadata is not valid YAML" in p for p in problems)


def test_text_and_html_sources_take_metadata_from_a_sidecar(tmp_path: Path) -> None:
    meta = GOOD.split("---")[1].replace("good-doc", "{id}")
    write(tmp_path, "notes.txt", "# Dose\nVelmab 6 mg/kg every 3 weeks.\n")
    write(tmp_path, "notes.meta.yaml", meta.format(id="notes"))
    write(
        tmp_path,
        "page.html",
        "<html><body><h1>Dose</h1><p>Velmab 6 mg/kg.</p><script>x()</script></body></html>",
    )
    write(tmp_path, "page.meta.yaml", meta.format(id="page"))
    write(tmp_path, "orphan.txt", "no sidecar")
    loaded, problems = load_sources([tmp_path])
    by_id = {item.source.id: item for item in loaded}
    assert "Velmab 6 mg/kg every 3 weeks." in by_id["notes"].text
    assert "# Dose" in by_id["page"].text and "x()" not in by_id["page"].text
    assert problems == [
        f"{tmp_path / 'orphan.txt'}: metadata file orphan.meta.yaml not found beside it"
    ]


def test_pdf_sources_are_read_with_pypdf(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with (tmp_path / "blank.pdf").open("wb") as handle:
        writer.write(handle)
    write(tmp_path, "blank.meta.yaml", GOOD.split("---")[1].replace("good-doc", "blank"))
    _, problems = load_sources([tmp_path])
    assert problems == [f"{tmp_path / 'blank.pdf'}: the document has no text"]


def test_discover_skips_sidecars_and_readmes(tmp_path: Path) -> None:
    for name in ("a.md", "README.md", "b.txt", "b.meta.yaml", "c.docx"):
        write(tmp_path, name, "x")
    assert [p.name for p in discover([tmp_path])] == ["a.md", "b.txt"]


def test_an_impossible_date_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path, "good-doc.md", GOOD.replace("2026-01-01", "2026-02-30"))
    loaded, problems = load_sources([tmp_path])
    assert loaded == []
    assert problems == [
        f"{path}: the metadata has an impossible date (day is out of range for month); "
        "write a real YYYY-MM-DD"
    ]


def test_a_text_source_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    meta = GOOD.split("---")[1].replace("good-doc", "notes")
    (tmp_path / "notes.txt").write_bytes("# Dose\nVelmab 6 mg/kg, r\xe9duit.\n".encode("latin-1"))
    write(tmp_path, "notes.meta.yaml", meta)
    loaded, problems = load_sources([tmp_path])
    assert loaded == []
    assert len(problems) == 1 and "notes.txt: could not read the file (not UTF-8" in problems[0]


def test_a_link_to_a_file_outside_the_corpus_is_refused(tmp_path: Path) -> None:
    sources, outside = tmp_path / "sources", tmp_path / "elsewhere"
    sources.mkdir()
    outside.mkdir()
    write(sources, "good-doc.md", GOOD)
    secret = write(outside, "other-doc.md", GOOD.replace("good-doc", "other-doc"))
    (sources / "other-doc.md").symlink_to(secret)
    (sources / "passwd.md").symlink_to("/etc/passwd")
    loaded, problems = load_sources([sources])
    assert sorted(problems) == [
        f"{sources / 'other-doc.md'}: a link to {secret}, outside the corpus; "
        "copy the document in instead",
        f"{sources / 'passwd.md'}: a link to /etc/passwd, outside the corpus; "
        "copy the document in instead",
    ]
    assert [item.source.id for item in loaded] == ["good-doc"]


def test_a_source_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    body = "Velmab is given every three weeks. " * 40_000  # 1.4 MB
    path = write(tmp_path, "good-doc.md", GOOD + body)
    loaded, problems = load_sources([tmp_path], SourceLimits(max_bytes=2**20))
    assert loaded == []
    assert problems == [
        f"{path}: 1.3 MB, more than the limit of 1 MB per source (CAIRN_MAX_SOURCE_MB); "
        "split it or summarise it"
    ]
    assert load_sources([tmp_path])[1] == []  # the default limit is 5 MB
