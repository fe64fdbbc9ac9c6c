"""Bar charts as inline SVG, drawn on the server: no script, no CDN, readable on a phone."""

from html import escape

WIDTH, HEIGHT = 640, 300
LEFT, BOTTOM, TOP = 16, 44, 36


def _fmt(value: float, unit: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text}{unit}"


def bar_chart(title: str, labels: list[str], values: list[float], *, unit: str = "",
              max_value: float | None = None, color: str = "#c0392b") -> str:
    """An accessible SVG bar chart: each bar carries its value as text, the title is the label."""
    top = max_value or max(values, default=0) or 1
    n = max(len(values), 1)
    slot = (WIDTH - 2 * LEFT) / n
    bar = slot * 0.64
    plot = HEIGHT - BOTTOM - TOP
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<title>{escape(title)}</title>',
        f'<text x="{LEFT}" y="24" font-size="22" font-weight="bold" fill="#222">{escape(title)}</text>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - LEFT}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#888" stroke-width="2"/>',
    ]
    small = n > 8
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot * min(value / top, 1) if value > 0 else 0
        x = LEFT + i * slot + (slot - bar) / 2
        y = HEIGHT - BOTTOM - h
        cx = x + bar / 2
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                     f'fill="{color}" rx="3"/>')
        parts.append(f'<text x="{cx:.1f}" y="{y - 6:.1f}" font-size="{15 if small else 18}" '
                     f'text-anchor="middle" fill="#222">{escape(_fmt(value, unit))}</text>')
        parts.append(f'<text x="{cx:.1f}" y="{HEIGHT - BOTTOM + 26}" font-size="{15 if small else 18}" '
                     f'text-anchor="middle" fill="#444">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
