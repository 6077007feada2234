"""Bar charts for report.html, drawn by matplotlib as SVG and embedded as data: URIs.

A chart is returned as ``data:image/svg+xml;base64,...`` for an ``<img>``:
an SVG shown through ``<img>`` is inert (browsers run no script and load
nothing from it), the page's Content-Security-Policy already allows
``img-src data:``, and the chart's text can never mix with the page's markup.
Labels are fixed words (flag names, severities, years) or ids from the
user's own configuration (rule and asset ids); they are still made visible
(:func:`chart_label`), length-limited and escaped by matplotlib's SVG writer,
and the SVG is checked for ``<script`` before it is embedded, belt and braces.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Mapping

DATA_URI_PREFIX = "data:image/svg+xml;base64,"

# Longer labels are cut, so one long rule id cannot squash the bars.
MAX_LABEL_CHARS = 32
# A chart with more bars than this shows the largest ones and an "other" bar.
MAX_BARS = 12
OTHER = "(other)"

_BAR_COLOUR = "#243b53"
_SEVERITY_COLOURS = {
    "critical": "#b42318",
    "high": "#dc6803",
    "medium": "#e7b416",
    "low": "#7b8794",
}
_UNSAFE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class UnsafeChart(ValueError):
    """The SVG matplotlib produced holds a script: it is never embedded."""


def chart_label(value: str) -> str:
    """A label safe and short enough for a chart: no control or bidi characters, 32 chars."""
    text = _UNSAFE_RE.sub("?", str(value))
    if len(text) > MAX_LABEL_CHARS:
        text = text[: MAX_LABEL_CHARS - 1] + "…"
    return text


def _limit(counts: Mapping[str, int]) -> dict[str, int]:
    items = list(counts.items())
    if len(items) <= MAX_BARS:
        return dict(items)
    kept = dict(items[: MAX_BARS - 1])
    kept[OTHER] = sum(count for _, count in items[MAX_BARS - 1 :])
    return kept


def bar_chart_svg(title: str, counts: Mapping[str, int], *, severity_colours: bool = False) -> str:
    """Draw ``counts`` (label -> files, in display order, top to bottom) as an SVG document.

    Uses the Agg canvas (no display needed) with ``svg.fonttype = 'none'``, so
    text stays text in the SVG and the browser draws it in its own font.
    Raises :class:`UnsafeChart` if the SVG contains ``<script``.
    """
    # Imported here: matplotlib takes a moment to import, and only report.html needs it.
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    shown = _limit(counts)
    labels = [chart_label(name) for name in shown]
    values = list(shown.values())
    colours = [
        _SEVERITY_COLOURS.get(name, _BAR_COLOUR) if severity_colours else _BAR_COLOUR
        for name in shown
    ]
    with matplotlib.rc_context({
        "svg.fonttype": "none",
        "svg.hashsalt": "dpscan",  # stable ids: the same scan gives the same page
        "text.parse_math": False,  # a "$" in a rule id is text, not TeX
        "font.family": "sans-serif",
        "font.size": 9,
    }):
        height = 0.9 + 0.28 * max(len(values), 1)
        figure = Figure(figsize=(4.6, height), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        positions = list(range(len(values)))
        axes.barh(positions, values, color=colours, height=0.7)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()  # first item at the top
        axes.set_title(title, loc="left", fontsize=10, fontweight="bold", color="#243b53")
        locator = axes.xaxis.get_major_locator()
        if isinstance(locator, MaxNLocator):  # a new axes' AutoLocator is one
            locator.set_params(integer=True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        for position, value in zip(positions, values, strict=True):
            axes.annotate(
                str(value),
                (value, position),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        if not values:
            axes.text(0.5, 0.5, "none", transform=axes.transAxes, ha="center", color="#616e7c")
            axes.set_yticks([])
        axes.margins(x=0.15)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    if re.search(r"<\s*script", svg, re.IGNORECASE):
        raise UnsafeChart(f"chart {title!r}: SVG contains a script element")
    return svg


def svg_data_uri(svg: str) -> str:
    """``svg`` as a base64 ``data:image/svg+xml`` URI for an ``<img src>``."""
    return DATA_URI_PREFIX + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def bar_chart(title: str, counts: Mapping[str, int], *, severity_colours: bool = False) -> str:
    """The chart of ``counts`` as a data: URI (see :func:`bar_chart_svg`)."""
    return svg_data_uri(bar_chart_svg(title, counts, severity_colours=severity_colours))
