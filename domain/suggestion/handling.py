"""Suggestions (建言献策): submit, reply, adopt, forward, 实名, 我的建议. No nonebot import here.

Anonymity rules, for anyone reading or building on this plugin (exports, dashboard):
- An anonymous `Suggestion` has `author_id` NULL; `SuggestionSealedAuthor` holds the way back.
- What people may see is `PublicSuggestion`, built only in plugins/suggestion/views.py
  (`list_for_branch`, `public_view`, `count_for_branch`, `stats`, re-exported here), which never
  reads the sealed table, so it cannot name an anonymous author.
- The sealed table is read only here: by `_route` (to deliver a reply privately — the handler gets a
  `Recipient` to send to and never shows it), `_count_today` and `mine` (the author's own view),
  and `claim` (the author's own 实名).
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.roles import Role
from core.textparse import ID_MAX
from db.models import (
    ChatAccount,
    LedgerEntry,
    LedgerKind,
    Member,
    Suggestion,
    SuggestionEvent,
    SuggestionEventKind,
    SuggestionSealedAuthor,
    SuggestionStatus,
)
from plugins.points import service as points
from plugins.suggestion import texts as t
from plugins.suggestion import views
from plugins.suggestion.views import (
    PublicEvent,
    PublicSuggestion,
    SuggestionStats,
    count_for_branch,
    list_for_branch,
    public_view,
    stats,
)

__all__ = [
    "Outcome", "PublicEvent", "PublicSuggestion", "Recipient", "SuggestionStats", "adopt", "claim",
    "count_for_branch", "forward", "list_for_branch", "mine", "public_view", "reply", "stats",
    "submit", "view_for",
]

# A later, stronger state is never downgraded by a weaker action (a reply after adoption stays 已采纳).
_RANK = {SuggestionStatus.PENDING: 0, SuggestionStatus.REPLIED: 1, SuggestionStatus.FORWARDED: 2,
         SuggestionStatus.ADOPTED: 3}


@dataclass(frozen=True)
class Recipient:
    """Whom to tell privately (platform user id). Handlers send to it and never display it."""

    platform: str
    user_id: str
    sealed: bool = False
    """The anonymous author: the handler keeps them out of the log too (plugins/suggestion/privacy.py)."""


@dataclass(frozen=True)
class Outcome:
    """The result of a secretary action: the public view, and whom to tell (None: no account)."""

    suggestion: PublicSuggestion
    recipient: Recipient | None
    awarded: LedgerEntry | None = None


def check_content(text: str, max_length: int, example: str) -> str:
    """The suggestion as written (only outer whitespace trimmed); refuse empty or over-long."""
    # The separator after the command word (建议：… / 建议，…) is not part of the suggestion.
    content = text.strip().lstrip(":：,，").strip()
    if not content:
        raise InvalidInput("请在命令后面写上建议内容。", example)
    if len(content) > max_length:
        raise InvalidInput(f"建议太长了（{len(content)}字），每条最多{max_length}字，请精简或分几条发送。",
                           example)
    return content


async def _count_today(session: AsyncSession, member_id: int, *, anonymous: bool) -> int:
    """Suggestions this member sent today (Beijing day) that count against the next one.

    A named one counts named ones only: its refusal is said in the group, and a count that included
    anonymous ones would tell the group that this member sent some. An anonymous one (refused
    privately) counts both, so a day holds at most the limit of named ones and of anonymous ones.
    """
    start, end = timeutil.day_bounds(timeutil.local_date(timeutil.now()))
    named = select(func.count()).select_from(Suggestion).where(
        Suggestion.author_id == member_id, col(Suggestion.created_at) >= start,
        col(Suggestion.created_at) < end)
    sent = int((await session.exec(named)).one())
    if anonymous:
        sealed = select(func.count()).select_from(SuggestionSealedAuthor).where(
            SuggestionSealedAuthor.member_id == member_id,
            col(SuggestionSealedAuthor.created_at) >= start,
            col(SuggestionSealedAuthor.created_at) < end)
        sent += int((await session.exec(sealed)).one())
    return sent


async def submit(
    session: AsyncSession, *, member: Member, content: str, anonymous: bool, platform: str,
    user_id: str, max_length: int, daily_limit: int,
) -> Suggestion:
    """建议 / 匿名建议: store the text as written; an anonymous one keeps its author only sealed."""
    example = t.EX_ANON if anonymous else t.EX_SUBMIT
    content = check_content(content, max_length, example)
    # Lock the member row (PostgreSQL) so two suggestions sent at once cannot both pass the count;
    # SQLite already serialises writers (BEGIN IMMEDIATE).
    await session.exec(select(Member.id).where(Member.id == member.id).with_for_update())
    sent = await _count_today(session, member.id, anonymous=anonymous)  # type: ignore[arg-type]
    if sent >= daily_limit:
        raise Conflict(f"您今天已提交{sent}条建议，每天最多{daily_limit}条，请明天再提。谢谢您的热心！")
    moment = timeutil.now()
    suggestion = Suggestion(branch_id=member.branch_id, author_id=None if anonymous else member.id,
                            anonymous=anonymous, content=content, created_at=moment,
                            updated_at=moment)
    session.add(suggestion)
    await session.flush()
    session.add(SuggestionEvent(suggestion_id=suggestion.id, kind=SuggestionEventKind.SUBMITTED,
                                created_at=moment))
    if anonymous:
        session.add(SuggestionSealedAuthor(suggestion_id=suggestion.id, member_id=member.id,
                                           platform=platform, user_id=user_id, created_at=moment))
    await session.flush()
    return suggestion


async def view_for(session: AsyncSession, *, branch_id: int, suggestion_id: int, viewer: Member | None,
                   role: Role) -> PublicSuggestion:
    """查看建议: committee and up see any; a member sees their own named ones (anonymous: 我的建议)."""
    suggestion = await views.get_in_branch(session, branch_id, suggestion_id)
    own = viewer is not None and suggestion.author_id == viewer.id
    if role < Role.COMMITTEE and not own:
        raise PermissionDenied("只有支委可以查看他人的建议。您自己的建议请发送“我的建议”查看。")
    return await views.public_view(session, branch_id, suggestion_id)


async def mine(session: AsyncSession, member: Member, limit: int, *,
               include_anonymous: bool = True) -> list[PublicSuggestion]:
    """我的建议: the member's own suggestions, newest first, with history.

    include_anonymous=False for a group chat, where listing them would reveal their author.
    """
    own = Suggestion.author_id == member.id
    if include_anonymous:
        sealed = select(SuggestionSealedAuthor.suggestion_id).where(
            SuggestionSealedAuthor.member_id == member.id)
        own = or_(own, col(Suggestion.id).in_(sealed))
    stmt = select(Suggestion).where(own).order_by(col(Suggestion.created_at).desc(), col(Suggestion.id).desc()).limit(limit)
    rows = [(s, None if s.anonymous else member.name) for s in (await session.exec(stmt)).all()]
    return await views.build_public(session, rows, with_history=True)


async def _route(session: AsyncSession, suggestion: Suggestion) -> Recipient | None:
    """Where to tell the author privately: the sealed row, or the named author's chat account."""
    if suggestion.anonymous:
        sealed = await session.get(SuggestionSealedAuthor, suggestion.id)
        return Recipient(sealed.platform, sealed.user_id, sealed=True) if sealed else None
    account = (await session.exec(select(ChatAccount).where(
        ChatAccount.member_id == suggestion.author_id))).first()
    return Recipient(account.platform, account.user_id) if account else None


async def _act(
    session: AsyncSession, suggestion: Suggestion, *, kind: SuggestionEventKind,
    status: SuggestionStatus | None, operator: Member | None, operator_name: str | None,
    text: str | None = None, points: Decimal | None = None,
) -> None:
    moment = timeutil.now()
    if status is not None and _RANK[status] >= _RANK[SuggestionStatus(suggestion.status)]:
        suggestion.status = status
    suggestion.updated_at = moment
    session.add(suggestion)
    session.add(SuggestionEvent(
        suggestion_id=suggestion.id, kind=kind, text=text, points=points,
        actor_id=operator.id if operator else None, actor_name=operator_name, created_at=moment))
    await session.flush()


async def _outcome(session: AsyncSession, suggestion: Suggestion,
                   awarded: LedgerEntry | None = None) -> Outcome:
    view = await views.public_view(session, suggestion.branch_id, suggestion.id)  # type: ignore[arg-type]
    return Outcome(view, await _route(session, suggestion), awarded)


async def reply(
    session: AsyncSession, *, branch_id: int, suggestion_id: int, text: str,
    operator: Member | None, operator_name: str, max_length: int,
) -> Outcome:
    """回复建议: record the answer; the handler delivers it to the author privately."""
    suggestion = await views.get_in_branch(session, branch_id, suggestion_id, for_update=True)
    text = text.strip()
    if not text:
        raise InvalidInput("请在编号后面写上答复内容。", t.EX_REPLY)
    if len(text) > max_length:
        raise InvalidInput(f"答复太长了（{len(text)}字），最多{max_length}字。", t.EX_REPLY)
    await _act(session, suggestion, kind=SuggestionEventKind.REPLIED, status=SuggestionStatus.REPLIED,
               operator=operator, operator_name=operator_name, text=text)
    return await _outcome(session, suggestion)


async def forward(
    session: AsyncSession, *, branch_id: int, suggestion_id: int, to: str,
    operator: Member | None, operator_name: str,
) -> Outcome:
    """转交建议: note where it went (e.g. 社区居委会); the handler tells the author."""
    suggestion = await views.get_in_branch(session, branch_id, suggestion_id, for_update=True)
    to = to.strip()
    if not to or len(to) > 100:
        raise InvalidInput("请写上转交去向（100字以内）。", t.EX_FORWARD)
    if suggestion.forwarded_to == to:
        raise Conflict(f"建议#{suggestion_id} 已经转交给{to}，无需重复。")
    suggestion.forwarded_to = to
    await _act(session, suggestion, kind=SuggestionEventKind.FORWARDED,
               status=SuggestionStatus.FORWARDED, operator=operator, operator_name=operator_name,
               text=to)
    return await _outcome(session, suggestion)


async def adopt(
    session: AsyncSession, *, branch_id: int, suggestion_id: int, points_given: Decimal | None,
    operator: Member | None, operator_name: str,
) -> Outcome:
    """采纳建议: a named author gets the points now; an anonymous one only after answering 实名."""
    suggestion = await views.get_in_branch(session, branch_id, suggestion_id, for_update=True)
    if suggestion.status == SuggestionStatus.ADOPTED:
        raise Conflict(f"建议#{suggestion_id} 已经采纳过了。")
    amount = points_given if points_given is not None else await points.rule(
        session, branch_id, "suggestion_adopted")
    suggestion.points = amount
    entry = None
    if not suggestion.anonymous and suggestion.author_id is not None and amount > 0:
        author = await session.get(Member, suggestion.author_id)
        if author is not None:
            entry = await _award(session, suggestion, author, operator, operator_name)
    await _act(session, suggestion, kind=SuggestionEventKind.ADOPTED, status=SuggestionStatus.ADOPTED,
               operator=operator, operator_name=operator_name, points=amount)
    return await _outcome(session, suggestion, entry)


async def _award(session: AsyncSession, suggestion: Suggestion, author: Member,
                 operator: Member | None, operator_name: str | None) -> LedgerEntry:
    entry = await points.award(
        session, member=author, delta=suggestion.points or Decimal(0), kind=LedgerKind.SUGGESTION,
        reason=f"建议#{suggestion.id}被采纳", source=f"suggestion:{suggestion.id}",
        operator=operator, operator_name=operator_name)
    suggestion.points_awarded_at = entry.created_at
    session.add(suggestion)
    return entry


async def claim(session: AsyncSession, *, member: Member, suggestion_id: int) -> LedgerEntry:
    """实名 #N: the anonymous author of an adopted suggestion takes its points under their name.

    The suggestion itself stays anonymous in lists; the ledger entry names them, by their choice.
    """
    in_range = suggestion_id <= ID_MAX
    # Locked first (PostgreSQL): a double-tapped 实名 waits here and then finds the points taken.
    suggestion = await session.get(Suggestion, suggestion_id, with_for_update=True) if in_range else None
    sealed = await session.get(SuggestionSealedAuthor, suggestion_id) if in_range else None
    if sealed is None or suggestion is None or sealed.member_id != member.id:
        # The same answer whether #N exists or not: nothing to learn about other people's suggestions.
        raise NotFound(f"您没有编号为#{suggestion_id}的匿名建议。", t.EX_CLAIM)
    if suggestion.status != SuggestionStatus.ADOPTED or not suggestion.points:
        raise Conflict(f"建议#{suggestion_id} 还没有被采纳，暂无积分可领。")
    if suggestion.points_awarded_at is not None:
        raise Conflict(f"建议#{suggestion_id} 的积分已经领取过了。")
    entry = await _award(session, suggestion, member, None, None)
    await _act(session, suggestion, kind=SuggestionEventKind.CLAIMED, status=None, operator=None,
               operator_name=None, points=suggestion.points)
    return entry
