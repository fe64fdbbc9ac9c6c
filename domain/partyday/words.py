"""The words of party-day reminders and of 主题党日, worded for the moment they are read. No nonebot."""

from datetime import datetime, timedelta

from core import timeutil
from db.models.reminder import HolidayPolicy, PartydayOccurrence, PartydayRule
from plugins.partyday.parse import describe_rule, offset_label


def _when(occ: PartydayOccurrence) -> str:
    return timeutil.fmt_dt_week(occ.starts_at)


def lead(starts_at: datetime, now: datetime) -> str:
    """How far off the start is, as said at `now`: '3天后', '明天', '1小时后', '45分钟后'.

    Within 6 hours it is counted in hours even across midnight (23:30 for 00:30: '1小时后').
    """
    days = (timeutil.local_date(starts_at) - timeutil.local_date(now)).days
    if days >= 1 and starts_at - now >= timedelta(hours=6):
        return {1: "明天", 2: "后天"}.get(days, f"{days}天后")
    minutes = max(1, -(-int((starts_at - now).total_seconds()) // 60))
    hours, rest = divmod(minutes, 60)
    return f"{hours}小时{rest}分钟后" if hours and rest else f"{hours}小时后" if hours else f"{rest}分钟后"


def render(occ: PartydayOccurrence, now: datetime) -> str:
    """The reminder text of an occurrence, worded for the moment it is sent."""
    lines = [f"【主题党日提醒】{lead(occ.starts_at, now)}召开主题党日活动", f"时间：{_when(occ)}"]
    if occ.place:
        lines.append(f"地点：{occ.place}")
    if occ.theme:
        lines.append(f"主题：{occ.theme}")
    if occ.moved_note:
        lines.append(f"（{occ.moved_note}）")
    lines.append("请准时参加，到场后在群里发“签到”；不能参加请发“请假 原因”。")
    return "\n".join(lines)


def describe(occ: PartydayOccurrence, rule: PartydayRule) -> str:
    """主题党日: the next date, time, place, theme, and what we know about holidays."""
    lines = [f"下次主题党日：{_when(occ)}", f"地点：{occ.place or '（未定）'}",
             f"主题：{occ.theme or '（待定，书记可发“本月主题 …”）'}"]
    if occ.moved_note:
        lines.append(f"说明：{occ.moved_note}")
    if occ.holiday_unknown:
        year = timeutil.local_date(occ.starts_at).year
        lines.append(f"注意：{year}年节假日安排尚未公布，暂按原定日期；公布后如遇节假日会自动调整。")
    policy = HolidayPolicy(rule.holiday_policy).label
    offsets = "、".join(offset_label(c) for c in rule.offsets.split(","))
    lines.append(f"规则：{describe_rule(rule)}，遇节假日{policy}，提前提醒：{offsets}")
    return "\n".join(lines)


def moved_notice(occ: PartydayOccurrence, old: datetime) -> str:
    """A notice that a party day members were told about has moved (or, moved into the past, is off)."""
    if occ.cancelled:
        return f"【通知】原定{timeutil.fmt_dt_week(old)}的主题党日取消（{occ.cancel_reason}）。"
    note = f"（{occ.moved_note}）" if occ.moved_note else ""
    return f"【通知】主题党日改期：原定{timeutil.fmt_dt_week(old)}，改为{_when(occ)}{note}。"
