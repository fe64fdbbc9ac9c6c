"""The Chinese replies of the sign-in plugin, in one place."""

from core import timeutil
from core.textparse import fmt_points
from db.models import Attendance, AttendanceStatus, Member, StudySession
from domain.meetings import (
    EX_LEAVE,
    EX_MAKEUP,
    EX_PROXY,
    EX_PUBLISH,
    EX_REPORT,
    ProxyResult,
    Report,
    SignIn,
    describe,
    kind,
)

__all__ = ["EX_LEAVE", "EX_MAKEUP", "EX_PROXY", "EX_PUBLISH", "EX_REPORT", "describe", "kind"]


def announcement(study: StudySession) -> str:
    """What 发布学习 posts to the group."""
    lines = [f"【{kind(study)}通知 #{study.id}】", f"主题：{study.title}",
             f"时间：{timeutil.fmt_dt_week(study.starts_at)}"]
    if study.place:
        lines.append(f"地点：{study.place}")
    lines.append(f"{timeutil.fmt_hm(study.opens_at)}起发送“签到”即可签到，"
                 f"{timeutil.fmt_hm(study.late_after)}后算迟到。不能参加请发送“请假 原因”。")
    return "\n".join(lines)


def started(study: StudySession) -> str:
    """开始签到."""
    return (f"{kind(study)}签到开始 #{study.id}「{study.title}」\n请发送“签到”；"
            f"{timeutil.fmt_hm(study.late_after)}后算迟到，{timeutil.fmt_hm(study.closes_at)}结束。")


def signed(result: SignIn) -> str:
    """'张三 签到成功（学习 #3，第12位，09:28），积分+2'."""
    row = result.attendance
    if result.already:
        return f"{result.member.name} 已签到（{timeutil.fmt_hm(row.signed_at)}）"
    late = "迟到，" if row.status == AttendanceStatus.LATE else ""
    gain = f"，积分+{fmt_points(result.points)}" if result.points else ""
    return (f"{result.member.name} 签到成功（{kind(result.meeting)} #{result.meeting.id}，{late}"
            f"第{row.seq}位，{timeutil.fmt_hm(row.signed_at)}）{gain}")


def proxied(result: ProxyResult) -> str:
    """代签 summary: one line per member."""
    new = [r for r in result.done if not r.already]
    lines = [f"已代签 {len(new)}人（{kind(result.meeting)} #{result.meeting.id}「{result.meeting.title}」）："]
    for r in result.done:
        row = r.attendance
        if r.already:
            lines.append(f"{r.member.name} 已签到（{timeutil.fmt_hm(row.signed_at)}）")
        else:
            late = " 迟到" if row.status == AttendanceStatus.LATE else ""
            lines.append(f"{r.member.name} 第{row.seq}位{late}")
    if result.unknown:
        lines.append("没找到：" + "、".join(result.unknown) + "（可发送“成员列表”核对姓名）")
    return "\n".join(lines)


def leave(member: Member, study: StudySession, row: Attendance) -> str:
    """请假 confirmation."""
    why = f"，原因：{row.reason}" if row.reason else ""
    return f"{member.name} 已请假：{describe(study)}{why}。"


def made_up(member: Member, study: StudySession, row: Attendance) -> str:
    """补签 confirmation."""
    return (f"已为 {member.name} 补签：{describe(study)}，"
            f"记录于{timeutil.fmt_dt(row.signed_at)}，原因：{row.reason}。")


def ended(report: Report) -> str:
    """结束签到: closed, with the counts."""
    return f"{kind(report.meeting)}签到已结束 #{report.meeting.id}。\n" + _counts(report)


def _names(members: list[Member]) -> str:
    return "、".join(m.name for m in members) or "无"


def _counts(r: Report) -> str:
    return (f"应到{r.expected}人，实到{len(r.attended)}人（迟到{len(r.late)}人），"
            f"请假{len(r.leave)}人，{_absent_word(r)}{len(r.absent)}人，出席率{r.rate:.0%}")


def _absent_word(r: Report) -> str:
    return "缺席" if r.meeting.closes_at <= timeutil.now() else "未签到"


def report(r: Report, *, reasons: bool = False) -> str:
    """签到情况. Leave reasons (住院, 看病 …) only for `reasons`: committee and up, privately."""
    lines = [f"【签到情况】{describe(r.meeting)}", _counts(r)]
    if r.late:
        lines.append(f"迟到：{_names(r.late)}")
    if r.makeup:
        lines.append(f"补签：{_names(r.makeup)}")
    if r.leave:
        lines.append("请假：" + "、".join(
            f"{m.name}（{a.reason}）" if a.reason and reasons else m.name for m, a in r.leave))
    if r.absent:
        lines.append(f"{_absent_word(r)}：{_names(r.absent)}")
    return "\n".join(lines)


def record(name: str, year: int, rows: list[tuple[StudySession, Attendance | None]]) -> str:
    """学习记录: totals, then one line per session."""
    if not rows:
        return f"{name} {year}年还没有参加过的学习记录。"
    counts = {"attended": 0, "late": 0, "leave": 0, "absent": 0}
    lines = []
    for i, (study, row) in enumerate(rows, 1):
        status = _status_word(study, row, counts)
        lines.append(f"{i}. #{study.id} {timeutil.fmt_dt(study.starts_at)} {kind(study)}"
                     f"「{study.title}」 {status}")
    head = (f"【{name} {year}年学习记录】共{len(rows)}次：出席{counts['attended']}次"
            f"（迟到{counts['late']}次），请假{counts['leave']}次，缺席{counts['absent']}次")
    return "\n".join([head, *lines])


def _status_word(study: StudySession, row: Attendance | None, counts: dict[str, int]) -> str:
    if row is None:
        if study.closes_at > timeutil.now():
            return "未签到"
        counts["absent"] += 1
        return "缺席"
    status = AttendanceStatus(row.status)
    if status == AttendanceStatus.LEAVE:
        counts["leave"] += 1
        return "请假"
    counts["attended"] += 1
    if status == AttendanceStatus.LATE:
        counts["late"] += 1
    return f"{status.label} {timeutil.fmt_hm(row.signed_at)}"
