"""An anonymous author is never revealed — this module is where that rule lives, and the only one.

An anonymous `Suggestion` has `author_id` NULL; the way back to its author is a
`SuggestionSealedAuthor` row, and this is the only module (outside db/) that names that table.
What leaves here never names an anonymous author to anyone but the author:
- `recipient`: where to deliver a private message to the author. Callers send to it and never show
  it; `Recipient.sealed` tells the sender to keep the id out of the log too.
- `seal`: writes the row when an anonymous suggestion is stored.
- `sealed_today` / `mine` / `is_author`: the author's *own* view — their daily count, their
  我的建议, their 实名 — asked by the author about themself, never about someone else.
Everything people may see of suggestions (lists, 查看建议, exports, the dashboard) is built by
domain/suggestion/public.py, which does not read the sealed table at all.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import ChatAccount, Member, Suggestion, SuggestionSealedAuthor
from domain.suggestion.public import PublicSuggestion, id_of, to_public


@dataclass(frozen=True)
class Recipient:
    """Whom to tell privately (platform user id). Callers send to it and never display it."""

    platform: str
    user_id: str
    sealed: bool = False
    """The anonymous author: keep them out of the log too (bot/logprivacy.py)."""


async def seal(db: AsyncSession, *, suggestion: Suggestion, member: Member, platform: str,
               user_id: str) -> None:
    """Keep the way back to the author of a just-stored anonymous suggestion, sealed."""
    if member.id is None:
        raise ValueError("member not stored")
    db.add(SuggestionSealedAuthor(suggestion_id=id_of(suggestion), member_id=member.id,
                                  platform=platform, user_id=user_id, created_at=suggestion.created_at))


async def sealed_today(db: AsyncSession, *, member_id: int, start: datetime, end: datetime) -> int:
    """How many anonymous suggestions this member sent in [start, end) (their own daily limit)."""
    stmt = select(func.count()).select_from(SuggestionSealedAuthor).where(
        col(SuggestionSealedAuthor.member_id) == member_id,
        col(SuggestionSealedAuthor.created_at) >= start,
        col(SuggestionSealedAuthor.created_at) < end)
    return int((await db.exec(stmt)).one())


async def mine(db: AsyncSession, *, member: Member, limit: int,
               include_anonymous: bool = True) -> list[PublicSuggestion]:
    """我的建议: the member's own suggestions, newest first, with history.

    include_anonymous=False for a group chat, where listing them would reveal their author.
    """
    own = col(Suggestion.author_id) == member.id
    if include_anonymous:
        sealed = select(SuggestionSealedAuthor.suggestion_id).where(
            col(SuggestionSealedAuthor.member_id) == member.id)
        own = or_(own, col(Suggestion.id).in_(sealed))
    stmt = (select(Suggestion).where(own)
            .order_by(col(Suggestion.created_at).desc(), col(Suggestion.id).desc()).limit(limit))
    rows = [(s, None if s.anonymous else member.name) for s in (await db.exec(stmt)).all()]
    return await to_public(db, rows, with_history=True)


async def is_author(db: AsyncSession, *, suggestion_id: int, member: Member) -> bool:
    """Whether this member sent this anonymous suggestion (their own 实名)."""
    sealed = await db.get(SuggestionSealedAuthor, suggestion_id)
    return sealed is not None and sealed.member_id == member.id


async def recipient(db: AsyncSession, suggestion: Suggestion) -> Recipient | None:
    """Where to tell the author privately: the sealed row, or the named author's chat account."""
    if suggestion.anonymous:
        sealed = await db.get(SuggestionSealedAuthor, suggestion.id)
        return Recipient(sealed.platform, sealed.user_id, sealed=True) if sealed else None
    stmt = select(ChatAccount).where(col(ChatAccount.member_id) == suggestion.author_id)
    account = (await db.exec(stmt)).first()
    return Recipient(account.platform, account.user_id) if account else None
