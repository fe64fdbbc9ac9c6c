"""Chinese replies of the roster plugin."""

from core.roles import Role
from db.models import HealthCategory, Member
from domain.roster import Appointment, BranchInfo, GroupChange, RosterEntry

EX_BIND = "绑定支部 城关镇离退休干部第一党支部"
EX_REGISTER = "报到 张三"
EX_ADD = "添加成员 李四 适当参加"
EX_CATEGORY = "设置类别 李四 不能参加"
EX_SECRETARY = "设置书记 @张三"
EX_COMMITTEE = "设置委员 @王五"
EX_UNCOMMITTEE = "取消委员 @王五"
EX_DEACTIVATE = "停用成员 李四 已迁居外地"
EX_ACTIVATE = "启用成员 李四"

NAME_NEEDED = "请写上姓名。"
MEMBER_AND_CATEGORY_NEEDED = "请写上成员和类别。"
WHOM_TO_APPOINT = "请@这位成员或写上姓名。"
WHOM_TO_CHANGE = "请写上成员姓名或@这位成员。"


def bound(branch: str, previous: str | None) -> str:
    """Reply to 绑定支部."""
    if previous:
        return f"本群已改绑到“{branch}”（原为“{previous}”）。"
    return f"本群已绑定“{branch}”。\n请各位党员发送“报到 姓名”完成登记，例如：报到 张三"


def registered(name: str, created: bool, branch: str) -> str:
    """Reply to 报到."""
    if created:
        return f"{name} 报到成功，已加入“{branch}”。发送“帮助”可查看能用的命令。"
    return f"{name} 报到成功，已关联支部名册中的“{name}”。发送“帮助”可查看能用的命令。"


def added(member: Member, count: int) -> str:
    """Reply to 添加成员."""
    return f"已添加成员 {member.name}（{HealthCategory(member.category).label}），共{count}人。"


def category_set(member: Member) -> str:
    """Reply to 设置类别."""
    return f"已将 {member.name} 的类别设为“{HealthCategory(member.category).label}”。"


def info(data: BranchInfo) -> str:
    """Reply to 支部信息."""
    cats = "、".join(f"{c.label}{data.by_category[c]}人" for c in HealthCategory)
    lines = [
        f"【{data.branch.name}】",
        f"书记：{data.secretary or '未设置'}",
        f"委员：{'、'.join(data.committee) or '未设置'}",
        f"在册党员：{data.active}人（{cats}）",
    ]
    if data.inactive:
        lines.append(f"已停用：{data.inactive}人")
    return "\n".join(lines)


def member_list(entries: list[RosterEntry]) -> str:
    """Reply to 成员列表: numbered, with office, category, ✔ linked / ○ no QQ, and 停用."""
    if not entries:
        return "名册还是空的。请成员发送“报到 姓名”，或书记发送“添加成员 姓名”。"
    lines = [f"【成员列表】共{len(entries)}人（✔已报到 ○无QQ）"]
    for i, entry in enumerate(entries, 1):
        status = "" if entry.member.active else "（已停用）"
        role = f" {entry.role.label}" if entry.role > Role.MEMBER else ""
        group = f" {entry.group}" if entry.group else ""
        lines.append(f"{i}. {entry.member.name}{role}{group} {entry.category.label} "
                     f"{'✔' if entry.linked else '○'}{status}")
    return "\n".join(lines)


def appointed(appointment: Appointment) -> str:
    """Reply to 设置书记 / 设置委员 / 取消委员."""
    name = appointment.member.name
    if appointment.role == Role.MEMBER:
        return f"已取消 {name} 的支委委员职务。"
    text = f"已将 {name} 设为{appointment.role.label}。"
    if appointment.previous_secretary:
        text += f"原书记 {appointment.previous_secretary.name} 改为支委委员。"
    return text


def status_set(member: Member, reason: str | None) -> str:
    """Reply to 停用成员 / 启用成员."""
    if member.active:
        return f"已启用 {member.name}，今后计入应到人数。"
    return f"已停用 {member.name}{f'（{reason}）' if reason else ''}。历史记录保留，今后不再计入应到人数。"


WELCOME = "欢迎新朋友！请发送“报到 您的姓名”完成登记，例如：报到 张三\n发送“帮助”查看能用的命令。"
WELCOME_BACK = "欢迎回来！您之前已报到，无需重复登记。"
GROUP_CHANGE = {GroupChange.NEWCOMER: WELCOME, GroupChange.RETURNING: WELCOME_BACK}
"""What the group is told when someone joins (nothing when someone leaves)."""
