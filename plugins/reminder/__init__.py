"""Reminders: 提醒, 提醒列表, 取消提醒, 缺勤提醒, 志愿提醒, and the engine's scheduled jobs."""

import asyncio
from datetime import UTC, datetime, timedelta

import nonebot
from nonebot import logger, require
from nonebot.plugin import PluginMetadata

require("nonebot_plugin_apscheduler")
from nonebot_plugin_apscheduler import scheduler  # noqa: E402

from bot.commands import command  # noqa: E402
from bot.deps import Arg, CallerDep, SessionDep  # noqa: E402
from bot.pipeline import handle  # noqa: E402
from core import timeutil  # noqa: E402
from core.textparse import parse_id  # noqa: E402
from domain import reminder  # noqa: E402
from plugins.reminder import jobs, parse  # noqa: E402
from plugins.reminder import texts as t  # noqa: E402
from plugins.reminder.config import Config  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="提醒",
    description="学习和志愿服务提醒、一次性提醒；提醒按时发送一次，离线错过的补发或列出",
    usage="提醒列表",
    type="application",
    homepage="https://github.com/yinling/yinling",
    config=Config,
    supported_adapters={"~onebot.v11", "~console"},
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


@scheduler.scheduled_job("interval", seconds=config.reminder_tick_seconds, id="reminder.tick",
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


@scheduler.scheduled_job("interval", minutes=config.reminder_plan_minutes, id="reminder.plan",
                         max_instances=1, coalesce=True,
                         next_run_time=datetime.now(UTC) + timedelta(seconds=3))
async def plan_job() -> None:
    """Every registered source (studies, volunteer needs) materialises its reminders ahead."""
    await jobs.plan_ahead()


remind_cmd = command("提醒")


@handle(remind_cmd)
async def handle_remind(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: a one-off reminder to the group (the message id makes a redelivery a no-op)."""
    ctx, now = caller.ctx, timeutil.now()
    due, words = parse.oneoff(arg.extract_plain_text(), now)
    row = await reminder.add_oneoff(
        db, branch_id=caller.branch_id, due=due, words=words, now=now,
        key=f"oneoff:{ctx.platform}:{ctx.self_id}:{ctx.group_id or 'p'}:{ctx.message_id}",
        created_by=caller.member.id if caller.member else None)
    return t.added(row)


list_cmd = command("提醒列表", bare=True)


@handle(list_cmd)
async def handle_list(db: SessionDep, caller: CallerDep) -> str:
    """Committee: upcoming reminders, and recent ones that were skipped or failed."""
    return t.listing(await reminder.listing(db, caller.branch_id), jobs.registry)


cancel_cmd = command("取消提醒")


@handle(cancel_cmd)
async def handle_cancel(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: stop a pending reminder."""
    reminder_id = parse_id(arg.extract_plain_text(), "提醒编号", "取消提醒 #3")
    row = await reminder.cancel(db, branch_id=caller.branch_id, reminder_id=reminder_id)
    return t.cancelled(row, jobs.registry)


absent_cmd = command("缺勤提醒")


@handle(absent_cmd)
async def handle_absent(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: turn the 10-minute not-signed-in @-message on or off."""
    on = parse.on_off(arg.extract_plain_text())
    await reminder.choose(db, caller.branch_id, defaults=jobs.defaults, study_absent=on)
    return t.absent_switched(on)


volunteer_cmd = command("志愿提醒")


@handle(volunteer_cmd)
async def handle_volunteer(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: remind volunteer claimants privately or in the group."""
    private = parse.private_or_group(arg.extract_plain_text())
    await reminder.choose(db, caller.branch_id, defaults=jobs.defaults, volunteer_private=private)
    return t.volunteer_switched(private)
