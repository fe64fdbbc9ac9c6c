"""Chinese replies of the roster plugin."""

from core.roles import Role
from db.models import HealthCategory, Member
from domain.roster import (
    CODE_VALID,
    WRONG_TRIES_MAX,
    Appointment,
    Approver,
    BranchInfo,
    Claim,
    GroupChange,
    Outcome,
    RosterEntry,
)

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
    """Reply to 添加成员 in private chat; said in a group, what the sender is told privately."""
    return f"已添加成员 {member.name}（{HealthCategory(member.category).label}），共{count}人。"


def added_in_group(member: Member, count: int) -> str:
    """Reply to 添加成员 in the group: without the health category (the sender hears it privately)."""
    return f"已添加成员 {member.name}，共{count}人。类别已私聊告诉您。"


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


EX_CONFIRM = "确认报到 张三"
EX_CODE = "报到码 张三"
WHOM_TO_CONFIRM = "请写上要确认的成员姓名。"
WHOM_CODE = "请写上要给报到码的成员姓名。"


def waiting(member: Member, approver: Approver) -> str:
    """Reply to 报到 of a name already on the roster, without a code: what happens now."""
    office = f"（{Role(member.role).label}）" if member.role > Role.MEMBER else ""
    return (f"“{member.name}”{office}已在支部名册里。为防止别人冒名，要{approver.value}确认是您本人。\n"
            f"已经告诉{approver.value}了，确认后就报到成功，您不用再发。\n"
            f"{approver.value}也可以给您一个6位报到码，您再发送：报到 {member.name} 报到码"
            f"（例如：报到 {member.name} 123456）")


def confirm_asked(member: Member, nickname: str | None, user_id: str, branch: str,
                  approver: Approver) -> str:
    """To the secretary (or 管理员), privately: someone 报到'd as a name on the roster."""
    office = f"（{Role(member.role).label}）" if member.role > Role.MEMBER else ""
    return (f"有人在“{branch}”群里报到为“{member.name}”{office}：QQ昵称“{nickname or '未知'}”，"
            f"QQ {user_id}。\n是本人请回复：确认报到 {member.name}\n不是本人请不用理会。"
            f"\n也可以私聊我发送“报到码 {member.name}”，把报到码当面或电话告诉本人。")


def code_refused(name: str, claim: Claim) -> str:
    """Reply to 报到 <姓名> <报到码> when the code does not open the name."""
    if claim.outcome == Outcome.WRONG_CODE and claim.tries_left > 0:
        return (f"报到码不对（还可以再试{claim.tries_left}次）。请核对{claim.approver.value}给您的6位数字。\n"
                f"例如：报到 {name} 123456")
    return (f"“{name}”没有能用的报到码（没有发过、已用过、过了24小时或错了{WRONG_TRIES_MAX}次）。"
            f"请{claim.approver.value}重新发一个：私聊机器人发送“报到码 {name}”。\n"
            f"也可以不写报到码，直接发送“报到 {name}”，等{claim.approver.value}确认。")


def confirmed_notice(member: Member) -> str:
    """In the group the member asked in: the 报到 is confirmed."""
    return f"{member.name} 报到成功（已确认是本人）。发送“帮助”可查看能用的命令。"


def confirmed(member: Member, nickname: str | None) -> str:
    """Reply to 确认报到 said elsewhere than the member's group (the group is told too)."""
    return f"已确认：{member.name} 报到成功（QQ昵称“{nickname or '未知'}”），已在群里告诉他。"


def code_issued(name: str, code: str) -> str:
    """Reply to 报到码 (privately)."""
    hours = int(CODE_VALID.total_seconds() // 3600)
    return (f"{name} 的报到码：{code}\n{hours}小时内有效，只能用一次。请当面或打电话告诉{name}本人，"
            f"让他在群里发送：报到 {name} {code}\n不要发到群里。再发一次“报到码 {name}”会换一个新码，旧码作废。")
