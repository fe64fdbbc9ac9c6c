"""Chinese replies of the roster plugin."""

from core.roles import Role
from db.models import HealthCategory
from plugins.roster.service import BranchInfo

EX_BIND = "绑定支部 城关镇离退休干部第一党支部"
EX_REGISTER = "报到 张三"
EX_ADD = "添加成员 李四 适当参加"
EX_CATEGORY = "设置类别 李四 不能参加"
EX_SECRETARY = "设置书记 @张三"
EX_COMMITTEE = "设置委员 @王五"
EX_DEACTIVATE = "停用成员 李四 已迁居外地"
EX_ACTIVATE = "启用成员 李四"


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


def role_set(name: str, role: Role, previous: str | None = None) -> str:
    """Reply to 设置书记 / 设置委员 / 取消委员."""
    text = f"已将 {name} 设为{role.label}。"
    if previous:
        text += f"原书记 {previous} 改为支委委员。"
    return text


WELCOME = "欢迎新朋友！请发送“报到 您的姓名”完成登记，例如：报到 张三\n发送“帮助”查看能用的命令。"
