"""三会一课情况: which required meetings a branch held in a month, quarter or year (Beijing time).

A meeting counts as held only when it took place (started, not cancelled) and has minutes.
Rhythms are the 支部工作条例's defaults (`DEFAULT_RHYTHM`) unless the branch changed them.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import InvalidInput
from core.roles import Role
from core.textparse import normalize
from db.models import (
    MeetingKind,
    MeetingMinutes,
    MeetingRhythm,
    Member,
    PartyGroup,
    RhythmPeriod,
    StudySession,
)
from db.sql import upsert_insert
from domain.meetings import texts as t
from domain.meetings.reports import meeting_report

DEFAULT_RHYTHM: dict[MeetingKind, RhythmPeriod] = {
    MeetingKind.GENERAL: RhythmPeriod.QUARTER,
    MeetingKind.COMMITTEE: RhythmPeriod.MONTH,
    MeetingKind.GROUP: RhythmPeriod.MONTH,
    MeetingKind.LECTURE: RhythmPeriod.QUARTER,
    MeetingKind.PARTYDAY: RhythmPeriod.MONTH,
    MeetingKind.LIFE: RhythmPeriod.YEAR,
}
"""At least one meeting of the kind per period (党小组会: per 党小组). 学习 has no rhythm."""
SECRETARY_LECTURE = "secretary_lecture"
"""The extra yearly requirement: the secretary teaches a 党课 at least once a year."""
PERIOD_WORDS = {RhythmPeriod.MONTH: "每月", RhythmPeriod.QUARTER: "每季度", RhythmPeriod.YEAR: "每年"}
EX_SET_RHYTHM = "设置会议频次 党课 每月"
_PERIOD_INPUT = {"每月": RhythmPeriod.MONTH, "每个月": RhythmPeriod.MONTH, "每季度": RhythmPeriod.QUARTER,
                 "每季": RhythmPeriod.QUARTER, "每年": RhythmPeriod.YEAR, "不要求": RhythmPeriod.NONE,
                 "不规定": RhythmPeriod.NONE, "恢复默认": None, "默认": None}


@dataclass(frozen=True)
class Span:
    """A Beijing month, quarter or year: [start, end) in UTC with its label."""

    period: RhythmPeriod
    year: int
    index: int
    """Month 1–12, quarter 1–4, or 0 for a year."""

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """UTC [start, end)."""
        if self.period is RhythmPeriod.MONTH:
            nxt = date(self.year + 1, 1, 1) if self.index == 12 else date(self.year, self.index + 1, 1)
            return timeutil.day_bounds(date(self.year, self.index, 1))[0], timeutil.day_bounds(nxt)[0]
        if self.period is RhythmPeriod.QUARTER:
            return timeutil.quarter_bounds(f"{self.year}Q{self.index}")
        return timeutil.year_bounds(self.year)

    @property
    def label(self) -> str:
        """'2026年12月', '2026年第四季度', '2026年'."""
        if self.period is RhythmPeriod.MONTH:
            return f"{self.year}年{self.index}月"
        if self.period is RhythmPeriod.QUARTER:
            return f"{self.year}年第{'一二三四'[self.index - 1]}季度"
        return f"{self.year}年"

    @property
    def short(self) -> str:
        """'12月', 'Q4', '2026年'."""
        if self.period is RhythmPeriod.MONTH:
            return f"{self.index}月"
        if self.period is RhythmPeriod.QUARTER:
            return f"Q{self.index}"
        return f"{self.year}年"

    def within(self, period: RhythmPeriod) -> list["Span"]:
        """The spans of `period` that overlap this one (a quarter's months; a month's quarter)."""
        start, end = self.bounds
        first = span_of(start, period)
        spans = [first]
        while spans[-1].bounds[1] < end:
            spans.append(span_of(spans[-1].bounds[1], period))
        return spans


def span_of(moment: datetime, period: RhythmPeriod) -> Span:
    """The month / quarter / year a moment falls in (Beijing)."""
    local = timeutil.to_local(moment)
    if period is RhythmPeriod.MONTH:
        return Span(period, local.year, local.month)
    if period is RhythmPeriod.QUARTER:
        return Span(period, local.year, (local.month - 1) // 3 + 1)
    return Span(RhythmPeriod.YEAR, local.year, 0)


_QUARTER = re.compile(r"^(\d{4})\s*年?\s*(?:Q|第)\s*([1-4一二三四])\s*(?:季度?)?$", re.I)
_MONTH = re.compile(r"^(?:(\d{4})\s*年\s*|(\d{4})[-./])?(\d{1,2})\s*月?$")
_YEAR = re.compile(r"^(\d{4})\s*年?(?:全年|度)?$")


def parse_span(text: str | None, moment: datetime) -> Span:
    """'本月' (default), '上月', '本季度', '上季度', '今年', '2026Q4', '2026年第四季度', '2026',
    '2026年12月', '12月' → a Span."""
    text = normalize(text or "").replace(" ", "")
    here = span_of(moment, RhythmPeriod.MONTH)
    if text in ("", "本月", "这个月", "当月"):
        return here
    if text in ("上月", "上个月"):
        return span_of(here.bounds[0].replace(microsecond=0) - _SECOND, RhythmPeriod.MONTH)
    if text in ("本季度", "本季", "这个季度"):
        return span_of(moment, RhythmPeriod.QUARTER)
    if text in ("上季度", "上个季度"):
        return span_of(span_of(moment, RhythmPeriod.QUARTER).bounds[0] - _SECOND, RhythmPeriod.QUARTER)
    if text in ("今年", "本年", "全年"):
        return span_of(moment, RhythmPeriod.YEAR)
    if match := _QUARTER.match(text):
        quarter = "1234一二三四".index(match.group(2)) % 4 + 1
        return _checked(Span(RhythmPeriod.QUARTER, int(match.group(1)), quarter))
    if match := _YEAR.match(text):
        return _checked(Span(RhythmPeriod.YEAR, int(match.group(1)), 0))
    if (match := _MONTH.match(text)) and 1 <= int(match.group(3)) <= 12 and (
            match.group(1) or match.group(2) or text.endswith("月")):
        year = int(match.group(1) or match.group(2) or here.year)
        return _checked(Span(RhythmPeriod.MONTH, year, int(match.group(3))))
    raise InvalidInput(f"没看懂“{text}”，可写：本月、本季度、2026Q4、2026。", t.EX_RHYTHM)


def _checked(span: Span) -> Span:
    if not 2000 <= span.year <= 2100:
        raise InvalidInput(f"年份{span.year}不对。", t.EX_RHYTHM)
    return span


_SECOND = datetime(2000, 1, 1, 0, 0, 1) - datetime(2000, 1, 1)


@dataclass
class Slot:
    """One period a requirement applies to, and the meetings in it."""

    span: Span
    held: list[StudySession] = field(default_factory=list)
    no_minutes: list[StudySession] = field(default_factory=list)
    scheduled: list[StudySession] = field(default_factory=list)

    def state(self, moment: datetime) -> str:
        """'held', 'open' (period not over, not yet held), 'future', or 'missing'."""
        start, end = self.span.bounds
        if self.held:
            return "held"
        if start > moment:
            return "future"
        return "open" if end > moment else "missing"


@dataclass
class Requirement:
    """A required kind (党小组会: one line per group; or the secretary's yearly 党课) and its slots."""

    key: str
    label: str
    period: RhythmPeriod
    slots: list[Slot]


async def rhythms(db: AsyncSession, *, branch_id: int) -> dict[MeetingKind, RhythmPeriod]:
    """The branch's required kinds and how often (the defaults, with the branch's overrides)."""
    chosen = dict(DEFAULT_RHYTHM)
    for row in (await db.exec(select(MeetingRhythm).where(MeetingRhythm.branch_id == branch_id))).all():
        chosen[MeetingKind(row.kind)] = RhythmPeriod(row.period)
    return {k: p for k, p in chosen.items() if p is not RhythmPeriod.NONE}


async def requirements(db: AsyncSession, *, branch_id: int, span: Span) -> list[Requirement]:
    """Every requirement of the branch with its slots overlapping `span` and what was held in them."""
    chosen = await rhythms(db, branch_id=branch_id)
    start = min(span.within(p)[0].bounds[0] for p in (*chosen.values(), RhythmPeriod.YEAR))
    end = max(span.within(p)[-1].bounds[1] for p in (*chosen.values(), RhythmPeriod.YEAR))
    meetings = (await db.exec(select(StudySession).where(
        StudySession.branch_id == branch_id, col(StudySession.cancelled).is_(False),
        StudySession.starts_at >= start, StudySession.starts_at < end,
    ).order_by(col(StudySession.starts_at), col(StudySession.id)))).all()
    minuted = await _minuted(db, [m.id for m in meetings if m.id is not None])
    groups = (await db.exec(select(PartyGroup).where(PartyGroup.branch_id == branch_id)
                            .order_by(col(PartyGroup.id)))).all()
    out = []
    for kind, period in chosen.items():
        if kind is MeetingKind.GROUP:
            for group in groups:
                mine = [m for m in meetings if m.kind == kind and m.party_group_id == group.id]
                out.append(Requirement(f"group:{group.id}", f"{kind.label}（{group.name}）", period,
                                       _slots(span, period, mine, minuted)))
            continue
        mine = [m for m in meetings if m.kind == kind]
        out.append(Requirement(kind.value, kind.label, period, _slots(span, period, mine, minuted)))
    if MeetingKind.LECTURE in chosen:
        secretary = (await db.exec(select(Member.id).where(
            Member.branch_id == branch_id, Member.role == int(Role.SECRETARY)))).first()
        taught = [m for m in meetings if m.kind == MeetingKind.LECTURE
                  and secretary is not None and m.lecturer_id == secretary]
        out.append(Requirement(SECRETARY_LECTURE, "书记讲党课", RhythmPeriod.YEAR,
                               _slots(span, RhythmPeriod.YEAR, taught, minuted)))
    return out


def _slots(span: Span, period: RhythmPeriod, meetings: list[StudySession],
           minuted: set[int]) -> list[Slot]:
    moment = timeutil.now()
    slots = []
    for part in span.within(period):
        start, end = part.bounds
        slot = Slot(part)
        for meeting in meetings:
            if not start <= meeting.starts_at < end:
                continue
            if meeting.starts_at > moment:
                slot.scheduled.append(meeting)
            elif meeting.id in minuted:
                slot.held.append(meeting)
            else:
                slot.no_minutes.append(meeting)
        slots.append(slot)
    return slots


async def _minuted(db: AsyncSession, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    stmt = select(MeetingMinutes.meeting_id).where(col(MeetingMinutes.meeting_id).in_(ids)).distinct()
    return set((await db.exec(stmt)).all())


@dataclass
class RhythmReport:
    """三会一课情况 of a span: the requirements and each held meeting's attendance rate."""

    span: Span
    requirements: list[Requirement]
    rates: dict[int, float]


async def rhythm_report(db: AsyncSession, *, branch_id: int, span: Span) -> RhythmReport:
    """三会一课情况: per requirement, the slots held or missing, with dates and attendance rates."""
    reqs = await requirements(db, branch_id=branch_id, span=span)
    rates = {}
    for meeting in {m.id: m for r in reqs for s in r.slots for m in s.held}.values():
        assert meeting.id is not None
        rates[meeting.id] = (await meeting_report(db, branch_id=branch_id, meeting_id=meeting.id)).rate
    return RhythmReport(span, reqs, rates)


async def unscheduled(db: AsyncSession, *, branch_id: int, moment: datetime) -> list[tuple[str, Span]]:
    """The requirements whose current month / quarter / year has no meeting at all yet (held,
    without minutes, or scheduled): what the secretary is nudged about."""
    missing = []
    for req in await requirements(db, branch_id=branch_id, span=span_of(moment, RhythmPeriod.MONTH)):
        slot = next(s for s in req.slots if s.span.bounds[0] <= moment < s.span.bounds[1])
        if not (slot.held or slot.no_minutes or slot.scheduled):
            missing.append((req.label, slot.span))
    return missing


async def set_rhythm(db: AsyncSession, *, branch_id: int, kind: MeetingKind,
                     word: str) -> RhythmPeriod | None:
    """设置会议频次: the branch's own rhythm for a kind (每月/每季度/每年/不要求), or back to the
    条例's default (恢复默认); returns the rhythm now in force (None: not required)."""
    if normalize(word) not in _PERIOD_INPUT:
        raise InvalidInput(f"频次“{normalize(word)}”不对，可写：每月、每季度、每年、不要求、恢复默认。",
                           EX_SET_RHYTHM)
    period = _PERIOD_INPUT[normalize(word)]
    row = await db.get(MeetingRhythm, (branch_id, kind.value))
    if period is None:
        if row is not None:
            await db.delete(row)
            await db.flush()
        period = DEFAULT_RHYTHM.get(kind)
        return None if period is None or period is RhythmPeriod.NONE else period
    values = {"period": period.value, "updated_at": timeutil.now()}
    stmt = upsert_insert(db, MeetingRhythm).values(branch_id=branch_id, kind=kind.value, **values)
    await db.exec(stmt.on_conflict_do_update(index_elements=["branch_id", "kind"], set_=values))
    return None if period is RhythmPeriod.NONE else period
