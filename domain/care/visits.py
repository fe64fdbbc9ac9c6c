"""走访慰问: visit records, a member's visit history, and the care list (who is due a visit).

Visit notes are health data like the tags: read here, shown only to the secretary/committee
privately, on their dashboard and in the ledger export.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import InvalidInput
from core.textparse import normalize
from db.models import Member
from db.models.care import CareTagKind, CareVisit, VisitWay
from domain.care.settings import CareConfig
from domain.care.tags import tagged_members

EX_VISIT = "走访 张三 上门 身体还好，腿脚不便，需要帮忙买药"
NOTE_MAX = 500
WAY_WORDS = {"上门": VisitWay.HOME, "入户": VisitWay.HOME, "家访": VisitWay.HOME,
             "电话": VisitWay.PHONE, "打电话": VisitWay.PHONE, "医院": VisitWay.HOSPITAL,
             "探望": VisitWay.HOSPITAL, "节日慰问": VisitWay.FESTIVAL, "节日": VisitWay.FESTIVAL,
             "慰问": VisitWay.FESTIVAL}


def parse_visit(text: str) -> tuple[VisitWay, str]:
    """'上门 身体还好' → (上门, '身体还好'); the way and a note are both required."""
    way_word, _, note = normalize(text).partition(" ")
    way = WAY_WORDS.get(way_word)
    if way is None:
        raise InvalidInput("请写走访方式：上门、电话、医院 或 节日慰问，再写情况。", EX_VISIT)
    note = note.strip()
    if not note:
        raise InvalidInput("请写上走访时了解的情况。", EX_VISIT)
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"情况写得太长（{len(note)}字），最多{NOTE_MAX}字。", EX_VISIT)
    return way, note


@dataclass(frozen=True)
class Recorded:
    """A visit just recorded, and the day of the one before it (None: the first)."""

    visit: CareVisit
    previous: date | None


async def record_visit(db: AsyncSession, *, branch_id: int, member: Member, way: VisitWay,
                       note: str, visitor: Member | None, visitor_name: str,
                       now: datetime) -> Recorded:
    """走访: one visit record; the caller commits."""
    before = await visits_of(db, member=member, limit=1)
    visit = CareVisit(branch_id=branch_id, member_id=member.id or 0, way=way, note=note,
                      visitor_id=visitor.id if visitor else None, visitor_name=visitor_name,
                      visited_at=now)
    db.add(visit)
    await db.flush()
    return Recorded(visit, timeutil.local_date(before[0].visited_at) if before else None)


async def visits_of(db: AsyncSession, *, member: Member, limit: int = 10) -> list[CareVisit]:
    """走访记录: the member's latest visits, newest first."""
    return list((await db.exec(select(CareVisit).where(CareVisit.member_id == member.id)
                               .order_by(col(CareVisit.visited_at).desc(), col(CareVisit.id).desc())
                               .limit(limit))).all())


async def branch_visits(db: AsyncSession, *, branch_id: int, start: datetime,
                        end: datetime) -> list[tuple[CareVisit, str]]:
    """The branch's visits in [start, end), oldest first, with the visited member's name."""
    rows = (await db.exec(select(CareVisit, Member.name)
                          .join(Member, col(Member.id) == col(CareVisit.member_id))
                          .where(CareVisit.branch_id == branch_id, CareVisit.visited_at >= start,
                                 CareVisit.visited_at < end)
                          .order_by(col(CareVisit.visited_at), col(CareVisit.id)))).all()
    return [(visit, name) for visit, name in rows]


@dataclass(frozen=True)
class CareEntry:
    """One line of the care list."""

    member: Member
    tags: list[CareTagKind]
    last_visit: date | None
    days_since: int | None
    interval: int

    @property
    def overdue(self) -> bool:
        """Never visited, or longer ago than the member's interval."""
        return self.days_since is None or self.days_since > self.interval

    @property
    def overdue_by(self) -> int:
        """Days past due (never visited counts as most overdue)."""
        return 10**6 if self.days_since is None else self.days_since - self.interval


async def care_list(db: AsyncSession, *, branch_id: int, today: date,
                    config: CareConfig) -> list[CareEntry]:
    """关爱名单: tagged active members, overdue first (most overdue first), then soonest due."""
    members = await tagged_members(db, branch_id)
    ids = [m.id for m, _ in members]
    last = dict((await db.exec(select(CareVisit.member_id, func.max(CareVisit.visited_at))
                               .where(col(CareVisit.member_id).in_(ids))
                               .group_by(col(CareVisit.member_id)))).all()) if ids else {}
    entries = []
    for member, tags in members:
        visited = last.get(member.id or 0)
        day = timeutil.local_date(visited) if visited is not None else None
        entries.append(CareEntry(member, tags, day, (today - day).days if day else None,
                                 config.interval(tags)))
    return sorted(entries, key=lambda e: (not e.overdue, -e.overdue_by, e.member.id or 0))

