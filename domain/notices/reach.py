"""Who a notice has reached and who not yet: the one definition, read by 通知情况, the follow-ups,
the county's reach table, the dashboard and the 通知传达台账 alike."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import ChatAccount, Member, MemberStatus
from db.models.notice import Channel, Notice, NoticeReceipt, NoticeRecipient


@dataclass(frozen=True)
class Person:
    """One expected recipient as the reach lists show them."""

    member_id: int
    name: str
    active: bool
    """Still an active member (a member deactivated since stays counted, but is not chased)."""
    chat_id: str | None
    """Their chat account on the notice's platform while in the group (None: no QQ to @)."""
    channel: Channel | None = None
    recorded_by: str | None = None
    note: str | None = None
    at: datetime | None = None

    @property
    def reached(self) -> bool:
        """Has a receipt."""
        return self.channel is not None


@dataclass(frozen=True)
class Reach:
    """A notice and every expected recipient, reached or not."""

    notice: Notice
    people: list[Person]

    @property
    def expected(self) -> int:
        """应传达."""
        return len(self.people)

    @property
    def reached(self) -> list[Person]:
        """已传达, in the order they were reached."""
        return sorted((p for p in self.people if p.reached), key=lambda p: (p.at, p.member_id))

    @property
    def missing(self) -> list[Person]:
        """未传达."""
        return [p for p in self.people if not p.reached]

    def by_channel(self, channel: Channel) -> list[Person]:
        """The reached by one channel."""
        return [p for p in self.reached if p.channel == channel]

    @property
    def rate(self) -> float:
        """Reached / expected (1.0 for a notice expecting nobody)."""
        return len(self.reached) / self.expected if self.expected else 1.0


async def reach_of(db: AsyncSession, notice: Notice, *, platform: str = "onebot") -> Reach:
    """Every expected recipient of the notice with their receipt, if any (one statement)."""
    stmt = (
        select(Member, NoticeReceipt, ChatAccount.user_id)
        .join(NoticeRecipient, col(NoticeRecipient.member_id) == col(Member.id))
        .outerjoin(NoticeReceipt, and_(col(NoticeReceipt.notice_id) == col(NoticeRecipient.notice_id),
                                       col(NoticeReceipt.member_id) == col(Member.id)))
        .outerjoin(ChatAccount, and_(col(ChatAccount.member_id) == col(Member.id),
                                     col(ChatAccount.platform) == (notice.platform or platform),
                                     col(ChatAccount.in_group)))
        .where(NoticeRecipient.notice_id == notice.id)
        .order_by(col(Member.id))
    )
    people = []
    for member, receipt, chat_id in (await db.exec(stmt)).all():
        assert member.id is not None
        people.append(Person(
            member_id=member.id, name=member.name, active=member.status == MemberStatus.ACTIVE,
            chat_id=chat_id, channel=Channel(receipt.channel) if receipt else None,
            recorded_by=receipt.recorded_by_name if receipt else None,
            note=receipt.note if receipt else None, at=receipt.created_at if receipt else None))
    return Reach(notice, people)


async def reach_between(db: AsyncSession, *, branch_id: int, start: datetime, end: datetime,
                        platform: str = "onebot") -> list[Reach]:
    """The reach of each notice a branch sent in [start, end), oldest first (通知传达台账, 后台)."""
    found = (await db.exec(select(Notice).where(
        Notice.branch_id == branch_id, col(Notice.created_at) >= start, col(Notice.created_at) < end)
        .order_by(col(Notice.number)))).all()
    return [await reach_of(db, notice, platform=platform) for notice in found]
