"""Study sessions and sign-in: 发布学习, 开始签到, 签到, 请假, 代签, 补签, 签到情况, 学习记录."""

from nonebot import get_plugin_config
from nonebot.adapters import Event, Message
from nonebot.plugin import PluginMetadata

from bot.chat import arg_text, parse_name_list, parse_targets, plain
from bot.commands import CommandDoc, command
from bot.deps import Anyone, Arg, Committee, Registered, Secretary, SessionDep, replies_errors
from core import timeutil
from core.errors import InvalidInput
from core.textparse import normalize, parse_id, split_id
from plugins.signin import records, service, special
from plugins.signin import texts as t
from plugins.signin.config import Config

__plugin_meta__ = PluginMetadata(
    name="学习签到",
    description="发布学习、签到、请假、代签、补签、签到情况、学习记录",
    usage="签到",
    config=Config,
    extra={"commands": [
        CommandDoc("签到", "学习时在群里签到", "签到"),
        CommandDoc("请假", "不能参加这次（或下一次）学习时请假", t.EX_LEAVE, usage="请假 [原因]"),
        CommandDoc("学习记录", "本人今年的学习出席记录", "学习记录"),
        CommandDoc("签到情况", "应到、实到、迟到、请假、缺席和出席率", "签到情况 #3", "签到情况 [#编号]"),
        CommandDoc("发布学习", "安排一次学习并发布通知", t.EX_PUBLISH, "发布学习 <时间> <主题> [地点]"),
        CommandDoc("开始签到", "现在开始一次学习签到", "开始签到 学习二十届三中全会精神", "开始签到 [主题]"),
        CommandDoc("结束签到", "提前结束正在进行的签到", "结束签到"),
        CommandDoc("代签", "替没有手机的成员签到", t.EX_PROXY, "代签 <姓名或@> [<姓名或@> ...]"),
        CommandDoc("补签", "签到结束后补记出席", t.EX_MAKEUP, "补签 #编号 <姓名或@> <原因>"),
    ]},
)

service.configure(service.Window.from_config(get_plugin_config(Config)))

signin_cmd = command("签到", "打卡", bare=True, hot=True)


@signin_cmd.handle()
@replies_errors
async def handle_signin(event: Event, session: SessionDep, caller: Registered) -> None:
    """A member signs in to the open session; a second time says when they did."""
    result = await service.sign_in(session, branch_id=caller.branch_id, member=caller.me)
    await session.commit()
    await signin_cmd.finish(plain(event, t.signed(result)))


leave_cmd = command("请假", hot=True)


@leave_cmd.handle()
@replies_errors
async def handle_leave(event: Event, session: SessionDep, caller: Registered, arg: Arg) -> None:
    """Leave for the open or next session."""
    study, row = await special.take_leave(session, branch_id=caller.branch_id, member=caller.me,
                                          reason=arg_text(arg))
    await session.commit()
    await leave_cmd.finish(plain(event, t.leave(caller.me, study, row)))


publish_cmd = command("发布学习", "安排学习")


@publish_cmd.handle()
@replies_errors
async def handle_publish(event: Event, session: SessionDep, caller: Committee, arg: Arg) -> None:
    """Schedule a 学习 session and post the announcement."""
    study = await service.publish(session, branch_id=caller.branch_id, text=arg_text(arg),
                                  created_by=caller.member.id if caller.member else None)
    await session.commit()
    await publish_cmd.finish(plain(event, t.announcement(study)))


start_cmd = command("开始签到")


@start_cmd.handle()
@replies_errors
async def handle_start(event: Event, session: SessionDep, caller: Committee, arg: Arg) -> None:
    """Open a 学习 session starting now."""
    study = await service.start_now(session, branch_id=caller.branch_id, title=arg_text(arg),
                                    created_by=caller.member.id if caller.member else None)
    await session.commit()
    await start_cmd.finish(plain(event, t.started(study)))


end_cmd = command("结束签到", bare=True)


@end_cmd.handle()
@replies_errors
async def handle_end(event: Event, session: SessionDep, caller: Committee) -> None:
    """Close the open session now and show the counts."""
    study = await service.end_session(session, caller.branch_id)
    await session.commit()
    report = await records.report(session, branch_id=caller.branch_id, session_id=study.id)
    await end_cmd.finish(plain(event, t.ended(report)))


proxy_cmd = command("代签")


@proxy_cmd.handle()
@replies_errors
async def handle_proxy(event: Event, session: SessionDep, caller: Committee, arg: Arg) -> None:
    """Sign in members who have no phone; the record says who did it."""
    result = await special.proxy_sign_in(
        session, branch_id=caller.branch_id, platform=caller.ctx.platform,
        refs=parse_name_list(arg), operator=caller.member, operator_name=caller.operator_name)
    await session.commit()
    await proxy_cmd.finish(plain(event, t.proxied(result)))


makeup_cmd = command("补签")


def _split_session_id(arg: Message) -> tuple[int, Message]:
    """'#3 @张三 原因' → (3, the message after the number, @mentions kept)."""
    if not arg or not arg[0].is_text():
        raise InvalidInput("请写上学习编号、姓名和原因。", t.EX_MAKEUP)
    session_id, rest = split_id(str(arg[0]), "学习编号", t.EX_MAKEUP)
    tail = [type(arg[0]).text(rest)] if rest else []  # type: ignore[attr-defined]
    return session_id, type(arg)([*tail, *arg[1:]])


@makeup_cmd.handle()
@replies_errors
async def handle_makeup(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """After the window closed: record a make-up with a reason."""
    session_id, rest = _split_session_id(arg)
    targets, reason = parse_targets(rest)
    if not targets:
        raise InvalidInput("请写上补签的成员姓名。", t.EX_MAKEUP)
    member, study, row = await special.make_up(
        session, branch_id=caller.branch_id, session_id=session_id, platform=caller.ctx.platform,
        ref=targets[0], reason=reason, operator=caller.member, operator_name=caller.operator_name)
    await session.commit()
    await makeup_cmd.finish(plain(event, t.made_up(member, study, row)))


report_cmd = command("签到情况", "出勤情况")


@report_cmd.handle()
@replies_errors
async def handle_report(event: Event, session: SessionDep, caller: Anyone, arg: Arg) -> None:
    """应到 / 实到 / 迟到 / 请假 / 缺席 of a session."""
    text = normalize(arg.extract_plain_text())
    session_id = parse_id(text, "学习编号", "签到情况 #3") if text else None
    report = await records.report(session, branch_id=caller.branch_id, session_id=session_id)
    await report_cmd.finish(plain(event, t.report(report)))


record_cmd = command("学习记录", "我的学习", bare=True)


@record_cmd.handle()
@replies_errors
async def handle_record(event: Event, session: SessionDep, caller: Registered) -> None:
    """The caller's own sessions this year."""
    year = timeutil.cycle_of(timeutil.now())
    rows = await records.my_record(session, member=caller.me, year=year)
    await record_cmd.finish(plain(event, t.record(caller.me.name, year, rows)))
