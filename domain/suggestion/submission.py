"""建议 / 匿名建议: a member's suggestion, stored as written, within the daily limit."""

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput
from db.models import Member, Suggestion, SuggestionEvent, SuggestionEventKind
from domain.suggestion import anonymity
from domain.suggestion.examples import EX_ANON, EX_SUBMIT
from domain.suggestion.public import id_of


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


async def _count_today(db: AsyncSession, member_id: int, *, anonymous: bool) -> int:
    """Suggestions this member sent today (Beijing day) that count against the next one.

    A named one counts named ones only: its refusal is said in the group, and a count that included
    anonymous ones would tell the group that this member sent some. An anonymous one (refused
    privately) counts both, so a day holds at most the limit of named ones and of anonymous ones.
    """
    start, end = timeutil.day_bounds(timeutil.local_date(timeutil.now()))
    named = select(func.count()).select_from(Suggestion).where(
        col(Suggestion.author_id) == member_id, col(Suggestion.created_at) >= start,
        col(Suggestion.created_at) < end)
    sent = int((await db.exec(named)).one())
    if anonymous:
        sent += await anonymity.sealed_today(db, member_id=member_id, start=start, end=end)
    return sent


async def submit(
    db: AsyncSession, *, member: Member, content: str, anonymous: bool, platform: str,
    user_id: str, max_length: int, daily_limit: int,
) -> Suggestion:
    """建议 / 匿名建议: store the text as written; an anonymous one keeps its author only sealed."""
    content = check_content(content, max_length, EX_ANON if anonymous else EX_SUBMIT)
    if member.id is None:
        raise ValueError("member not stored")
    # Lock the member row (PostgreSQL) so two suggestions sent at once cannot both pass the count;
    # SQLite already serialises writers (BEGIN IMMEDIATE).
    await db.exec(select(Member.id).where(col(Member.id) == member.id).with_for_update())
    sent = await _count_today(db, member.id, anonymous=anonymous)
    if sent >= daily_limit:
        raise Conflict(f"您今天已提交{sent}条建议，每天最多{daily_limit}条，请明天再提。谢谢您的热心！")
    moment = timeutil.now()
    suggestion = Suggestion(branch_id=member.branch_id, author_id=None if anonymous else member.id,
                            anonymous=anonymous, content=content, created_at=moment,
                            updated_at=moment)
    db.add(suggestion)
    await db.flush()
    db.add(SuggestionEvent(suggestion_id=id_of(suggestion), kind=SuggestionEventKind.SUBMITTED,
                           created_at=moment))
    if anonymous:
        await anonymity.seal(db, suggestion=suggestion, member=member, platform=platform,
                             user_id=user_id)
    await db.flush()
    return suggestion
