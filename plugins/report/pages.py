"""The dashboard's HTML pages. Figures come from domain.report's read models; every value is escaped."""

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.roles import Role
from db.models import (
    Branch,
    HealthCategory,
    LedgerKind,
    MemberStatus,
    NeedStatus,
    RhythmPeriod,
    SessionKind,
)
from db.models.notice import Channel
from domain import care, meetings, notices, report, roster
from domain.report import ExportKind, ImportResult, Period, Viewer
from plugins.report import charts
from plugins.report.html import (
    EMPTY,
    Safe,
    csrf_field,
    e,
    join,
    link,
    page,
    percent,
    period_form,
    table,
    tag,
)

NEED_STATUS = {NeedStatus.OPEN: "进行中", NeedStatus.COMPLETED: "已完成", NeedStatus.CANCELLED: "已取消"}


@dataclass
class Ctx:
    """A branch page request: database, viewer, branch, and the branch's URL base."""

    db: AsyncSession
    viewer: Viewer
    branch: Branch
    base: str

    @property
    def prefix(self) -> str:
        """The dashboard's root path."""
        return self.base.rsplit("/b/", 1)[0]


def _nav(ctx: Ctx) -> list[tuple[str, str]]:
    items = [("/", "概况"), ("/sessions", "三会一课"), ("/volunteer", "志愿服务"),
             ("/suggestions", "建言献策"), ("/notices", "通知传达"), ("/points", "积分台账"),
             ("/roster", "成员名册"),
             ("/exports", "导出")]
    if may_see_care(ctx):
        items.insert(-1, ("/care", "关爱慰问"))
    nav = [(ctx.base + path, text) for path, text in items
           if path != "/roster" or ctx.viewer.may("成员名册")]
    return ([(ctx.prefix + "/", "全县概况")] if ctx.viewer.is_county else []) + nav


def logout_form(viewer: Viewer, prefix: str) -> Safe:
    """The 退出 button (a POST form with the CSRF token)."""
    return tag("form", csrf_field(viewer.csrf), Safe('<button type="submit">退出</button>'),
               method="post", action=f"{prefix}/logout", style="display:inline;margin-left:12px")


def _page(ctx: Ctx, title: str, here: str, content: Safe) -> str:
    return page(f"{ctx.branch.name} · {title}", content, nav=_nav(ctx), here=ctx.base + here,
                who=f"{ctx.viewer.name}（{ctx.viewer.title}）",
                logout=logout_form(ctx.viewer, ctx.prefix))


def _card(number: str, what: str) -> Safe:
    return tag("div", tag("div", number, class_="num"), tag("div", what, class_="what"), class_="card")


def _num(value: Decimal | float) -> str:
    return e(Decimal(str(value)))


async def overview_page(ctx: Ctx) -> str:
    """Members, this quarter's attendance and volunteer hours, suggestions, leaders, charts."""
    o = await report.branch_overview(ctx.db, branch=ctx.branch)
    bid, year = ctx.branch.id or 0, o.quarter.year
    cards = tag("div", _card(f"{o.members}人", "在册党员"),
                _card(percent(o.attendance_rate), f"{o.quarter.label}出勤率（{o.meetings}次学习）"),
                _card(f"{_num(o.volunteer_hours)}小时", f"{o.quarter.label}志愿服务时长"),
                _card(f"{sum(o.suggestions.values())}条", f"{o.quarter.label}建议"), class_="cards")
    att = await report.monthly_attendance(ctx.db, branch_id=bid, year=year)
    hours = await report.monthly_volunteer_hours(ctx.db, branch_id=bid, year=year)
    dist = report.points_distribution(o.year_points)
    content = join([
        cards,
        tag("h2", "建议办理情况"), table(list(o.suggestions), [list(o.suggestions.values())]),
        tag("h2", f"{year}年积分前五名"),
        table(["排名", "姓名", "积分"], [[r.rank, r.name, r.total] for r in o.leaders],
              empty="今年还没有积分记录"),
        tag("h2", "图表"),
        Safe(charts.bar_chart(f"{year}年每月出勤率", att.labels, att.values, unit="%",
                              max_value=100, missing="无学习")),
        Safe(charts.bar_chart(f"{year}年每月志愿服务时长（小时）", hours.labels, hours.values,
                              color="#2e7d32")),
        Safe(charts.bar_chart(f"{year}年积分分布（人数）", dist.labels, dist.values, unit="人",
                              color="#1565c0")),
    ])
    return _page(ctx, "概况", "/", content)


async def meetings_page(ctx: Ctx, period: Period, kind: str | None = None) -> str:
    """Every meeting of the period (or of one kind) with its figures, who signed in, the minutes
    and photos; then the rhythm table (三会一课情况: held only when it took place with minutes)."""
    bid = ctx.branch.id or 0
    rows = await report.attendance_rows(ctx.db, branch_id=bid, period=period)
    if kind:
        rows = [r for r in rows if r.kind == kind]
    photos = await meetings.photos_of(ctx.db, [r.id for r in rows])
    lines = [[timeutil.fmt_dt_week(r.starts_at), SessionKind(r.kind).label, f"#{r.id} {r.title}", r.place,
              r.lecturer, r.expected, r.attended, r.late, r.leave, percent(r.rate),
              "、".join(r.absent) or "无", "、".join(f"{n}（{s}）" for n, s in r.attendees) or "无",
              tag("div", r.minutes, class_="minutes") if r.minutes else "（无会议记录）",
              join(link(f"{ctx.base}/photo/{p.id}", Safe(f'<img src="{e(ctx.base)}/photo/{p.id}" '
                                                           'alt="会议照片" width="96" loading="lazy">'))
                   for p in photos.get(r.id, []))] for r in rows]
    picker = _select("kind", [("", "全部类型"), *((k.value, k.label) for k in SessionKind)], kind or "")
    span = meetings.Span(RhythmPeriod.QUARTER if period.quarter else RhythmPeriod.YEAR,
                         period.year, period.quarter or 0)
    rhythm = await meetings.rhythm_report(ctx.db, branch_id=bid, span=span)
    content = join([
        period_form(ctx.base + "/sessions", period, picker),
        tag("p", f"{period.label}共{len(rows)}次，总出勤率 {percent(report.overall_rate(rows))}。"),
        table(["时间", "类型", "主题", "地点", "讲课人", "应到", "实到", "迟到", "请假", "出勤率", "缺席",
               "签到名单", "会议记录", "照片"], lines, empty=f"{period.label}没有会议记录"),
        tag("h2", f"三会一课情况（{span.label}，开了且有会议记录才算）"),
        _rhythm_table(rhythm),
    ])
    return _page(ctx, "三会一课", "/sessions", content)


def _rhythm_table(rhythm: meetings.RhythmReport) -> Safe:
    moment = timeutil.now()
    words = {"held": "已开", "open": "未开", "future": "未到", "missing": "缺"}
    lines = []
    for req in rhythm.requirements:
        cells = []
        for slot in req.slots:
            held = "、".join(f"{timeutil.local_date(m.starts_at):%m-%d}（{percent(rhythm.rates.get(m.id or 0))}）"
                            for m in slot.held)
            cells.append(f"{slot.span.short} {words[slot.state(moment)]} {held}".strip())
        lines.append([req.label, meetings.PERIOD_WORDS[req.period], "；".join(cells)])
    return table(["会议", "频次", "情况"], lines, empty="没有规定的会议频次")


async def volunteer_page(ctx: Ctx, period: Period) -> str:
    """Needs of the period with their claims."""
    rows = await report.need_rows(ctx.db, branch_id=ctx.branch.id or 0, period=period)
    lines = [[f"#{r.need.id}", r.need.title, timeutil.fmt_dt_week(r.need.starts_at), r.need.place,
              NEED_STATUS.get(NeedStatus(r.need.status), r.need.status),
              f"{r.need.claimed}/{r.need.capacity}", "、".join(r.participants) or "无",
              "、".join(r.waitlist) or "无",
              "、".join(f"{n}（{s}）" for n, s in r.others) or "无", r.hours, r.points] for r in rows]
    content = join([
        period_form(ctx.base + "/volunteer", period),
        tag("p", f"{period.label}已完成志愿服务共 {_num(report.volunteer_hours(rows))} 小时。"),
        table(["编号", "活动", "时间", "地点", "状态", "名额", "参与人", "候补", "取消/未到", "时长",
               "积分"], lines, empty=f"{period.label}没有志愿服务需求"),
    ])
    return _page(ctx, "志愿服务", "/volunteer", content)


async def suggestions_page(ctx: Ctx, period: Period) -> str:
    """Suggestions of the period; anonymous authors are shown as 匿名 and never looked up."""
    bid = ctx.branch.id or 0
    rows = await report.suggestion_rows(ctx.db, branch_id=bid, period=period)
    counts = await report.status_counts(ctx.db, branch_id=bid, period=period)
    content = join([
        period_form(ctx.base + "/suggestions", period),
        table(list(counts), [list(counts.values())]),
        tag("h2", "建议列表"),
        table(["编号", "日期", "提出人", "内容", "状态", "答复"],
              [[f"#{r.id}", r.day.isoformat(), r.author, r.content, r.status, r.reply] for r in rows],
              empty=f"{period.label}没有建议"),
    ])
    return _page(ctx, "建言献策", "/suggestions", content)


async def notices_page(ctx: Ctx, period: Period) -> str:
    """Each notice of the period: how many it reached and how, who not yet (○: no QQ). The notes
    of off-line receipts are not shown (they may say why a member is at home)."""
    start, end = period.bounds
    reaches = await notices.reach_between(ctx.db, branch_id=ctx.branch.id or 0, start=start, end=end)
    lines = [[f"#{r.notice.number}", timeutil.fmt_dt(r.notice.created_at), r.notice.created_by_name,
              r.notice.text, r.expected, len(r.reached),
              "、".join(f"{c.label}{n}" for c in Channel if (n := len(r.by_channel(c)))) or "—",
              percent(r.rate),
              "、".join(p.name + ("" if p.chat_id else "○") for p in r.missing) or "无"]
             for r in reaches]
    expected, reached = sum(r.expected for r in reaches), sum(len(r.reached) for r in reaches)
    content = join([
        period_form(ctx.base + "/notices", period),
        tag("p", f"{period.label}共{len(reaches)}条通知，应传达{expected}人次，已传达{reached}人次，"
                 f"传达率 {percent(reached / expected if expected else None)}。○ 表示没有QQ。"),
        table(["编号", "时间", "发布人", "内容", "应传达", "已传达", "方式", "传达率", "未传达"], lines,
              empty=f"{period.label}没有发过通知"),
        tag("div", link(f"{ctx.base}/export/{ExportKind.NOTICE.value}?period={period.key}",
                        f"⬇ 通知传达台账（{period.label}）"), class_="downloads"),
    ])
    return _page(ctx, "通知传达", "/notices", content)


def _select(name: str, options: list[tuple[str, str]], chosen: str) -> Safe:
    opts = join(Safe(f'<option value="{e(v)}"{" selected" if v == chosen else ""}>{e(t)}</option>')
                for v, t in options)
    return tag("label", tag("select", opts, name=name))


async def points_page(ctx: Ctx, period: Period, member_id: int | None, kind: LedgerKind | None) -> str:
    """Totals per member and the ledger entries, filtered by member and kind."""
    bid = ctx.branch.id or 0
    names = await report.member_names(ctx.db, branch_id=bid)
    filters = Safe(
        _select("member", [("", "全部成员"), *((str(i), n) for i, n in names)], str(member_id or ""))
        + _select("kind", [("", "全部类型"), *((k.value, k.label) for k in LedgerKind)],
                  kind.value if kind else ""))
    totals = await report.points_rows(ctx.db, branch_id=bid, period=period)
    entries = await report.ledger_entries(ctx.db, branch_id=bid, period=period, member_id=member_id,
                                          kind=kind)
    content = join([
        period_form(ctx.base + "/points", period, filters),
        tag("h2", f"{period.label}积分汇总"),
        table(["排名", "姓名", *(k.label for k in report.COLUMNS), "合计"],
              [[r.rank, r.name, *(r.by_kind[k] for k in report.COLUMNS), r.total] for r in totals]),
        tag("h2", "积分明细（最近300条）"),
        table(["时间", "姓名", "类型", "分值", "事由", "经办人"],
              [[timeutil.fmt_dt(x.created_at), n, LedgerKind(x.kind).label,
                f"{'+' if x.delta > 0 else ''}{e(x.delta)}", x.reason, x.operator_name or ""]
               for x, n in entries], empty="没有符合条件的记录"),
    ])
    return _page(ctx, "积分台账", "/points", content)


async def roster_page(ctx: Ctx, *, result: ImportResult | None = None, error: str | None = None) -> str:
    """The member list and the Excel import form."""
    rows = await roster.roster(ctx.db, branch_id=ctx.branch.id or 0)
    lines = [[i, m.name, HealthCategory(m.category).label, Role(m.role).label, group or "",
              m.origin_unit or "", "已报到" if linked else "无QQ",
              "在册" if m.status == MemberStatus.ACTIVE else f"已停用 {m.status_reason or ''}"]
             for i, (m, linked, group) in enumerate(rows, 1)]
    form = tag(
        "form", csrf_field(ctx.viewer.csrf),
        tag("label", "选择 Excel 文件（.xlsx）：",
            Safe('<input type="file" name="file" accept=".xlsx,application/vnd.openxmlformats-'
                 'officedocument.spreadsheetml.sheet" required>')),
        Safe('<button type="submit">导入成员</button>'),
        method="post", action=ctx.base + "/roster/import", enctype="multipart/form-data",
        class_="filters")
    content = join([
        _import_note(result, error),
        tag("h2", "从 Excel 导入成员"),
        tag("p", "表格第一行写表头：姓名、类别、原单位。类别写 正常活动 / 适当参加 / 不能参加；"
                 "已有的姓名只更新类别和原单位。"), form,
        tag("h2", f"成员名册（共{len(rows)}人）"),
        table(["序号", "姓名", "类别", "职务", "党小组", "原单位", "QQ", "状态"], lines, empty="名册还是空的"),
        await _review_link(ctx),
    ])
    return _page(ctx, "成员名册", "/roster", content)


async def _review_link(ctx: Ctx) -> Safe:
    """The latest 民主评议's results as a download (this page is the secretary's, never county staff's)."""
    years = await meetings.review_years(ctx.db, branch_id=ctx.branch.id or 0)
    if not years:
        return EMPTY
    return tag("p", *(link(f"{ctx.base}/review?year={y}", f"⬇ {y}年度民主评议结果") for y in years[:3]))


def _import_note(result: ImportResult | None, error: str | None) -> Safe:
    if error:
        return tag("p", "导入失败：", error, class_="note")
    if result is None:
        return EMPTY
    text = f"导入完成：新增{len(result.added)}人，更新{len(result.updated)}人，跳过{len(result.skipped)}行。"
    details = tag("ul", *(tag("li", s) for s in result.skipped)) if result.skipped else EMPTY
    return tag("div", tag("p", text), details, class_="note")


def exports_page(ctx: Ctx, period: Period) -> str:
    """Download links for the four ledgers of the chosen period."""
    links = [link(f"{ctx.base}/export/{k.value}?period={period.key}", f"⬇ {k.label}（{period.label}）")
             for k in ExportKind]
    content = join([
        period_form(ctx.base + "/exports", period),
        tag("p", "点一下即可下载 Excel 台账：", class_="note"),
        tag("div", *links, class_="downloads"),
    ])
    return _page(ctx, "导出", "/exports", content)


def may_see_care(ctx: Ctx) -> bool:
    """The 关爱慰问 page (health data): the PAGES row, and only the branch's own secretary — not
    an administrator or county staff looking at the branch."""
    return ctx.viewer.may("关爱慰问") and ctx.viewer.branch_id == ctx.branch.id


async def care_page(ctx: Ctx, period: Period) -> str:
    """The care list (overdue first) and the period's visits, with the 走访慰问台账 download."""
    today = timeutil.local_date(timeutil.now())
    entries = await care.care_list(ctx.db, branch_id=ctx.branch.id or 0, today=today,
                                   config=care.current())
    visits = await report.visit_lines(ctx.db, branch_id=ctx.branch.id or 0, period=period)
    content = join([
        tag("h2", "关爱名单"),
        table(["姓名", "关爱类别", "上次走访", "相隔天数", "状态"],
              [[x.member.name, "、".join(x.tags),
                f"{x.last_visit.month}月{x.last_visit.day}日" if x.last_visit else "还没有走访",
                "" if x.days_since is None else x.days_since,
                "⚠ 该走访了" if x.overdue else f"每{x.interval}天一次"] for x in entries],
              empty="还没有登记关爱对象（私聊发送：设置关爱 张三 独居）"),
        tag("h2", f"走访记录（{period.label}）"),
        period_form(ctx.base + "/care", period),
        table(["日期", "姓名", "关爱类别", "方式", "情况", "走访人"],
              [[timeutil.fmt_dt(v.visited_at), v.name, v.tags, v.way, v.note, v.visitor]
               for v in visits], empty="这段时间没有走访记录"),
        tag("div", link(f"{ctx.base}/care/ledger?period={period.key}",
                        f"⬇ 走访慰问台账（{period.label}）"), class_="downloads"),
    ])
    return _page(ctx, "关爱慰问", "/care", content)
