"""三会一课 and 组织生活: 发布会议, 会议记录 (with photos), 三会一课情况, 代请假, 党小组."""

from nonebot import get_plugin_config
from nonebot.adapters import Event
from nonebot.plugin import PluginMetadata

from bot.chat import arg_text, parse_name_list, parse_targets, quoted_text
from bot.commands import CommandDoc, command
from bot.deps import Arg, CallerDep, SessionDep
from bot.pipeline import Reply, handle
from core import timeutil
from core.errors import InvalidInput
from domain import meetings, roster
from plugins.meetings import texts as t
from plugins.meetings.config import Config
from plugins.meetings.parse import announced_id, leading_id, parse_meeting, parse_minutes
from plugins.meetings.photos import fetch_photos, save_photos

__plugin_meta__ = PluginMetadata(
    name="三会一课",
    description="发布各类会议（党员大会、支委会、党小组会、党课、组织生活会）、会议记录和照片、三会一课情况、党小组",
    usage="三会一课情况",
    type="application",
    homepage="https://github.com/yinling/yinling",
    config=Config,
    supported_adapters={"~onebot.v11", "~console"},
    extra={"commands": [
        CommandDoc("发布会议", "安排一次会议（党员大会、支委会、党小组会、党课、主题党日、学习、组织生活会）并发布通知",
                   t.EX_PUBLISH_MEETING, "发布会议 <类型> [党小组] <时间> <主题> [地点] [讲课人某某]"),
        CommandDoc("代请假", "替没有QQ的成员请假", t.EX_PROXY_LEAVE, "代请假 [#编号] <姓名或@> [原因]"),
        CommandDoc("会议记录", "会后记录会议内容，可附照片；再发为补充，写“更正”为改写", t.EX_MINUTES,
                   "会议记录 #编号 [补充|更正] <内容>"),
        CommandDoc("三会一课情况", "本月（或本季度、某季度、某年）各类会议开了没有", t.EX_RHYTHM,
                   "三会一课情况 [本月|本季度|2026Q4|2026]"),
        CommandDoc("设置党小组", "建立党小组或重设其成员", t.EX_SET_GROUP, "设置党小组 <小组名> <姓名…>"),
        CommandDoc("党小组组长", "指定党小组组长", t.EX_GROUP_LEADER, "党小组组长 <小组名> <姓名或@>"),
        CommandDoc("党小组列表", "各党小组的组长和成员", "党小组列表"),
        CommandDoc("设置会议频次", "改本支部某类会议的应开频次（默认按支部工作条例）", meetings.EX_SET_RHYTHM,
                   "设置会议频次 <类型> <每月|每季度|每年|不要求|恢复默认>"),
        CommandDoc("民主评议", "开启某年度的民主评议党员", meetings.EX_OPEN_REVIEW, "民主评议 <年份>"),
        CommandDoc("评议", "私聊登记成员的评议等次（优秀、合格、基本合格、不合格）", meetings.EX_GRADE,
                   "评议 <姓名或@> <等次>"),
        CommandDoc("评议结果", "私聊查看某年度的评议等次和未登记的人", meetings.EX_RESULTS, "评议结果 [年份]"),
    ]},
)

config = get_plugin_config(Config)
meetings.configure_nudge(meetings.Nudge(config.meetings_nudge_day, config.meetings_nudge_hour))
meetings.configure_media(config.media_root)

publish_cmd = command("发布会议")
proxy_leave_cmd = command("代请假")
minutes_cmd = command("会议记录")
rhythm_cmd = command("三会一课情况")
set_group_cmd = command("设置党小组")
leader_cmd = command("党小组组长")
groups_cmd = command("党小组列表", bare=True)


@handle(publish_cmd)
async def handle_publish(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Schedule a meeting of any kind and post the announcement."""
    words = parse_meeting(arg_text(arg), timeutil.now())
    meeting = await meetings.publish_meeting(
        db, branch_id=caller.branch_id, kind=words.kind, starts_at=words.starts_at, title=words.title,
        place=words.place, group=words.group, lecturer=words.lecturer,
        created_by=caller.member.id if caller.member else None)
    return t.announcement(meeting, words.group)


@handle(proxy_leave_cmd)
async def handle_proxy_leave(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Leave for a member without QQ: the open or next meeting, or #N."""
    meeting_id, rest = leading_id(arg)
    targets, reason = parse_targets(rest)
    if not targets:
        raise InvalidInput("请写上要替谁请假。", t.EX_PROXY_LEAVE)
    member = await roster.resolve_member(db, branch_id=caller.branch_id, platform=caller.ctx.platform,
                                         ref=targets[0], example=t.EX_PROXY_LEAVE)
    meeting, row = await meetings.take_leave(db, branch_id=caller.branch_id, member=member,
                                             reason=reason, meeting_id=meeting_id, proxy=caller.member)
    return t.proxy_leave(member, meeting, row)


@handle(minutes_cmd)
async def handle_minutes(db: SessionDep, caller: CallerDep, arg: Arg, event: Event) -> str:
    """Write, append to or correct a meeting's minutes (#N, or a quoted announcement); keep the
    photos sent with it."""
    meeting_id, text = parse_minutes(arg_text(arg), announced_id(quoted_text(event)))
    photos = await fetch_photos(arg, config.photo_max_bytes)
    if not text and not photos:
        return t.minutes(await meetings.minutes_of(db, branch_id=caller.branch_id, meeting_id=meeting_id))
    meeting = await meetings.meeting_by_id(db, branch_id=caller.branch_id, meeting_id=meeting_id)
    row = await meetings.write_minutes(db, branch_id=caller.branch_id, meeting_id=meeting_id, text=text,
                                       author=caller.member, author_name=caller.operator_name,
                                       photos=len(photos))
    saved = await save_photos(db, caller, meeting_id, photos, config)
    return t.minutes_saved(meeting, row, saved)


@handle(rhythm_cmd)
async def handle_rhythm(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Which required meetings were held in a month, quarter or year."""
    span = meetings.parse_span(arg_text(arg), timeutil.now())
    return t.rhythm(await meetings.rhythm_report(db, branch_id=caller.branch_id, span=span))


@handle(set_group_cmd)
async def handle_set_group(db: SessionDep, caller: CallerDep, arg: Arg) -> str | Reply:
    """Create a 党小组 or set its members (nothing changes when a name is not found)."""
    refs = parse_name_list(arg)
    if not refs or refs[0].name is None:
        raise InvalidInput("请先写党小组名称，再写成员姓名。", t.EX_SET_GROUP)
    found, unknown = await roster.resolve_members(db, branch_id=caller.branch_id,
                                                  platform=caller.ctx.platform, refs=refs[1:],
                                                  example=t.EX_SET_GROUP)
    if unknown:
        return t.unknown_names(unknown)
    setting = await roster.set_party_group(db, branch_id=caller.branch_id, name=refs[0].name,
                                           members=found)
    return t.group_set(setting)


@handle(leader_cmd)
async def handle_leader(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Name a 党小组's leader."""
    refs = parse_name_list(arg)
    if len(refs) != 2 or refs[0].name is None:
        raise InvalidInput("请写党小组名称和组长姓名。", t.EX_GROUP_LEADER)
    member = await roster.resolve_member(db, branch_id=caller.branch_id, platform=caller.ctx.platform,
                                         ref=refs[1], example=t.EX_GROUP_LEADER)
    group = await roster.set_group_leader(db, branch_id=caller.branch_id, name=refs[0].name, member=member)
    return t.leader_set(group.name, member)


@handle(groups_cmd)
async def handle_groups(db: SessionDep, caller: CallerDep) -> str:
    """Every 党小组 with its leader and members."""
    return t.groups(await roster.party_groups(db, branch_id=caller.branch_id))



open_review_cmd = command("民主评议")
grade_cmd = command("评议")
results_cmd = command("评议结果")


@handle(open_review_cmd)
async def handle_open_review(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Open a year's 民主评议党员."""
    year = meetings.parse_year(arg_text(arg), meetings.EX_OPEN_REVIEW)
    review = await meetings.open_review(db, branch_id=caller.branch_id, year=year,
                                        opened_by=caller.member.id if caller.member else None)
    return t.review_opened(review.year)


@handle(grade_cmd)
async def handle_grade(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Record a member's grade, privately."""
    targets, word = parse_targets(arg)
    if not targets or not word:
        raise InvalidInput("请写成员姓名和等次。", meetings.EX_GRADE)
    member = await roster.resolve_member(db, branch_id=caller.branch_id, platform=caller.ctx.platform,
                                         ref=targets[0], example=meetings.EX_GRADE)
    review, grade = await meetings.grade_member(db, branch_id=caller.branch_id, member=member, word=word,
                                                by=caller.member)
    return t.graded(member, review.year, grade.label)


@handle(results_cmd)
async def handle_results(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """A year's grades and who is not graded yet, privately."""
    text = arg_text(arg)
    year = meetings.parse_year(text, meetings.EX_RESULTS) if text else None
    return t.review(await meetings.review_results(db, branch_id=caller.branch_id, year=year))


rhythm_set_cmd = command("设置会议频次")


@handle(rhythm_set_cmd)
async def handle_set_rhythm(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Change how often a kind of meeting is required in this branch."""
    words = arg_text(arg).split()
    if len(words) != 2:
        raise InvalidInput("请写会议类型和频次。", meetings.EX_SET_RHYTHM)
    kind = meetings.parse_kind(words[0], meetings.EX_SET_RHYTHM)
    period = await meetings.set_rhythm(db, branch_id=caller.branch_id, kind=kind, word=words[1])
    return t.rhythm_set(kind.label, meetings.PERIOD_WORDS[period] if period else None)
