"""What happens to a suggestion after it is sent: 回复, 转交, 采纳 (with its points) and 实名.

Each action returns an `Outcome`: the public view, and whom to tell privately (which the caller
delivers after the commit and never shows). Points go through the points capability's ledger.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput, NotFound
from core.textparse import ID_MAX
from db.models import (
    LedgerEntry,
    LedgerKind,
    Member,
    Suggestion,
    SuggestionEvent,
    SuggestionEventKind,
    SuggestionStatus,
)
from domain import points
from domain.suggestion import anonymity
from domain.suggestion.anonymity import Recipient
from domain.suggestion.examples import EX_CLAIM, EX_FORWARD, EX_REPLY
from domain.suggestion.public import PublicSuggestion, get_in_branch, id_of, public_view

# A later, stronger state is never downgraded by a weaker action (a reply after adoption stays 已采纳).
_RANK = {SuggestionStatus.PENDING: 0, SuggestionStatus.REPLIED: 1, SuggestionStatus.FORWARDED: 2,
         SuggestionStatus.ADOPTED: 3}


@dataclass(frozen=True)
class Outcome:
    """The result of a secretary action: the public view, and whom to tell (None: no account)."""

    suggestion: PublicSuggestion
    recipient: Recipient | None
    awarded: LedgerEntry | None = None


async def _act(
    db: AsyncSession, suggestion: Suggestion, *, kind: SuggestionEventKind,
    status: SuggestionStatus | None, operator: Member | None, operator_name: str | None,
    text: str | None = None, amount: Decimal | None = None,
) -> None:
    """Record one step of the history (and the stronger status it brings)."""
    moment = timeutil.now()
    if status is not None and _RANK[status] >= _RANK[SuggestionStatus(suggestion.status)]:
        suggestion.status = status
    suggestion.updated_at = moment
    db.add(suggestion)
    db.add(SuggestionEvent(
        suggestion_id=id_of(suggestion), kind=kind, text=text, points=amount,
        actor_id=operator.id if operator else None, actor_name=operator_name, created_at=moment))
    await db.flush()


async def _outcome(db: AsyncSession, suggestion: Suggestion,
                   awarded: LedgerEntry | None = None) -> Outcome:
    view = await public_view(db, branch_id=suggestion.branch_id, suggestion_id=id_of(suggestion))
    return Outcome(view, await anonymity.recipient(db, suggestion), awarded)


async def reply(
    db: AsyncSession, *, branch_id: int, suggestion_id: int, text: str,
    operator: Member | None, operator_name: str, max_length: int,
) -> Outcome:
    """回复建议: record the answer; the caller delivers it to the author privately."""
    suggestion = await get_in_branch(db, branch_id=branch_id, suggestion_id=suggestion_id,
                                     for_update=True)
    text = text.strip()
    if not text:
        raise InvalidInput("请在编号后面写上答复内容。", EX_REPLY)
    if len(text) > max_length:
        raise InvalidInput(f"答复太长了（{len(text)}字），最多{max_length}字。", EX_REPLY)
    await _act(db, suggestion, kind=SuggestionEventKind.REPLIED, status=SuggestionStatus.REPLIED,
               operator=operator, operator_name=operator_name, text=text)
    return await _outcome(db, suggestion)


async def forward(
    db: AsyncSession, *, branch_id: int, suggestion_id: int, to: str,
    operator: Member | None, operator_name: str,
) -> Outcome:
    """转交建议: note where it went (e.g. 社区居委会); the caller tells the author."""
    suggestion = await get_in_branch(db, branch_id=branch_id, suggestion_id=suggestion_id,
                                     for_update=True)
    to = to.strip()
    if not to or len(to) > 100:
        raise InvalidInput("请写上转交去向（100字以内）。", EX_FORWARD)
    if suggestion.forwarded_to == to:
        raise Conflict(f"建议#{suggestion_id} 已经转交给{to}，无需重复。")
    suggestion.forwarded_to = to
    await _act(db, suggestion, kind=SuggestionEventKind.FORWARDED,
               status=SuggestionStatus.FORWARDED, operator=operator, operator_name=operator_name,
               text=to)
    return await _outcome(db, suggestion)


async def adopt(
    db: AsyncSession, *, branch_id: int, suggestion_id: int, points_given: Decimal | None,
    operator: Member | None, operator_name: str,
) -> Outcome:
    """采纳建议: a named author gets the points now; an anonymous one only after answering 实名."""
    suggestion = await get_in_branch(db, branch_id=branch_id, suggestion_id=suggestion_id,
                                     for_update=True)
    if suggestion.status == SuggestionStatus.ADOPTED:
        raise Conflict(f"建议#{suggestion_id} 已经采纳过了。")
    amount = points_given if points_given is not None else await points.rule(
        db, branch_id, "suggestion_adopted")
    suggestion.points = amount
    entry = None
    if not suggestion.anonymous and suggestion.author_id is not None and amount > 0:
        author = await db.get(Member, suggestion.author_id)
        if author is not None:
            entry = await _award(db, suggestion, author, operator, operator_name)
    await _act(db, suggestion, kind=SuggestionEventKind.ADOPTED, status=SuggestionStatus.ADOPTED,
               operator=operator, operator_name=operator_name, amount=amount)
    return await _outcome(db, suggestion, entry)


async def _award(db: AsyncSession, suggestion: Suggestion, author: Member,
                 operator: Member | None, operator_name: str | None) -> LedgerEntry:
    entry = await points.award(
        db, member=author, delta=suggestion.points or Decimal(0), kind=LedgerKind.SUGGESTION,
        reason=f"建议#{suggestion.id}被采纳", source=f"suggestion:{suggestion.id}",
        operator=operator, operator_name=operator_name)
    suggestion.points_awarded_at = entry.created_at
    db.add(suggestion)
    return entry


async def claim(db: AsyncSession, *, member: Member, suggestion_id: int) -> LedgerEntry:
    """实名 #N: the anonymous author of an adopted suggestion takes its points under their name.

    The suggestion itself stays anonymous in lists; the ledger entry names them, by their choice.
    """
    in_range = suggestion_id <= ID_MAX
    # Locked first (PostgreSQL): a double-tapped 实名 waits here and then finds the points taken.
    suggestion = await db.get(Suggestion, suggestion_id, with_for_update=True) if in_range else None
    if suggestion is None or not await anonymity.is_author(db, suggestion_id=suggestion_id,
                                                            member=member):
        # The same answer whether #N exists or not: nothing to learn about other people's suggestions.
        raise NotFound(f"您没有编号为#{suggestion_id}的匿名建议。", EX_CLAIM)
    if suggestion.status != SuggestionStatus.ADOPTED or not suggestion.points:
        raise Conflict(f"建议#{suggestion_id} 还没有被采纳，暂无积分可领。")
    if suggestion.points_awarded_at is not None:
        raise Conflict(f"建议#{suggestion_id} 的积分已经领取过了。")
    entry = await _award(db, suggestion, member, None, None)
    await _act(db, suggestion, kind=SuggestionEventKind.CLAIMED, status=None, operator=None,
               operator_name=None, amount=suggestion.points)
    return entry
