"""Suggestions as reports see them: never the sealed author table, anonymous shown as 匿名."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import Member
from db.models.suggestion import Suggestion, SuggestionEvent, SuggestionEventKind, SuggestionStatus
from plugins.report.periods import Period

ANONYMOUS = "匿名"
_ANSWERS = (SuggestionEventKind.REPLIED, SuggestionEventKind.ADOPTED, SuggestionEventKind.FORWARDED)


@dataclass(frozen=True)
class SuggestionRow:
    """One line of 建言献策台账."""

    id: int
    day: date
    author: str
    content: str
    status: str
    reply: str


async def suggestion_rows(session: AsyncSession, branch_id: int, period: Period) -> list[SuggestionRow]:
    """Suggestions made in the period, oldest first, with the latest answer."""
    start, end = period.bounds
    stmt = (
        select(Suggestion, Member.name)
        .outerjoin(Member, col(Member.id) == col(Suggestion.author_id))
        .where(Suggestion.branch_id == branch_id, Suggestion.created_at >= start,
               Suggestion.created_at < end)
        .order_by(col(Suggestion.created_at), col(Suggestion.id))
    )
    found = list((await session.exec(stmt)).all())
    if not found:
        return []
    replies: dict[int, str] = {}
    events = select(SuggestionEvent).where(
        col(SuggestionEvent.suggestion_id).in_([s.id for s, _ in found]),
        col(SuggestionEvent.kind).in_(list(_ANSWERS)),
    ).order_by(col(SuggestionEvent.created_at), col(SuggestionEvent.id))
    for event in (await session.exec(events)).all():
        text = event.text or ""
        if event.kind == SuggestionEventKind.FORWARDED and not text:
            text = "已转交"
        if text:
            replies[event.suggestion_id] = text
    return [
        SuggestionRow(
            id=s.id or 0, day=timeutil.local_date(s.created_at),
            author=ANONYMOUS if s.anonymous or s.author_id is None else (name or "?"),
            content=s.content, status=_status_label(s), reply=replies.get(s.id or 0, ""),
        )
        for s, name in found
    ]


def _status_label(s: Suggestion) -> str:
    label = SuggestionStatus(s.status).label
    return f"{label}（{s.forwarded_to}）" if s.status == SuggestionStatus.FORWARDED and s.forwarded_to \
        else label


async def status_counts(session: AsyncSession, branch_id: int, period: Period) -> dict[str, int]:
    """How many suggestions of the period stand in each status (every status listed)."""
    start, end = period.bounds
    stmt = select(Suggestion.status).where(
        Suggestion.branch_id == branch_id, Suggestion.created_at >= start, Suggestion.created_at < end)
    counts = Counter(SuggestionStatus(s) for s in (await session.exec(stmt)).all())
    return {status.label: counts.get(status, 0) for status in SuggestionStatus}
