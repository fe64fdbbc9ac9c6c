"""Reporting periods: a quarter ('2026Q4') or a calendar year ('2026'), in local time."""

import re
from dataclasses import dataclass
from datetime import datetime

from core import timeutil
from core.errors import InvalidInput
from core.textparse import normalize

EXAMPLE = "导出 签到 2026Q4"
_QUARTER_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC with its labels; quarter is None for a whole year."""

    year: int
    quarter: int | None

    @property
    def key(self) -> str:
        """'2026Q4' or '2026' (what the command and the URLs take)."""
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def label(self) -> str:
        """'2026年第四季度' or '2026年'."""
        return f"{self.year}年第{'一二三四'[self.quarter - 1]}季度" if self.quarter else f"{self.year}年"

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """UTC [start, end)."""
        if self.quarter:
            return timeutil.quarter_bounds(self.key)
        return timeutil.year_bounds(self.year)


def current_quarter() -> Period:
    """The quarter we are in (Beijing time)."""
    label = timeutil.quarter_of(timeutil.now())
    return Period(int(label[:4]), int(label[5]))


_PATTERNS = [
    re.compile(r"^(\d{4})\s*年?\s*(?:Q|第)?\s*([1-4一二三四])\s*(?:季度?)?$", re.I),
    re.compile(r"^(\d{4})\s*年?(?:全年|度)?$"),
]
_QUARTER_ONLY = re.compile(r"^(?:Q\s*([1-4])|第?\s*([1-4一二三四])\s*季度?)$", re.I)
"""'Q4', '第四季度', '四季度': this year's quarter (Beijing)."""


def parse_period(text: str | None) -> Period:
    """'2026Q4', '2026q4', '2026年第四季度', '2026', '2026年', 'Q4', '第四季度'; empty: this quarter."""
    text = normalize(text or "")
    if not text or text in ("本季度", "本季"):
        return current_quarter()
    this_year = timeutil.to_local(timeutil.now()).year
    if text in ("今年", "本年", "全年"):
        return Period(this_year, None)
    if match := _QUARTER_ONLY.match(text):
        return Period(this_year, _QUARTER_WORDS[match.group(1) or match.group(2)])
    for pattern in _PATTERNS:
        if match := pattern.match(text):
            year = int(match.group(1))
            quarter = _QUARTER_WORDS[match.group(2)] if match.lastindex == 2 else None
            if 2000 <= year <= 2100:
                return Period(year, quarter)
    raise InvalidInput(f"没看懂时间“{text}”，请写季度如 2026Q4，或年份如 2026。", EXAMPLE)
