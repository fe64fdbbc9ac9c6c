"""Meetings' reminders: a day and an hour before a study, and the 未签到 call 10 minutes in.

A source for the reminder engine (domain.reminder): the scan materialises rows for this
capability's own tables (insert-ignore on the dedupe key, never one already past); the words,
and who is @-mentioned, are decided when the row is sent, so later changes are respected.
Registered by the plugin wiring: `Registry(study_reminders(defaults), …)`.
"""

from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import Attendance, Member, SessionKind, StudySession
from db.models.reminder import Reminder, TargetKind
from domain import reminder
from domain.meetings.attendance import expected_members
from domain.meetings.nudges import render_nudge, scan_nudges

AHEAD = timedelta(days=2)
ABSENT_AFTER = timedelta(minutes=10)


def study_text(meeting: StudySession, lead: str) -> str:
    """'【学习提醒】明天学习：…' ('【支部委员会提醒】明天支部委员会：…' for the other kinds)."""
    label = SessionKind(meeting.kind).label
    lines = [f"【{label}提醒】{lead}{label}：{meeting.title}",
             f"时间：{timeutil.fmt_dt_week(meeting.starts_at)}"]
    if meeting.place:
        lines.append(f"地点：{meeting.place}")
    lines.append("请准时参加，到场后发“签到”；不能参加请发“请假 原因”。")
    return "\n".join(lines)


async def prune_meetings(db: AsyncSession, now: datetime) -> int:
    """Pending rows of a cancelled meeting are cancelled now (not only when due), so 提醒列表
    does not show them; returns how many."""
    cancelled = (await db.exec(select(StudySession.id).where(
        col(StudySession.cancelled), StudySession.starts_at > now - ABSENT_AFTER,
        StudySession.starts_at <= now + AHEAD))).all()
    done = 0
    for meeting_id in cancelled:
        done += await reminder.cancel_pending(db, key_prefix=f"study:{meeting_id}:", reason="学习已取消")
    return done


async def scan_meetings(db: AsyncSession, now: datetime, defaults: reminder.BranchDefaults) -> int:
    """Reminder rows for meetings starting within two days; returns how many were new.
    (主题党日 are reminded by their own source, domain.partyday.)"""
    meetings = (await db.exec(select(StudySession).where(
        StudySession.kind != SessionKind.PARTYDAY, col(StudySession.cancelled).is_(False),
        StudySession.starts_at > now - ABSENT_AFTER, StudySession.starts_at <= now + AHEAD))).all()
    added = 0
    for meeting in meetings:
        target = await reminder.branch_target(db, meeting.branch_id)
        if target is None:
            continue
        day, hour = meeting.starts_at - timedelta(days=1), meeting.starts_at - timedelta(hours=1)
        plans = [("-1d", day, "study", study_text(meeting, reminder.lead(meeting.starts_at, day))),
                 ("-1h", hour, "study", study_text(meeting, reminder.lead(meeting.starts_at, hour)))]
        if (await reminder.settings_of(db, meeting.branch_id, defaults)).study_absent:
            plans.append(("+10m", meeting.starts_at + ABSENT_AFTER, "study_absent",
                          "（开始10分钟后提醒未签到的同志）"))
        for code, due, kind, text in plans:
            added += await reminder.add(
                db, dedupe_key=f"study:{meeting.id}:{code}", due_at=due, text=text, kind=kind,
                ref=f"session:{meeting.id}", target_kind=TargetKind.GROUP, platform=target.platform,
                target_id=target.group_id, self_id=target.self_id, branch_id=meeting.branch_id,
                now=now)
    return added


async def _meeting_of(db: AsyncSession, row: Reminder) -> StudySession | str:
    meeting = await db.get(StudySession, int((row.ref or "session:0").split(":")[1]))
    if meeting is None or meeting.cancelled:
        return "学习已取消"
    return meeting


async def render_study(db: AsyncSession, row: Reminder) -> reminder.Rendered | str:
    """Current title, place and time of the meeting."""
    meeting = await _meeting_of(db, row)
    if isinstance(meeting, str):
        return meeting
    now = timeutil.now()
    if now >= meeting.starts_at:
        return reminder.Skip("学习已开始，提醒不再补发")
    return reminder.Rendered(study_text(meeting, reminder.lead(meeting.starts_at, now)))


async def render_absent(db: AsyncSession, row: Reminder,
                        defaults: reminder.BranchDefaults) -> reminder.Rendered | str:
    """@ everyone expected (应到) with a chat account who has neither signed in nor asked leave."""
    meeting = await _meeting_of(db, row)
    if isinstance(meeting, str):
        return meeting
    if not (await reminder.settings_of(db, meeting.branch_id, defaults)).study_absent:
        return "本支部已关闭未签到提醒"
    if meeting.closes_at <= timeutil.now():  # 结束签到 early: 签到 would be refused
        return "签到已结束"
    answered = select(Attendance.member_id).where(Attendance.session_id == meeting.id)
    members = (await db.exec(select(Member.id).where(
        expected_members(meeting), col(Member.id).not_in(answered)))).all()
    ids = await reminder.chat_ids(db, [m for m in members if m is not None], row.platform)
    if not ids:
        return "全部已签到或请假"
    return reminder.Rendered(f"{SessionKind(meeting.kind).label}“{meeting.title}”已开始10分钟，"
                             f"以上{len(ids)}位同志还没有签到。"
                             "请发“签到”；不能参加请发“请假 原因”。", sorted(ids.values()))


def study_reminders(defaults: reminder.BranchDefaults | None = None) -> reminder.Source:
    """The meetings' reminder source, for the plugin wiring to register with the engine."""
    chosen = defaults or reminder.BranchDefaults()

    async def scan(db: AsyncSession, now: datetime) -> int:
        return await scan_meetings(db, now, chosen) + await scan_nudges(db, now)

    async def absent(db: AsyncSession, row: Reminder) -> reminder.Rendered | str:
        return await render_absent(db, row, chosen)

    return reminder.Source("meetings", (
        reminder.Kind("study", "学习提醒", render_study),
        reminder.Kind("study_absent", "未签到提醒", absent),
        reminder.Kind("meetings_nudge", "三会一课提醒书记", render_nudge),
    ), scan=scan, prune=prune_meetings)
