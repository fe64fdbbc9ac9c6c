"""主题党日: 设置主题党日, 主题党日, 党日提醒, 本月主题, 党日节假日, 取消本次党日, 节假日, and their planning job."""

from datetime import UTC, datetime, time, timedelta

import nonebot
from nonebot import require
from nonebot.plugin import PluginMetadata

require("nonebot_plugin_apscheduler")
from nonebot_plugin_apscheduler import scheduler  # noqa: E402

from bot.commands import command  # noqa: E402
from bot.deps import Arg, CallerDep, SessionDep  # noqa: E402
from bot.pipeline import handle  # noqa: E402
from core import timeutil  # noqa: E402
from db.engine import session_factory  # noqa: E402
from domain import partyday  # noqa: E402
from plugins.partyday import parse  # noqa: E402
from plugins.partyday import texts as t  # noqa: E402
from plugins.partyday.config import Config  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="主题党日",
    description="每月主题党日：日期遇节假日自动调整，自动开签到、按时提醒",
    usage="主题党日",
    type="application",
    homepage="https://github.com/yinling/yinling",
    config=Config,
    supported_adapters={"~onebot.v11", "~console"},
    extra={"commands": t.COMMANDS},
)

config = nonebot.get_plugin_config(Config)
partyday.configure(partyday.PlanConfig(
    day_time=time.fromisoformat(config.partyday_day_reminder_time),
    offsets=config.partyday_default_offsets, horizon_days=config.partyday_horizon_days))


@scheduler.scheduled_job("interval", minutes=config.partyday_plan_minutes, id="partyday.plan",
                         max_instances=1, coalesce=True,
                         next_run_time=datetime.now(UTC) + timedelta(seconds=3))
async def plan_job() -> None:
    """Materialise party days (meeting + reminder rows) ahead, one transaction per rule."""
    await partyday.plan_party_days(session_factory(), timeutil.now())


rule_cmd = command("设置主题党日")


@handle(rule_cmd)
async def handle_rule(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: the branch's recurring party day."""
    now = timeutil.now()
    spec = parse.parse_rule(arg.extract_plain_text(), now)
    rule = await partyday.set_rule(db, branch_id=caller.branch_id, spec=spec, now=now,
                                   created_by=caller.member.id if caller.member else None)
    return t.rule_set(rule, await partyday.next_occurrence(db, caller.branch_id, now))


show_cmd = command("主题党日", bare=True)


@handle(show_cmd)
async def handle_show(db: SessionDep, caller: CallerDep) -> str:
    """Anyone: next date, time, place and theme."""
    rule = await partyday.active_rule(db, caller.branch_id)
    if rule is None:
        return t.no_rule()
    return t.next_day(await partyday.next_occurrence(db, caller.branch_id, timeutil.now()), rule)


offsets_cmd = command("党日提醒")


@handle(offsets_cmd)
async def handle_offsets(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: when party-day reminders go out."""
    codes = await partyday.set_offsets(db, branch_id=caller.branch_id, now=timeutil.now(),
                                       offsets=parse.parse_offsets(arg.extract_plain_text()))
    return t.offsets_set(codes)


theme_cmd = command("本月主题")


@handle(theme_cmd)
async def handle_theme(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: theme and agenda of the next occurrence."""
    occ = await partyday.set_theme(db, branch_id=caller.branch_id,
                                   theme=arg.extract_plain_text(), now=timeutil.now())
    return t.theme_set(occ)


policy_cmd = command("党日节假日")


@handle(policy_cmd)
async def handle_policy(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: 顺延 / 提前 / 不调整 when a party day falls on a statutory holiday."""
    policy = await partyday.set_policy(db, branch_id=caller.branch_id, now=timeutil.now(),
                                       policy=parse.parse_policy(arg.extract_plain_text()))
    return t.policy_set(policy)


cancel_day_cmd = command("取消本次党日")


@handle(cancel_day_cmd)
async def handle_cancel_day(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: skip the next occurrence and tell the group (as a notice when said privately)."""
    occ = await partyday.cancel_next(db, branch_id=caller.branch_id, reason=arg.extract_plain_text(),
                                     now=timeutil.now(), tell_group=caller.ctx.group_id is None)
    return partyday.day_cancelled(occ)


holiday_cmd = command("节假日")


@handle(holiday_cmd)
async def handle_holiday(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Superuser: a published holiday (休) or 调休 working day (班) chinesecalendar does not know."""
    day, is_holiday = parse.parse_override(arg.extract_plain_text())
    moved = await partyday.add_override(db, day=day, is_holiday=is_holiday, by=caller.ctx.user_id,
                                        now=timeutil.now())
    return t.override_added(day, is_holiday, moved)
