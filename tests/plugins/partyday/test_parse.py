"""What a secretary types for 党日提醒 and 节假日, read as people write it."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import InvalidInput
from db.models.reminder import HolidayOverride
from domain import partyday
from plugins.partyday.parse import parse_offsets, parse_override

NOW = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)


def test_offsets_as_people_write_them() -> None:
    """'2天，30分钟' (full-width comma) → '2d,30m'."""
    assert parse_offsets("2天，30分钟") == "2d,30m"


async def test_holiday_dates_as_people_write_them(session: AsyncSession) -> None:
    """节假日 takes 2027-1-4, 2027/1/4 and 2027年1月4日; a date that does not exist is refused."""
    for text in ("2027-1-4 班", "2027/1/4 上班", "２０２７年１月４日 补班"):
        day, is_holiday = parse_override(text)
        await partyday.add_override(session, day=day, is_holiday=is_holiday, by="10000", now=NOW)
        assert (day, is_holiday) == (date(2027, 1, 4), False)
    with pytest.raises(InvalidInput) as refused:
        parse_override("2027-02-30 休")
    assert refused.value.reply == "日期请写成 2027-01-01。\n例如：节假日 2027-01-01 休"
    await session.commit()
    assert len((await session.exec(select(HolidayOverride))).all()) == 1
