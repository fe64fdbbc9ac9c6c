"""The reminder engine's two scheduled jobs as plain async functions (tests call them directly)."""

import asyncio
from datetime import datetime, timedelta

from core import timeutil
from db.engine import session_factory
from domain import care, meetings, notices, partyday, reminder, volunteer
from plugins.reminder import outbox
from plugins.reminder.config import Config

engine_config = reminder.EngineConfig()
pacer = reminder.Pacer()
defaults = reminder.BranchDefaults()
registry = reminder.Registry(meetings.study_reminders(), volunteer.need_reminders(),
                             partyday.partyday_reminders(), care.care_reminders(),
                             notices.notice_reminders())
"""The sources the engine serves: each capability's scanner and renderers, wired here."""


def configure(config: Config) -> None:
    """Apply the plugin settings to the engine, the pacer and the sources' branch defaults."""
    global engine_config, pacer, defaults, registry
    rate = config.reminder_rate_per_second
    engine_config = reminder.EngineConfig(
        grace=timedelta(hours=config.reminder_grace_hours),
        max_attempts=config.reminder_max_attempts,
        retry=timedelta(seconds=config.reminder_retry_seconds),
        late=timedelta(seconds=config.reminder_late_seconds),
        lease=timedelta(seconds=config.reminder_lease_seconds),
        # One batch is about one tick of sends at the configured pace; the rest waits in the table.
        batch=max(5, int(rate * config.reminder_tick_seconds * 2)) if rate > 0 else 200,
    )
    pacer = reminder.Pacer(rate, config.reminder_target_interval_seconds)
    defaults = reminder.BranchDefaults(study_absent=config.reminder_study_absent_default,
                                       volunteer_private=config.reminder_volunteer_private_default)
    registry = reminder.Registry(meetings.study_reminders(defaults), volunteer.need_reminders(defaults),
                                 partyday.partyday_reminders(), care.care_reminders(),
                                 notices.notice_reminders())


async def dispatch_due(platform: reminder.Platform | None = None, now: datetime | None = None,
                       stop: asyncio.Event | None = None) -> reminder.TickResult:
    """Job reminder.tick: send every due reminder this process can deliver."""
    platform = platform or reminder.Platform(outbox.send, outbox.accounts, outbox.verify)
    return await reminder.run_due(session_factory(), platform.send, accounts=platform.accounts,
                                  registry=registry, pacer=pacer, config=engine_config, now=now,
                                  stop=stop, verify=platform.verify)


async def plan_ahead(now: datetime | None = None) -> int:
    """Job reminder.plan: every registered source materialises its reminder rows; returns new rows."""
    return await reminder.scan_sources(session_factory(), registry, now or timeutil.now())
