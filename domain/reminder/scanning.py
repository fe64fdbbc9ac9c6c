"""Asking every registered source to materialise its reminder rows ahead (the plan job's body)."""

from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.reminder.registry import Registry
from domain.reminder.targets import sync_targets


async def scan_sources(factory: async_sessionmaker[AsyncSession], registry: Registry,
                       now: datetime) -> int:
    """Follow group bindings and let sources prune, then run each source's scan; new rows.

    One transaction for the bindings and prunes, then one per source, so one source's trouble
    leaves the rows the others made.
    """
    async with factory() as db:
        await sync_targets(db)  # re-bound groups, replaced bot accounts
        for source in registry:
            if source.prune is not None:
                await source.prune(db, now)
        await db.commit()
    created = 0
    for source in registry:
        if source.scan is not None:
            async with factory() as db:
                created += await source.scan(db, now)
                await db.commit()
    return created
