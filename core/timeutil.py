"""Time: store aware UTC, show and reason in the branch's local zone (Beijing by default)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_tz = ZoneInfo("Asia/Shanghai")


def configure(tz_name: str) -> None:
    """Set the display/parsing zone once at start-up (settings.timezone)."""
    global _tz
    _tz = ZoneInfo(tz_name)


def local_tz() -> ZoneInfo:
    """The zone in which days, quarters and clock times are meant."""
    return _tz


def now() -> datetime:
    """Aware UTC now; the one clock every service reads (time-machine freezes it in tests)."""
    return datetime.now(UTC)


def to_local(moment: datetime) -> datetime:
    """An aware datetime in the local zone."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: store and pass aware UTC datetimes only")
    return moment.astimezone(_tz)


def local_date(moment: datetime) -> date:
    """The Beijing calendar day a moment falls on."""
    return to_local(moment).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """UTC [start, end) of a local calendar day."""
    start = datetime.combine(day, time(0), tzinfo=_tz)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def at_local(day: date, clock: time) -> datetime:
    """Aware UTC moment for a local day and wall-clock time."""
    return datetime.combine(day, clock, tzinfo=_tz).astimezone(UTC)


def fmt_hm(moment: datetime) -> str:
    """'09:28' in local time."""
    local = to_local(moment)
    return f"{local.hour:02d}:{local.minute:02d}"


def fmt_dt(moment: datetime) -> str:
    """'11月25日 09:30' in local time (the year only when it is not this year's)."""
    local = to_local(moment)
    head = f"{local.month}月{local.day}日" if local.year == to_local(now()).year else (
        f"{local.year}年{local.month}月{local.day}日"
    )
    return f"{head} {local:%H:%M}"


WEEKDAYS = "一二三四五六日"


def fmt_dt_week(moment: datetime) -> str:
    """'11月25日（周三）09:30', 24-hour; '2027年1月1日（周五）09:00' in another year than this one:
    a confirmation shows the whole date, so a misread time (3点 → 15:00, 元旦) is seen at once."""
    local = to_local(moment)
    year = "" if local.year == to_local(now()).year else f"{local.year}年"
    return f"{year}{local.month}月{local.day}日（周{WEEKDAYS[local.weekday()]}）{local:%H:%M}"


# ---- yearly cycle and quarters (the points scheme runs 1 Jan – 31 Dec, Beijing time) ----

def cycle_of(moment: datetime) -> int:
    """The points cycle (calendar year, local) a moment counts in."""
    return to_local(moment).year


def quarter_of(moment: datetime) -> str:
    """'2026Q4' for a moment, by local date."""
    local = to_local(moment)
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[datetime, datetime]:
    """UTC [start, end) of a quarter label like '2026Q4'."""
    year, q = int(quarter[:4]), int(quarter[5])
    start = date(year, 3 * (q - 1) + 1, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return day_bounds(start)[0], day_bounds(end)[0]


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """UTC [start, end) of a local calendar year."""
    return day_bounds(date(year, 1, 1))[0], day_bounds(date(year + 1, 1, 1))[0]
