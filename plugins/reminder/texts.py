"""Chinese words of the reminder plugin: command docs and replies."""

from bot.commands import CommandDoc
from core import timeutil
from db.models.reminder import Reminder, ReminderState
from domain.reminder import Listing, Registry

ON_OFF = {"开": True, "开启": True, "打开": True, "关": False, "关闭": False, "关掉": False}
PRIVATE_GROUP = {"私聊": True, "私信": True, "群里": False, "群内": False, "群": False}

COMMANDS = [
    CommandDoc("提醒", "在群里定时提醒一次", "提醒 明天9点 带好党员证", "提醒 <时间> <内容>"),
    CommandDoc("提醒列表", "待发送的提醒，以及没有发出的提醒", "提醒列表", details=("机器人离线超过6小时而没有补发的提醒，会列在“最近没有发出的提醒”里。",)),
    CommandDoc("取消提醒", "取消一条待发送的提醒", "取消提醒 #3", "取消提醒 #编号"),
    CommandDoc("缺勤提醒", "学习开始10分钟后@未签到的同志（开/关）", "缺勤提醒 关", "缺勤提醒 开|关"),
    CommandDoc("志愿提醒", "志愿服务前一天提醒认领人：私聊或群里", "志愿提醒 群里", "志愿提醒 私聊|群里"),
]


def added(row: Reminder) -> str:
    """Reply to 提醒."""
    return f"好的，{timeutil.fmt_dt_week(row.due_at)} 在群里提醒（#{row.id}）：{row.text.removeprefix('【提醒】')}"


def listing(result: Listing, registry: Registry) -> str:
    """提醒列表 text: numbered by id so 取消提醒 #N can be typed back."""
    lines = [f"待发送的提醒（{len(result.pending)}条）：" if result.pending else "没有待发送的提醒。"]
    lines += [f"#{r.id} {timeutil.fmt_dt(r.due_at)} {registry.label(r)}" for r in result.pending]
    if result.missed:
        lines.append("最近没有发出的提醒：")
        lines += [f"#{r.id} {timeutil.fmt_dt(r.due_at)} {registry.label(r)} —— "
                  f"{ReminderState(r.state).label}：{r.last_error or ''}" for r in result.missed]
    return "\n".join(lines)


def cancelled(row: Reminder, registry: Registry) -> str:
    """Reply to 取消提醒."""
    return f"已取消提醒 #{row.id}（{registry.label(row)}）。"


def absent_switched(on: bool) -> str:
    """Reply to 缺勤提醒."""
    return f"学习开始10分钟后提醒未签到的同志：已{'开启' if on else '关闭'}。"


def volunteer_switched(private: bool) -> str:
    """Reply to 志愿提醒."""
    return f"志愿服务前一天：{'私聊提醒每位认领人' if private else '在群里@认领人'}。"
