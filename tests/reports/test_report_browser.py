"""report.html in a real browser: no errors, sorting, filtering, hostile names stay text.

Needs the playwright Python package and a Chromium at /usr/bin/chromium (the
Debian package); playwright's own browser download is never used.  Skipped
cleanly when either is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reports.html_report import write_html
from scanner.results import ScanResult

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not (CHROMIUM.is_file() or shutil.which(str(CHROMIUM))):
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def opened(browser: Any, hostile_result: ScanResult, tmp_path: Path) -> Iterator[Any]:
    """report.html of the hostile scan, open in a fresh page; collects errors and dialogs."""
    target = tmp_path / "report.html"
    write_html(hostile_result, target)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.console_errors = []  # type: ignore[attr-defined]
    page.page_errors = []  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    page.requests = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda m: page.console_errors.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: page.page_errors.append(str(e)))

    def on_dialog(dialog: Any) -> None:
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto(target.as_uri())
    page.wait_for_load_state("load")
    try:
        yield page
    finally:
        page.close()


def paths(page: Any) -> list[str]:
    return page.locator(
        "#findings > tbody > tr:not([hidden]) > td:first-child summary"
    ).all_inner_texts()


def test_loads_without_errors_or_outside_requests(opened: Any) -> None:
    assert opened.console_errors == []
    assert opened.page_errors == []
    assert opened.dialogs == []
    # Only the file itself and the charts' data: URIs.
    assert all(url.startswith(("file://", "data:")) for url in opened.requests), opened.requests
    assert opened.locator(".charts img").count() == 6
    widths = opened.eval_on_selector_all(".charts img", "els => els.map(e => e.naturalWidth)")
    assert all(width > 0 for width in widths)  # every chart decoded and drew


def test_hostile_name_is_text(opened: Any, names: Any) -> None:
    summary = opened.locator("#findings summary", has_text="alert(1)")
    assert summary.inner_text() == names.script
    assert opened.locator("script").count() == 1
    assert opened.dialogs == []


def test_sort_by_clicking_a_header(opened: Any) -> None:
    before = paths(opened)
    opened.locator("#findings th", has_text="path").click()
    ascending = paths(opened)
    assert ascending != before
    assert ascending == sorted(before, key=str.lower)
    opened.locator("#findings th", has_text="path").click()
    assert paths(opened) == list(reversed(ascending))
    assert opened.page_errors == []


def test_filter_rows(opened: Any, names: Any) -> None:
    assert len(paths(opened)) == 6
    opened.locator("#filter").fill("hyperlink")
    assert paths(opened) == [names.hyperlink]
    assert opened.locator("#shown").inner_text() == "1 of 6 files"
    opened.locator("#filter").fill("")
    opened.locator("#severity-filter").select_option("high")
    assert paths(opened) == [names.script]


def test_screenshot(opened: Any, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    opened.locator("#findings summary").first.click()  # open one per-file detail
    shot = tmp_path / "report.png"
    opened.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    keep = request.config.getoption("basetemp", None)
    if keep:
        shutil.copy(shot, Path(keep) / "report.png")
    assert opened.page_errors == []
