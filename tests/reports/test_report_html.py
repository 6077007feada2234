"""report.html: escaped, self-contained, actions grouped most urgent first."""

from __future__ import annotations

import base64
import hashlib
import re
import stat
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

from dpscan.model.records import ScanResult
from dpscan.reports import html_report
from dpscan.reports.html_report import render_html, visible, write_html

TEMPLATE = Path(html_report.__file__).parent / "templates" / html_report.TEMPLATE_NAME
SCRIPT = (TEMPLATE.parent / html_report.SORT_SCRIPT).read_text(encoding="utf-8")
# Only the page's own sorting script may run: allowed by its hash, never 'unsafe-inline'.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"
    + base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode()
    + "'; img-src data:; base-uri 'none'; form-action 'none'"
)


class PageParser(HTMLParser):
    """Collects tags, attributes, and per row of an action group its group, path and class.

    The path is the text of the row's <summary>; the per-file detail table nested in
    that cell is not a row of the group's table.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.tables: list[str | None] = []  # classes of the open tables, innermost last
        self.group = ""
        self.in_summary = False
        self.rows: list[tuple[str, str]] = []  # (group, path)
        self.row_classes: list[str | None] = []

    def _in_actions(self) -> bool:
        return bool(self.tables) and self.tables[-1] == "actions"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "details" and attributes.get("class") == "action-group":
            self.group = (attributes.get("id") or "").removeprefix("action-")
        elif tag == "table":
            self.tables.append(attributes.get("class"))
        elif self._in_actions() and tag == "tr" and "data-severity" in attributes:
            self.rows.append((self.group, ""))
            self.row_classes.append(attributes.get("class"))
        elif tag == "summary" and self._in_actions():
            self.in_summary = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.tables:
            self.tables.pop()
        elif tag == "summary":
            self.in_summary = False

    def handle_data(self, data: str) -> None:
        if self.in_summary:
            group, path = self.rows[-1]
            self.rows[-1] = (group, path + data)


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture
def page(hostile_result: ScanResult) -> str:
    return render_html(hostile_result)


def test_script_name_is_escaped(page: str) -> None:
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.txt" in page
    assert "<script>alert" not in page
    # The only script element is the page's own sort/filter script.
    assert page.count("<script") == 1


def test_markup_in_errors_and_walk_errors_is_escaped(page: str) -> None:
    assert "&lt;img src=x onerror=alert(1)&gt; permission denied" in page
    assert "<img src=x" not in page
    # The only images are the charts, inline.
    assert re.findall(r"<img [^>]*>", page) == re.findall(
        r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="[^"<>]*">', page
    )
    assert "&lt;b&gt;HR&lt;/b&gt;" in page
    assert "<b>HR" not in page
    assert "/srv/&lt;share&gt;/staff" in page


def test_quotes_in_names_cannot_break_attributes(page: str) -> None:
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;).csv" in page
    for _tag, attributes in parse(page).tags:
        for name in attributes:
            assert name in {
                "lang",
                "charset",
                "http-equiv",
                "content",
                "name",
                "class",
                "id",
                "type",
                "placeholder",
                "aria-label",
                "autocomplete",
                "data-sort",
                "aria-sort",
                "data-value",
                "scope",
                "colspan",
                "data-severity",
                "data-review",
                "data-change",
                "value",
                "role",
                "href",  # in-page links only: see test_no_external_assets
                "src",  # chart images: data: URIs only, see test_no_external_assets
                "alt",
                "open",  # the most urgent action group starts open
            }, name


def test_head_has_charset_and_strict_csp(page: str) -> None:
    tags = parse(page).tags
    assert ("meta", {"charset": "utf-8"}) in tags
    csp = [
        a["content"]
        for t, a in tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp == [CSP]
    assert page.index('<meta charset="utf-8">') < page.index("<title>")


def test_no_external_assets(page: str) -> None:
    tags = parse(page).tags
    loaders = {"link", "iframe", "object", "embed", "audio", "video", "source", "base"}
    assert not [tag for tag, _ in tags if tag in loaders]
    images = [attributes for tag, attributes in tags if tag == "img"]
    assert len(images) == 6  # severity, flag, rule, asset, year, special category
    for attributes in images:
        assert (attributes["src"] or "").startswith("data:image/svg+xml;base64,")
    for tag, attributes in tags:
        for attribute in ("action", "data", "poster", "srcset"):
            assert attribute not in attributes, (tag, attribute)
        if tag != "img":
            assert "src" not in attributes, tag
        if "href" in attributes:
            assert (attributes["href"] or "").startswith("#"), attributes
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert "@import" not in page
    assert "url(" not in page


def test_action_groups_most_urgent_first_and_clean_files_left_out(
    page: str, names: SimpleNamespace
) -> None:
    # Every open file with personal data, a flag or an error, in the group of each of its
    # flags; groups in the order of urgency of their advice.
    assert parse(page).rows == [
        ("special_category_unprotected", names.hyperlink),
        ("unprotected_personal_data", names.hyperlink),  # critical before high
        ("unprotected_personal_data", names.script),
        ("overdue", names.hyperlink),
        ("due_soon", "ctrl\\x01char.txt"),
        ("unregistered_personal_data", names.hyperlink),
        ("unreadable", names.at),
        ("no_text_extracted", "line one\\x0aline two.txt"),
        ("extension_mismatch", "invoice\\u202etxt.exe"),
        ("non_utf8_name", "ctrl\\x01char.txt"),
        ("empty_file", "line one\\x0aline two.txt"),
    ]
    # Encrypted with nothing to report, or simply clean: not listed.
    assert names.clean not in page
    assert names.plus not in page


def test_unprotected_personal_data_rows_are_highlighted(page: str, names: SimpleNamespace) -> None:
    parser = parse(page)
    danger = {path for (_, path), cls in zip(parser.rows, parser.row_classes, strict=True)
              if cls == "danger"}
    assert danger == {names.hyperlink, names.script}
    assert re.search(
        r'<div class="card danger"><div class="value">2</div>'
        r'<div class="label">unprotected files with personal data</div>',
        page,
    )


def test_control_and_bidi_characters_are_shown_not_emitted(page: str) -> None:
    assert "\x01" not in page
    assert "\u202e" not in page
    assert "ctrl\\x01char.txt" in page
    assert "invoice\\u202etxt.exe" in page


def test_summary_counts(page: str, names: SimpleNamespace) -> None:
    text = re.sub(r"\s+", " ", page)
    assert '<td>UK_NHS</td><td class="num">4</td><td class="num">1</td>' in text
    assert '<td>DATE_OF_BIRTH</td><td class="num">2</td><td class="num">2</td>' in text
    assert f'<td>{names.extra_type}</td><td class="num">1</td>' in text
    # Entity types with no hits are left out of the summary table.
    assert "<td>UK_PASSPORT</td>" not in text
    assert (
        '<span class="badge flag">unprotected_personal_data</span></td><td class="num">2</td>'
        in text
    )
    assert '<span class="badge none">none</span></td><td class="num">7</td>' in text
    assert '<td>scanned (text read and checked)</td><td class="num">7</td>' in text
    assert "J*** S****" in page
    assert "943 *** 5919" in page


def test_empty_scan(empty_result: ScanResult) -> None:
    page = render_html(empty_result)
    assert "No file with personal data, a flag or an error needs action." in page
    assert "Every folder under the roots was read." in page
    assert "scan did not finish" in page
    assert "<script" not in page


def test_written_file_is_private_utf8(hostile_result: ScanResult, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    write_html(hostile_result, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes().decode("utf-8") == render_html(hostile_result)


def test_template_never_marks_data_safe() -> None:
    source = TEMPLATE.read_text(encoding="utf-8")
    assert not re.search(r"\|\s*safe\b", source)
    assert "autoescape false" not in source


def test_visible() -> None:
    assert visible(None) == ""
    assert visible("a\x00b\nc\x7f\x85\u200fd") == "a\\x00b\\x0ac\\x7f\\x85\\u200fd"
    assert visible("Élève <x>") == "Élève <x>"  # escaping is autoescape's job
