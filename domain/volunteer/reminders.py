"""Volunteer reminders: claimants of a need hear of it the day before, privately or in the group.

A source for the reminder engine (domain.reminder): the scan materialises rows for this
capability's own tables; the words, and who is reminded, are decided when the row is sent
(a claim given up since is not reminded). Registered by the plugin wiring.
"""

from datetime import datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import Claim, ClaimStatus, Need, NeedStatus
from db.models.reminder import Reminder, TargetKind
from domain import reminder

AHEAD = timedelta(days=2)


def need_text(need: Need, now: datetime) -> str:
    """'【志愿服务提醒】明天有您认领的志愿服务：…'."""
    lines = [f"【志愿服务提醒】{reminder.lead(need.starts_at, now)}有您认领的志愿服务：{need.title}（#{need.id}）",
             f"时间：{timeutil.fmt_dt_week(need.starts_at)}"]
    if need.place:
        lines.append(f"地点：{need.place}")
    lines.append(f"如不能参加，请发“取消认领 #{need.id}”。")
    return "\n".join(lines)


async def prune_needs(db: AsyncSession, now: datetime) -> int:
    """Pending rows of a closed need are cancelled now (not only when due), so 提醒列表 does not
    show them. (A given-up claim is left to the renderer: the member may claim again.)"""
    closed = (await db.exec(select(Need.id).where(
        Need.status != NeedStatus.OPEN, Need.starts_at > now, Need.starts_at <= now + AHEAD))).all()
    done = 0
    for need_id in closed:
        done += await reminder.cancel_pending(db, key_prefix=f"need:{need_id}:",
                                              reason="需求已取消或已完成")
    return done


async def _claimants(db: AsyncSession, need_id: int | None) -> list[Claim]:
    return list((await db.exec(select(Claim).where(
        Claim.need_id == need_id, Claim.status == ClaimStatus.CLAIMED))).all())


async def scan_needs(db: AsyncSession, now: datetime, defaults: reminder.BranchDefaults) -> int:
    """Claimants of needs starting within two days get a reminder 1 day before; returns new rows."""
    needs = (await db.exec(select(Need).where(
        Need.status == NeedStatus.OPEN, Need.starts_at > now, Need.starts_at <= now + AHEAD))).all()
    added = 0
    for need in needs:
        target = await reminder.branch_target(db, need.branch_id)
        if target is None:
            continue
        due = need.starts_at - timedelta(days=1)
        text = need_text(need, due)
        if not (await reminder.settings_of(db, need.branch_id, defaults)).volunteer_private:
            added += await reminder.add(
                db, dedupe_key=f"need:{need.id}:-1d", kind="need_group", ref=f"need:{need.id}",
                target_kind=TargetKind.GROUP, target_id=target.group_id, due_at=due, text=text,
                platform=target.platform, self_id=target.self_id, branch_id=need.branch_id, now=now)
            continue
        claims = await _claimants(db, need.id)
        ids = await reminder.chat_ids(db, [c.member_id for c in claims], target.platform)
        for member_id, user_id in ids.items():
            added += await reminder.add(
                db, dedupe_key=f"need:{need.id}:member:{member_id}:-1d", kind="need_private",
                ref=f"need:{need.id}:member:{member_id}", target_kind=TargetKind.PRIVATE,
                target_id=user_id, due_at=due, text=text, platform=target.platform,
                self_id=target.self_id, branch_id=need.branch_id, now=now)
    return added


async def _open_need(db: AsyncSession, row: Reminder,
                     defaults: reminder.BranchDefaults) -> Need | str:
    need = await db.get(Need, int((row.ref or "need:0").split(":")[1]))
    if need is None or need.status != NeedStatus.OPEN:
        return "需求已取消或已完成"
    private = (await reminder.settings_of(db, need.branch_id, defaults)).volunteer_private
    if private != (row.kind == "need_private"):  # 志愿提醒 switched after the rows were made
        return "本支部已改为私聊提醒" if private else "本支部已改为群里提醒"
    return need


async def render_need_private(db: AsyncSession, row: Reminder,
                              defaults: reminder.BranchDefaults) -> reminder.Rendered | str:
    """Only while the claim still holds a place."""
    need = await _open_need(db, row, defaults)
    if isinstance(need, str):
        return need
    if timeutil.now() >= need.starts_at:
        return reminder.Skip("服务已开始，提醒不再补发")
    member_id = int((row.ref or "").split(":")[3])
    claim = (await db.exec(select(Claim).where(
        Claim.need_id == need.id, Claim.member_id == member_id))).first()
    if claim is None or claim.status != ClaimStatus.CLAIMED:
        return "已取消认领"
    return reminder.Rendered(need_text(need, timeutil.now()))


async def render_need_group(db: AsyncSession, row: Reminder,
                            defaults: reminder.BranchDefaults) -> reminder.Rendered | str:
    """One group message @-mentioning the current claimants."""
    need = await _open_need(db, row, defaults)
    if isinstance(need, str):
        return need
    if timeutil.now() >= need.starts_at:
        return reminder.Skip("服务已开始，提醒不再补发")
    claims = await _claimants(db, need.id)
    ids = await reminder.chat_ids(db, [c.member_id for c in claims], row.platform)
    if not claims:
        return "没有人认领"
    return reminder.Rendered(need_text(need, timeutil.now()).replace("有您认领的", "有大家认领的"),
                             sorted(ids.values()))


def need_reminders(defaults: reminder.BranchDefaults | None = None) -> reminder.Source:
    """The volunteer reminder source, for the plugin wiring to register with the engine."""
    chosen = defaults or reminder.BranchDefaults()

    async def scan(db: AsyncSession, now: datetime) -> int:
        return await scan_needs(db, now, chosen)

    async def private(db: AsyncSession, row: Reminder) -> reminder.Rendered | str:
        return await render_need_private(db, row, chosen)

    async def group(db: AsyncSession, row: Reminder) -> reminder.Rendered | str:
        return await render_need_group(db, row, chosen)

    return reminder.Source("volunteer", (
        reminder.Kind("need_private", "志愿服务提醒（私聊）", private),
        reminder.Kind("need_group", "志愿服务提醒", group),
    ), scan=scan, prune=prune_needs)
