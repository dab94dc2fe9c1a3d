"""Small server-rendered SVG charts: no JavaScript, readable on phones, printable.

Every chart carries a text alternative (``<title>`` and ``aria-label``) built from its data.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def _num(value: float) -> str:
    """A number for SVG coordinates, CSS and ARIA values: always a decimal point."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _shown(value: float) -> str:
    """A number for people to read, in the active language (Indonesian: 85,7), rounded
    half up from its decimal text as the tables' ``floatformat`` does (24.95 is 25,0 in
    both, not 24,9 from the binary float)."""
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    places = 0 if rounded == rounded.to_integral_value() else 1
    return number_format(rounded, decimal_pos=places)


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    max_value: float | None = None,
    suffix: str = "",
    classes: Sequence[str] | None = None,
) -> SafeString:
    """Horizontal bars, one per (label, value), as HTML: labels stay readable on a phone."""
    top = max([max_value or 0, *[v for _, v in items]]) or 1
    rows = []
    for i, (label, value) in enumerate(items):
        cls = classes[i] if classes and i < len(classes) else ""
        share = max(0.0, min(100.0, 100 * value / top))
        rows.append(
            format_html(
                '<li><span class="bar-label">{}</span><span class="bar-track">'
                '<span class="bar-fill {}" style="width:{}%"></span></span>'
                '<span class="bar-value">{}{}</span></li>',
                label,
                cls,
                _num(share),
                _shown(value),
                suffix,
            )
        )
    return format_html(
        '<figure class="bars"><figcaption class="visually-hidden">{}</figcaption><ul>{}</ul></figure>',
        title,
        mark_safe("".join(rows)),  # noqa: S308 - each row is escaped above
    )


def line_chart(
    points: Sequence[tuple[str, float]],
    *,
    title: str,
    min_value: float | None = 0,
    max_value: float | None = None,
    suffix: str = "",
    width: int = 480,
    height: int = 200,
) -> SafeString:
    """A line over labelled points (e.g. a score by week), with the first and last labels."""
    if not points:
        return format_html('<p class="empty">{}</p>', title)
    pad_l, pad_r, pad_t, pad_b = 40, 12, 12, 28
    values = [v for _, v in points]
    lo = min(values) if min_value is None else min(min_value, min(values))
    hi = max(values) if max_value is None else max(max_value, max(values))
    if hi == lo:
        hi = lo + 1
    pw, ph = width - pad_l - pad_r, height - pad_t - pad_b
    step = pw / max(1, len(points) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return pad_l + i * step, pad_t + ph * (1 - (v - lo) / (hi - lo))

    coords = [xy(i, v) for i, (_, v) in enumerate(points)]
    line = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
    area = f"{_num(pad_l)},{_num(pad_t + ph)} {line} {_num(coords[-1][0])},{_num(pad_t + ph)}"
    summary = "; ".join(f"{label}: {_shown(v)}{suffix}" for label, v in points)
    out = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>',
            width,
            height,
            f"{title}. {summary}",
            title,
        ),
        format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>',
            pad_l,
            pad_t + ph,
            width - pad_r,
            pad_t + ph,
        ),
        format_html(
            '<text x="{}" y="{}" text-anchor="end">{}</text>', pad_l - 4, pad_t + 10, _shown(hi)
        ),
        format_html(
            '<text x="{}" y="{}" text-anchor="end">{}</text>', pad_l - 4, pad_t + ph, _shown(lo)
        ),
        format_html(
            '<polygon class="area" points="{}"></polygon><polyline class="line" points="{}"></polyline>',
            area,
            line,
        ),
    ]
    for (x, y), (label, v) in zip(coords, points, strict=True):
        out.append(
            format_html(
                '<circle class="dot" cx="{}" cy="{}" r="3"><title>{}: {}{}</title></circle>',
                _num(x),
                _num(y),
                label,
                _shown(v),
                suffix,
            )
        )
    out.append(format_html('<text x="{}" y="{}">{}</text>', pad_l, height - 8, points[0][0]))
    if len(points) > 1:
        out.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                width - pad_r,
                height - 8,
                points[-1][0],
            )
        )
    out.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in out))  # noqa: S308 - parts are escaped above


def meter(value: float, *, maximum: float = 100, label: str = "", tone: str = "") -> SafeString:
    """A progress meter (e.g. capaian 0–100 %) with its value as accessible text."""
    share = 0 if maximum <= 0 else max(0.0, min(1.0, value / maximum))
    return format_html(
        '<div class="meter {}" role="meter" aria-valuemin="0" aria-valuemax="{}" aria-valuenow="{}" aria-label="{}">'
        '<span style="width:{}%"></span></div>',
        tone,
        _num(maximum),
        _num(value),
        escape(label) or _shown(value),
        _num(share * 100),
    )
