"""report.html: escaped, self-contained, sorted by entity count."""

from __future__ import annotations

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
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


class PageParser(HTMLParser):
    """Collects tags, attributes, and per row of the findings table its path and class.

    The path is the text of the first cell's <summary>; the per-file detail
    table nested in that cell is not a row of the findings table.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.tables: list[str | None] = []  # ids of the open tables, innermost last
        self.cell_index = -1
        self.in_summary = False
        self.paths: list[str] = []
        self.row_classes: list[str | None] = []

    def _in_findings(self) -> bool:
        return bool(self.tables) and self.tables[-1] == "findings"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "table":
            self.tables.append(attributes.get("id"))
        elif self._in_findings() and tag == "tr":
            self.cell_index = -1
            self.paths.append("")
            self.row_classes.append(attributes.get("class"))
        elif self._in_findings() and tag == "td":
            self.cell_index += 1
        elif tag == "summary" and self.tables[-1:] == ["findings"] and self.cell_index == 0:
            self.in_summary = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.tables:
            self.tables.pop()
        elif tag == "summary":
            self.in_summary = False

    def handle_data(self, data: str) -> None:
        if self.in_summary:
            self.paths[-1] += data


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    # The first row is the header row.
    parser.paths = parser.paths[1:]
    parser.row_classes = parser.row_classes[1:]
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


def test_findings_sorted_most_entities_first_and_clean_files_left_out(
    page: str, names: SimpleNamespace
) -> None:
    parser = parse(page)
    assert parser.paths == [
        names.hyperlink,  # 5 entities
        names.script,  # 3
        "ctrl\\x01char.txt",  # 2 (one of a type ENTITY_TYPES does not list)
        # no entities, but a flag or an error: in walk order
        names.at,
        "line one\\x0aline two.txt",
        "invoice\\u202etxt.exe",
    ]
    # Encrypted with nothing to report, or simply clean: not listed.
    assert names.clean not in page
    assert names.plus not in page


def test_unprotected_personal_data_rows_are_highlighted(page: str) -> None:
    parser = parse(page)
    assert parser.row_classes == ["danger", "danger", None, None, None, None]
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
    assert "No file had personal data, a flag or an error." in page
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
