"""The words of party-day reminders and of 主题党日, worded for the moment they are read."""

from datetime import datetime

from core import timeutil
from db.models.reminder import HolidayPolicy, PartydayOccurrence, PartydayRule
from domain.reminder import lead

EX_RULE = "设置主题党日 每月10日 09:00 党员活动室"
EX_OFFSETS = "党日提醒 3天,1天,1小时"
_UNITS = {"d": "天", "h": "小时", "m": "分钟"}


def offset_label(code: str) -> str:
    """'3d' → '3天'."""
    return f"{code[:-1]}{_UNITS[code[-1]]}"


def describe_rule(rule: PartydayRule) -> str:
    """'每月10日 09:00' / '每月第2个周五 14:30'."""
    if rule.month_day is not None:
        head = f"每月{rule.month_day}日"
    else:
        head = f"每月第{rule.nth}个周{'一二三四五六日'[rule.weekday or 0]}"
    return f"{head} {rule.hour:02}:{rule.minute:02}"


def _when(occ: PartydayOccurrence) -> str:
    return timeutil.fmt_dt_week(occ.starts_at)


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


def day_cancelled(occ: PartydayOccurrence) -> str:
    """The notice of 取消本次党日 (said in the group, it tells everyone; said privately, the group
    hears it through the reminder engine)."""
    reason = f"，原因：{occ.cancel_reason}" if occ.cancel_reason else ""
    return f"【通知】原定{timeutil.fmt_dt_week(occ.starts_at)}的主题党日取消{reason}。相关提醒已停止。"
