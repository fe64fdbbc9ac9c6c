"""Bar charts as inline SVG, drawn on the server: no script, no CDN, readable on a phone.

Bars run horizontally, one row per label, so the text stays large on a narrow screen.
"""

from html import escape

WIDTH = 640
ROW = 46
TITLE = 52
LABEL_W = 150
VALUE_W = 110
FONT = 26


def _fmt(value: float, unit: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text}{unit}"


def bar_chart(title: str, labels: list[str], values: list[float | None], *, unit: str = "",
              max_value: float | None = None, color: str = "#c0392b", missing: str = "无") -> str:
    """An SVG bar chart with every value written beside its bar; None draws no bar, says `missing`."""
    top = max_value or max((v for v in values if v is not None), default=0) or 1
    height = TITLE + ROW * max(len(values), 1) + 8
    span = WIDTH - LABEL_W - VALUE_W
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
        f'<title>{escape(title)}</title>',
        f'<text x="8" y="34" font-size="{FONT + 2}" font-weight="bold" fill="#222">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TITLE + i * ROW
        mid = y + ROW / 2 + FONT / 3
        width = span * min(value / top, 1) if value and value > 0 else 0
        parts.append(f'<text x="{LABEL_W - 12}" y="{mid:.0f}" font-size="{FONT}" text-anchor="end" '
                     f'fill="#444">{escape(label)}</text>')
        parts.append(f'<rect x="{LABEL_W}" y="{y + 7}" width="{width:.1f}" height="{ROW - 14}" '
                     f'fill="{color}" rx="4"/>')
        text = missing if value is None else _fmt(value, unit)
        parts.append(f'<text x="{LABEL_W + width + 10:.1f}" y="{mid:.0f}" font-size="{FONT}" '
                     f'fill="#222">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)
