"""The four ledgers as .xlsx: figures from the read models, layout from excel.py."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import Branch, MeetingKind
from db.models.notice import Channel
from domain import notices
from domain.report import excel
from domain.report.attendance import attendance_rows, overall_rate
from domain.report.needs import need_rows, volunteer_hours
from domain.report.periods import Period
from domain.report.points_ledger import COLUMNS, points_rows
from domain.report.suggestions import suggestion_rows


class ExportKind(StrEnum):
    """Which ledger."""

    SIGNIN = "signin"
    POINTS = "points"
    VOLUNTEER = "volunteer"
    SUGGESTION = "suggestion"
    MEETINGS = "meetings"
    NOTICE = "notice"

    @property
    def label(self) -> str:
        """学习签到台账 / 积分台账 / 志愿服务台账 / 建言献策台账."""
        return _LABELS[self]


_LABELS = {
    ExportKind.SIGNIN: "学习签到台账", ExportKind.POINTS: "积分台账",
    ExportKind.VOLUNTEER: "志愿服务台账", ExportKind.SUGGESTION: "建言献策台账",
    ExportKind.NOTICE: "通知传达台账", ExportKind.MEETINGS: "三会一课台账",
}
MINUTES_SUMMARY = 80
"""Characters of the minutes the 三会一课台账 shows (the rest is on the dashboard)."""


@dataclass(frozen=True)
class Export:
    """A finished workbook and what it holds."""

    kind: ExportKind
    period: Period
    filename: str
    content: bytes
    count: int
    """Lines in the ledger (meetings, members, needs, suggestions)."""


Lines = list[list[Any]]


def _local(moment: datetime) -> datetime:
    # Excel has no time zones: write Beijing wall-clock time.
    return timeutil.to_local(moment).replace(tzinfo=None)


async def _signin(db: AsyncSession, branch_id: int, period: Period) -> tuple[Lines, int]:
    rows = await attendance_rows(db, branch_id=branch_id, period=period)
    lines: Lines = [
        [r.day, r.title, r.place, r.expected, r.attended, r.late, r.leave, "、".join(r.absent),
         r.rate] for r in rows]
    if rows:
        lines.append(["合计", f"{len(rows)}次", "", sum(r.expected for r in rows),
                      sum(r.attended for r in rows), sum(r.late for r in rows),
                      sum(r.leave for r in rows), "", overall_rate(rows) or 0.0])
    return lines, len(rows)


async def _meetings(db: AsyncSession, branch_id: int, period: Period) -> tuple[Lines, int]:
    rows = await attendance_rows(db, branch_id=branch_id, period=period)
    lines: Lines = [
        [r.day, MeetingKind(r.kind).label, r.title, r.place, r.lecturer, r.expected, r.attended,
         r.leave, len(r.absent), r.rate, _summary(r.minutes), r.photos] for r in rows]
    return lines, len(rows)


def _summary(minutes: str | None) -> str:
    if not minutes:
        return "（无会议记录）"
    flat = " ".join(minutes.split())
    return flat if len(flat) <= MINUTES_SUMMARY else flat[:MINUTES_SUMMARY] + "……"


async def _points(db: AsyncSession, branch_id: int, period: Period) -> tuple[Lines, int]:
    rows = await points_rows(db, branch_id=branch_id, period=period)
    return [[r.name, *(r.by_kind[k] for k in COLUMNS), r.total, r.rank] for r in rows], len(rows)


async def _volunteer(db: AsyncSession, branch_id: int, period: Period) -> tuple[Lines, int]:
    rows = await need_rows(db, branch_id=branch_id, period=period, completed_only=True)
    lines: Lines = [
        [r.need.title, _local(r.need.starts_at), r.need.place or "", "、".join(r.participants),
         r.hours, r.points] for r in rows]
    if rows:
        lines.append(["合计", f"{len(rows)}项", "", f"{sum(len(r.participants) for r in rows)}人次",
                      volunteer_hours(rows), sum(r.points for r in rows)])
    return lines, len(rows)


async def _suggestion(db: AsyncSession, branch_id: int, period: Period) -> tuple[Lines, int]:
    rows = await suggestion_rows(db, branch_id=branch_id, period=period)
    return [[f"#{r.id}", r.day, r.author, r.content, r.status, r.reply] for r in rows], len(rows)


async def _notice(db: AsyncSession, branch_id: int, period: Period) -> tuple[Lines, int]:
    # Off-line receipts' notes stay out (they may say why a member is at home): names and counts only.
    reaches = await notices.reach_between(db, branch_id=branch_id, start=period.bounds[0],
                                          end=period.bounds[1])
    channels = list(Channel)
    lines: Lines = [
        [f"#{r.notice.number}", _local(r.notice.created_at), r.notice.text, r.expected,
         len(r.reached), *(len(r.by_channel(c)) for c in channels), r.rate,
         "、".join(p.name for p in r.missing)] for r in reaches]
    if reaches:
        expected, reached = sum(r.expected for r in reaches), sum(len(r.reached) for r in reaches)
        lines.append(["合计", f"{len(reaches)}条", "", expected, reached,
                      *(sum(len(r.by_channel(c)) for r in reaches) for c in channels),
                      reached / expected if expected else 1.0, ""])
    return lines, len(reaches)


@dataclass(frozen=True)
class _Layout:
    fetch: Callable[[AsyncSession, int, Period], Awaitable[tuple[Lines, int]]]
    headers: Sequence[str]
    widths: Sequence[int]
    percent: Sequence[int] = ()
    wrap: Sequence[int] = ()


_LAYOUT = {
    ExportKind.SIGNIN: _Layout(_signin, ["日期", "主题", "地点", "应到", "实到", "迟到", "请假",
                                         "缺席名单", "出勤率"], [12, 30, 16, 7, 7, 7, 7, 30, 9],
                               (9,), (2, 8)),
    ExportKind.POINTS: _Layout(_points, ["姓名", "学习", "志愿", "建言", "加分", "扣分", "兑换",
                                         "合计", "排名"], [12, 8, 8, 8, 8, 8, 8, 9, 7]),
    ExportKind.VOLUNTEER: _Layout(_volunteer, ["活动", "时间", "地点", "参与人", "时长（小时）", "积分"],
                                  [28, 17, 16, 34, 12, 8], (), (1, 4)),
    ExportKind.MEETINGS: _Layout(_meetings, ["日期", "类型", "主题", "地点", "讲课人", "应到", "实到", "请假",
                                             "缺席", "出席率", "会议记录摘要", "照片"],
                                 [12, 12, 26, 14, 10, 6, 6, 6, 6, 8, 44, 6], (10,), (3, 11)),
    ExportKind.SUGGESTION: _Layout(_suggestion, ["编号", "日期", "提出人", "内容", "状态", "答复"],
                                   [8, 12, 10, 50, 9, 40], (), (4, 6)),
    ExportKind.NOTICE: _Layout(_notice, ["编号", "时间", "通知内容", "应传达", "已传达", "收到", "电话",
                                         "上门", "当面", "传达率", "未传达"],
                               [7, 16, 40, 7, 7, 6, 6, 6, 6, 8, 24], (10,), (3, 11)),
}


async def build_export(db: AsyncSession, *, branch: Branch, kind: ExportKind,
                       period: Period) -> Export:
    """One ledger of one branch for one period, as .xlsx bytes."""
    layout = _LAYOUT[kind]
    lines, count = await layout.fetch(db, branch.id or 0, period)
    title = f"{branch.name} {period.label} {kind.label}"
    content = excel.build(title, layout.headers, layout.widths, lines,
                          percent_columns=layout.percent, wrap_columns=layout.wrap)
    return Export(kind, period, f"{kind.label}_{period.key}.xlsx", content, count)
