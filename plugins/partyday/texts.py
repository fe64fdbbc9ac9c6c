"""Chinese words of the partyday plugin: command docs and replies."""

from datetime import date

from bot.commands import CommandDoc
from core import timeutil
from db.models.reminder import PartydayOccurrence, PartydayRule
from plugins.partyday.calendar import md
from plugins.partyday.parse import EX_OFFSETS, EX_RULE, describe_rule

ON_OFF = {"开": True, "开启": True, "打开": True, "关": False, "关闭": False, "关掉": False}
PRIVATE_GROUP = {"私聊": True, "私信": True, "群里": False, "群内": False, "群": False}

COMMANDS = [
    CommandDoc("主题党日", "下次主题党日的日期、时间、地点和主题", "主题党日", aliases=("党日",)),
    CommandDoc("设置主题党日", "每月固定的主题党日（每月N日 或 每月第N个周X）", EX_RULE, "设置主题党日 每月<N>日|每月第<N>个周<X> <时间> [地点]", aliases=("设置党日",), details=("每月31日遇小月取当月最后一天。", "每次党日自动开一场签到。")),
    CommandDoc("党日提醒", "主题党日提前几天/几小时提醒（默认3天、1天、1小时）", EX_OFFSETS, "党日提醒 <N天,N小时,N分钟>", details=("提前几天的提醒在当天上午9点发。",)),
    CommandDoc("本月主题", "下次主题党日的主题，会写进提醒", "本月主题 学习党的二十届四中全会精神", "本月主题 <主题>", aliases=("党日主题",)),
    CommandDoc("党日节假日", "遇法定节假日：顺延（默认）/提前/不调整", "党日节假日 顺延", "党日节假日 顺延|提前|不调整", details=("顺延到下一个工作日，提前到前一个工作日（含调休上班日）；提醒里写明改期原因。",)),
    CommandDoc("取消本次党日", "取消下一次主题党日并通知全群", "取消本次党日 天气原因", "取消本次党日 [原因]", aliases=("取消党日",)),
    CommandDoc("提醒", "在群里定时提醒一次", "提醒 明天9点 带好党员证", "提醒 <时间> <内容>", aliases=("定时提醒",)),
    CommandDoc("提醒列表", "待发送的提醒，以及没有发出的提醒", "提醒列表", aliases=("查看提醒",), details=("机器人离线超过6小时而没有补发的提醒，会列在“最近没有发出的提醒”里。",)),
    CommandDoc("取消提醒", "取消一条待发送的提醒", "取消提醒 #3", "取消提醒 #编号"),
    CommandDoc("缺勤提醒", "学习开始10分钟后@未签到的同志（开/关）", "缺勤提醒 关", "缺勤提醒 开|关", aliases=("未签到提醒",)),
    CommandDoc("志愿提醒", "志愿服务前一天提醒认领人：私聊或群里", "志愿提醒 群里", "志愿提醒 私聊|群里"),
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


def day_cancelled(occ: PartydayOccurrence) -> str:
    """Reply to 取消本次党日 (said in the group, so it tells everyone)."""
    reason = f"，原因：{occ.cancel_reason}" if occ.cancel_reason else ""
    return f"【通知】原定{timeutil.fmt_dt_week(occ.starts_at)}的主题党日取消{reason}。相关提醒已停止。"


def override_added(day: date, is_holiday: bool, moved: int) -> str:
    """Reply to 节假日."""
    kind = "放假" if is_holiday else "调休上班"
    tail = f"，已调整{moved}次主题党日" if moved else ""
    return f"已录入：{day.year}年{md(day)}{kind}{tail}。"
