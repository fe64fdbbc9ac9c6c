"""Import members from an Excel sheet (姓名, 类别, 原单位; 入党日期, 出生日期, 关爱, 党小组) uploaded on the
dashboard; the caller commits."""

from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import DomainError, InvalidInput
from core.textparse import normalize
from db.models import HealthCategory, Member
from db.tally import forget_tallies
from domain import care, roster

MAX_ROWS = 2000
HEADER_ROWS = 5
"""The 姓名 header is looked for in the first rows only."""
ORIGIN_MAX = 100
EXAMPLE = ("第一行写表头：姓名、类别、原单位（可加 入党日期、出生日期、关爱、党小组）；"
           "类别写 正常活动 / 适当参加 / 不能参加")
COLUMNS = ("姓名", "类别", "原单位", "入党日期", "出生日期", "关爱", "党小组")


@dataclass
class ImportResult:
    """What an import did, with the reason for every skipped row."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _rows(content: bytes) -> list[tuple[Any, ...]]:
    try:
        wb = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as error:
        raise InvalidInput("这不是能打开的 Excel（.xlsx）文件。", EXAMPLE) from error
    # One row past the limit (the header may sit in the first 5 rows) tells a sheet that is too long.
    limit = MAX_ROWS + HEADER_ROWS + 1
    rows = list(wb.active.iter_rows(values_only=True, max_row=limit)) if wb.active else []
    wb.close()
    if len(rows) >= limit and any(v is not None for v in rows[-1]):
        raise InvalidInput(f"表格超过{MAX_ROWS}行，请分成几个文件导入。", EXAMPLE)
    return rows


def _columns(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:HEADER_ROWS]):
        names = [normalize(str(v or "")) for v in row]
        if "姓名" in names:
            return index, {h: names.index(h) for h in COLUMNS if h in names}
    raise InvalidInput("表里没有找到“姓名”这一列。", EXAMPLE)


def _text(row: tuple[Any, ...], column: int | None) -> str:
    if column is None or column >= len(row) or row[column] is None:
        return ""
    return normalize(str(row[column]))


async def import_members(db: AsyncSession, *, branch_id: int, content: bytes) -> ImportResult:
    """Add new names, update 类别/原单位 of existing ones; bad rows are skipped with a reason."""
    rows = _rows(content)
    header, cols = _columns(rows)
    result = ImportResult()
    seen: set[str] = set()
    for number, row in enumerate(rows[header + 1:], header + 2):
        name = _text(row, cols["姓名"])
        if not name:
            continue
        try:
            name = roster.check_name(name, EXAMPLE)
            word = _text(row, cols.get("类别"))
            category = roster.parse_category(word, EXAMPLE) if word else None
            dates = _CareCells(row, cols)
            group = _text(row, cols.get("党小组"))
            group = roster.check_group_name(group, EXAMPLE) if group else ""
        except DomainError as error:
            result.skipped.append(f"第{number}行：{error.message}")
            continue
        if name in seen:
            result.skipped.append(f"第{number}行：{name} 在表中重复")
            continue
        seen.add(name)
        origin = _text(row, cols.get("原单位"))[:ORIGIN_MAX] or None
        member = await roster.member_by_name(db, branch_id=branch_id, name=name)
        try:
            dates.check(member)
        except DomainError as error:
            result.skipped.append(f"第{number}行：{error.message}")
            continue
        member = await _upsert(db, branch_id, name, member, category, origin, result)
        changed = await dates.apply(db, member)
        if group:
            changed = await roster.put_in_group(db, branch_id=branch_id, name=group, member=member) or changed
        if changed and name not in result.added + result.updated:
            result.updated.append(name)
    await db.flush()
    return result


def _cell_date(value: Any, parse: Any) -> Any:
    """A real Excel date cell, or text parsed as members type it; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse(normalize(str(value)))


class _CareCells:
    """The row's 入党日期, 出生日期 and 关爱 cells, read and checked before anything is written."""

    def __init__(self, row: tuple[Any, ...], cols: dict[str, int]) -> None:
        def cell(header: str) -> Any:
            column = cols.get(header)
            return row[column] if column is not None and column < len(row) else None

        self.today = timeutil.local_date(timeutil.now())
        self.joined: date | None = _cell_date(cell("入党日期"), care.parse_party_date)
        birth = cell("出生日期")
        self.birthday: care.Birthday | None = (
            care.Birthday(solar=_cell_date(birth, care.parse_party_date))
            if isinstance(birth, datetime | date) else _cell_date(birth, care.parse_birthday))
        tags = _text(row, cols.get("关爱"))
        self.tags = care.parse_tags(tags) if tags else None

    def _final(self, member: Member | None) -> tuple[date | None, care.Birthday | None]:
        keep_joined = member.joined_party_on if member else None
        keep_birthday = care.birthday_of(member) if member else None
        return self.joined or keep_joined, self.birthday or keep_birthday

    def check(self, member: Member | None) -> None:
        """Raise the reason the dates (with the member's others) cannot be true; writes nothing."""
        if self.joined is not None or self.birthday is not None:
            joined, birthday = self._final(member)
            care.check_dates(joined=joined, birthday=birthday, today=self.today)

    async def apply(self, db: AsyncSession, member: Member) -> bool:
        """Write what the row gives; True when it changed the member's care data."""
        changed = False
        if self.joined is not None or self.birthday is not None:
            joined, birthday = self._final(member)
            await care.set_dates(db, member=member, joined=joined, birthday=birthday, today=self.today)
            changed = True
        if self.tags is not None:
            await care.set_tags(db, member=member, tags=self.tags, set_by=None)
            changed = True
        return changed


async def _upsert(db: AsyncSession, branch_id: int, name: str, member: Member | None,
                  category: HealthCategory | None, origin: str | None,
                  result: ImportResult) -> Member:
    if member is None:
        member = Member(branch_id=branch_id, name=name, origin_unit=origin,
                        category=category or HealthCategory.NORMAL)
        db.add(member)
        await db.flush()
        result.added.append(name)
        return member
    changed = False
    if category is not None and member.category != category:
        member.category, changed = category, True
        await forget_tallies(db, branch_id=branch_id)  # 应到 of the branch's meetings
    if origin is not None and member.origin_unit != origin:
        member.origin_unit, changed = origin, True
    if changed:
        db.add(member)
        result.updated.append(name)
    return member
