"""Posting a notice: its number #N in the branch, and who it expects (a snapshot, taken now).

Expected recipients are the branch's active members at the moment of the notice, whatever their
health category and whether or not they have a chat account (those are the ones most at risk of
being missed). A member deactivated later stays expected by this notice; one added later is not.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, literal
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import InvalidInput, NotFound
from core.textparse import ID_MAX
from db.models import Member, MemberStatus
from db.models.notice import Channel, Notice, NoticeReceipt, NoticeRecipient
from domain.notices.words import EX_POST, EX_STATUS, TEXT_MAX


@dataclass(frozen=True)
class Author:
    """Who posts a notice: a member of the branch, or (a county notice) someone named only."""

    name: str
    member_id: int | None = None


def check_text(text: str, example: str = EX_POST) -> str:
    """The notice's words as written (lines kept); refused when empty or too long."""
    text = text.strip()
    if not text:
        raise InvalidInput("请在“通知”后面写上通知的内容。", example)
    if len(text) > TEXT_MAX:
        raise InvalidInput(f"通知太长（{len(text)}字），最多{TEXT_MAX}字。请删短一些，或分两条发。",
                           example)
    return text


async def _next_number(db: AsyncSession, branch_id: int) -> int:
    top = (await db.exec(select(func.max(Notice.number)).where(Notice.branch_id == branch_id))).one()
    return (top or 0) + 1


async def _numbered(db: AsyncSession, notice: Notice) -> Notice:
    """Insert the notice with the branch's next #N; a concurrent poster's number is retried past."""
    for _ in range(4):
        notice.number = await _next_number(db, notice.branch_id)
        try:
            async with db.begin_nested():
                db.add(notice)
                await db.flush()
        except IntegrityError:  # UNIQUE(branch_id, number): someone took this #N a moment ago
            continue
        return notice
    raise RuntimeError("could not number the notice")


async def create_notice(db: AsyncSession, *, branch_id: int, text: str, author: Author,
                        now: datetime | None = None, county_notice_id: int | None = None) -> Notice:
    """A new notice #N expecting every active member now; its author counts as reached."""
    now = now or timeutil.now()
    notice = await _numbered(db, Notice(
        branch_id=branch_id, number=0, text=check_text(text), created_at=now,
        created_by=author.member_id, created_by_name=author.name[:32],
        county_notice_id=county_notice_id))
    members = select(literal(notice.id), col(Member.id)).where(
        Member.branch_id == branch_id, Member.status == MemberStatus.ACTIVE)
    await db.exec(insert(NoticeRecipient).from_select(["notice_id", "member_id"], members))
    assert notice.id is not None
    if author.member_id is not None and await _expects(db, notice, author.member_id):
        db.add(NoticeReceipt(notice_id=notice.id, member_id=author.member_id, channel=Channel.QQ,
                             created_at=now))
        await db.flush()
    return notice


async def _expects(db: AsyncSession, notice: Notice, member_id: int) -> bool:
    return (await db.exec(select(NoticeRecipient.id).where(
        NoticeRecipient.notice_id == notice.id, NoticeRecipient.member_id == member_id))).first() is not None


async def set_message(db: AsyncSession, *, notice_id: int, platform: str, message_id: str) -> None:
    """Remember the group message that posted the notice (a reply-quote of it is a 收到)."""
    notice = await db.get(Notice, notice_id)
    if notice is not None:
        notice.platform, notice.message_id = platform, message_id
        db.add(notice)
        await db.flush()


async def notice_by_number(db: AsyncSession, *, branch_id: int, number: int | None) -> Notice:
    """#N of this branch, or its newest notice when no number is given; NotFound otherwise."""
    stmt = select(Notice).where(Notice.branch_id == branch_id)
    if number is None:
        stmt = stmt.order_by(col(Notice.number).desc()).limit(1)
    else:
        stmt = stmt.where(Notice.number == number)
    # A number past any INTEGER (PostgreSQL int4 refuses it as a parameter) is simply not found.
    notice = (await db.exec(stmt)).first() if number is None or 0 < number <= ID_MAX else None
    if notice is None:
        if number is None:
            raise NotFound("本支部还没有发过通知。", EX_POST)
        raise NotFound(f"本支部没有通知 #{number}。发送“通知列表”可查看编号。", EX_STATUS)
    return notice


async def notice_by_message(db: AsyncSession, *, branch_id: int, platform: str,
                            message_id: str) -> Notice | None:
    """The notice a group message posted (the one a member reply-quotes)."""
    return (await db.exec(select(Notice).where(
        Notice.platform == platform, Notice.message_id == message_id,
        Notice.branch_id == branch_id))).first()


async def recent_notices(db: AsyncSession, *, branch_id: int, limit: int = 10) -> list[Notice]:
    """The branch's newest notices first."""
    return list((await db.exec(select(Notice).where(Notice.branch_id == branch_id)
                               .order_by(col(Notice.number).desc()).limit(limit))).all())
