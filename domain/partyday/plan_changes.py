"""本月主题, 取消本次党日, 党日提醒, 党日节假日, 节假日: changes to party days already planned. No nonebot."""

import re
from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import InvalidInput, NotFound
from core.textparse import normalize
from db.models.reminder import HolidayOverride, HolidayPolicy, PartydayOccurrence, PartydayRule
from plugins.partyday import service
from plugins.partyday.parse import EX_RULE, parse_offsets


async def set_theme(session: AsyncSession, *, branch_id: int, theme: str,
                    now: datetime) -> PartydayOccurrence:
    """本月主题: the theme of the next occurrence (its reminders and sign-in session show it)."""
    theme = normalize(theme)
    if not theme:
        raise InvalidInput("请写上主题。", "本月主题 学习贯彻党的二十届四中全会精神")
    occ = await service.next_occurrence(session, branch_id, now)
    if occ is None:
        raise NotFound("近期没有要举行的主题党日。", EX_RULE)
    await service.apply_theme(session, occ, theme)
    return occ


async def cancel_next(session: AsyncSession, *, branch_id: int, reason: str | None,
                      now: datetime) -> PartydayOccurrence:
    """取消本次党日: the next occurrence is skipped; its reminders and sign-in session stop."""
    occ = await service.next_occurrence(session, branch_id, now)
    if occ is None:
        raise NotFound("近期没有要举行的主题党日。", EX_RULE)
    await service.drop_plan(session, occ)
    occ.cancelled, occ.cancel_reason = True, (normalize(reason or "") or None)
    session.add(occ)
    await session.flush()
    return occ


async def set_offsets(session: AsyncSession, *, branch_id: int, text: str, now: datetime) -> str:
    """党日提醒 3天,1天,1小时 → the normalised codes; future reminders are re-planned."""
    rule = await service.rule_or_fail(session, branch_id)
    rule.offsets = parse_offsets(text)
    session.add(rule)
    await service.replan(session, rule, now)
    return rule.offsets


POLICIES = {"顺延": HolidayPolicy.POSTPONE, "提前": HolidayPolicy.ADVANCE, "不调整": HolidayPolicy.KEEP,
            "不变": HolidayPolicy.KEEP}


async def set_policy(session: AsyncSession, *, branch_id: int, word: str,
                     now: datetime) -> HolidayPolicy:
    """党日节假日 顺延|提前|不调整."""
    policy = POLICIES.get(normalize(word))
    if policy is None:
        raise InvalidInput("请选择：顺延、提前或不调整。", "党日节假日 顺延")
    rule = await service.rule_or_fail(session, branch_id)
    rule.holiday_policy = policy
    session.add(rule)
    await service.replan(session, rule, now)
    return policy


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def _day(text: str) -> date | None:
    """'2027-01-01', '2027-1-1', '2027/1/1', '2027年1月1日'."""
    m = _DATE.fullmatch(text)
    try:
        return date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


_DAY_WORDS = {"休": True, "假": True, "放假": True, "班": False, "上班": False, "补班": False}


async def add_override(session: AsyncSession, *, text: str, by: str, now: datetime) -> tuple[date, bool, int]:
    """节假日 2027-01-01 休 / 节假日 2027-01-04 班; re-plans affected party days. → (day, 休?, moved)."""
    words = normalize(text).split(" ")
    example = "节假日 2027-01-01 休"
    if len(words) != 2 or words[1] not in _DAY_WORDS:
        raise InvalidInput("格式：节假日 日期 休/班", example)
    day = _day(words[0])
    if day is None:
        raise InvalidInput("日期请写成 2027-01-01。", example)
    is_holiday = _DAY_WORDS[words[1]]
    row = await session.get(HolidayOverride, day)
    if row is None:
        row = HolidayOverride(day=day, is_holiday=is_holiday, created_by=by)
    row.is_holiday = is_holiday
    session.add(row)
    await session.flush()
    moved = 0
    for rule in (await session.exec(select(PartydayRule).where(col(PartydayRule.active)))).all():
        moved += await service.replan(session, rule, now)
    return day, is_holiday, moved
