"""Meetings and sign-in: 发布学习, 开始签到, 结束签到, 签到, 请假, 代签, 补签, 签到情况, 学习记录."""

from nonebot import get_plugin_config
from nonebot.plugin import PluginMetadata

from bot.chat import arg_text, parse_name_list, parse_targets
from bot.commands import CommandDoc, command
from bot.deps import Arg, CallerDep, SessionDep
from bot.pipeline import Reply, handle
from core import timeutil
from core.errors import InvalidInput
from core.roles import Role
from core.textparse import normalize, parse_id, strip_decoration
from domain import meetings
from plugins.signin import texts as t
from plugins.signin.config import Config
from plugins.signin.parse import parse_publish, split_leave, split_meeting_id

__plugin_meta__ = PluginMetadata(
    name="学习签到",
    description="发布学习、签到、请假、代签、补签、签到情况、学习记录",
    usage="签到",
    type="application",
    homepage="https://github.com/yinling/yinling",
    config=Config,
    supported_adapters={"~onebot.v11", "~console"},
    extra={"commands": [
        CommandDoc("签到", "学习时在群里签到", "签到"),
        CommandDoc("请假", "不能参加这次（或下一次）学习时请假；写 #编号 可请以后某次会议的假", t.EX_LEAVE, usage="请假 [#编号] [原因]"),
        CommandDoc("学习记录", "本人今年的学习出席记录；委员以上可查他人（私聊回复）", "学习记录", "学习记录 [姓名或@]"),
        CommandDoc("签到情况", "应到、实到、迟到、请假、缺席和出席率", t.EX_REPORT, "签到情况 [#编号]"),
        CommandDoc("发布学习", "安排一次学习并发布通知", t.EX_PUBLISH, "发布学习 <时间> <主题> [地点]"),
        CommandDoc("开始签到", "现在开始一次学习签到", "开始签到 学习二十届三中全会精神", "开始签到 [主题]"),
        CommandDoc("结束签到", "提前结束正在进行的签到", "结束签到"),
        CommandDoc("代签", "替没有手机的成员签到", t.EX_PROXY, "代签 <姓名或@> [<姓名或@> ...]"),
        CommandDoc("补签", "签到结束后补记出席", t.EX_MAKEUP, "补签 #编号 <姓名或@> <原因>"),
    ]},
)

meetings.configure(get_plugin_config(Config).window())

signin_cmd = command("签到", hot=True)
leave_cmd = command("请假", hot=True)
publish_cmd = command("发布学习")
start_cmd = command("开始签到")
end_cmd = command("结束签到", bare=True)
proxy_cmd = command("代签")
makeup_cmd = command("补签")
report_cmd = command("签到情况")
record_cmd = command("学习记录")


@handle(signin_cmd)
async def handle_signin(db: SessionDep, caller: CallerDep, arg: Arg) -> str | None:
    """A member signs in to the open meeting (签到, or 签到 <own name>); a second time says when."""
    if not (name := strip_decoration(normalize(arg_text(arg))).lstrip(":,、 ")):
        return t.signed(await meetings.sign_in(db, branch_id=caller.branch_id, member=caller.me))
    result = await meetings.sign_in_by_name(db, branch_id=caller.branch_id, member=caller.me, name=name)
    return None if result is None else t.signed(result)


@handle(leave_cmd)
async def handle_leave(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Leave for the open or next meeting, or for the meeting named by #N."""
    meeting_id, reason = split_leave(arg_text(arg))
    meeting, row = await meetings.take_leave(db, branch_id=caller.branch_id, member=caller.me,
                                             reason=reason, meeting_id=meeting_id)
    return t.leave(caller.me, meeting, row)


@handle(publish_cmd)
async def handle_publish(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Schedule a 学习 meeting and post the announcement."""
    starts, title, place = parse_publish(arg_text(arg), timeutil.now())
    meeting = await meetings.schedule_meeting(
        db, branch_id=caller.branch_id, starts_at=starts, title=title, place=place,
        created_by=caller.member.id if caller.member else None)
    return t.announcement(meeting)


@handle(start_cmd)
async def handle_start(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Open a 学习 meeting starting now."""
    meeting = await meetings.start_now(db, branch_id=caller.branch_id, title=arg_text(arg),
                                       created_by=caller.member.id if caller.member else None)
    return t.started(meeting)


@handle(end_cmd)
async def handle_end(db: SessionDep, caller: CallerDep) -> str:
    """Close the open meeting now and show the counts."""
    meeting = await meetings.end_now(db, branch_id=caller.branch_id)
    return t.ended(await meetings.meeting_report(db, branch_id=caller.branch_id, meeting_id=meeting.id))


@handle(proxy_cmd)
async def handle_proxy(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Sign in members who have no phone; the record says who did it."""
    result = await meetings.proxy_sign_in(
        db, branch_id=caller.branch_id, platform=caller.ctx.platform, refs=parse_name_list(arg),
        operator=caller.member, operator_name=caller.operator_name)
    return t.proxied(result)


@handle(makeup_cmd)
async def handle_makeup(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """After the window closed: record a make-up with a reason."""
    meeting_id, rest = split_meeting_id(arg)
    targets, reason = parse_targets(rest)
    if not targets:
        raise InvalidInput("请写上补签的成员姓名。", t.EX_MAKEUP)
    member, meeting, row = await meetings.make_up(
        db, branch_id=caller.branch_id, meeting_id=meeting_id, platform=caller.ctx.platform,
        ref=targets[0], reason=reason, operator=caller.member, operator_name=caller.operator_name)
    return t.made_up(member, meeting, row)


@handle(report_cmd)
async def handle_report(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """应到 / 实到 / 迟到 / 请假 / 缺席 of a meeting."""
    text = normalize(arg.extract_plain_text())
    meeting_id = parse_id(text, "学习编号", t.EX_REPORT) if text else None
    report = await meetings.meeting_report(db, branch_id=caller.branch_id, meeting_id=meeting_id)
    return t.report(report, reasons=caller.ctx.is_private and caller.role >= Role.COMMITTEE)


@handle(record_cmd)
async def handle_record(db: SessionDep, caller: CallerDep, arg: Arg) -> str | Reply:
    """The caller's own meetings this year; 委员 and up may name a member (answered privately)."""
    year = timeutil.cycle_of(timeutil.now())
    targets, _ = parse_targets(arg)
    if not targets:
        return t.record(caller.me.name, year, await meetings.year_record(db, member=caller.me, year=year))
    member = await meetings.member_for_record(db, branch_id=caller.branch_id, platform=caller.ctx.platform,
                                              ref=targets[0], role=caller.role)
    rows = await meetings.year_record(db, member=member, year=year)
    return Reply(t.record(member.name, year, rows), private=not caller.ctx.is_private)
