"""Branches, members, roles and group binding: 绑定支部, 报到, 添加成员, 成员列表, ..."""

import contextlib

from nonebot import get_driver, on_notice
from nonebot.adapters import Bot, Event
from nonebot.plugin import PluginMetadata

from bot import logprivacy
from bot.chat import parse_targets, platform_of
from bot.commands import CommandDoc, command
from bot.deps import Arg, Caller, CallerDep, SessionDep
from bot.pipeline import Reply, handle
from bot.send import DeliveryError, send_group, send_private
from core.errors import InvalidInput
from core.refs import PersonRef
from core.roles import Role
from core.textparse import normalize, strip_decoration
from db.models import HealthCategory, Member
from domain import roster
from plugins.roster import texts as t

__plugin_meta__ = PluginMetadata(
    name="支部与成员",
    description="绑定支部、报到、成员名册、类别与职务",
    usage="报到 张三",
    type="application",
    homepage="https://github.com/yinling/yinling",
    supported_adapters={"~onebot.v11", "~console"},
    extra={"commands": [
        CommandDoc("报到", "把您的QQ登记到本支部名册", t.EX_REGISTER, "报到 <姓名> [报到码]", details=("请在支部群里发送。名册里没有您的名字时新建。", "名册里已有的名字要书记确认是本人（书记会收到通知），或带上书记给的报到码：报到 张三 123456")),
        CommandDoc("确认报到", "确认报到的是本人（名册里已有的名字）", t.EX_CONFIRM, "确认报到 <姓名> [QQ号]", details=("有人报到为名册里已有的名字时，书记会收到私信。是本人就回复这条命令；几个QQ都要报到为同一个名字时，写上QQ号。",)),
        CommandDoc("报到码", "给名册里的成员一个6位报到码（私聊）", t.EX_CODE, "报到码 <姓名>", details=("报到码24小时内有效，只能用一次，错5次作废。请当面或打电话告诉本人，让他在群里发送：报到 张三 123456",)),
        CommandDoc("支部信息", "支部名称、书记、委员和人数", "支部信息"),
        CommandDoc("成员列表", "全体成员、类别、是否已报到", "成员列表"),
        CommandDoc("添加成员", "登记没有QQ的成员（由他人代签）", t.EX_ADD, "添加成员 <姓名> [正常活动|适当参加|不能参加]", details=("类别不写时为“正常活动”。同名成员请加以区分，例如：李四（水利局）。", "在群里发时，群里的回复不说类别，类别私聊告诉您。")),
        CommandDoc("设置类别", "设置成员的健康类别", t.EX_CATEGORY, "设置类别 <姓名或@> <正常活动|适当参加|不能参加>"),
        CommandDoc("设置委员", "任命支委委员", t.EX_COMMITTEE, "设置委员 <@某人或姓名>"),
        CommandDoc("取消委员", "取消支委委员职务", t.EX_UNCOMMITTEE, "取消委员 <@某人或姓名>"),
        CommandDoc("停用成员", "迁出、转走或去世的成员不再计入应到", t.EX_DEACTIVATE, "停用成员 <姓名或@> [原因]", details=("历史记录全部保留，随时可以“启用成员”恢复。",)),
        CommandDoc("启用成员", "恢复已停用的成员", t.EX_ACTIVATE, "启用成员 <姓名或@>"),
        CommandDoc("设置书记", "指定支部书记", t.EX_SECRETARY, "设置书记 <@某人或姓名>", details=("原书记自动改为支委委员。",)),
        CommandDoc("绑定支部", "把本群绑定到一个支部（不存在则新建）", t.EX_BIND, "绑定支部 <支部名称>", details=("已绑定的群改绑到别的支部，需要在末尾加“确认”：绑定支部 第二支部 确认",)),
    ]},
)


async def _named(db: SessionDep, caller: Caller, arg: Arg, missing: str, example: str
                 ) -> tuple[Member, str]:
    """The member a command names first (@ or name) and the words after them."""
    targets, rest = parse_targets(arg)
    if not targets:
        raise InvalidInput(missing, example)
    return await _member(db, caller, targets[0], example), rest


async def _member(db: SessionDep, caller: Caller, ref: PersonRef, example: str) -> Member:
    return await roster.resolve_member(db, branch_id=caller.branch_id, platform=caller.ctx.platform,
                                       ref=ref, example=example)


bind_cmd = command("绑定支部")


@handle(bind_cmd)
async def handle_bind(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Superuser, in a group: bind it to a branch (moving it to another needs 确认)."""
    text = normalize(arg.extract_plain_text())
    ctx = caller.ctx
    branch, previous = await roster.bind_group(
        db, platform=ctx.platform, group_id=ctx.group_id or "", self_id=ctx.self_id,
        branch_name=text.removesuffix(" 确认"), by=ctx.user_id, confirm=text.endswith(" 确认"))
    return t.bound(branch.name, previous.name if previous else None)


info_cmd = command("支部信息", bare=True)


@handle(info_cmd)
async def handle_info(db: SessionDep, caller: CallerDep) -> str:
    """Branch name, secretary, committee, counts (names as written, never CQ codes)."""
    return t.info(await roster.branch_info(db, branch_id=caller.branch_id))


register_cmd = command("报到")


@handle(register_cmd)
async def handle_register(bot: Bot, db: SessionDep, caller: CallerDep, arg: Arg) -> str | Reply:
    """A member links their chat account to their record in this group's branch (bare 报到 from
    a registered member: who they are registered as). A name already on the roster needs the
    secretary's 确认报到 or its 报到码 (domain/roster/claiming.py): the approver is told."""
    # Emoji after a long 报到 stay on the message (bot/runtime.py keeps an argument as written):
    # here they go, or `报到 欧阳建国 123456🌹` would be refused with its code echoed in the group.
    name, code = roster.split_code(normalize(strip_decoration(arg.extract_plain_text(),
                                                              leading=False)))
    ctx, branch = caller.ctx, caller.branch.name if caller.branch else ""
    result = await roster.register(
        db, branch_id=caller.branch_id, platform=ctx.platform, user_id=ctx.user_id, name=name,
        nickname=ctx.nickname, code=code, group_id=ctx.group_id)
    if result.claim is None or result.linked:
        return t.registered(result.member.name, result.created, branch)
    claim = result.claim
    if claim.outcome != roster.Outcome.WAITING:
        return t.code_refused(result.member.name, claim)
    ask = t.confirm_asked(result.member, ctx.nickname, ctx.user_id, branch, claim.approver)
    approvers = [claim.secretary_user_id] if claim.secretary_user_id else _superusers(ctx.platform)

    async def tell_approvers() -> None:
        for user_id in approvers:
            with contextlib.suppress(DeliveryError):
                await send_private(bot, user_id, ask)

    return Reply(t.waiting(result.member, claim.approver), after=[tell_approvers])


def _superusers(platform: str) -> list[str]:
    """The 管理员 accounts on this platform (SUPERUSERS: bare ids, or platform:id)."""
    ids = []
    for entry in sorted(get_driver().config.superusers):
        kind, _, user_id = entry.rpartition(":")
        if kind in ("", platform) and user_id.isdigit():
            ids.append(user_id)
    return ids


confirm_cmd = command("确认报到")


@handle(confirm_cmd)
async def handle_confirm(bot: Bot, db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Secretary: the account that asked for a name on the roster is that member; announced in
    the group it asked in."""
    words = normalize(arg.extract_plain_text()).split(" ")
    if not words[0]:
        raise InvalidInput(t.WHOM_TO_CONFIRM, t.EX_CONFIRM)
    member = await _member(db, caller, PersonRef(name=words[0]), t.EX_CONFIRM)
    user_id = words[1] if len(words) > 1 and words[1].isdigit() else None
    done = await roster.confirm_registration(db, member=member, platform=caller.ctx.platform,
                                             user_id=user_id, example=t.EX_CONFIRM)
    group_id = done.request.group_id
    if group_id is None or group_id == caller.ctx.group_id:
        return Reply(t.confirmed_notice(member))

    async def announce() -> None:
        with contextlib.suppress(DeliveryError):
            await send_group(bot, group_id, t.confirmed_notice(member), [done.request.user_id])

    return Reply(t.confirmed(member, done.request.nickname), after=[announce])


code_cmd = command("报到码")


@handle(code_cmd)
async def handle_code(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary, privately: a one-time code a member on the roster 报到s with."""
    name = normalize(arg.extract_plain_text())
    if not name:
        raise InvalidInput(t.WHOM_CODE, t.EX_CODE)
    member = await _member(db, caller, PersonRef(name=name), t.EX_CODE)
    code = await roster.issue_code(db, member=member, platform=caller.ctx.platform, by=caller.member)
    logprivacy.keep_code_out(code)  # a failed answer's traceback would carry it
    return t.code_issued(member.name, code)


add_cmd = command("添加成员")


@handle(add_cmd)
async def handle_add(bot: Bot, db: SessionDep, caller: CallerDep, arg: Arg) -> str | Reply:
    """A member without a chat account (signed in by others). A health category never goes to the
    group: said there, the group hears the name and the count, the sender the category privately."""
    words = normalize(arg.extract_plain_text()).split(" ")
    if not words[0]:
        raise InvalidInput(t.NAME_NEEDED, t.EX_ADD)
    category = roster.parse_category(words[1], t.EX_ADD) if len(words) > 1 else HealthCategory.NORMAL
    member = await roster.add_member(db, branch_id=caller.branch_id, name=words[0],
                                     category=category)
    count = await roster.member_count(db, branch_id=caller.branch_id)
    if caller.ctx.is_private:
        return t.added(member, count)
    sender, added = caller.ctx.user_id, t.added(member, count)

    async def tell_sender() -> None:
        with contextlib.suppress(DeliveryError):  # send_private has logged it
            await send_private(bot, sender, added)

    return Reply(t.added_in_group(member, count), after=[tell_sender])


list_cmd = command("成员列表", bare=True)


@handle(list_cmd)
async def handle_member_list(db: SessionDep, caller: CallerDep) -> Reply:
    """Numbered members with office, category and whether a chat account is linked; each
    member's health category never goes to the group, so asked there it is answered privately."""
    return Reply(t.member_list(await roster.roster(db, branch_id=caller.branch_id)),
                 private=not caller.ctx.is_private)


category_cmd = command("设置类别")


@handle(category_cmd)
async def handle_category(db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Set a member's health category (sealed: said in the group it is withdrawn, answered privately)."""
    targets, rest = parse_targets(arg)
    if not targets or not rest:
        raise InvalidInput(t.MEMBER_AND_CATEGORY_NEEDED, t.EX_CATEGORY)
    category = roster.parse_category(rest, t.EX_CATEGORY)
    member = await _member(db, caller, targets[0], t.EX_CATEGORY)
    await roster.set_category(db, member=member, category=category)
    return Reply(t.category_set(member), private=True)


async def _appoint(db: SessionDep, caller: Caller, arg: Arg, role: Role, example: str) -> str:
    member, _ = await _named(db, caller, arg, t.WHOM_TO_APPOINT, example)
    return t.appointed(await roster.appoint(db, member=member, role=role, example=example))


secretary_cmd = command("设置书记")


@handle(secretary_cmd)
async def handle_secretary(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Name the branch secretary (the previous one becomes a committee member)."""
    return await _appoint(db, caller, arg, Role.SECRETARY, t.EX_SECRETARY)


committee_cmd = command("设置委员")


@handle(committee_cmd)
async def handle_committee(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Appoint a committee member."""
    return await _appoint(db, caller, arg, Role.COMMITTEE, t.EX_COMMITTEE)


uncommittee_cmd = command("取消委员")


@handle(uncommittee_cmd)
async def handle_uncommittee(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Remove a committee member's office."""
    return await _appoint(db, caller, arg, Role.MEMBER, t.EX_UNCOMMITTEE)


async def _set_status(db: SessionDep, caller: Caller, arg: Arg, active: bool, example: str) -> str:
    member, reason = await _named(db, caller, arg, t.WHOM_TO_CHANGE, example)
    await roster.set_status(db, member=member, active=active, reason=reason)
    return t.status_set(member, reason)


deactivate_cmd = command("停用成员")


@handle(deactivate_cmd)
async def handle_deactivate(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """A member who moved, transferred or died no longer counts as expected."""
    return await _set_status(db, caller, arg, False, t.EX_DEACTIVATE)


activate_cmd = command("启用成员")


@handle(activate_cmd)
async def handle_activate(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Bring a member back."""
    return await _set_status(db, caller, arg, True, t.EX_ACTIVATE)


async def _is_member_change(event: Event) -> bool:
    return event.get_event_name().startswith(("notice.group_increase", "notice.group_decrease"))


group_change = on_notice(rule=_is_member_change, priority=5, block=False)


@handle(group_change)
async def handle_group_change(db: SessionDep, bot: Bot, event: Event) -> str | None:
    """Welcome newcomers with how to 报到; mark leavers' accounts as no longer in the group."""
    change = await roster.group_member_change(
        db, platform=platform_of(bot), group_id=str(getattr(event, "group_id", "")),
        user_id=event.get_user_id(), self_id=str(bot.self_id),
        joined=event.get_event_name().startswith("notice.group_increase"))
    return t.GROUP_CHANGE.get(change)
