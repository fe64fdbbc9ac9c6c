"""Receipts: exactly one per member per notice, and the first one wins.

Whatever arrives twice — the same 收到 delivered again, a second 收到, 收到 after 已传达 — meets
the UNIQUE(notice, member) key and is ignored (insert-or-ignore), never an error. A receipt can
only name an expected recipient (a composite foreign key to the snapshot).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput, NotFound
from core.refs import PersonRef
from db.models import Member
from db.models.notice import Channel, Notice, NoticeReceipt, NoticeRecipient
from db.sql import insert_or_ignore
from domain.notices.posting import notice_by_number
from domain.notices.words import EX_OFFLINE, NOTE_MAX

OPEN_DAYS = 7
"""A bare 收到 answers the notices of the last this many days (收到 #N answers any)."""


@dataclass(frozen=True)
class Ack:
    """The outcome of a 收到: which notice, whether it was new, and the notice's reach now."""

    notice: Notice
    new: bool
    reached: int
    expected: int
    at: datetime | None = None
    """When the member had already been reached (new=False)."""


async def _insert(db: AsyncSession, *, notice_id: int, member_id: int, channel: Channel,
                  now: datetime, by: Member | None = None, note: str | None = None) -> bool:
    result = await db.exec(insert_or_ignore(
        db, NoticeReceipt, index_elements=["notice_id", "member_id"], notice_id=notice_id,
        member_id=member_id, channel=channel, created_at=now, note=note,
        recorded_by=by.id if by else None, recorded_by_name=by.name if by else None))
    return bool(result.rowcount)


async def reach_counts(db: AsyncSession, notice_id: int) -> tuple[int, int]:
    """(reached, expected) of one notice, in one statement."""
    reached = select(func.count()).select_from(NoticeReceipt).where(
        NoticeReceipt.notice_id == notice_id).scalar_subquery()
    expected = select(func.count()).select_from(NoticeRecipient).where(
        NoticeRecipient.notice_id == notice_id).scalar_subquery()
    row = (await db.exec(select(reached, expected))).one()
    return int(row[0]), int(row[1])


async def reach_by_branch(db: AsyncSession, *, since: datetime, until: datetime
                          ) -> dict[int, tuple[int, int, int]]:
    """Per branch, its notices made in [since, until) as (notices, reached, expected): the sums of
    `reach_counts` over them, in three grouped statements (county figures)."""
    made = and_(col(Notice.created_at) >= since, col(Notice.created_at) < until)
    found: dict[int, list[int]] = {}
    for bid, n in (await db.exec(select(col(Notice.branch_id), func.count()).where(made)
                                 .group_by(col(Notice.branch_id)))).all():
        found.setdefault(bid, [0, 0, 0])[0] = n
    for index, table in ((1, NoticeReceipt), (2, NoticeRecipient)):
        stmt = (select(col(Notice.branch_id), func.count()).select_from(table)
                .join(Notice, col(Notice.id) == col(table.notice_id)).where(made)
                .group_by(col(Notice.branch_id)))
        for bid, n in (await db.exec(stmt)).all():
            found.setdefault(bid, [0, 0, 0])[index] = n
    return {bid: (v[0], v[1], v[2]) for bid, v in found.items()}


def _unacknowledged(member_id: int) -> ColumnElement[bool]:
    return ~exists().where(col(NoticeReceipt.notice_id) == col(Notice.id),
                           col(NoticeReceipt.member_id) == member_id)


async def _newest_open(db: AsyncSession, *, branch_id: int, member_id: int,
                       since: datetime) -> Notice | None:
    """The newest notice of the last days expecting this member that they have not answered."""
    stmt = (select(Notice).join(NoticeRecipient, and_(
        col(NoticeRecipient.notice_id) == col(Notice.id), col(NoticeRecipient.member_id) == member_id))
        .where(Notice.branch_id == branch_id, col(Notice.created_at) >= since,
               _unacknowledged(member_id))
        .order_by(col(Notice.created_at).desc(), col(Notice.id).desc()).limit(1))
    return (await db.exec(stmt)).first()


async def _why_none(db: AsyncSession, *, branch_id: int, since: datetime) -> Conflict:
    recent = (await db.exec(select(Notice.id).where(
        Notice.branch_id == branch_id, col(Notice.created_at) >= since).limit(1))).first()
    if recent is None:
        return Conflict("最近没有需要回复的通知。谢谢您！")
    return Conflict("最近的通知您都已收到，谢谢您！")


async def _ack(db: AsyncSession, notice: Notice, member: Member, now: datetime) -> Ack:
    assert notice.id is not None and member.id is not None
    expected = (await db.exec(select(NoticeRecipient.id).where(
        NoticeRecipient.notice_id == notice.id, NoticeRecipient.member_id == member.id))).first()
    if expected is None:
        raise Conflict(f"通知 #{notice.number} 发布时您还不在本支部名单里，不用回复。谢谢您！")
    new = await _insert(db, notice_id=notice.id, member_id=member.id, channel=Channel.QQ, now=now)
    reached, total = await reach_counts(db, notice.id)
    at = None if new else (await db.exec(select(NoticeReceipt.created_at).where(
        NoticeReceipt.notice_id == notice.id, NoticeReceipt.member_id == member.id))).first()
    return Ack(notice, new, reached, total, at)


async def acknowledge(db: AsyncSession, *, branch_id: int, member: Member, number: int | None = None,
                      notice: Notice | None = None, now: datetime | None = None,
                      open_days: int = OPEN_DAYS) -> Ack:
    """收到 (the newest open notice the member has not answered), 收到 #N, or a quoted notice."""
    now = now or timeutil.now()
    if notice is None and number is not None:
        notice = await notice_by_number(db, branch_id=branch_id, number=number)
    if notice is not None:
        return await _ack(db, notice, member, now)
    assert member.id is not None
    since = now - timedelta(days=open_days)
    found = await _newest_open(db, branch_id=branch_id, member_id=member.id, since=since)
    if found is None:
        raise await _why_none(db, branch_id=branch_id, since=since)
    assert found.id is not None
    await _insert(db, notice_id=found.id, member_id=member.id, channel=Channel.QQ, now=now)
    reached, total = await reach_counts(db, found.id)
    return Ack(found, True, reached, total)


@dataclass
class Relayed:
    """The outcome of 已传达: who was recorded now, who had been reached already, who is not expected."""

    notice: Notice
    channel: Channel
    recorded: list[Member] = field(default_factory=list)
    already: list[tuple[Member, Channel]] = field(default_factory=list)
    not_expected: list[Member] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    reached: int = 0
    expected: int = 0


CHANNEL_WORDS = {"电话": Channel.PHONE, "打电话": Channel.PHONE, "电联": Channel.PHONE,
                 "上门": Channel.VISIT, "走访": Channel.VISIT, "入户": Channel.VISIT,
                 "当面": Channel.IN_PERSON, "面告": Channel.IN_PERSON, "见面": Channel.IN_PERSON}


def parse_channel(word: str) -> Channel | None:
    """电话 / 上门 / 当面 (and a few words members use for them)."""
    return CHANNEL_WORDS.get(word.strip())


async def _members(db: AsyncSession, branch_id: int, refs: list[PersonRef]
                   ) -> tuple[list[Member], list[str]]:
    found: list[Member] = []
    unknown: list[str] = []
    for ref in refs:
        member = (await db.exec(select(Member).where(Member.branch_id == branch_id,
                                                     Member.name == (ref.name or "")))).first()
        if member is None:
            unknown.append(ref.name or "?")
        elif member not in found:
            found.append(member)
    return found, unknown


async def record_offline(db: AsyncSession, *, branch_id: int, number: int | None,
                         refs: list[PersonRef], channel: Channel, by: Member | None,
                         note: str | None = None, now: datetime | None = None) -> Relayed:
    """已传达: members reached by phone, at home or in person, recorded by whom (first receipt wins)."""
    if not refs:
        raise InvalidInput("请写上传达到的成员姓名。", EX_OFFLINE)
    if note and len(note) > NOTE_MAX:
        raise InvalidInput(f"备注太长，最多{NOTE_MAX}字。", EX_OFFLINE)
    now = now or timeutil.now()
    notice = await notice_by_number(db, branch_id=branch_id, number=number)
    assert notice.id is not None
    members, unknown = await _members(db, branch_id, refs)
    ids = [m.id for m in members]
    expected = set((await db.exec(select(NoticeRecipient.member_id).where(
        NoticeRecipient.notice_id == notice.id, col(NoticeRecipient.member_id).in_(ids)))).all())
    before = dict((await db.exec(select(NoticeReceipt.member_id, NoticeReceipt.channel).where(
        NoticeReceipt.notice_id == notice.id, col(NoticeReceipt.member_id).in_(ids)))).all())
    result = Relayed(notice, channel, unknown=unknown)
    for member in members:
        assert member.id is not None
        if member.id not in expected:
            result.not_expected.append(member)
        elif member.id in before or not await _insert(db, notice_id=notice.id, member_id=member.id,
                                                      channel=channel, now=now, by=by, note=note):
            result.already.append((member, Channel(before.get(member.id, channel))))
        else:
            result.recorded.append(member)
    if not result.recorded and not result.already and not result.not_expected:
        raise NotFound(f"本支部没有叫“{'、'.join(unknown)}”的成员。可发送“成员列表”查看。", EX_OFFLINE)
    result.reached, result.expected = await reach_counts(db, notice.id)
    return result
