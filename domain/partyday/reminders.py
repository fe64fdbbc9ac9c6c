"""Party days and the reminder engine: the plan job's body that materialises them ahead, and the
renderer and label of their reminder rows (a source the plugin wiring registers)."""

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models.reminder import PartydayOccurrence, PartydayRule, Reminder
from domain import reminder
from domain.partyday import planning
from domain.partyday.words import offset_label, render

log = logging.getLogger(__name__)


async def plan_party_days(factory: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Materialise every active rule's occurrences ahead (one transaction per rule); new ones.

    One read finds the rules with work to do, so the every-minute job writes only when needed.
    """
    async with factory() as db:
        rule_ids = await planning.rules_to_plan(db, now)
        await db.rollback()
    created = 0
    for rule_id in rule_ids:
        try:  # one branch's trouble must not stop the others' reminders
            async with factory() as db:
                # Locked: an edit of the same rule (设置主题党日) waits, or we see it retired.
                rule = (await db.exec(select(PartydayRule).where(
                    PartydayRule.id == rule_id).with_for_update())).first()
                if rule is not None and rule.active:
                    if await planning.stale_unknown(db, rule, now):
                        await planning.replan(db, rule, now)
                    created += await planning.materialise(db, rule, now)
                await db.commit()
        except Exception:
            log.exception("planning party days of rule %s failed", rule_id)
    return created


async def render_due(db: AsyncSession, row: Reminder) -> str | reminder.Rendered:
    """Send-time words: the theme or place may have changed since the row was made."""
    occ = await db.get(PartydayOccurrence, int((row.ref or "occurrence:0").split(":")[1]))
    if occ is None or occ.cancelled:
        return "本次主题党日已取消"
    now = timeutil.now()
    if now >= occ.starts_at:
        return reminder.Skip("活动已开始，提醒不再补发")
    return reminder.Rendered(render(occ, now))


def label(row: Reminder) -> str:
    """'主题党日提醒（提前3天）' (the offset is the dedupe key's last part)."""
    return f"主题党日提醒（提前{offset_label(row.dedupe_key.rsplit(':-', 1)[1])}）"


def partyday_reminders() -> reminder.Source:
    """The party days' reminder kinds, for the plugin wiring to register with the engine.

    No scan here: party days are materialised by their own job (`plan_party_days`), one
    transaction per rule, with their meetings.
    """
    return reminder.Source("partyday", (reminder.Kind("partyday", label, render_due),))
