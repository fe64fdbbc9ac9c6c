"""Chinese replies of the report plugin."""

from domain.county import CountyOverview, Figures

EX_EXPORT = "导出 签到 2026Q4"
UNITS = {"signin": "次学习", "points": "人", "volunteer": "项服务", "suggestion": "条建议"}
LINK_FALLBACK = "请私聊我发送“后台”，在网页的“导出”里下载。"
EXPORT_FAILED = "抱歉，导出时出错了。请稍后再试，或私聊我发送“后台”，在网页的“导出”里下载。"


def login_link(url: str, minutes: int) -> str:
    """Reply to 后台 (private chat only)."""
    return f"后台登录链接（{minutes}分钟内有效，只能用一次）：\n{url}\n请勿转发给他人。"


def exported(title: str, period: str, count: int, unit: str) -> str:
    """First line of the reply to 导出."""
    return f"已导出{title}（{period}，共{count}{unit}）。"


def uploaded(filename: str) -> str:
    """The file reached the group."""
    return f"文件已上传到群文件：{filename}"


def download_link(url: str, minutes: int) -> str:
    """The file is offered as a link instead (private chat)."""
    return f"下载链接（{minutes}分钟内有效，只能用一次）：\n{url}"


SENT_PRIVATELY = "群文件上传没有成功，下载链接已私聊发给您。"


EX_COUNTY = "全县情况 本月"
EX_COUNTY_EXPORT = "导出全县 本季度"
SHOWN_PER_ALERT = 5


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _hours(f: Figures) -> str:
    return f"{f.hours:f}".rstrip("0").rstrip(".") if "." in f"{f.hours:f}" else f"{f.hours:f}"


def county_summary(o: CountyOverview) -> str:
    """全县情况: the county on a phone screen (counts only, no names of members)."""
    f = o.total
    lines = [f"【全县情况】{o.period.label}", f"支部{f.branches}个，在册党员{f.members}人",
             f"会议{f.meetings_held}次，出勤率{_pct(f.rate)}（实到{f.attended}/应到{f.expected}）",
             f"志愿服务：需求{f.needs}项，认领{f.claims}人次，{_hours(f)}小时",
             f"建议{f.suggestions}条：已答复{f.answered}、已采纳{f.adopted}",
             f"通知{f.notices}条，触达{_pct(f.reach)}（{f.reached}/{f.recipients}）",
             f"积分发放{f.points:f}分".replace(".0分", "分")]
    areas = [r for r in o.rows if r.level == "area"]
    if len(areas) > 1:
        lines.append("各片区：")
        lines += [f"· {r.area}：{r.figures.branches}个支部，出勤率{_pct(r.figures.rate)}" for r in areas]
    lines.append("预警：" if o.alerts else "预警：无")
    for kind in dict.fromkeys(a.kind for a in o.alerts):
        found = [a for a in o.alerts if a.kind == kind]
        names = "、".join(a.branch for a in found[:SHOWN_PER_ALERT])
        more = f"等{len(found)}个" if len(found) > SHOWN_PER_ALERT else ""
        lines.append(f"· {kind}：{names}{more}")
    lines.append("详细请私聊发送“后台”，下载报表发送“导出全县”。")
    return "\n".join(lines)


def county_export_link(label: str, url: str, minutes: int) -> str:
    """Reply to 导出全县 (private chat only)."""
    return f"全县报表（{label}）下载链接（{minutes}分钟内有效，只能用一次）：\n{url}\n请勿转发给他人。"
