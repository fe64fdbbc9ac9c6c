"""Sealing what county figures read over long periods: closed meetings' 应到/实到 (domain.meetings)
and ended months' points sums (domain.points). Figures are the same sealed or not; sealing keeps a
year's page and workbook from reading every attendance row and ledger entry."""

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from domain import meetings, points


async def seal_figures(factory: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    """Seal everything due, one short transaction per batch; (meetings, months) sealed."""
    found = [0, 0]
    for index, step in enumerate((meetings.seal_tallies, points.seal_months)):
        while True:
            async with factory() as db:
                done = await step(db)
                await db.commit()
            found[index] += done
            if not done:
                break
    return found[0], found[1]
