"""What people may see of suggestions: lists, one suggestion with its history, counts.

This module is the public face of the suggestion tables, for chat lists, exports and the dashboard.
It never imports or reads the sealed author table, so nothing built here can name the author of an
anonymous suggestion: `author_name` is None for every anonymous one (tests/suggestion checks both).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import NotFound
from core.textparse import ID_MAX
from db.models import Member, Suggestion, SuggestionEvent, SuggestionEventKind, SuggestionStatus
from plugins.suggestion import texts as t

"""Ids are INTEGER (PostgreSQL int4): a larger number typed in is simply not found."""


@dataclass(frozen=True)
class PublicEvent:
    """One step of a suggestion's history as people may see it."""

    kind: SuggestionEventKind
    text: str | None
    points: Decimal | None
    actor_name: str | None
    created_at: datetime


@dataclass(frozen=True)
class PublicSuggestion:
    """What people may see of a suggestion. `author_name` is None whenever it is anonymous."""

    id: int
    branch_id: int
    status: SuggestionStatus
    content: str
    anonymous: bool
    author_name: str | None
    created_at: datetime
    forwarded_to: str | None
    points: Decimal | None
    points_awarded: bool
    history: tuple[PublicEvent, ...] = ()


async def build_public(session: AsyncSession, rows: list[tuple[Suggestion, str | None]],
                  with_history: bool = False) -> list[PublicSuggestion]:
    history: dict[int, list[PublicEvent]] = {}
    if with_history and rows:
        stmt = select(SuggestionEvent).where(
            col(SuggestionEvent.suggestion_id).in_([s.id for s, _ in rows])
        ).order_by(col(SuggestionEvent.created_at), col(SuggestionEvent.id))
        for event in (await session.exec(stmt)).all():
            history.setdefault(event.suggestion_id, []).append(PublicEvent(
                SuggestionEventKind(event.kind), event.text, event.points, event.actor_name,
                event.created_at))
    return [
        PublicSuggestion(
            id=s.id, branch_id=s.branch_id, status=SuggestionStatus(s.status),  # type: ignore[arg-type]
            content=s.content, anonymous=s.anonymous,
            author_name=None if s.anonymous else name, created_at=s.created_at,
            forwarded_to=s.forwarded_to, points=s.points,
            points_awarded=s.points_awarded_at is not None,
            history=tuple(history.get(s.id, ())),  # type: ignore[arg-type]
        )
        for s, name in rows
    ]


def with_author():  # noqa: ANN202
    # Outer join on author_id: an anonymous row has none, so no name can come back for it.
    return select(Suggestion, Member.name).join(
        Member, col(Member.id) == col(Suggestion.author_id), isouter=True)


async def list_for_branch(
    session: AsyncSession, branch_id: int, *, status: SuggestionStatus | None = None,
    since: datetime | None = None, until: datetime | None = None, limit: int | None = None,
    with_history: bool = False,
) -> list[PublicSuggestion]:
    """The branch's suggestions, newest first, as people may see them (no anonymous authors).

    The one read for lists, exports and pages; `since`/`until` bound `created_at` (UTC, [since, until)).
    """
    stmt = with_author().where(Suggestion.branch_id == branch_id)
    if status is not None:
        stmt = stmt.where(Suggestion.status == status)
    if since is not None:
        stmt = stmt.where(col(Suggestion.created_at) >= since)
    if until is not None:
        stmt = stmt.where(col(Suggestion.created_at) < until)
    stmt = stmt.order_by(col(Suggestion.created_at).desc(), col(Suggestion.id).desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = [(s, name) for s, name in (await session.exec(stmt)).all()]
    return await build_public(session, rows, with_history)


async def count_for_branch(session: AsyncSession, branch_id: int,
                           status: SuggestionStatus | None = None) -> int:
    """How many suggestions the branch has (in one status, or all)."""
    stmt = select(func.count()).select_from(Suggestion).where(Suggestion.branch_id == branch_id)
    if status is not None:
        stmt = stmt.where(Suggestion.status == status)
    return int((await session.exec(stmt)).one())


@dataclass(frozen=True)
class SuggestionStats:
    """Counts for reports: collected (收集) and adopted (采纳), as the seeds measure a branch."""

    total: int
    anonymous: int
    by_status: dict[SuggestionStatus, int]


async def stats(session: AsyncSession, branch_id: int, since: datetime | None = None,
                until: datetime | None = None) -> SuggestionStats:
    """Counts by status of the suggestions created in [since, until)."""
    stmt = select(Suggestion.status, Suggestion.anonymous, func.count()).where(
        Suggestion.branch_id == branch_id).group_by(col(Suggestion.status), col(Suggestion.anonymous))
    if since is not None:
        stmt = stmt.where(col(Suggestion.created_at) >= since)
    if until is not None:
        stmt = stmt.where(col(Suggestion.created_at) < until)
    by_status = dict.fromkeys(SuggestionStatus, 0)
    anonymous = 0
    for status, anon, n in (await session.exec(stmt)).all():
        by_status[SuggestionStatus(status)] += n
        anonymous += n if anon else 0
    return SuggestionStats(sum(by_status.values()), anonymous, by_status)


async def get_in_branch(session: AsyncSession, branch_id: int, suggestion_id: int, *,
                        for_update: bool = False) -> Suggestion:
    """The suggestion if it belongs to this branch; NotFound otherwise (the same words either way).

    for_update: lock the row (PostgreSQL) so two actions at once see each other's result.
    """
    suggestion = await session.get(Suggestion, suggestion_id, with_for_update=for_update or None
                                   ) if suggestion_id <= ID_MAX else None
    if suggestion is None or suggestion.branch_id != branch_id:
        raise NotFound(f"本支部没有建议#{suggestion_id}。可发送“建议列表”查看。", t.EX_VIEW)
    return suggestion


async def public_view(session: AsyncSession, branch_id: int, suggestion_id: int) -> PublicSuggestion:
    """One suggestion with its history, as people may see it (no anonymous author)."""
    await get_in_branch(session, branch_id, suggestion_id)
    stmt = with_author().where(Suggestion.id == suggestion_id)
    rows = [(s, name) for s, name in (await session.exec(stmt)).all()]
    return (await build_public(session, rows, with_history=True))[0]
