"""Chinese words of the partyday plugin: command docs and replies."""

from datetime import date

from bot.commands import CommandDoc
from core import timeutil
from db.models.reminder import HolidayPolicy, PartydayOccurrence, PartydayRule
from domain.partyday import EX_OFFSETS, EX_RULE, describe, describe_rule, md, offset_label

COMMANDS = [
    CommandDoc("主题党日", "下次主题党日的日期、时间、地点和主题", "主题党日"),
    CommandDoc("设置主题党日", "每月固定的主题党日（每月N日 或 每月第N个周X）", EX_RULE, "设置主题党日 每月<N>日|每月第<N>个周<X> <时间> [地点]", details=("每月31日遇小月取当月最后一天。", "每次党日自动开一场签到。")),
    CommandDoc("党日提醒", "主题党日提前几天/几小时提醒（默认3天、1天、1小时）", EX_OFFSETS, "党日提醒 <N天,N小时,N分钟>", details=("提前几天的提醒在当天上午9点发。",)),
    CommandDoc("本月主题", "下次主题党日的主题，会写进提醒", "本月主题 学习党的二十届四中全会精神", "本月主题 <主题>"),
    CommandDoc("党日节假日", "遇法定节假日：顺延（默认）/提前/不调整", "党日节假日 顺延", "党日节假日 顺延|提前|不调整", details=("顺延到下一个工作日，提前到前一个工作日（含调休上班日）；提醒里写明改期原因。",)),
    CommandDoc("取消本次党日", "取消下一次主题党日并通知全群", "取消本次党日 天气原因", "取消本次党日 [原因]"),
    CommandDoc("节假日", "录入国务院公布的放假（休）或调休上班（班）日期", "节假日 2027-01-01 休", "节假日 <日期> 休|班", details=("只在节假日数据包还不知道这一年时需要；已排好的党日会自动重排。",)),
]


def rule_set(rule: PartydayRule, occ: PartydayOccurrence | None) -> str:
    """Reply to 设置主题党日."""
    text = f"已设置主题党日：{describe_rule(rule)}"
    if rule.place:
        text += f"，地点：{rule.place}"
    if occ is not None:
        text += f"\n下次：{timeutil.fmt_dt_week(occ.starts_at)}"
        if occ.moved_note:
            text += f"（{occ.moved_note}）"
    return text


def override_added(day: date, is_holiday: bool, moved: int) -> str:
    """Reply to 节假日."""
    kind = "放假" if is_holiday else "调休上班"
    tail = f"，已调整{moved}次主题党日" if moved else ""
    return f"已录入：{day.year}年{md(day)}{kind}{tail}。"


def no_rule() -> str:
    """主题党日 before a rule is set."""
    return "本支部还没有设置主题党日。书记可发送：" + EX_RULE


def next_day(occ: PartydayOccurrence | None, rule: PartydayRule) -> str:
    """Reply to 主题党日."""
    return describe(occ, rule) if occ else "近期没有主题党日。"


def offsets_set(codes: str) -> str:
    """Reply to 党日提醒."""
    return f"已设置：主题党日前{'、'.join(map(offset_label, codes.split(',')))}提醒。"


def theme_set(occ: PartydayOccurrence) -> str:
    """Reply to 本月主题."""
    return f"已设置{timeutil.fmt_dt_week(occ.starts_at)}主题党日的主题：{occ.theme}"


def policy_set(policy: HolidayPolicy) -> str:
    """Reply to 党日节假日."""
    return f"已设置：主题党日遇法定节假日{policy.label}。"
