"""Changes to party days already planned: 本月主题, 取消本次党日, 党日提醒, 党日节假日, 节假日.

Each edits the rule or an occurrence and re-plans what follows from it (dates, meetings, reminders).
"""

from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import InvalidInput, NotFound
from core.textparse import normalize
from db.models.reminder import HolidayOverride, HolidayPolicy, PartydayOccurrence, PartydayRule
from domain import reminder
from domain.partyday import planning
from domain.partyday.words import EX_RULE, day_cancelled


async def set_theme(db: AsyncSession, *, branch_id: int, theme: str,
                    now: datetime) -> PartydayOccurrence:
    """本月主题: the theme of the next occurrence (its reminders and meeting show it)."""
    theme = normalize(theme)
    if not theme:
        raise InvalidInput("请写上主题。", "本月主题 学习贯彻党的二十届四中全会精神")
    occ = await planning.next_occurrence(db, branch_id, now)
    if occ is None:
        raise NotFound("近期没有要举行的主题党日。", EX_RULE)
    await planning.apply_theme(db, occ, theme)
    return occ


async def cancel_next(db: AsyncSession, *, branch_id: int, reason: str | None, now: datetime,
                      tell_group: bool = False) -> PartydayOccurrence:
    """取消本次党日: the next occurrence is skipped; its reminders and meeting stop.

    tell_group: said in private chat, so the group hears it as a notice (once, paced).
    """
    occ = await planning.next_occurrence(db, branch_id, now)
    if occ is None:
        raise NotFound("近期没有要举行的主题党日。", EX_RULE)
    await planning.drop_plan(db, occ)
    occ.cancelled, occ.cancel_reason = True, (normalize(reason or "") or None)
    db.add(occ)
    await db.flush()
    if tell_group:
        await reminder.notify_group(db, branch_id=branch_id, text=day_cancelled(occ),
                                    key=f"partyday:cancel:{occ.id}", now=now)
    return occ


async def set_offsets(db: AsyncSession, *, branch_id: int, offsets: str, now: datetime) -> str:
    """党日提醒: the rule's offset codes ('3d,1d,1h'); future reminders are re-planned."""
    rule = await planning.rule_or_fail(db, branch_id)
    rule.offsets = offsets
    db.add(rule)
    await planning.replan(db, rule, now)
    return rule.offsets


async def set_policy(db: AsyncSession, *, branch_id: int, policy: HolidayPolicy,
                     now: datetime) -> HolidayPolicy:
    """党日节假日 顺延|提前|不调整: future occurrences move accordingly."""
    rule = await planning.rule_or_fail(db, branch_id)
    rule.holiday_policy = policy
    db.add(rule)
    await planning.replan(db, rule, now)
    return policy


async def add_override(db: AsyncSession, *, day: date, is_holiday: bool, by: str,
                       now: datetime) -> int:
    """节假日 2027-01-01 休 / 班: a day chinesecalendar does not know; re-plans party days → moved."""
    row = await db.get(HolidayOverride, day)
    if row is None:
        row = HolidayOverride(day=day, is_holiday=is_holiday, created_by=by)
    row.is_holiday = is_holiday
    db.add(row)
    await db.flush()
    moved = 0
    for rule in (await db.exec(select(PartydayRule).where(col(PartydayRule.active)))).all():
        moved += await planning.replan(db, rule, now)
    return moved
