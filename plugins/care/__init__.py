"""关爱慰问: 政治生日, 设置入党日期, 设置生日, 生日祝福, 不要生日祝福, 恢复生日祝福, 设置关爱, 走访, 走访记录, 关爱名单.

Care tags and visit notes are health data: those four commands are sealed in the permission
table (a group message is withdrawn first) and every answer goes to the sender privately.
The greetings and the secretary's reminders are a reminder-engine source (domain.care), which
the reminder plugin registers; this plugin only applies their settings.
"""

from datetime import time

import nonebot
from nonebot.plugin import PluginMetadata

from bot.commands import command
from bot.deps import Arg, Caller, CallerDep, SessionDep
from bot.pipeline import Reply, handle
from core import timeutil
from db.models import Member
from domain import care
from domain.roster import resolve_member
from plugins.care import parse
from plugins.care import texts as t
from plugins.care.config import Config

__plugin_meta__ = PluginMetadata(
    name="关爱慰问",
    description="政治生日和生日祝福、关爱对象登记、走访慰问记录和提醒",
    usage="政治生日 本月",
    type="application",
    homepage="https://github.com/yinling/yinling",
    config=Config,
    supported_adapters={"~onebot.v11", "~console"},
    extra={"commands": t.COMMANDS},
)

config = nonebot.get_plugin_config(Config)
care.configure(care.CareConfig(
    greeting_time=time.fromisoformat(config.care_greeting_time),
    secretary_time=time.fromisoformat(config.care_secretary_time),
    close_days=config.care_overdue_close_days, other_days=config.care_overdue_other_days,
    festival_days_before=config.care_festival_days_before))


async def _member(db: SessionDep, caller: Caller, arg: Arg, example: str) -> tuple[Member, str]:
    """The member a command names first, and the words after the name."""
    ref, rest = parse.person_and_rest(arg, example)
    member = await resolve_member(db, branch_id=caller.branch_id, platform=caller.ctx.platform,
                                  ref=ref, example=example)
    return member, rest


month_cmd = command("政治生日")


@handle(month_cmd)
async def handle_month(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Anyone: this month's (or another month's) 政治生日."""
    year, month = parse.month(arg.extract_plain_text(), timeutil.local_date(timeutil.now()))
    found = await care.anniversaries(db, branch_id=caller.branch_id, year=year, month=month)
    return t.month_list(year, month, found)


party_cmd = command("设置入党日期")


@handle(party_cmd)
async def handle_party(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: a member's 入党日期."""
    member, rest = await _member(db, caller, arg, care.EX_PARTY)
    today = timeutil.local_date(timeutil.now())
    await care.set_party_date(db, member=member, joined=parse.party_date(rest), today=today)
    return t.party_set(member, today)


birthday_cmd = command("设置生日", "设置出生日期")


@handle(birthday_cmd)
async def handle_birthday(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: a member's birthday, solar or lunar."""
    member, rest = await _member(db, caller, arg, care.EX_BIRTH)
    today = timeutil.local_date(timeutil.now())
    await care.set_birthday(db, member=member, birthday=parse.birthday(rest), today=today)
    on = (await care.setting_of(db, caller.branch_id)).birthday_greetings
    return t.birthday_set(member, today, on)


switch_cmd = command("生日祝福")


@handle(switch_cmd)
async def handle_switch(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: birthday greetings in the group on or off."""
    on = parse.switch(arg.extract_plain_text())
    await care.set_birthday_greetings(db, branch_id=caller.branch_id, on=on)
    return t.greetings_switched(on)


opt_out_cmd = command("不要生日祝福", bare=True)


@handle(opt_out_cmd)
async def handle_opt_out(db: SessionDep, caller: CallerDep) -> str:
    """A member: no birthday greeting for me."""
    await care.set_birthday_greeting(db, member=caller.me, wanted=False)
    return t.own_greeting(False)


opt_in_cmd = command("恢复生日祝福", bare=True)


@handle(opt_in_cmd)
async def handle_opt_in(db: SessionDep, caller: CallerDep) -> str:
    """A member: greet my birthday again."""
    await care.set_birthday_greeting(db, member=caller.me, wanted=True)
    return t.own_greeting(True)


tags_cmd = command("设置关爱")


@handle(tags_cmd)
async def handle_tags(db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Secretary, privately: a member's care tags."""
    member, rest = await _member(db, caller, arg, care.EX_TAGS)
    tags = await care.set_tags(db, member=member, tags=care.parse_tags(rest), set_by=caller.member)
    return Reply(t.tags_set(member, tags), private=True)


visit_cmd = command("走访", "走访慰问")


@handle(visit_cmd)
async def handle_visit(db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Committee, privately: record a visit."""
    member, rest = await _member(db, caller, arg, care.EX_VISIT)
    way, note = care.parse_visit(rest)
    done = await care.record_visit(db, branch_id=caller.branch_id, member=member, way=way,
                                   note=note, visitor=caller.member,
                                   visitor_name=caller.operator_name, now=timeutil.now())
    return Reply(t.visit_recorded(member, done.visit, done.previous), private=True)


visits_cmd = command("走访记录")


@handle(visits_cmd)
async def handle_visits(db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Committee, privately: a member's latest visits."""
    member, _ = await _member(db, caller, arg, t.EX_VISITS)
    tags = (await care.tags_of(db, [member.id or 0])).get(member.id or 0, [])
    return Reply(t.visit_list(member, tags, await care.visits_of(db, member=member)), private=True)


list_cmd = command("关爱名单", "关爱对象", bare=True)


@handle(list_cmd)
async def handle_list(db: SessionDep, caller: CallerDep) -> Reply:
    """Committee, privately: the care list, overdue visits first."""
    entries = await care.care_list(db, branch_id=caller.branch_id,
                                   today=timeutil.local_date(timeutil.now()), config=care.current())
    return Reply(t.care_list(entries), private=True)
