"""The secretary's monthly nudge: on a set day (default the 20th), which required meetings of this
month, quarter or year have not been scheduled yet, privately, through the reminder engine."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.roles import Role
from db.models import ChatAccount, GroupBinding, Member, MemberStatus
from db.models.reminder import Reminder, TargetKind
from domain import reminder
from domain.meetings.rhythm import unscheduled

AHEAD = timedelta(days=2)


@dataclass(frozen=True)
class Nudge:
    """When the nudge goes: day of the month (0 = never; past the month's end = its last day), hour."""

    day: int = 20
    hour: int = 9


_nudge = Nudge()


def configure_nudge(nudge: Nudge) -> None:
    """Set the nudge's day and hour (the meetings plugin, once at load, from its settings)."""
    global _nudge
    _nudge = nudge


def nudge_due(moment: datetime, nudge: Nudge) -> datetime:
    """This Beijing month's nudge time."""
    local = timeutil.to_local(moment)
    last = calendar.monthrange(local.year, local.month)[1]
    return timeutil.at_local(date(local.year, local.month, min(nudge.day, last)), time(nudge.hour))


async def scan_nudges(db: AsyncSession, now: datetime, nudge: Nudge | None = None) -> int:
    """A row per branch with a group and a secretary on chat, within two days of the nudge time."""
    nudge = nudge or _nudge
    if nudge.day <= 0:
        return 0
    due = nudge_due(now, nudge)
    if not now < due <= now + AHEAD:
        return 0
    rows = (await db.exec(
        select(Member, ChatAccount, GroupBinding)
        .join(ChatAccount, col(ChatAccount.member_id) == col(Member.id))
        .join(GroupBinding, (col(GroupBinding.branch_id) == col(Member.branch_id))
              & (col(GroupBinding.platform) == col(ChatAccount.platform)))
        .where(Member.role == int(Role.SECRETARY), Member.status == MemberStatus.ACTIVE)
        .order_by(col(Member.id), col(GroupBinding.id)))).all()
    added, seen = 0, set()
    for secretary, account, binding in rows:
        if secretary.branch_id in seen:
            continue
        seen.add(secretary.branch_id)
        added += await reminder.add(
            db, dedupe_key=f"meetings:nudge:{secretary.branch_id}:{timeutil.to_local(due):%Y-%m}",
            due_at=due, text="（本月应开而未安排的会议，发送时列出）", kind="meetings_nudge",
            ref=f"branch:{secretary.branch_id}", target_kind=TargetKind.PRIVATE,
            platform=account.platform, target_id=account.user_id, self_id=binding.self_id,
            branch_id=secretary.branch_id, now=now)
    return added


async def render_nudge(db: AsyncSession, row: Reminder) -> reminder.Rendered | str:
    """The requirements of this period with nothing scheduled, at send time; none → not sent."""
    if row.branch_id is None:
        return "没有支部"
    missing = await unscheduled(db, branch_id=row.branch_id, moment=timeutil.now())
    if not missing:
        return "本期应开的会议都已安排"
    lines = ["【三会一课提醒】以下会议本期还没有安排："]
    lines += [f"{i}. {label}（{span.label}）" for i, (label, span) in enumerate(missing, 1)]
    lines.append("安排请在群里发送，例如：发布会议 支委会 12月25日上午9点 研究工作 党员活动室")
    return reminder.Rendered("\n".join(lines))
