"""The public read model of suggestions: what anyone may see — never the anonymous author.

Chat lists, 查看建议, exports and the dashboard all read suggestions through this module. It never
imports or reads the sealed author table (domain/suggestion/anonymity.py is the only module that
does), so nothing built here can name the author of an anonymous suggestion: `author_name` is None
for every anonymous one (tests/domain/suggestion checks both).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from core.errors import NotFound, PermissionDenied
from core.roles import Role
from core.textparse import ID_MAX
from db.models import Member, Suggestion, SuggestionEvent, SuggestionEventKind, SuggestionStatus
from domain.permissions import permission
from domain.suggestion.examples import EX_VIEW


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


def id_of(suggestion: Suggestion) -> int:
    """The id of a stored (flushed) suggestion."""
    if suggestion.id is None:
        raise ValueError("suggestion not flushed yet")
    return suggestion.id


async def to_public(db: AsyncSession, rows: Sequence[tuple[Suggestion, str | None]], *,
                    with_history: bool = False) -> list[PublicSuggestion]:
    """Public views of suggestions with their named author's name (dropped for anonymous ones)."""
    history: dict[int, list[PublicEvent]] = {}
    if with_history and rows:
        stmt = select(SuggestionEvent).where(
            col(SuggestionEvent.suggestion_id).in_([id_of(s) for s, _ in rows])
        ).order_by(col(SuggestionEvent.created_at), col(SuggestionEvent.id))
        for event in (await db.exec(stmt)).all():
            history.setdefault(event.suggestion_id, []).append(PublicEvent(
                SuggestionEventKind(event.kind), event.text, event.points, event.actor_name,
                event.created_at))
    return [
        PublicSuggestion(
            id=id_of(s), branch_id=s.branch_id, status=SuggestionStatus(s.status),
            content=s.content, anonymous=s.anonymous,
            author_name=None if s.anonymous else name, created_at=s.created_at,
            forwarded_to=s.forwarded_to, points=s.points,
            points_awarded=s.points_awarded_at is not None,
            history=tuple(history.get(id_of(s), ())),
        )
        for s, name in rows
    ]


def _with_author() -> Select[Suggestion, str]:
    # Outer join on author_id: an anonymous row has none, so no name can come back for it.
    return select(Suggestion, col(Member.name)).join(
        Member, col(Member.id) == col(Suggestion.author_id), isouter=True)


async def list_for_branch(
    db: AsyncSession, *, branch_id: int, status: SuggestionStatus | None = None,
    since: datetime | None = None, until: datetime | None = None, limit: int | None = None,
    with_history: bool = False,
) -> list[PublicSuggestion]:
    """The branch's suggestions, newest first, as people may see them (no anonymous authors).

    The one read for lists, exports and pages; `since`/`until` bound `created_at` (UTC, [since, until)).
    """
    stmt = _with_author().where(col(Suggestion.branch_id) == branch_id)
    if status is not None:
        stmt = stmt.where(col(Suggestion.status) == status)
    if since is not None:
        stmt = stmt.where(col(Suggestion.created_at) >= since)
    if until is not None:
        stmt = stmt.where(col(Suggestion.created_at) < until)
    stmt = stmt.order_by(col(Suggestion.created_at).desc(), col(Suggestion.id).desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = [(s, name) for s, name in (await db.exec(stmt)).all()]
    return await to_public(db, rows, with_history=with_history)


async def count_for_branch(db: AsyncSession, *, branch_id: int,
                           status: SuggestionStatus | None = None) -> int:
    """How many suggestions the branch has (in one status, or all)."""
    stmt = select(func.count()).select_from(Suggestion).where(col(Suggestion.branch_id) == branch_id)
    if status is not None:
        stmt = stmt.where(col(Suggestion.status) == status)
    return int((await db.exec(stmt)).one())


@dataclass(frozen=True)
class SuggestionStats:
    """Counts for reports: collected (收集) and adopted (采纳), as the seeds measure a branch."""

    total: int
    anonymous: int
    by_status: dict[SuggestionStatus, int]


async def stats(db: AsyncSession, *, branch_id: int, since: datetime | None = None,
                until: datetime | None = None) -> SuggestionStats:
    """Counts by status of the suggestions created in [since, until)."""
    stmt = select(col(Suggestion.status), col(Suggestion.anonymous), func.count()).where(
        col(Suggestion.branch_id) == branch_id
    ).group_by(col(Suggestion.status), col(Suggestion.anonymous))
    if since is not None:
        stmt = stmt.where(col(Suggestion.created_at) >= since)
    if until is not None:
        stmt = stmt.where(col(Suggestion.created_at) < until)
    by_status = dict.fromkeys(SuggestionStatus, 0)
    anonymous = 0
    for status, anon, n in (await db.exec(stmt)).all():
        by_status[SuggestionStatus(status)] += n
        anonymous += n if anon else 0
    return SuggestionStats(sum(by_status.values()), anonymous, by_status)


async def stats_by_branch(db: AsyncSession, *, since: datetime, until: datetime
                          ) -> dict[int, SuggestionStats]:
    """`stats` for every branch at once (county figures): one grouped statement, counts only."""
    stmt = select(col(Suggestion.branch_id), col(Suggestion.status), col(Suggestion.anonymous),
                  func.count()).where(
        col(Suggestion.created_at) >= since, col(Suggestion.created_at) < until,
    ).group_by(col(Suggestion.branch_id), col(Suggestion.status), col(Suggestion.anonymous))
    counts: dict[int, dict[SuggestionStatus, int]] = {}
    anonymous: dict[int, int] = {}
    for branch_id, status, anon, n in (await db.exec(stmt)).all():
        by_status = counts.get(branch_id)
        if by_status is None:
            by_status = counts[branch_id] = dict.fromkeys(SuggestionStatus, 0)
        by_status[SuggestionStatus(status)] += n
        if anon:
            anonymous[branch_id] = anonymous.get(branch_id, 0) + n
    return {bid: SuggestionStats(sum(by_status.values()), anonymous.get(bid, 0), by_status)
            for bid, by_status in counts.items()}


async def unanswered_by_branch(db: AsyncSession, *, before: datetime) -> dict[int, int]:
    """Per branch, how many suggestions made before `before` still wait for an answer (待处理)."""
    stmt = select(col(Suggestion.branch_id), func.count()).where(
        col(Suggestion.status) == SuggestionStatus.PENDING, col(Suggestion.created_at) < before,
    ).group_by(col(Suggestion.branch_id))
    return {branch_id: n for branch_id, n in (await db.exec(stmt)).all()}


async def get_in_branch(db: AsyncSession, *, branch_id: int, suggestion_id: int,
                        for_update: bool = False) -> Suggestion:
    """The suggestion if it belongs to this branch; NotFound otherwise (the same words either way).

    Ids are INTEGER (PostgreSQL int4): a larger number typed in is simply not found.
    for_update: lock the row (PostgreSQL) so two actions at once see each other's result.
    """
    suggestion = await db.get(Suggestion, suggestion_id, with_for_update=for_update or None
                              ) if suggestion_id <= ID_MAX else None
    if suggestion is None or suggestion.branch_id != branch_id:
        raise NotFound(f"本支部没有建议#{suggestion_id}。可发送“建议列表”查看。", EX_VIEW)
    return suggestion


async def public_view(db: AsyncSession, *, branch_id: int, suggestion_id: int) -> PublicSuggestion:
    """One suggestion with its history, as people may see it (no anonymous author)."""
    await get_in_branch(db, branch_id=branch_id, suggestion_id=suggestion_id)
    stmt = _with_author().where(col(Suggestion.id) == suggestion_id)
    rows = [(s, name) for s, name in (await db.exec(stmt)).all()]
    return (await to_public(db, rows, with_history=True))[0]


async def view_for(db: AsyncSession, *, branch_id: int, suggestion_id: int, viewer: Member | None,
                   role: Role) -> PublicSuggestion:
    """查看建议: a member sees their own named ones (anonymous: 我的建议); the table says who sees any."""
    suggestion = await get_in_branch(db, branch_id=branch_id, suggestion_id=suggestion_id)
    if viewer is None or suggestion.author_id != viewer.id:
        try:
            permission("查看建议").check_others(role)
        except PermissionDenied as refused:
            raise PermissionDenied(f"{refused.message}您自己的建议请发送“我的建议”查看。") from None
    return await public_view(db, branch_id=branch_id, suggestion_id=suggestion_id)
