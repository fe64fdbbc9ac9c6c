"""The Chinese replies of the meetings plugin (三会一课), in one place."""

from datetime import datetime

from core import timeutil
from db.models import Attendance, MeetingKind, MeetingMinutes, Member, MinutesAction, StudySession
from domain import meetings
from domain.meetings import Minutes, RhythmReport, Slot, describe
from domain.roster import GroupSetting, GroupView

EX_SET_GROUP = "设置党小组 第一小组 张三 李四 王五"
EX_GROUP_LEADER = "党小组组长 第一小组 张三"
EX_PUBLISH_MEETING = meetings.EX_PUBLISH_MEETING
EX_MINUTES = meetings.EX_MINUTES
EX_RHYTHM = meetings.EX_RHYTHM
EX_PROXY_LEAVE = meetings.EX_PROXY_LEAVE
MINUTES_PREVIEW = 300


def announcement(meeting: StudySession, group: str | None) -> str:
    """What 发布会议 posts to the group."""
    kind = MeetingKind(meeting.kind)
    lines = [f"【{kind.label}通知 #{meeting.id}】"]
    if group:
        lines.append(f"党小组：{group}（只需本小组成员参加）")
    elif kind is MeetingKind.COMMITTEE:
        lines.append("参加：书记和支委委员")
    lines += [f"主题：{meeting.title}", f"时间：{timeutil.fmt_dt_week(meeting.starts_at)}"]
    if meeting.place:
        lines.append(f"地点：{meeting.place}")
    if meeting.lecturer:
        lines.append(f"讲课人：{meeting.lecturer}")
    lines.append(f"{timeutil.fmt_hm(meeting.opens_at)}起发送“签到”即可签到，"
                 f"{timeutil.fmt_hm(meeting.late_after)}后算迟到。不能参加请发送“请假 #{meeting.id} 原因”。")
    return "\n".join(lines)


def minutes_saved(meeting: StudySession, row: MeetingMinutes | None, photos: int) -> str:
    """会议记录 confirmation: what changed, and the photo count."""
    parts = []
    if row is not None:
        did = {MinutesAction.WRITE: "已记录", MinutesAction.APPEND: "已补充",
               MinutesAction.CORRECT: "已更正"}[MinutesAction(row.action)]
        parts.append(f"{did}会议记录：{describe(meeting)}（第{row.revision}版，共{len(row.text)}字）")
    if photos:
        parts.append(f"已保存照片{photos}张。")
    return "\n".join(parts)


def minutes(m: Minutes) -> str:
    """会议记录 #N without text: the minutes now, how many revisions, photos."""
    if m.text is None:
        return (f"{describe(m.meeting)} 还没有会议记录（照片{len(m.photos)}张）。\n"
                f"记录请发送：会议记录 #{m.meeting.id} 内容")
    text = m.text if len(m.text) <= MINUTES_PREVIEW else m.text[:MINUTES_PREVIEW] + "……"
    last = m.revisions[-1]
    return (f"【会议记录】{describe(m.meeting)}\n{text}\n"
            f"（第{last.revision}版，{last.author_name} {timeutil.fmt_dt(last.created_at)}；照片{len(m.photos)}张。"
            f"补充：会议记录 #{m.meeting.id} 补充 …；更正：会议记录 #{m.meeting.id} 更正 …）")


def proxy_leave(member: Member, meeting: StudySession, row: Attendance) -> str:
    """代请假 confirmation."""
    why = f"，原因：{row.reason}" if row.reason else ""
    return f"已为 {member.name} 请假：{describe(meeting)}{why}。"


def _slot(slot: Slot, rates: dict[int, float], moment: datetime) -> str:
    label = slot.span.short
    if slot.held:
        held = "、".join(f"{timeutil.local_date(m.starts_at):%m-%d}（出席{rates.get(m.id or 0, 0):.0%}）"
                        for m in slot.held)
        return f"{label} 已开 {held}"
    notes = [f"{timeutil.local_date(m.starts_at):%m-%d}开了但缺会议记录" for m in slot.no_minutes]
    notes += [f"已安排{timeutil.local_date(m.starts_at):%m-%d}" for m in slot.scheduled]
    state = {"future": "未到", "open": "未开", "missing": "缺"}[slot.state(moment)]
    return f"{label} {state}" + (f"（{'，'.join(notes)}）" if notes else "")


def rhythm(report: RhythmReport) -> str:
    """三会一课情况: one line per requirement, its periods held or missing."""
    moment = timeutil.now()
    lines = [f"【三会一课情况】{report.span.label}（开了且有会议记录才算）"]
    for req in report.requirements:
        every = meetings.PERIOD_WORDS[req.period]
        lines.append(f"{req.label}（{every}）：" + "；".join(_slot(s, report.rates, moment) for s in req.slots))
    states = [s.state(moment) for r in report.requirements for s in r.slots]
    missing, pending = states.count("missing"), states.count("open")
    summary = f"缺{missing}项" if missing else "没有缺项"
    lines.append(summary + (f"，本期还有{pending}项未开。" if pending else "。"))
    return "\n".join(lines)


def group_set(s: GroupSetting) -> str:
    """设置党小组 confirmation."""
    names = "、".join(m.name for m in s.members)
    text = f"{'已建立' if s.created else '已更新'}党小组“{s.group.name}”，{len(s.members)}人：{names}。"
    if s.moved:
        text += "\n" + "、".join(f"{m.name}（原{g}）" for m, g in s.moved) + " 已调入本小组。"
    return text


def leader_set(group_name: str, member: Member) -> str:
    """党小组组长 confirmation."""
    return f"已将 {member.name} 设为“{group_name}”组长。"


def groups(views: list[GroupView]) -> str:
    """党小组列表."""
    if not views:
        return f"本支部还没有党小组。建立请发送：{EX_SET_GROUP}"
    lines = [f"【党小组】共{len(views)}个"]
    for i, v in enumerate(views, 1):
        leader = f"组长 {v.leader.name}，" if v.leader else "未设组长，"
        lines.append(f"{i}. {v.group.name}（{leader}{len(v.members)}人）：" + "、".join(m.name for m in v.members))
    return "\n".join(lines)


def unknown_names(names: list[str]) -> str:
    """设置党小组 with names not in the roster."""
    return "没找到：" + "、".join(names) + "（可发送“成员列表”核对姓名），党小组没有改动。"


def review_opened(year: int) -> str:
    """民主评议 confirmation (said where it was sent; no grades in it)."""
    return (f"已开启{year}年度民主评议党员。书记请私聊我逐人登记等次（优秀、合格、基本合格、不合格），"
            f"例如：{meetings.EX_GRADE}")


def graded(member: Member, year: int, grade_label: str) -> str:
    """评议 confirmation (private)."""
    return f"已登记：{member.name} {year}年度民主评议 {grade_label}。"


def review(summary: meetings.ReviewSummary) -> str:
    """评议结果 (private): counts by grade, names, and who is not graded yet."""
    lines = [f"【{summary.round.year}年度民主评议结果】（仅书记可见）"]
    by_grade: dict[str, list[str]] = {}
    for member, grade in summary.graded:
        by_grade.setdefault(grade.label, []).append(member.name)
    for label, names in by_grade.items():
        lines.append(f"{label}{len(names)}人：" + "、".join(names))
    if summary.pending:
        lines.append(f"未登记{len(summary.pending)}人：" + "、".join(m.name for m in summary.pending))
    return "\n".join(lines)


def rhythm_set(kind_label: str, every: str | None) -> str:
    """设置会议频次 confirmation."""
    if every is None:
        return f"已设置：{kind_label}不作要求，三会一课情况不再列出。"
    return f"已设置：{kind_label}{every}至少开一次，三会一课情况和书记提醒按此计算。"
