"""Bar charts as inline SVG, drawn on the server: no script, no CDN, readable on a phone.

Bars run horizontally, one row per label, so the text stays large on a narrow screen.
"""

from html import escape

WIDTH = 640
ROW = 46
TITLE = 52
LABEL_W = 150
LABEL_MAX = 280
"""The label column grows with the longest label up to this (a branch's name is ~8 characters);
a longer label is shortened with … (the whole one in its tooltip)."""
VALUE_W = 110
FONT = 26


def _text_width(text: str) -> float:
    """Drawn width at FONT: a CJK character is as wide as the font size, others about half."""
    return sum(FONT if ord(ch) > 0x2E7F else FONT * 0.55 for ch in text)


def _fit(label: str, room: float) -> str:
    if _text_width(label) <= room:
        return label
    while label and _text_width(label + "…") > room:
        label = label[:-1]
    return label + "…"


def _fmt(value: float, unit: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text}{unit}"


def bar_chart(title: str, labels: list[str], values: list[float | None], *, unit: str = "",
              max_value: float | None = None, color: str = "#c0392b", missing: str = "无") -> str:
    """An SVG bar chart with every value written beside its bar; None draws no bar, says `missing`."""
    top = max_value or max((v for v in values if v is not None), default=0) or 1
    height = TITLE + ROW * max(len(values), 1) + 8
    label_w = min(max([LABEL_W, *(_text_width(x) + 20 for x in labels)]), LABEL_MAX)
    span = WIDTH - label_w - VALUE_W
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
        f'<title>{escape(title)}</title>',
        f'<text x="8" y="34" font-size="{FONT + 2}" font-weight="bold" fill="#222">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TITLE + i * ROW
        mid = y + ROW / 2 + FONT / 3
        width = span * min(value / top, 1) if value and value > 0 else 0
        shown = _fit(label, label_w - 20)
        tip = f"<title>{escape(label)}</title>" if shown != label else ""
        parts.append(f'<text x="{label_w - 12:.0f}" y="{mid:.0f}" font-size="{FONT}" '
                     f'text-anchor="end" fill="#444">{tip}{escape(shown)}</text>')
        parts.append(f'<rect x="{label_w:.0f}" y="{y + 7}" width="{width:.1f}" height="{ROW - 14}" '
                     f'fill="{color}" rx="4"/>')
        text = missing if value is None else _fmt(value, unit)
        parts.append(f'<text x="{label_w + width + 10:.1f}" y="{mid:.0f}" font-size="{FONT}" '
                     f'fill="#222">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)
