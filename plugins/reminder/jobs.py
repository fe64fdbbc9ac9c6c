"""The two scheduled jobs as plain async functions (tests call them directly)."""

import asyncio
from datetime import datetime, time, timedelta

from nonebot import logger
from sqlmodel import select

from core import timeutil
from db.engine import session_factory, session_scope
from db.models.reminder import PartydayRule
from plugins.partyday import scan, service
from plugins.partyday.config import Config
from plugins.partyday.engine import EngineConfig, Outbox, Pacer, TickResult, tick

engine_config = EngineConfig()
pacer = Pacer()


def configure(config: Config) -> None:
    """Apply the plugin settings to the engine, the pacer and the planners."""
    global engine_config, pacer
    rate = config.partyday_rate_per_second
    engine_config = EngineConfig(
        grace=timedelta(hours=config.partyday_grace_hours),
        max_attempts=config.partyday_max_attempts,
        retry=timedelta(seconds=config.partyday_retry_seconds),
        late=timedelta(seconds=config.partyday_late_seconds),
        # One batch is about one tick of sends at the configured pace; the rest waits in the table.
        batch=max(5, int(rate * config.partyday_tick_seconds * 2)) if rate > 0 else 200,
    )
    pacer = Pacer(rate, config.partyday_target_interval_seconds)
    service.configure(service.PlanConfig(
        day_time=time.fromisoformat(config.partyday_day_reminder_time),
        offsets=config.partyday_default_offsets, horizon_days=config.partyday_horizon_days))
    scan.configure(study_absent=config.partyday_study_absent_default,
                   volunteer_private=config.partyday_volunteer_private_default)


async def dispatch_due(outbox: Outbox | None = None, now: datetime | None = None,
                       stop: asyncio.Event | None = None) -> TickResult:
    """Job partyday.tick: send every due reminder this process can deliver."""
    if outbox is None:
        from plugins.partyday.outbox import BotOutbox

        outbox = BotOutbox()
    return await tick(session_factory(), outbox, pacer, engine_config, now, stop)


async def plan_ahead(now: datetime | None = None) -> int:
    """Job partyday.plan: party-day occurrences, study and volunteer reminders; returns new rows."""
    now = now or timeutil.now()
    created = 0
    async with session_factory()() as session:
        rule_ids = await service.rules_to_plan(session, now)
        await session.rollback()
    for rule_id in rule_ids:
        try:  # one branch's trouble must not stop the others' reminders
            async with session_scope() as session:
                # Locked: an edit of the same rule (设置主题党日) waits, or we see it retired.
                rule = (await session.exec(select(PartydayRule).where(
                    PartydayRule.id == rule_id).with_for_update())).first()
                if rule is not None and rule.active:
                    if await service.stale_unknown(session, rule, now):
                        await service.replan(session, rule, now)
                    created += await service.materialise(session, rule, now)
        except Exception as error:  # noqa: BLE001
            logger.exception(f"planning party days of rule {rule_id} failed: {error!r}")
    async with session_scope() as session:
        await scan.sync_targets(session)  # re-bound groups, replaced bot accounts
        await scan.prune(session, now)
    async with session_scope() as session:
        created += await scan.scan_study(session, now)
    async with session_scope() as session:
        created += await scan.scan_needs(session, now)
    return created
