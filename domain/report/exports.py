"""The four ledgers as .xlsx: figures from service.py, layout from excel.py. No nonebot import."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import InvalidInput
from core.textparse import normalize
from db.models import Branch
from plugins.report import excel, service
from plugins.report.periods import EXAMPLE, Period


class ExportKind(StrEnum):
    """Which ledger."""

    SIGNIN = "signin"
    POINTS = "points"
    VOLUNTEER = "volunteer"
    SUGGESTION = "suggestion"

    @property
    def title(self) -> str:
        """学习签到台账 / 积分台账 / 志愿服务台账 / 建言献策台账."""
        return _TITLES[self]


_TITLES = {
    ExportKind.SIGNIN: "学习签到台账", ExportKind.POINTS: "积分台账",
    ExportKind.VOLUNTEER: "志愿服务台账", ExportKind.SUGGESTION: "建言献策台账",
}
_WORDS = {
    "签到": ExportKind.SIGNIN, "学习": ExportKind.SIGNIN, "考勤": ExportKind.SIGNIN,
    "积分": ExportKind.POINTS, "时间银行": ExportKind.POINTS,
    "志愿": ExportKind.VOLUNTEER, "志愿服务": ExportKind.VOLUNTEER,
    "建议": ExportKind.SUGGESTION, "建言": ExportKind.SUGGESTION, "建言献策": ExportKind.SUGGESTION,
}


def parse_kind(word: str) -> ExportKind:
    """'签到' / '积分' / '志愿' / '建议' (and a few synonyms, with or without 台账)."""
    kind = _WORDS.get(normalize(word).removesuffix("台账"))
    if kind is None:
        raise InvalidInput("请写要导出的台账：签到、积分、志愿 或 建议。", EXAMPLE)
    return kind


def split_kind(text: str) -> tuple[ExportKind, str]:
    """'签到 2026Q4', '签到台账2026', '积分第四季度' → (kind, the period text after it)."""
    text = normalize(text).strip()
    for word in sorted(_WORDS, key=len, reverse=True):
        if text.startswith(word):
            return _WORDS[word], text[len(word):].removeprefix("台账").strip()
    raise InvalidInput("请写要导出的台账：签到、积分、志愿 或 建议。", EXAMPLE)


@dataclass(frozen=True)
class Export:
    """A finished workbook and what it holds."""

    kind: ExportKind
    period: Period
    filename: str
    content: bytes
    count: int
    """Lines in the ledger (sessions, members, needs, suggestions)."""


def _local(moment: datetime) -> datetime:
    # Excel has no time zones: write Beijing wall-clock time.
    return timeutil.to_local(moment).replace(tzinfo=None)


async def _signin(session: AsyncSession, branch_id: int, period: Period) -> tuple[list, int]:
    rows = await service.attendance_rows(session, branch_id, period)
    lines: list[list] = [
        [r.day, r.title, r.place, r.expected, r.attended, r.late, r.leave, "、".join(r.absent),
         r.rate] for r in rows]
    if rows:
        lines.append(["合计", f"{len(rows)}次", "", sum(r.expected for r in rows),
                      sum(r.attended for r in rows), sum(r.late for r in rows),
                      sum(r.leave for r in rows), "", service.overall_rate(rows) or 0.0])
    return lines, len(rows)


async def _points(session: AsyncSession, branch_id: int, period: Period) -> tuple[list, int]:
    rows = await service.points_rows(session, branch_id, period)
    return [[r.name, *(r.by_kind[k] for k in service.COLUMNS), r.total, r.rank] for r in rows], len(rows)


async def _volunteer(session: AsyncSession, branch_id: int, period: Period) -> tuple[list, int]:
    rows = await service.need_rows(session, branch_id, period, completed_only=True)
    lines: list[list] = [
        [r.need.title, _local(r.need.starts_at), r.need.place or "", "、".join(r.participants),
         r.hours, r.points] for r in rows]
    if rows:
        lines.append(["合计", f"{len(rows)}项", "", f"{sum(len(r.participants) for r in rows)}人次",
                      service.volunteer_hours(rows), sum(r.points for r in rows)])
    return lines, len(rows)


async def _suggestion(session: AsyncSession, branch_id: int, period: Period) -> tuple[list, int]:
    from plugins.report import suggestions

    rows = await suggestions.suggestion_rows(session, branch_id, period)
    return [[f"#{r.id}", r.day, r.author, r.content, r.status, r.reply] for r in rows], len(rows)


_LAYOUT = {
    ExportKind.SIGNIN: (_signin, ["日期", "主题", "地点", "应到", "实到", "迟到", "请假", "缺席名单",
                                  "出勤率"], [12, 30, 16, 7, 7, 7, 7, 30, 9], (9,), (2, 8)),
    ExportKind.POINTS: (_points, ["姓名", "学习", "志愿", "建言", "加分", "扣分", "兑换", "合计",
                                  "排名"], [12, 8, 8, 8, 8, 8, 8, 9, 7], (), ()),
    ExportKind.VOLUNTEER: (_volunteer, ["活动", "时间", "地点", "参与人", "时长（小时）", "积分"],
                           [28, 17, 16, 34, 12, 8], (), (1, 4)),
    ExportKind.SUGGESTION: (_suggestion, ["编号", "日期", "提出人", "内容", "状态", "答复"],
                            [8, 12, 10, 50, 9, 40], (), (4, 6)),
}


async def build_export(session: AsyncSession, branch: Branch, kind: ExportKind,
                       period: Period) -> Export:
    """One ledger of one branch for one period, as .xlsx bytes."""
    fetch, headers, widths, percent, wrap = _LAYOUT[kind]
    lines, count = await fetch(session, branch.id or 0, period)
    title = f"{branch.name} {period.label} {kind.title}"
    content = excel.build(title, headers, widths, lines, percent_columns=percent, wrap_columns=wrap)
    return Export(kind, period, f"{kind.title}_{period.key}.xlsx", content, count)
