"""report.html in a real browser: no errors, sorting, action groups, hostile names stay text.

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

from dpscan.model.records import ScanResult, WalkError
from dpscan.reports.html_report import write_html

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


def open_report(browser: Any, result: ScanResult, tmp_path: Path) -> Any:
    """report.html of ``result``, open in a fresh page; collects errors and dialogs."""
    target = tmp_path / "report.html"
    write_html(result, target)
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
    return page


@pytest.fixture
def opened(browser: Any, hostile_result: ScanResult, tmp_path: Path) -> Iterator[Any]:
    """report.html of the hostile scan, open in a fresh page."""
    page = open_report(browser, hostile_result, tmp_path)
    try:
        yield page
    finally:
        page.close()


@pytest.fixture
def catalogued(browser: Any, catalogued_result: ScanResult, tmp_path: Path) -> Iterator[Any]:
    """report.html of a catalogued rescan (reviews, changes, copies) that did not finish:
    a root could not be reached, and evidence was asked for unmasked."""
    catalogued_result.scan.complete = False
    catalogued_result.scan.walk_errors.append(
        WalkError(root="/mnt/<gone>", path="", error="[Errno 2] No such file or directory")
    )
    catalogued_result.scan.settings["show_evidence"] = True
    page = open_report(browser, catalogued_result, tmp_path)
    try:
        yield page
    finally:
        page.close()


def paths(page: Any, group: str) -> list[str]:
    """The files listed in one action group, in order."""
    return page.locator(
        f"#action-{group} table.actions > tbody > tr > td.path > details > summary"
    ).all_text_contents()  # text of closed groups too


def folders(page: Any) -> list[str]:
    """The folder table's rows as root/folder (what the folder column sorts by)."""
    return page.eval_on_selector_all(
        "#folder-table > tbody > tr > td:first-child", "els => els.map(e => e.dataset.value)"
    )


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
    summary = opened.locator("table.actions summary", has_text="alert(1)")
    assert summary.text_content() == names.script
    assert opened.locator("script").count() == 1
    assert opened.dialogs == []


def test_sort_by_clicking_a_header(opened: Any) -> None:
    before = folders(opened)
    assert len(before) > 1
    opened.locator("#folder-table th", has_text="folder").click()
    ascending = folders(opened)
    assert ascending != before
    assert ascending == sorted(before, key=str.lower)
    opened.locator("#folder-table th", has_text="folder").click()
    assert folders(opened) == list(reversed(ascending))
    assert opened.page_errors == []


def test_action_groups_open_and_close(opened: Any, names: Any) -> None:
    first = opened.locator("details.action-group").first
    assert first.get_attribute("open") is not None  # the most urgent group starts open
    assert paths(opened, "unprotected_personal_data") == [names.hyperlink, names.script]
    row = opened.locator("#action-unprotected_personal_data table.actions > tbody > tr").first
    assert not row.is_visible()  # a closed group shows its advice line only
    opened.locator("#action-unprotected_personal_data > summary").click()
    assert row.is_visible()
    assert opened.page_errors == []


def test_screenshot(opened: Any, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    opened.locator("table.actions summary").first.click()  # open one per-file detail
    shot = tmp_path / "report.png"
    opened.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    keep = request.config.getoption("basetemp", None)
    if keep:
        shutil.copy(shot, Path(keep) / "report.png")
    assert opened.page_errors == []


# --- a catalogued rescan: reviewed, changes, copies, incomplete ------------------------------


def rows_text(page: Any, selector: str) -> list[str]:
    return page.locator(selector).all_inner_texts()


def test_catalogued_report_loads_without_errors(catalogued: Any) -> None:
    assert catalogued.console_errors == []
    assert catalogued.page_errors == []
    assert catalogued.dialogs == []
    assert all(url.startswith(("file://", "data:")) for url in catalogued.requests)
    assert catalogued.locator("script").count() == 1


def test_incomplete_and_unmasked_banners_come_first(catalogued: Any) -> None:
    banners = catalogued.locator("header .banner")
    assert banners.count() == 2
    first = banners.first.inner_text()
    assert first.startswith("This scan is incomplete: a root could not be reached: /mnt/<gone>")
    assert banners.nth(1).inner_text().startswith("Evidence shown unmasked")
    assert banners.first.is_visible()
    top = catalogued.locator("h1").bounding_box()["y"]
    assert banners.first.bounding_box()["y"] < top


def test_reviewed_section_renders(catalogued: Any, names: Any) -> None:
    rows = catalogued.locator("#reviewed-table > tbody > tr")
    assert rows.count() == 2
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[0].splitlines()[0] == names.script
    assert cells[1:4] == ["accepted", names.review_reason, names.reviewer]
    assert catalogued.locator("#reviewed-table b").count() == 0  # the reason stays text
    assert paths(catalogued, "special_category_unprotected") == [names.hyperlink]
    assert catalogued.locator("#needs-action .value").inner_text() == "1"
    assert catalogued.locator("#reviewed-count .value").inner_text() == "2"


def test_changes_section_renders_and_sorts(catalogued: Any, names: Any) -> None:
    kinds = "#changes-table > tbody > tr > td:first-child"
    assert rows_text(catalogued, kinds) == ["new", "changed", "resolved", "resolved"]
    files = rows_text(catalogued, "#changes-table > tbody > tr > td.path")
    assert files[2].splitlines()[0] == names.gone  # a hostile name, as text
    assert catalogued.locator("#change-counts").inner_text().split() == [
        "new", "1", "changed", "1", "resolved", "2",
    ]  # fmt: skip
    catalogued.locator("#changes-table th", has_text="severity now").click()
    assert rows_text(catalogued, kinds)[0] == "resolved"  # ascending: no severity first
    catalogued.locator("#changes-table th", has_text="severity now").click()
    assert rows_text(catalogued, kinds)[0] == "new"  # the critical file
    assert catalogued.page_errors == []


def test_copies_section_renders(catalogued: Any, names: Any) -> None:
    groups = catalogued.locator("#copies-table > tbody > tr")
    assert groups.count() == 2
    first = groups.first.locator("ul.copies li").all_inner_texts()
    assert first == [
        names.hyperlink + " in /srv/<share>/staff",
        names.copy + " in /media/<stick>",
    ]


def test_catalogued_screenshot(
    catalogued: Any, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    shot = tmp_path / "report-catalogued.png"
    catalogued.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    keep = request.config.getoption("basetemp", None)
    if keep:
        shutil.copy(shot, Path(keep) / "report-catalogued.png")
    assert catalogued.page_errors == []
