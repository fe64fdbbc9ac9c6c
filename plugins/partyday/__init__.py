"""主题党日 and every reminder: 设置主题党日, 主题党日, 本月主题, 提醒, 提醒列表 … and the scheduler."""

import asyncio
from datetime import UTC, datetime, timedelta

import nonebot
from nonebot import logger, require
from nonebot.adapters import Event
from nonebot.plugin import PluginMetadata

require("nonebot_plugin_apscheduler")
from nonebot_plugin_apscheduler import scheduler  # noqa: E402

from bot.chat import plain  # noqa: E402
from bot.commands import command  # noqa: E402
from bot.deps import (  # noqa: E402
    Anyone,
    Arg,
    Committee,
    ContextDep,
    Secretary,
    SessionDep,
    is_superuser,
    replies_errors,
)
from core import timeutil  # noqa: E402
from core.errors import InvalidInput, PermissionDenied  # noqa: E402
from core.textparse import normalize, parse_id  # noqa: E402
from plugins.partyday import choices, jobs, parse, reminders, scan, service, words  # noqa: E402
from plugins.partyday import texts as t  # noqa: E402
from plugins.partyday.config import Config  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="主题党日与提醒",
    description="主题党日安排、学习和志愿服务提醒、一次性提醒",
    usage="主题党日",
    config=Config,
    extra={"commands": t.COMMANDS},
)

config = nonebot.get_plugin_config(Config)
jobs.configure(config)


_dispatching: asyncio.Task[None] | None = None
_stopping = asyncio.Event()


async def _dispatch() -> None:
    try:
        result = await jobs.dispatch_due(stop=_stopping)
    except Exception as error:  # noqa: BLE001  (logged; the next tick tries again)
        logger.exception(f"reminder dispatch failed: {error!r}")
        return
    if result.sent or result.skipped or result.failed or result.retried:
        logger.info(f"reminders: {result}")


@scheduler.scheduled_job("interval", seconds=config.partyday_tick_seconds, id="partyday.tick",
                         max_instances=1, coalesce=True)
async def tick_job() -> None:
    """Send what is due (the engine claims rows atomically; safe with several processes).

    A large paced fan-out outlasts many ticks: it runs as one background task and ticks that
    find it still running return at once (instead of APScheduler warning on every tick).
    """
    global _dispatching
    if not _stopping.is_set() and (_dispatching is None or _dispatching.done()):
        _dispatching = asyncio.create_task(_dispatch())


@nonebot.get_driver().on_shutdown
async def finish_sending() -> None:
    """A graceful stop puts claimed, unsent rows back (rows left in `sending` would be failed)."""
    _stopping.set()
    if _dispatching is not None and not _dispatching.done():
        await asyncio.wait([_dispatching], timeout=10)


@scheduler.scheduled_job("interval", minutes=config.partyday_plan_minutes, id="partyday.plan",
                         max_instances=1, coalesce=True,
                         next_run_time=datetime.now(UTC) + timedelta(seconds=3))
async def plan_job() -> None:
    """Materialise party days, study-session and volunteer reminders ahead."""
    await jobs.plan_ahead()


rule_cmd = command("设置主题党日", "设置党日")


@rule_cmd.handle()
@replies_errors
async def handle_rule(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary: the branch's recurring party day."""
    now = timeutil.now()
    spec = parse.parse_rule(arg.extract_plain_text(), now)
    rule = await service.set_rule(session, branch_id=caller.branch_id, spec=spec, now=now,
                                  created_by=caller.member.id if caller.member else None)
    await session.commit()
    occ = await service.next_occurrence(session, caller.branch_id, now)
    await session.commit()
    await rule_cmd.finish(plain(event, t.rule_set(rule, occ)))


show_cmd = command("主题党日", "党日", bare=True)


@show_cmd.handle()
@replies_errors
async def handle_show(event: Event, session: SessionDep, caller: Anyone) -> None:
    """Anyone: next date, time, place and theme."""
    now = timeutil.now()
    rule = await service.active_rule(session, caller.branch_id)
    if rule is None:
        await session.commit()  # end the read before sending: on SQLite it holds the write lock
        await show_cmd.finish("本支部还没有设置主题党日。书记可发送：" + parse.EX_RULE)
    occ = await service.next_occurrence(session, caller.branch_id, now)
    await session.commit()
    await show_cmd.finish(plain(event, words.describe(occ, rule) if occ else "近期没有主题党日。"))


offsets_cmd = command("党日提醒")


@offsets_cmd.handle()
@replies_errors
async def handle_offsets(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary: when party-day reminders go out."""
    codes = await choices.set_offsets(session, branch_id=caller.branch_id,
                                      text=arg.extract_plain_text(), now=timeutil.now())
    await session.commit()
    await offsets_cmd.finish(f"已设置：主题党日前{'、'.join(map(parse.offset_label, codes.split(',')))}提醒。")


theme_cmd = command("本月主题", "党日主题")


@theme_cmd.handle()
@replies_errors
async def handle_theme(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary: theme and agenda of the next occurrence."""
    occ = await choices.set_theme(session, branch_id=caller.branch_id,
                                  theme=arg.extract_plain_text(), now=timeutil.now())
    await session.commit()
    await theme_cmd.finish(plain(event, f"已设置{timeutil.fmt_dt_week(occ.starts_at)}主题党日的主题：{occ.theme}"))


policy_cmd = command("党日节假日")


@policy_cmd.handle()
@replies_errors
async def handle_policy(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary: 顺延 / 提前 / 不调整 when a party day falls on a statutory holiday."""
    policy = await choices.set_policy(session, branch_id=caller.branch_id,
                                      word=arg.extract_plain_text(), now=timeutil.now())
    await session.commit()
    await policy_cmd.finish(f"已设置：主题党日遇法定节假日{policy.label}。")


cancel_day_cmd = command("取消本次党日", "取消党日")


@cancel_day_cmd.handle()
@replies_errors
async def handle_cancel_day(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary: skip the next occurrence and tell the group."""
    now = timeutil.now()
    occ = await choices.cancel_next(session, branch_id=caller.branch_id,
                                    reason=arg.extract_plain_text(), now=now)
    if caller.ctx.group_id is None:  # said privately: the group still has to hear it
        await reminders.notify_group(session, branch_id=caller.branch_id, text=t.day_cancelled(occ),
                                     key=f"partyday:cancel:{occ.id}", now=now)
    await session.commit()
    await cancel_day_cmd.finish(plain(event, t.day_cancelled(occ)))


holiday_cmd = command("节假日")


@holiday_cmd.handle()
@replies_errors
async def handle_holiday(event: Event, session: SessionDep, ctx: ContextDep, arg: Arg) -> None:
    """Superuser: a published holiday (休) or 调休 working day (班) chinesecalendar does not know."""
    if not is_superuser(ctx):
        raise PermissionDenied("只有管理员可以录入节假日安排。")
    day, is_holiday, moved = await choices.add_override(
        session, text=arg.extract_plain_text(), by=ctx.user_id, now=timeutil.now())
    await session.commit()
    await holiday_cmd.finish(t.override_added(day, is_holiday, moved))


remind_cmd = command("提醒", "定时提醒")


@remind_cmd.handle()
@replies_errors
async def handle_remind(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary: a one-off reminder to the group."""
    ctx = caller.ctx
    key = f"oneoff:{ctx.platform}:{ctx.self_id}:{ctx.group_id or 'p'}:{ctx.message_id}"
    row = await reminders.add_oneoff(session, branch_id=caller.branch_id, key=key,
                                     text=arg.extract_plain_text(), now=timeutil.now(),
                                     created_by=caller.member.id if caller.member else None)
    await session.commit()
    await remind_cmd.finish(plain(event, f"好的，{timeutil.fmt_dt_week(row.due_at)} 在群里提醒（#{row.id}）："
                                         f"{row.text.removeprefix('【提醒】')}"))


list_cmd = command("提醒列表", "查看提醒", bare=True)


@list_cmd.handle()
@replies_errors
async def handle_list(event: Event, session: SessionDep, caller: Committee) -> None:
    """Committee: upcoming reminders, and recent ones that were skipped or failed."""
    result = await reminders.listing(session, caller.branch_id)
    await session.commit()  # end the read before sending (see handle_show)
    await list_cmd.finish(plain(event, reminders.format_listing(result)))


cancel_cmd = command("取消提醒")


@cancel_cmd.handle()
@replies_errors
async def handle_cancel(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary: stop a pending reminder."""
    row = await reminders.cancel(session, branch_id=caller.branch_id,
                                 reminder_id=parse_id(arg.extract_plain_text(), "提醒编号", "取消提醒 #3"))
    await session.commit()
    await cancel_cmd.finish(plain(event, f"已取消提醒 #{row.id}（{reminders.label(row)}）。"))


absent_cmd = command("缺勤提醒", "未签到提醒")


@absent_cmd.handle()
@replies_errors
async def handle_absent(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary: turn the 10-minute not-signed-in @-message on or off."""
    word = normalize(arg.extract_plain_text())
    if word not in t.ON_OFF:
        raise InvalidInput("请写“开”或“关”。", "缺勤提醒 关")
    await scan.choose(session, caller.branch_id, study_absent=t.ON_OFF[word])
    await session.commit()
    await absent_cmd.finish(f"学习开始10分钟后提醒未签到的同志：已{'开启' if t.ON_OFF[word] else '关闭'}。")


volunteer_cmd = command("志愿提醒")


@volunteer_cmd.handle()
@replies_errors
async def handle_volunteer(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary: remind volunteer claimants privately or in the group."""
    word = normalize(arg.extract_plain_text())
    if word not in t.PRIVATE_GROUP:
        raise InvalidInput("请写“私聊”或“群里”。", "志愿提醒 群里")
    await scan.choose(session, caller.branch_id, volunteer_private=t.PRIVATE_GROUP[word])
    await session.commit()
    where = "私聊提醒每位认领人" if t.PRIVATE_GROUP[word] else "在群里@认领人"
    await volunteer_cmd.finish(f"志愿服务前一天：{where}。")


