"""The app in a real browser (Debian's Chromium through Playwright). Screenshots go to
var/screenshots/ for people to look at."""

from __future__ import annotations

import http.server
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import ROOT
from tests.ui.conftest import EDITOR, Served

pytestmark = [pytest.mark.integration, pytest.mark.browser]
SHOTS = ROOT / "var" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, served: Served):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(served.url, wait_until="domcontentloaded")
    page.wait_for_selector("#cairn-question textarea")
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield page
    context.close()


def ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#cairn-question textarea", question)
    page.click("#cairn-ask")
    wait_for_review(page, question)


def wait_for_review(page, question: str) -> None:  # type: ignore[no-untyped-def]
    """The reviewed answer to `question`: the question shown, a verdict badge, no draft left."""
    page.wait_for_function(
        "([q]) => document.querySelector('#cairn-chat').innerText.includes(q)"
        " && document.querySelector('#cairn-badge .cairn-badge[data-verdict]') !== null"
        " && !document.querySelector('#cairn-chat').innerText.includes('being checked')",
        arg=[question],
    )


def last_answer(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator(
        "#cairn-chat .message-row, #cairn-chat [data-testid='bot']"
    ).last.inner_text()


def upload(page, path: Path, tries: int = 4) -> None:  # type: ignore[no-untyped-def]
    """Choose `path` in the Sources tab's file widget. The files go to the widget's input as it
    is now: a file chooser opened by a click holds the input of that moment, which the widget
    may have re-rendered since (after a sign-in or a Clear), and files set there go nowhere.
    On a loaded machine an upload can also stall in the browser (Gradio's upload and its
    progress stream race): like a user, choose the file again, then fail with a screenshot."""
    widget = "#editor-upload"
    shown = f"document.querySelector('{widget}').innerText.includes('{path.name}')"
    for attempt in range(1, tries + 1):
        page.wait_for_function(
            f"document.querySelector('{widget} input[type=file]') !== null && !({shown})"
        )
        page.set_input_files(f"{widget} input[type=file]", str(path))
        try:
            page.wait_for_function(shown, timeout=45_000)
            return
        except PlaywrightTimeout:
            page.screenshot(path=str(SHOTS / f"upload-stalled-{attempt}.png"), full_page=True)
            clear = page.locator(f"{widget} button[aria-label='Clear']")
            if clear.count():
                clear.first.click()
    raise AssertionError(f"{path.name} never showed in the upload widget after {tries} tries")


def choose(page, field: str, option: str) -> None:  # type: ignore[no-untyped-def]
    page.click(f"#field-{field} input")
    page.locator(f"[role=listbox] [role=option][aria-label='{option}']").first.click()


def test_an_answer_is_cited_and_carries_the_verdict_badge(page) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(SHOTS / "01-empty.png"))
    ask(page, "What is first-line treatment for HER2+ metastatic breast cancer?")
    badge = page.locator("#cairn-badge .cairn-badge")
    assert badge.get_attribute("data-verdict") == "pass"
    assert "Checked against the pathway and dose table" in badge.inner_text()
    chat = page.locator("#cairn-chat").inner_text()
    assert "pertuzumab" in chat and re.search(r"\[1[,\]]", chat)
    assert page.locator("#cairn-chat a[href='#cite-1']").count() >= 1
    page.screenshot(path=str(SHOTS / "02-answer.png"), full_page=True)


def test_a_citation_opens_its_passage(page) -> None:  # type: ignore[no-untyped-def]
    ask(page, "T-DXd dose?")
    page.locator("#cairn-chat a[href='#cite-1']").first.click()
    passage = page.locator("#cite-1")
    page.wait_for_function("document.getElementById('cite-1').classList.contains('cairn-flash')")
    assert "5.4 mg/kg" in passage.inner_text()
    assert passage.locator("mark").count() >= 1
    page.screenshot(path=str(SHOTS / "03-citation.png"), full_page=True)


def test_correcting_a_context_field_reruns_the_answer(page) -> None:  # type: ignore[no-untyped-def]
    ask(page, "HER2+ MBC progressed on first-line THP. What next?")
    before = page.locator("#cairn-chat").inner_text()
    assert "recommends trastuzumab deruxtecan" in before
    choose(page, "ild_history", "true")
    page.wait_for_function(
        "document.querySelector('#cairn-chat').innerText.includes('T-DXd needs caution')"
    )
    wait_for_review(page, "progressed on first-line THP")
    after = page.locator("#cairn-chat").inner_text()
    assert "alternatives include trastuzumab emtansine" in after
    page.screenshot(path=str(SHOTS / "04-context-edited.png"), full_page=True)


BROKEN = """---
id: westbridge-clinic-note
title: Westbridge infusion clinic scheduling note
citation: Westbridge clinic internal note 2026
year: 2026
last_reviewed: 2026-11-20
status: current
---
# Summary
The Westbridge infusion clinic schedules HER2-targeted maintenance infusions on Tuesdays.
"""


def test_an_editor_fixes_an_upload_and_the_chat_uses_it(page, served: Served, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="Sources").click()
    page.fill("#editor-user textarea, #editor-user input", EDITOR[0])
    page.fill("#editor-password input", EDITOR[1])
    page.click("#editor-sign-in")
    page.wait_for_selector("#editor-upload button.upload-container")
    broken = tmp_path / "westbridge-clinic-note.md"
    broken.write_text(BROKEN)
    upload(page, broken)
    page.click("#editor-add")
    page.wait_for_function(
        "document.querySelector('#editor-report').innerText.includes('not added')"
    )
    report = page.locator("#editor-report").inner_text()
    assert "missing field 'kind'" in report and "westbridge-clinic-note.md" in report
    page.screenshot(path=str(SHOTS / "05-upload-error.png"), full_page=True)
    assert not (served.corpus / "sources" / "westbridge-clinic-note.md").exists()

    fixed = tmp_path / "fixed" / "westbridge-clinic-note.md"
    fixed.parent.mkdir()
    fixed.write_text(BROKEN.replace("title:", "kind: review\ntitle:"))
    page.locator("#editor-upload button[aria-label='Clear']").first.click()
    upload(page, fixed)
    page.click("#editor-add")
    page.wait_for_function("document.querySelector('#editor-report').innerText.includes('Added')")
    page.screenshot(path=str(SHOTS / "06-upload-added.png"), full_page=True)
    assert (served.corpus / "sources" / "westbridge-clinic-note.md").exists()

    page.get_by_role("tab", name="Ask").click()
    ask(
        page,
        "Which day does the Westbridge infusion clinic give HER2-targeted maintenance infusions?",
    )
    chat = page.locator("#cairn-chat").inner_text()
    assert "Tuesdays" in chat
    page.screenshot(path=str(SHOTS / "07-new-source-answer.png"), full_page=True)


class _Counted(http.server.BaseHTTPRequestHandler):
    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args: object) -> None:
        pass


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@pytest.fixture
def image_server() -> Iterator[tuple[str, list[str]]]:
    """A server that records every request: a remote image a page must never fetch."""
    _Counted.paths = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counted)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Counted.paths
    server.shutdown()
    server.server_close()


IMAGED = """---
id: kestrel-row-note
title: "Kestrel Row infusion clinic scheduling note ![t]({url}/title.png)"
kind: review
citation: Kestrel Row clinic internal note 2026
year: 2026
last_reviewed: 2026-11-20
status: current
---
# Summary
The Kestrel Row infusion clinic gives maintenance infusions on Thursdays ![x]({url}/p.png).
"""


def test_a_markdown_image_in_a_source_is_never_fetched(  # type: ignore[no-untyped-def]
    page, image_server, tmp_path
) -> None:
    url, requests = image_server
    page.get_by_role("tab", name="Sources").click()
    page.fill("#editor-user textarea, #editor-user input", EDITOR[0])
    page.fill("#editor-password input", EDITOR[1])
    page.click("#editor-sign-in")
    page.wait_for_selector("#editor-upload button.upload-container")
    source = tmp_path / "kestrel-row-note.md"
    source.write_text(IMAGED.format(url=url))
    upload(page, source)
    page.click("#editor-add")
    page.wait_for_function("document.querySelector('#editor-report').innerText.includes('Added')")
    page.get_by_label("Search").fill("Kestrel")
    page.wait_for_function(
        "document.querySelector('#cairn-sources-table').innerText.includes('Kestrel Row')"
    )
    page.get_by_role("tab", name="Ask").click()
    ask(page, "Which day does the Kestrel Row infusion clinic give maintenance infusions?")
    assert "Thursdays" in page.locator("#cairn-chat").inner_text()
    assert "Kestrel Row" in page.locator("#cairn-sources").inner_text()
    page.screenshot(path=str(SHOTS / "08-source-with-remote-image.png"), full_page=True)
    page.wait_for_timeout(1000)
    assert requests == []
    # the server is reachable from the page: the zero above is the rendering's doing
    page.evaluate("(src) => { new Image().src = src; }", f"{url}/probe.png")
    deadline = time.monotonic() + 10
    while not requests and time.monotonic() < deadline:
        time.sleep(0.1)
    assert requests == ["/probe.png"]


@pytest.fixture
def mini_page(browser, served_mini: Served):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(served_mini.url, wait_until="domcontentloaded")
    page.wait_for_selector("#cairn-question textarea")
    yield page
    context.close()


WIDGET_NOTE = """---
id: widget-clinic-note
title: Widget clinic note
kind: review
citation: Widget clinic internal note 2026
year: 2026
last_reviewed: 2026-11-20
status: current
---
# Summary
The widget clinic gives velmab infusions on Tuesdays.
"""


def header(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.locator("h2", has_text="Cairn ·").locator("..").inner_text())


def test_the_header_counts_the_sources_after_an_upload(mini_page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = mini_page
    before = int(re.search(r"(\d+) sources", header(page)).group(1))  # type: ignore[union-attr]
    page.get_by_role("tab", name="Sources").click()
    page.fill("#editor-user textarea, #editor-user input", EDITOR[0])
    page.fill("#editor-password input", EDITOR[1])
    page.click("#editor-sign-in")
    page.wait_for_selector("#editor-upload button.upload-container")
    note = tmp_path / "widget-clinic-note.md"
    note.write_text(WIDGET_NOTE)
    upload(page, note)
    page.click("#editor-add")
    page.wait_for_function("document.querySelector('#editor-report').innerText.includes('Added')")
    page.wait_for_function(
        "([n]) => document.body.innerText.includes(`${n} sources`)", arg=[before + 1]
    )
    page.reload(wait_until="domcontentloaded")  # a new page reads the index again
    page.wait_for_function(
        "([n]) => document.body.innerText.includes(`${n} sources`)", arg=[before + 1]
    )
    page.get_by_role("tab", name="Sources").click()
    page.wait_for_function(
        "document.querySelector('#cairn-sources-table').innerText.includes('widget-clinic-note')"
    )
