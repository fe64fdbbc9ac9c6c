"""积分公示: a quarter's totals with an objection deadline; after it the quarter is closed.

A quarter is open until its 公示 deadline (never before it ends); one never published closes when the
following quarter ends.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import QuarterPublication
from domain.points.ranking import Place, quarter_ranking


def next_quarter(quarter: str) -> str:
    """'2026Q4' → '2027Q1'."""
    year, q = int(quarter[:4]), int(quarter[5])
    return f"{year + 1}Q1" if q == 4 else f"{year}Q{q + 1}"


async def quarter_closed(db: AsyncSession, branch_id: int, quarter: str) -> bool:
    """Nothing more may be dated into a closed quarter."""
    moment = timeutil.now()
    if timeutil.quarter_bounds(quarter)[1] > moment:
        return False
    publication = await db.get(QuarterPublication, (branch_id, quarter))
    if publication is not None:
        return moment >= publication.closes_at
    return moment >= _unpublished_closes_at(quarter)


def _unpublished_closes_at(quarter: str) -> datetime:
    # A quarter never published stays open through the following quarter.
    return timeutil.quarter_bounds(next_quarter(quarter))[1]


def previous_quarter(quarter: str) -> str:
    """'2027Q1' → '2026Q4'."""
    year, q = int(quarter[:4]), int(quarter[5])
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


@dataclass
class Publication:
    """What the group sees: the quarter, every member's total, the deadline, closed or not."""

    quarter: str
    places: list[Place]
    deadline: datetime
    closed: bool


async def publish(db: AsyncSession, *, branch_id: int, quarter: str, by: str,
                  objection_days: int) -> Publication:
    """Post (or re-post while still open) a quarter's list; a closed quarter is only shown."""
    moment = timeutil.now()
    row = await db.get(QuarterPublication, (branch_id, quarter))
    places = await quarter_ranking(db, branch_id, quarter)
    if row is not None and moment >= row.closes_at:
        return Publication(quarter, places, row.objection_deadline, True)
    if row is None and moment >= (closed_at := _unpublished_closes_at(quarter)):
        return Publication(quarter, places, closed_at, True)  # shown; a late 公示 never reopens it
    last_day = timeutil.local_date(moment) + timedelta(days=objection_days)
    deadline = timeutil.day_bounds(last_day)[1]
    closes_at = max(deadline, timeutil.quarter_bounds(quarter)[1])
    row = row or await _insert(db, QuarterPublication(
        branch_id=branch_id, quarter=quarter, objection_deadline=deadline, closes_at=closes_at))
    row.published_at, row.published_by = moment, by
    row.objection_deadline, row.closes_at = deadline, closes_at
    db.add(row)
    await db.flush()
    return Publication(quarter, places, deadline, False)


async def _insert(db: AsyncSession, row: QuarterPublication) -> QuarterPublication:
    # Two 公示 of one quarter at once (PostgreSQL): the later insert loses and updates the first row.
    try:
        async with db.begin_nested():
            db.add(row)
            await db.flush()
    except IntegrityError:
        found = await db.get(QuarterPublication, (row.branch_id, row.quarter))
        assert found is not None
        return found
    return row
