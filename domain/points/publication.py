"""积分公示: a quarter's totals with an objection deadline; after it the quarter is closed.

A quarter is open until its 公示 deadline (never before it ends); one never published closes when the
following quarter ends.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import InvalidInput
from core.textparse import cn_int, normalize
from db.models import QuarterPublication
from plugins.points.service import Place, quarter_ranking

EX_PUBLISH = "积分公示 2026Q4"
_QUARTER = re.compile(r"^(?:(\d{4})\s*(?:年)?)?\s*(?:Q|第)?\s*([1-4一二三四])\s*(?:季度)?$", re.I)


def next_quarter(quarter: str) -> str:
    """'2026Q4' → '2027Q1'."""
    year, q = int(quarter[:4]), int(quarter[5])
    return f"{year + 1}Q1" if q == 4 else f"{year}Q{q + 1}"


async def quarter_closed(session: AsyncSession, branch_id: int, quarter: str) -> bool:
    """Nothing more may be dated into a closed quarter."""
    moment = timeutil.now()
    if timeutil.quarter_bounds(quarter)[1] > moment:
        return False
    publication = await session.get(QuarterPublication, (branch_id, quarter))
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


def parse_quarter(text: str) -> str:
    """'2026Q4', '2026年第四季度', '本季度', '上季度'; empty: the last quarter that ended."""
    text = normalize(text)
    current = timeutil.quarter_of(timeutil.now())
    if text in ("本季度", "本季"):
        return current
    if text in ("", "上季度", "上季"):
        return previous_quarter(current)
    match = _QUARTER.match(text)
    if not match:
        raise InvalidInput(f"没看懂季度“{text}”。", EX_PUBLISH)
    digit = match.group(2)
    year = match.group(1) or current[:4]  # '第三季度' alone: this year's
    quarter = f"{year}Q{digit if digit.isdigit() else cn_int(digit)}"
    if quarter > current:
        raise InvalidInput(f"{quarter} 还没到，不能公示。", EX_PUBLISH)
    return quarter


@dataclass
class Publication:
    """What the group sees: the quarter, every member's total, the deadline, closed or not."""

    quarter: str
    places: list[Place]
    deadline: datetime
    closed: bool


async def publish(session: AsyncSession, *, branch_id: int, quarter: str, by: str,
                  objection_days: int) -> Publication:
    """Post (or re-post while still open) a quarter's list; a closed quarter is only shown."""
    moment = timeutil.now()
    row = await session.get(QuarterPublication, (branch_id, quarter))
    places = await quarter_ranking(session, branch_id, quarter)
    if row is not None and moment >= row.closes_at:
        return Publication(quarter, places, row.objection_deadline, True)
    if row is None and moment >= (closed_at := _unpublished_closes_at(quarter)):
        return Publication(quarter, places, closed_at, True)  # shown; a late 公示 never reopens it
    last_day = timeutil.local_date(moment) + timedelta(days=objection_days)
    deadline = timeutil.day_bounds(last_day)[1]
    closes_at = max(deadline, timeutil.quarter_bounds(quarter)[1])
    row = row or await _insert(session, QuarterPublication(
        branch_id=branch_id, quarter=quarter, objection_deadline=deadline, closes_at=closes_at))
    row.published_at, row.published_by = moment, by
    row.objection_deadline, row.closes_at = deadline, closes_at
    session.add(row)
    await session.flush()
    return Publication(quarter, places, deadline, False)


async def _insert(session: AsyncSession, row: QuarterPublication) -> QuarterPublication:
    # Two 公示 of one quarter at once (PostgreSQL): the later insert loses and updates the first row.
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        found = await session.get(QuarterPublication, (row.branch_id, row.quarter))
        assert found is not None
        return found
    return row
