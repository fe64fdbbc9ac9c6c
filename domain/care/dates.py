"""入党日期 and 出生日期 on the member record: what is accepted, and the years they make.

One definition of a sane pair of dates: neither in the future (Beijing day), born from 1900,
joined from the Party's founding, and joined no younger than 18.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from core.dateparse import LunarDay, is_lunar, parse_lunar_day, parse_solar_date
from core.errors import InvalidInput
from db.models import Member
from domain.care.calendar import leap_month_of, lunar_in_year, solar_in_year

EX_PARTY = "设置入党日期 张三 1965-07-01"
EX_BIRTH = "设置生日 张三 1940-03-05"
EX_LUNAR = "设置生日 张三 农历八月十五"
FOUNDED = date(1921, 7, 1)
EARLIEST_BIRTH = 1900
ADULT = 18


@dataclass(frozen=True)
class Birthday:
    """A member's birthday as kept: solar (with year) or lunar (month/day, year if known)."""

    solar: date | None = None
    lunar: LunarDay | None = None

    def words(self) -> str:
        """'1940年3月5日' or '农历八月十五'."""
        if self.solar is not None:
            return f"{self.solar.year}年{self.solar.month}月{self.solar.day}日"
        return self.lunar.words() if self.lunar else "未登记"

    def born_on(self) -> date | None:
        """The solar day of birth when the year is known."""
        if self.solar is not None:
            return self.solar
        if self.lunar is not None and self.lunar.year is not None:
            return lunar_in_year(self.lunar, self.lunar.year)
        return None


def parse_birthday(text: str) -> Birthday:
    """'1940-03-05' → solar; '农历八月十五' → lunar; else InvalidInput with one example."""
    if is_lunar(text):
        return Birthday(lunar=parse_lunar_day(text, EX_LUNAR))
    return Birthday(solar=parse_solar_date(text, EX_BIRTH))


def parse_party_date(text: str) -> date:
    """'1965-7-1', '1965年7月1日', '1965.07.01' → date; else InvalidInput with one example."""
    return parse_solar_date(text, EX_PARTY)


def birthday_of(member: Member) -> Birthday | None:
    """The member's birthday, or None when unknown."""
    if member.birth_month is None or member.birth_day is None:
        return None
    if member.birth_lunar:
        return Birthday(lunar=LunarDay(member.birth_month, member.birth_day, member.birth_leap,
                                       member.birth_year))
    if member.birth_year is None:
        return None
    return Birthday(solar=date(member.birth_year, member.birth_month, member.birth_day))


def fmt_day(day: date) -> str:
    """'1965年7月1日'."""
    return f"{day.year}年{day.month}月{day.day}日"


def years_between(start: date, day: date) -> int:
    """Whole years from start to day (an anniversary on 29 Feb counts from 28 Feb)."""
    years = day.year - start.year
    return years - (day < solar_in_year(start.month, start.day, day.year))


def _check_adult(joined: date | None, born: date | None, example: str) -> None:
    if joined is not None and born is not None and years_between(born, joined) < ADULT:
        raise InvalidInput(f"入党日期{fmt_day(joined)}时还不满{ADULT}岁（出生{fmt_day(born)}），"
                           "请核对两个日期。", example)


def _check_joined(joined: date, today: date) -> None:
    if joined > today:
        raise InvalidInput(f"入党日期{fmt_day(joined)}还没到，请核对。", EX_PARTY)
    if joined < FOUNDED:
        raise InvalidInput(f"入党日期不能早于建党（{fmt_day(FOUNDED)}）。", EX_PARTY)


async def set_party_date(db: AsyncSession, *, member: Member, joined: date | None,
                         today: date) -> Member:
    """设置入党日期 (None clears it); the caller commits."""
    if joined is not None:
        _check_joined(joined, today)
        birthday = birthday_of(member)
        _check_adult(joined, birthday.born_on() if birthday else None, EX_PARTY)
    member.joined_party_on = joined
    db.add(member)
    await db.flush()
    return member


def _check_lunar(lunar: LunarDay, today: date) -> None:
    if lunar.year is None:
        return
    if not EARLIEST_BIRTH <= lunar.year <= today.year:
        raise InvalidInput(f"出生年份{lunar.year}不对，请核对。", EX_LUNAR)
    if lunar.leap and leap_month_of(lunar.year) != lunar.month:
        raise InvalidInput(f"农历{lunar.year}年没有闰{lunar.month}月，请核对。", EX_LUNAR)


def _check_birthday(birthday: Birthday, today: date) -> date | None:
    """The solar day of birth (when the year is known), after checking it can be true."""
    if birthday.lunar is not None:
        _check_lunar(birthday.lunar, today)
    born = birthday.born_on()
    if born is not None and born > today:
        raise InvalidInput(f"出生日期{fmt_day(born)}还没到，请核对。", EX_BIRTH)
    if born is not None and born.year < EARLIEST_BIRTH:
        raise InvalidInput(f"出生年份{born.year}太早了，请核对。", EX_BIRTH)
    return born


async def set_birthday(db: AsyncSession, *, member: Member, birthday: Birthday | None,
                       today: date) -> Member:
    """设置生日 (None clears it); the caller commits."""
    if birthday is not None:
        _check_adult(member.joined_party_on, _check_birthday(birthday, today), EX_BIRTH)
    _store(member, birthday)
    db.add(member)
    await db.flush()
    return member


def check_dates(*, joined: date | None, birthday: Birthday | None, today: date) -> None:
    """Raise the reason this pair of dates cannot be true (nothing is written)."""
    born = _check_birthday(birthday, today) if birthday is not None else None
    if joined is not None:
        _check_joined(joined, today)
        _check_adult(joined, born, EX_PARTY)


async def set_dates(db: AsyncSession, *, member: Member, joined: date | None,
                    birthday: Birthday | None, today: date) -> Member:
    """Both dates at once (the roster import), checked as a pair before either is written."""
    check_dates(joined=joined, birthday=birthday, today=today)
    member.joined_party_on = joined
    _store(member, birthday)
    db.add(member)
    await db.flush()
    return member


def _store(member: Member, birthday: Birthday | None) -> None:
    member.birth_lunar = member.birth_leap = False
    member.birth_year = member.birth_month = member.birth_day = None
    if birthday is None:
        return
    if birthday.solar is not None:
        member.birth_year, member.birth_month, member.birth_day = (
            birthday.solar.year, birthday.solar.month, birthday.solar.day)
    elif birthday.lunar is not None:
        lunar = birthday.lunar
        member.birth_lunar, member.birth_leap = True, lunar.leap
        member.birth_year, member.birth_month, member.birth_day = lunar.year, lunar.month, lunar.day


async def set_birthday_greeting(db: AsyncSession, *, member: Member, wanted: bool) -> Member:
    """不要生日祝福 / 恢复生日祝福: the member's own choice; the caller commits."""
    member.birthday_greeting = wanted
    db.add(member)
    await db.flush()
    return member
