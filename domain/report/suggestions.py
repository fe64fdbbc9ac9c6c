"""Suggestions as the ledgers show them, read through domain.suggestion's public read model.

That read model never reads the sealed author table, so an anonymous author cannot reach a page or
a file from here; they are shown as 匿名.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models.suggestion import SuggestionEventKind, SuggestionStatus
from domain import suggestion
from domain.report.periods import Period

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


def _reply(item: suggestion.PublicSuggestion) -> str:
    answers = [e.text for e in item.history if e.kind in _ANSWERS and e.text]
    return answers[-1] if answers else ""


def _status(item: suggestion.PublicSuggestion) -> str:
    if item.status == SuggestionStatus.FORWARDED and item.forwarded_to:
        return f"{item.status.label}（{item.forwarded_to}）"
    return item.status.label


async def suggestion_rows(db: AsyncSession, *, branch_id: int, period: Period) -> list[SuggestionRow]:
    """Suggestions made in the period, oldest first, with the latest answer."""
    start, end = period.bounds
    items = await suggestion.list_for_branch(db, branch_id=branch_id, since=start, until=end,
                                             with_history=True)
    return [
        SuggestionRow(id=s.id, day=timeutil.local_date(s.created_at),
                      author=s.author_name if s.author_name and not s.anonymous else ANONYMOUS,
                      content=s.content, status=_status(s), reply=_reply(s))
        for s in reversed(items)
    ]


async def status_counts(db: AsyncSession, *, branch_id: int, period: Period) -> dict[str, int]:
    """How many suggestions of the period stand in each status (every status listed)."""
    start, end = period.bounds
    counts = await suggestion.stats(db, branch_id=branch_id, since=start, until=end)
    return {status.label: counts.by_status.get(status, 0) for status in SuggestionStatus}
