"""Branches, members, roles and group binding: 绑定支部, 报到, 添加成员, 成员列表, ..."""

from nonebot import on_notice
from nonebot.adapters import Bot, Event, Message
from nonebot.plugin import PluginMetadata

from bot.chat import parse_targets, plain
from bot.commands import CommandDoc, command
from bot.deps import (
    Anyone,
    Arg,
    ContextDep,
    Secretary,
    SessionDep,
    Superuser,
    is_superuser,
    replies_errors,
)
from core.errors import InvalidInput, PermissionDenied
from core.roles import Role
from core.textparse import normalize
from db.models import HealthCategory
from plugins.roster import service
from plugins.roster import texts as t

__plugin_meta__ = PluginMetadata(
    name="支部与成员",
    description="绑定支部、报到、成员名册、类别与职务",
    usage="报到 张三",
    extra={"commands": [
        CommandDoc("报到", "把您的QQ登记到本支部名册", t.EX_REGISTER, "报到 <姓名>", aliases=("注册", "登记"), details=("请在支部群里发送。名册里已有您的名字时，会直接关联；没有则新建。",)),
        CommandDoc("支部信息", "支部名称、书记、委员和人数", "支部信息"),
        CommandDoc("成员列表", "全体成员、类别、是否已报到", "成员列表", aliases=("名册",)),
        CommandDoc("添加成员", "登记没有QQ的成员（由他人代签）", t.EX_ADD, "添加成员 <姓名> [正常活动|适当参加|不能参加]", aliases=("新增成员",), details=("类别不写时为“正常活动”。同名成员请加以区分，例如：李四（水利局）。",)),
        CommandDoc("设置类别", "设置成员的健康类别", t.EX_CATEGORY, "设置类别 <姓名或@> <正常活动|适当参加|不能参加>"),
        CommandDoc("设置委员", "任命支委委员", t.EX_COMMITTEE, "设置委员 <@某人或姓名>"),
        CommandDoc("取消委员", "取消支委委员职务", "取消委员 @王五", "取消委员 <@某人或姓名>"),
        CommandDoc("停用成员", "迁出、转走或去世的成员不再计入应到", t.EX_DEACTIVATE, "停用成员 <姓名或@> [原因]", details=("历史记录全部保留，随时可以“启用成员”恢复。",)),
        CommandDoc("启用成员", "恢复已停用的成员", t.EX_ACTIVATE, "启用成员 <姓名或@>"),
        CommandDoc("设置书记", "指定支部书记", t.EX_SECRETARY, "设置书记 <@某人或姓名>", details=("原书记自动改为支委委员。",)),
        CommandDoc("绑定支部", "把本群绑定到一个支部（不存在则新建）", t.EX_BIND, "绑定支部 <支部名称>", details=("已绑定的群改绑到别的支部，需要在末尾加“确认”：绑定支部 第二支部 确认",)),
    ]},
)

bind_cmd = command("绑定支部")


@bind_cmd.handle()
@replies_errors
async def handle_bind(event: Event, session: SessionDep, ctx: ContextDep,
                      arg: Arg) -> None:
    """Superuser, in a group: bind it to a branch."""
    if not is_superuser(ctx):
        raise PermissionDenied("只有管理员可以绑定支部。")
    if ctx.group_id is None:
        raise InvalidInput("请在要绑定的群里发送这条命令。", t.EX_BIND)
    text = normalize(arg.extract_plain_text())
    confirm = text.endswith(" 确认")
    branch, previous = await service.bind_group(
        session, platform=ctx.platform, group_id=ctx.group_id, self_id=ctx.self_id,
        branch_name=text.removesuffix(" 确认"), by=ctx.user_id, confirm=confirm)
    await session.commit()
    await bind_cmd.finish(plain(event, t.bound(branch.name, previous.name if previous else None)))


info_cmd = command("支部信息", bare=True)


@info_cmd.handle()
async def handle_info(event: Event, session: SessionDep, caller: Anyone) -> None:
    """Anyone: branch name, secretary, committee, counts."""
    info = await service.branch_info(session, caller.branch_id)
    await session.commit()  # end the read before sending: on SQLite it holds the write lock
    await info_cmd.finish(plain(event, t.info(info)))  # names as written, never CQ codes


register_cmd = command("报到", "注册", "登记")


@register_cmd.handle()
@replies_errors
async def handle_register(event: Event, session: SessionDep, caller: Anyone,
                          arg: Arg) -> None:
    """A member links their chat account to their record in this group's branch."""
    if caller.ctx.group_id is None:
        raise InvalidInput("请在支部群里报到，这样才知道您属于哪个支部。", t.EX_REGISTER)
    name = normalize(arg.extract_plain_text())
    if not name:
        raise InvalidInput("请写上您的姓名。", t.EX_REGISTER)
    member, created = await service.register(
        session, branch_id=caller.branch_id, platform=caller.ctx.platform,
        user_id=caller.ctx.user_id, name=name, nickname=caller.ctx.nickname)
    await session.commit()
    await register_cmd.finish(plain(event, t.registered(member.name, created, caller.branch.name)))


add_cmd = command("添加成员", "新增成员")


@add_cmd.handle()
@replies_errors
async def handle_add(event: Event, session: SessionDep, caller: Secretary,
                     arg: Arg) -> None:
    """Secretary: a member without a chat account."""
    words = normalize(arg.extract_plain_text()).split(" ")
    if not words[0]:
        raise InvalidInput("请写上姓名。", t.EX_ADD)
    category = service.parse_category(words[1], t.EX_ADD) if len(words) > 1 else HealthCategory.NORMAL
    member = await service.add_member(session, branch_id=caller.branch_id, name=words[0],
                                      category=category)
    await session.commit()
    await add_cmd.finish(plain(event, f"已添加成员 {member.name}（{category.label}），共"
                                      f"{await service.member_count(session, caller.branch_id)}人。"))


list_cmd = command("成员列表", "名册", bare=True)


@list_cmd.handle()
@replies_errors
async def handle_member_list(event: Event, session: SessionDep, caller: Anyone) -> None:
    """Committee and up: numbered members with category and whether a chat account is linked."""
    caller.need(Role.COMMITTEE)
    rows = await service.members(session, caller.branch_id)
    await session.commit()  # end the read before sending (see handle_info)
    if not rows:
        await list_cmd.finish("名册还是空的。请成员发送“报到 姓名”，或书记发送“添加成员 姓名”。")
    lines = [f"【成员列表】共{len(rows)}人（✔已报到 ○无QQ）"]
    for i, (member, linked) in enumerate(rows, 1):
        status = "" if member.active else "（已停用）"
        role = f" {Role(member.role).label}" if member.role > Role.MEMBER else ""
        lines.append(f"{i}. {member.name}{role} {HealthCategory(member.category).label} "
                     f"{'✔' if linked else '○'}{status}")
    await list_cmd.finish(plain(event, "\n".join(lines)))


category_cmd = command("设置类别")


@category_cmd.handle()
@replies_errors
async def handle_category(event: Event, session: SessionDep, caller: Secretary,
                          arg: Arg) -> None:
    """Secretary: set a member's health category."""
    targets, rest = parse_targets(arg)
    if not targets or not rest:
        raise InvalidInput("请写上成员和类别。", t.EX_CATEGORY)
    category = service.parse_category(rest, t.EX_CATEGORY)
    member = await service.resolve_member(session, caller.branch_id, caller.ctx.platform,
                                          targets[0], example=t.EX_CATEGORY)
    await service.set_category(session, member, category)
    await session.commit()
    await category_cmd.finish(plain(event, f"已将 {member.name} 的类别设为“{category.label}”。"))


async def _set_role(event: Event, session: SessionDep, caller: Secretary, arg: Message,
                    role: Role, example: str) -> str:
    targets, _ = parse_targets(arg)
    if not targets:
        raise InvalidInput("请@这位成员或写上姓名。", example)
    member = await service.resolve_member(session, caller.branch_id, caller.ctx.platform,
                                          targets[0], example=example)
    if role < Role.SECRETARY and member.role == Role.SECRETARY:
        raise InvalidInput(f"{member.name} 是书记，请由管理员用“设置书记”改任他人。", example)
    previous = await service.set_role(session, member, role)
    await session.commit()
    if role == Role.MEMBER:
        return f"已取消 {member.name} 的支委委员职务。"
    return t.role_set(member.name, role, previous.name if previous else None)


secretary_cmd = command("设置书记")


@secretary_cmd.handle()
@replies_errors
async def handle_secretary(event: Event, session: SessionDep, caller: Superuser,
                           arg: Arg) -> None:
    """Superuser: name the branch secretary."""
    reply = await _set_role(event, session, caller, arg, Role.SECRETARY, t.EX_SECRETARY)
    await secretary_cmd.finish(plain(event, reply))


committee_cmd = command("设置委员")


@committee_cmd.handle()
@replies_errors
async def handle_committee(event: Event, session: SessionDep, caller: Secretary,
                           arg: Arg) -> None:
    """Secretary: appoint a committee member."""
    reply = await _set_role(event, session, caller, arg, Role.COMMITTEE, t.EX_COMMITTEE)
    await committee_cmd.finish(plain(event, reply))


uncommittee_cmd = command("取消委员")


@uncommittee_cmd.handle()
@replies_errors
async def handle_uncommittee(event: Event, session: SessionDep, caller: Secretary,
                             arg: Arg) -> None:
    """Secretary: remove a committee member's role."""
    reply = await _set_role(event, session, caller, arg, Role.MEMBER, "取消委员 @王五")
    await uncommittee_cmd.finish(plain(event, reply))


async def _set_status(session: SessionDep, caller: Secretary, arg: Message, active: bool,
                      example: str) -> str:
    targets, reason = parse_targets(arg)
    if not targets:
        raise InvalidInput("请写上成员姓名或@这位成员。", example)
    member = await service.resolve_member(session, caller.branch_id, caller.ctx.platform,
                                          targets[0], example=example)
    await service.set_status(session, member, active, reason)
    await session.commit()
    if active:
        return f"已启用 {member.name}，今后计入应到人数。"
    return f"已停用 {member.name}{f'（{reason}）' if reason else ''}。历史记录保留，今后不再计入应到人数。"


deactivate_cmd = command("停用成员")


@deactivate_cmd.handle()
@replies_errors
async def handle_deactivate(event: Event, session: SessionDep, caller: Secretary,
                            arg: Arg) -> None:
    """Secretary: a member who moved, transferred or died no longer counts as expected."""
    reply = await _set_status(session, caller, arg, False, t.EX_DEACTIVATE)
    await deactivate_cmd.finish(plain(event, reply))


activate_cmd = command("启用成员")


@activate_cmd.handle()
@replies_errors
async def handle_activate(event: Event, session: SessionDep, caller: Secretary,
                          arg: Arg) -> None:
    """Secretary: bring a member back."""
    reply = await _set_status(session, caller, arg, True, t.EX_ACTIVATE)
    await activate_cmd.finish(plain(event, reply))


async def _is_member_change(event: Event) -> bool:
    return event.get_event_name().startswith(("notice.group_increase", "notice.group_decrease"))


group_change = on_notice(rule=_is_member_change, priority=5, block=False)


@group_change.handle()
async def handle_group_change(bot: Bot, event: Event, session: SessionDep) -> None:
    """Welcome newcomers with how to 报到; mark leavers' accounts as no longer in the group."""
    group_id = str(getattr(event, "group_id", ""))
    if await service.binding_of(session, "onebot", group_id) is None:
        await group_change.finish()
    user_id = event.get_user_id()
    if user_id == str(bot.self_id):
        await group_change.finish()
    joined = event.get_event_name().startswith("notice.group_increase")
    known = await service.mark_in_group(session, "onebot", user_id, joined)
    await session.commit()
    if joined and not known:
        await group_change.finish(t.WELCOME)
    if joined:
        await group_change.finish("欢迎回来！您之前已报到，无需重复登记。")
