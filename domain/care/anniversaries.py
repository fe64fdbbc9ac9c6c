"""政治生日 本月: the branch's Party anniversaries falling in a month."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Member, MemberStatus
from domain.care.calendar import solar_in_year
from domain.care.dates import years_between


@dataclass(frozen=True)
class Anniversary:
    """A member's 政治生日 in the month asked for."""

    on: date
    name: str
    years: int


async def anniversaries(db: AsyncSession, *, branch_id: int, year: int,
                        month: int) -> list[Anniversary]:
    """Active members whose 政治生日 falls in this month (of at least one year), by day."""
    members = (await db.exec(select(Member).where(
        Member.branch_id == branch_id, Member.status == MemberStatus.ACTIVE,
        col(Member.joined_party_on).is_not(None)))).all()
    found = []
    for member in members:
        joined = member.joined_party_on
        assert joined is not None
        on = solar_in_year(joined.month, joined.day, year)
        if on.month == month and (years := years_between(joined, on)) >= 1:
            found.append(Anniversary(on, member.name, years))
    return sorted(found, key=lambda a: (a.on, a.name))
