"""Receipts: exactly one per member per notice, and the first one wins.

Whatever arrives twice — the same 收到 delivered again, a second 收到, 收到 after 已传达 — meets
the UNIQUE(notice, member) key and is ignored (insert-or-ignore), never an error. A receipt can
only name an expected recipient (a composite foreign key to the snapshot).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, func, true
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput, NotFound
from core.refs import PersonRef
from db.models import Member
from db.models.notice import Channel, Notice, NoticeReceipt, NoticeRecipient
from db.prepared import Prepared, adopt, run
from db.sql import dialect_name, insert_or_ignore, upsert_insert
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


def _unacknowledged(member_id: Any) -> ColumnElement[bool]:
    return ~exists().where(col(NoticeReceipt.notice_id) == col(Notice.id),
                           col(NoticeReceipt.member_id) == member_id)


async def _why_none(db: AsyncSession, *, branch_id: int, since: datetime) -> Conflict:
    recent = (await db.exec(select(Notice.id).where(
        Notice.branch_id == branch_id, col(Notice.created_at) >= since).limit(1))).first()
    if recent is None:
        return Conflict("最近没有需要回复的通知。谢谢您！")
    return Conflict("最近的通知您都已收到，谢谢您！")


# 收到 is sent by a whole branch at once (issue 19): its statements are prepared (db.prepared).
# A member's own receipt: channel QQ, recorded by nobody, no note.
_NOTICE: Any = Notice.__table__  # type: ignore[attr-defined]
_RECIPIENT: Any = NoticeRecipient.__table__  # type: ignore[attr-defined]
_RECEIPT: Any = NoticeReceipt.__table__  # type: ignore[attr-defined]
_NOTICE_FIELDS = tuple(c.name for c in _NOTICE.columns)
_OWN = ("notice_id", "member_id", "channel", "created_at")


def _param(name: str, column: Any) -> Any:
    return bindparam(name, type_=column.type)


def _open_notice(member: Any) -> Any:
    """The newest notice of the last days expecting the member that they have not answered
    (as `acknowledge` means a bare 收到): its row."""
    expects = and_(_RECIPIENT.c.notice_id == _NOTICE.c.id, _RECIPIENT.c.member_id == member)
    return (sa_select(*_NOTICE.columns).join(_RECIPIENT, expects)
            .where(_NOTICE.c.branch_id == _param("branch_id", _NOTICE.c.branch_id),
                   _NOTICE.c.created_at >= _param("since", _NOTICE.c.created_at),
                   _unacknowledged(member))
            .order_by(_NOTICE.c.created_at.desc(), _NOTICE.c.id.desc()).limit(1))


def _own_receipt(dialect: str, source: Any, notice_id: Any, member: Any, returned: Any) -> Any:
    """INSERT the member's own receipt for `notice_id` of each row of `source` (none: nothing),
    ON CONFLICT DO NOTHING, RETURNING `returned` of the new receipt. (The SELECT has a WHERE, as
    SQLite asks of an upsert's SELECT: its ON CONFLICT would otherwise read as a join's ON.)"""
    rows = sa_select(notice_id, member, _param("channel", _RECEIPT.c.channel),
                     _param("now", _RECEIPT.c.created_at)).select_from(source).where(true())
    return (upsert_insert(dialect, _RECEIPT).from_select(list(_OWN), rows)
            .on_conflict_do_nothing(index_elements=["notice_id", "member_id"])
            .returning(returned))


def _count(table: Any, notice_id: Any) -> Any:
    return sa_select(func.count()).select_from(table).where(
        table.c.notice_id == notice_id).scalar_subquery()


def _reached_at(notice_id: Any, member: Any) -> Any:
    return sa_select(_RECEIPT.c.created_at).where(
        _RECEIPT.c.notice_id == notice_id, _RECEIPT.c.member_id == member).scalar_subquery()


def _open_ack_statement(dialect: str) -> Any:
    """A bare 收到's write. PostgreSQL, one statement: the open notice's row, whether the receipt
    was inserted, the receipts before it and the recipients. (A CTE does not see the rows another
    CTE writes: the new receipt is added to the count by the caller.) SQLite: the receipt's INSERT
    from the open notice, RETURNING its notice; `_NOTICE_READ` reads the rest."""
    member = _param("member_id", _RECEIPT.c.member_id)
    if dialect != "postgresql":
        found = _open_notice(member).subquery("found")
        return _own_receipt(dialect, found, found.c.id, member, _RECEIPT.c.notice_id)
    found = _open_notice(member).cte("found")
    inserted = _own_receipt(dialect, found, found.c.id, member, _RECEIPT.c.id).cte("inserted")
    return sa_select(*found.c, sa_select(func.count()).select_from(inserted).scalar_subquery(),
                     _count(_RECEIPT, found.c.id), _count(_RECIPIENT, found.c.id)
                     ).select_from(found).add_cte(inserted)


def _notice_read_statement(_dialect: str) -> Any:
    """SQLite's second statement of a bare 收到: the notice's row and its reach counts."""
    notice_id = _param("notice_id", _NOTICE.c.id)
    return sa_select(*_NOTICE.columns, _count(_RECEIPT, _NOTICE.c.id), _count(_RECIPIENT, _NOTICE.c.id)
                     ).where(_NOTICE.c.id == notice_id)


def _ack_statement(dialect: str) -> Any:
    """收到 #N's write: the receipt's INSERT when the member is an expected recipient (else no
    row). PostgreSQL, one statement: also whether the member is expected, whether a receipt was
    inserted, the receipts before it, the recipients and the member's earlier receipt's time.
    SQLite: the INSERT … RETURNING id; `_REACH_READ` reads the rest."""
    notice_id = _param("notice_id", _RECEIPT.c.notice_id)
    member = _param("member_id", _RECEIPT.c.member_id)
    expected = sa_select(_RECIPIENT.c.id).where(_RECIPIENT.c.notice_id == notice_id,
                                                _RECIPIENT.c.member_id == member)
    if dialect != "postgresql":
        return _own_receipt(dialect, expected.subquery("expected"), notice_id, member,
                            _RECEIPT.c.id)
    recipient = expected.cte("recipient")
    inserted = _own_receipt(dialect, recipient, notice_id, member, _RECEIPT.c.id).cte("inserted")
    return sa_select(exists(sa_select(recipient.c.id)),
                     sa_select(func.count()).select_from(inserted).scalar_subquery(),
                     _count(_RECEIPT, notice_id), _count(_RECIPIENT, notice_id),
                     _reached_at(notice_id, member)).add_cte(recipient).add_cte(inserted)


def _reach_read_statement(_dialect: str) -> Any:
    """SQLite's second statement of 收到 #N: whether the member is expected, the reach counts
    (the receipt included) and the member's receipt's time."""
    notice_id = _param("notice_id", _RECEIPT.c.notice_id)
    member = _param("member_id", _RECEIPT.c.member_id)
    return sa_select(exists().where(_RECIPIENT.c.notice_id == notice_id,
                                    _RECIPIENT.c.member_id == member),
                     _count(_RECEIPT, notice_id), _count(_RECIPIENT, notice_id),
                     _reached_at(notice_id, member))


_OPEN_ACK = Prepared(_open_ack_statement)
_NOTICE_READ = Prepared(_notice_read_statement)
_ACK = Prepared(_ack_statement)
_REACH_READ = Prepared(_reach_read_statement)


async def _ack(db: AsyncSession, notice: Notice, member: Member, now: datetime) -> Ack:
    """收到 #N or a quoted notice: refused when the member was not expected, else the receipt
    unless they had one (the first wins). Two statements on SQLite, one on PostgreSQL."""
    assert notice.id is not None and member.id is not None
    params = {"notice_id": notice.id, "member_id": member.id, "channel": Channel.QQ, "now": now}
    if dialect_name(db) == "postgresql":
        row = (await run(db, _ACK, params)).first()
        assert row is not None  # a SELECT without FROM: one row
        expected, inserted, before, total, at = row
        new = bool(inserted)
        reached = before + inserted
    else:
        new = (await run(db, _ACK, params)).scalar() is not None
        row = (await run(db, _REACH_READ, params)).first()
        assert row is not None
        expected, reached, total, at = row
    if not expected:
        raise Conflict(f"通知 #{notice.number} 发布时您还不在本支部名单里，不用回复。谢谢您！")
    if not new and at is None:  # PostgreSQL: another transaction's receipt, committed meanwhile
        reached, total = await reach_counts(db, notice.id)
        at = await _receipt_time(db, notice.id, member.id)
    return Ack(notice, new, int(reached), int(total), None if new else at)


async def _receipt_time(db: AsyncSession, notice_id: int, member_id: int) -> datetime | None:
    return (await db.exec(select(NoticeReceipt.created_at).where(
        NoticeReceipt.notice_id == notice_id, NoticeReceipt.member_id == member_id))).first()


async def _ack_open(db: AsyncSession, *, branch_id: int, member_id: int, since: datetime,
                    now: datetime) -> Ack | None:
    """A bare 收到: the receipt for the newest open notice (`_open_notice`), or None when there is
    none. Two statements on SQLite, one on PostgreSQL."""
    params = {"branch_id": branch_id, "member_id": member_id, "since": since,
              "channel": Channel.QQ, "now": now}
    width = len(_NOTICE_FIELDS)
    if dialect_name(db) == "postgresql":
        row = (await run(db, _OPEN_ACK, params)).first()
        if row is None:
            return None
        inserted, before, total = row[width:]
        reached = before + inserted
        if not inserted:  # another transaction's same receipt, committed meanwhile
            reached, total = await reach_counts(db, row[0])
    else:
        notice_id = (await run(db, _OPEN_ACK, params)).scalar()
        if notice_id is None:  # SQLite's transactions never overlap: no receipt means no notice
            return None
        row = (await run(db, _NOTICE_READ, {"notice_id": notice_id})).first()
        assert row is not None  # the notice just answered
        reached, total = row[width:]
    notice = adopt(db, Notice, dict(zip(_NOTICE_FIELDS, row[:width], strict=True)))
    return Ack(notice, True, int(reached), int(total))


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
    ack = await _ack_open(db, branch_id=branch_id, member_id=member.id, since=since, now=now)
    if ack is None:
        raise await _why_none(db, branch_id=branch_id, since=since)
    return ack


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
