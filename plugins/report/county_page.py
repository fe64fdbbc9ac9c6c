"""The county page (全县概况): period and 片区 pickers, cards, alerts, charts, the table, download.

Figures come from domain.county's overview, the same the workbook and 全县情况 read.
"""

from urllib.parse import urlencode

from domain import county
from domain.county import CountyOverview, Figures, Row
from domain.report import Viewer
from plugins.report import charts
from plugins.report.html import EMPTY, Safe, csrf_field, e, join, link, page, percent, table, tag

QUICK = (("本月", "本月"), ("上月", "上月"), ("本季度", "本季度"), ("今年", "今年"))
SHORT = ("未开会", "无书记", "出勤下降", "建议超期")
"""The alert kinds as the chart's labels (the chart's label column is narrow)."""
HEADERS = ["支部", "片区", "行业", "党员", "会议", "出勤率", "志愿时长", "建议（答复/采纳）",
           "通知触达", "积分发放"]


def query(overview: CountyOverview, **change: str | None) -> str:
    """?period=…&area=… for this view, with some values changed."""
    values = {"period": overview.period.key, "area": overview.area, "sector": overview.sector,
              **change}
    return "?" + urlencode({k: v for k, v in values.items() if v})


def _card(number: str, what: str) -> Safe:
    return tag("div", tag("div", number, class_="num"), tag("div", what, class_="what"), class_="card")


def _hours(f: Figures) -> str:
    return f"{e(f.hours)}小时"


def _cards(f: Figures) -> Safe:
    return tag("div", _card(f"{f.branches}个", "党支部"), _card(f"{f.members}人", "在册党员"),
               _card(percent(f.rate), f"出勤率（{f.meetings_held}次会议）"),
               _card(_hours(f), "志愿服务时长"),
               _card(f"{f.suggestions}条", f"建议，已答复{f.answered}、已采纳{f.adopted}"),
               _card(percent(f.reach), f"通知触达（{f.notices}条通知）"), class_="cards")


def _options(names: list[str], chosen: str | None, everything: str) -> Safe:
    return join(Safe(f'<option value="{e(a)}"{" selected" if a == (chosen or "") else ""}>'
                     f'{e(a or everything)}</option>') for a in ["", *names])


def _pickers(o: CountyOverview, base: str) -> Safe:
    quick = tag("div", *(link(base + query(o, period=word), text,
                               class_="here" if o.period.label == county.parse_county_period(word).label
                               else None) for word, text in QUICK), class_="quick")
    areas = _options(o.areas, o.area, "全部片区")
    sectors = _options(o.sectors, o.sector, "全部行业")
    form = tag("form", tag("label", "从 ", Safe(
        f'<input type="date" name="start" value="{o.period.first.isoformat()}">')),
        tag("label", "到 ", Safe(f'<input type="date" name="end" value="{o.period.last.isoformat()}">')),
        tag("label", "片区 ", tag("select", areas, name="area")),
        tag("label", "行业 ", tag("select", sectors, name="sector")),
        Safe('<button type="submit">查看</button>'), method="get", action=base, class_="filters")
    return join([quick, form])


def _alerts(o: CountyOverview) -> Safe:
    if not o.alerts:
        return tag("p", "没有需要提醒的支部。", class_="note")
    items = []
    for kind in county.ALERT_KINDS:
        found = [a for a in o.alerts if a.kind == kind]
        if found:
            names = Safe("；".join(tag("span", a.branch, "：", a.text) for a in found))
            items.append(tag("li", tag("b", f"{kind}（{len(found)}个支部）"), "：", names))
    return tag("ul", *items, class_="alerts")


def _charts(o: CountyOverview) -> Safe:
    by_area = county.by_area(o.lines)
    if o.area is not None or o.sector is not None or len(by_area) <= 1:
        groups = {x.name: x.figures for x in o.lines[:30]}
        what = "各支部"
    else:
        groups, what = by_area, "各片区"
    labels = list(groups)
    rate = [None if f.rate is None else round(f.rate * 100, 1) for f in groups.values()]
    parts = [
        charts.bar_chart(f"{what}出勤率", labels, rate, unit="%", max_value=100, missing="无会议"),
        charts.bar_chart(f"{what}会议次数", labels, [float(f.meetings_held) for f in groups.values()],
                         unit="次", color="#1565c0"),
        charts.bar_chart(f"{what}志愿服务时长（小时）", labels, [float(f.hours) for f in groups.values()],
                         color="#2e7d32"),
    ]
    counts = [float(sum(1 for a in o.alerts if a.kind == k)) for k in county.ALERT_KINDS]
    parts.append(charts.bar_chart("预警支部数", list(SHORT), counts, unit="个",
                                  color="#ef6c00"))
    return Safe("".join(parts))


def _cells(row: Row, prefix: str) -> list[object]:
    f = row.figures
    name: object = link(f"{prefix}/b/{row.branch_id}/", row.name) if row.branch_id else tag("b", row.name)
    return [name, row.area if row.level == "branch" else "", row.sector, f.members, f.meetings_held,
            percent(f.rate), f.hours, f"{f.suggestions}（{f.answered}/{f.adopted}）",
            "—" if f.reach is None else f"{percent(f.reach)}（{f.reached}/{f.recipients}）", f.points]


def _grouping_form(o: CountyOverview, viewer: Viewer, prefix: str) -> Safe:
    if not viewer.may("设置分组"):
        return EMPTY
    options = join(Safe(f'<option value="{x.branch_id}">{e(x.name)}</option>') for x in o.lines)
    return join([tag("h2", "设置支部的片区和行业"), tag(
        "form", csrf_field(viewer.csrf), tag("label", "支部 ", tag("select", options, name="branch")),
        tag("label", "片区 ", Safe('<input name="area" size="8" placeholder="城关片区">')),
        tag("label", "行业 ", Safe('<input name="sector" size="8" placeholder="教育系统">')),
        Safe('<button type="submit">保存</button>'), method="post", action=f"{prefix}/county/group",
        class_="filters"), tag("p", "不填的一项保持不变；写“无”即清除。", class_="note")])


def county_page(o: CountyOverview, viewer: Viewer, prefix: str, logout: Safe, note: str = "") -> str:
    """The whole county page."""
    where = "".join(f"{x}，" for x in (o.area, o.sector) if x)
    content = join([
        _pickers(o, prefix + "/"),
        tag("p", note, class_="note") if note else EMPTY,
        tag("h2", f"{where}{o.period.label}"), _cards(o.total),
        tag("div", link(f"{prefix}/county/export{query(o)}", f"⬇ 下载全县报表（Excel，{o.period.label}）"),
            class_="downloads"),
        tag("h2", f"预警（{len(o.alerts)}）"), _alerts(o),
        tag("h2", "图表"), _charts(o),
        tag("h2", "各支部情况"),
        table(HEADERS, [_cells(r, prefix) for r in o.rows],
              empty="还没有支部。请在支部群里发送“绑定支部 支部名称”。"),
        _grouping_form(o, viewer, prefix),
    ])
    return page("全县概况", content, who=f"{viewer.name}（{viewer.title}）", logout=logout)
