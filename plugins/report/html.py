"""Server-rendered pages: a tiny escaping HTML builder. Every value is escaped unless it is Safe."""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from typing import Any

from domain.report import Period


class Safe(str):
    """HTML this module built itself (never user text)."""

    __slots__ = ()


EMPTY = Safe("")


def e(value: Any) -> Safe:
    """Escape anything for HTML text or a quoted attribute; Safe passes through."""
    if isinstance(value, Safe):
        return value
    if value is None:
        return Safe("")
    if isinstance(value, Decimal):
        value = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    return Safe(escape(str(value), quote=True))


def join(parts: Iterable[Any]) -> Safe:
    """Concatenate, escaping whatever is not Safe."""
    return Safe("".join(e(p) for p in parts))


def tag(element: str, /, *children: Any, **attrs: Any) -> Safe:
    """<name attrs>children</name>; attribute names: trailing _ dropped, _ → -."""
    rendered = "".join(
        f' {k.rstrip("_").replace("_", "-")}="{e(v)}"' for k, v in attrs.items() if v is not None)
    return Safe(f"<{element}{rendered}>{join(children)}</{element}>")


def link(href: str, text: Any, **attrs: Any) -> Safe:
    """<a href=…>."""
    return tag("a", text, href=href, **attrs)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, empty: str = "暂无记录") -> Safe:
    """A scrollable table; an empty one says so instead."""
    body = [tag("tr", *(tag("td", c) for c in row)) for row in rows]
    if not body:
        return tag("p", empty, class_="empty")
    head = tag("tr", *(tag("th", h, scope="col") for h in headers))
    return tag("div", tag("table", tag("thead", head), tag("tbody", *body)), class_="scroll")


def csrf_field(token: str) -> Safe:
    """The hidden CSRF input every form carries."""
    return Safe(f'<input type="hidden" name="csrf" value="{e(token)}">')


def period_form(action: str, period: Period, extra: Safe = EMPTY) -> Safe:
    """A GET form to pick the quarter or year (works without JavaScript)."""
    return tag("form", tag("label", "时间 ", Safe(
        f'<input name="period" value="{e(period.key)}" size="8" inputmode="text" '
        'placeholder="2026Q4">')), extra, Safe('<button type="submit">查看</button>'),
        method="get", action=action, class_="filters")


STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
font-size:20px;line-height:1.6;color:#222;background:#faf7f2}
header{background:#b71c1c;color:#fff;padding:12px 16px}
header h1{font-size:26px;margin:0}
header .who{font-size:17px}
nav{display:flex;flex-wrap:wrap;gap:6px 10px;padding:10px 16px;background:#fff;border-bottom:2px solid #e0d6c8}
nav a{color:#b71c1c;font-size:20px;padding:6px 10px;border:1px solid #e0c0c0;border-radius:8px;text-decoration:none}
nav a.here{background:#b71c1c;color:#fff}
main{padding:12px 16px;max-width:1100px;margin:auto}
h2{font-size:24px;margin:18px 0 8px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.card{background:#fff;border:1px solid #e0d6c8;border-radius:10px;padding:12px 14px}
.card .num{font-size:34px;font-weight:bold;color:#b71c1c}
.card .what{font-size:18px;color:#555}
.scroll{overflow-x:auto;background:#fff;border:1px solid #e0d6c8;border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:18px}
th,td{border-bottom:1px solid #eee;padding:8px 10px;text-align:left;vertical-align:top}
th{background:#f6e9e9;white-space:nowrap}
td{min-width:3.5em}
td:first-child{white-space:nowrap}
.chart{width:100%;max-width:720px;height:auto;background:#fff;border:1px solid #e0d6c8;border-radius:8px;margin:6px 0}
form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}
input,select,button{font-size:20px;padding:6px 10px;max-width:100%}
form.filters label{max-width:100%}
button{background:#b71c1c;color:#fff;border:0;border-radius:8px;padding:8px 16px}
.empty{color:#777}
.note{background:#fff8e1;border:1px solid #ffe082;border-radius:8px;padding:8px 12px}
.downloads a{display:inline-block;margin:6px 10px 6px 0;font-size:22px}
.quick{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.quick a{color:#b71c1c;font-size:20px;padding:6px 12px;border:1px solid #e0c0c0;border-radius:8px;text-decoration:none;background:#fff}
.quick a.here{background:#b71c1c;color:#fff}
ul.alerts{background:#fff3e0;border:1px solid #ffb74d;border-radius:8px;padding:8px 12px 8px 32px;margin:6px 0}
ul.alerts li{margin:4px 0}
"""


def page(title: str, content: Any, *, nav: Sequence[tuple[str, str]] = (), here: str = "",
         who: str = "", logout: Safe | None = None) -> str:
    """The whole document: header, navigation, content."""
    links = [link(href, text, class_="here" if href == here else None) for href, text in nav]
    head = tag("header", tag("h1", "银龄助手 · ", title),
               tag("div", who, logout or "", class_="who") if who else "")
    return "<!doctype html>" + tag(
        "html",
        Safe('<head><meta charset="utf-8"><meta name="viewport" '
             'content="width=device-width, initial-scale=1">'
             f'<title>{e(title)} · 银龄助手</title><style>{STYLE}</style></head>'),
        tag("body", head, tag("nav", *links) if links else "", tag("main", content)),
        lang="zh-CN",
    )


def percent(value: float | None) -> str:
    """'87.5%' or '—' when there is nothing to divide."""
    return "—" if value is None else f"{value * 100:.1f}%"
