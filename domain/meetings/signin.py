"""签到 and 代签: a member signed in to the open meeting, 第N位 from an atomic counter, with points."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, String, bindparam, cast, func, insert, literal, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput, NotFound
from core.refs import PersonRef
from db.models import (
    Attendance,
    AttendanceStatus,
    LedgerEntry,
    LedgerKind,
    Member,
    SessionKind,
    StudySession,
)
from db.prepared import Prepared, adopt, loaded, run
from db.sql import dialect_name, insert_or_ignore
from domain import points, roster
from domain.meetings import texts as t
from domain.meetings.attendance import ATTENDED
from domain.meetings.meetings import next_meeting, open_row_at, require_open

RULE_KEYS = ("signin_on_time", "signin_late")


@dataclass
class SignIn:
    """The outcome of one sign-in: already is True when the member had signed in before."""

    member: Member
    meeting: StudySession
    attendance: Attendance
    already: bool = False
    points: Decimal | None = None


@dataclass
class ProxyResult:
    """代签 outcome: one SignIn per named member found, and the names not found."""

    meeting: StudySession
    done: list[SignIn] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


async def attendance_row(db: AsyncSession, *, meeting_id: int, member_id: int) -> Attendance | None:
    """The member's row for the meeting (signed in, late, on leave or made up), if any."""
    stmt = select(Attendance).where(Attendance.session_id == meeting_id,
                                    Attendance.member_id == member_id)
    return (await db.exec(stmt)).first()


async def award_attendance(
    db: AsyncSession, *, member: Member, meeting: StudySession, row: Attendance,
    operator: Member | None, operator_name: str | None, rules: dict[str, Decimal] | None = None,
) -> Decimal | None:
    """The branch's points for coming (on time or late), in this transaction; None when 0.

    `rules`: the values already resolved for this meeting's kind (the hot path reads them with the
    meeting, `_open_statement`); without them the branch's rules are looked up here."""
    key = "signin_late" if row.status == AttendanceStatus.LATE else "signin_on_time"
    if rules is not None:
        delta = rules[key]
    else:
        delta = await points.rule(db, member.branch_id, key)
        if meeting.kind != SessionKind.STUDY:  # the branch's rule for this kind, else as 学习
            delta = await points.kind_rule(db, member.branch_id, key, meeting.kind, base=delta)
    if not delta:
        return None
    await points.award(db, member=member, delta=delta, kind=LedgerKind.STUDY,
                       reason=_award_reason(meeting, row.status), source=f"signin:{row.id}",
                       operator=operator, operator_name=operator_name, moment=row.signed_at)
    return delta


def _award_reason(meeting: StudySession, status: str) -> str:
    """The ledger's words for coming to a meeting: `学习按时签到 #12`."""
    return f"{SessionKind(meeting.kind).label}{AttendanceStatus(status).label} #{meeting.id}"


def _open_statement(_dialect: str) -> Any:
    """The branch's open meeting with its sign-in points rules (the branch's rule for the
    meeting's kind, else its 学习 rule, else the default): one read, no lock."""
    table: Any = StudySession.__table__  # type: ignore[attr-defined]
    branch: Any = bindparam("signin_branch", type_=table.c.branch_id.type)
    now: Any = bindparam("signin_now", type_=table.c.opens_at.type)
    own = [points.rule_value(branch, literal(f"{key}.") + table.c.kind) for key in RULE_KEYS]
    base = [points.rule_value(branch, key) for key in RULE_KEYS]
    return open_row_at(branch, now, *own, *base)


_MEETING_FIELDS = tuple(c.name for c in StudySession.__table__.columns)  # type: ignore[attr-defined]


def _kind_rules(meeting: StudySession, stored: Any) -> dict[str, Decimal]:
    """`_open_statement`'s rule columns, resolved as points.kind_rule resolves them."""
    own, base = stored[:len(RULE_KEYS)], stored[len(RULE_KEYS):]
    return {key: Decimal(str(o)) if o is not None and f"{key}.{meeting.kind}" in points.KIND_RULE_LABELS
            else points.rule_or_default(key, b)
            for key, o, b in zip(RULE_KEYS, own, base, strict=True)}


_ROW_COLUMNS = ("session_id", "member_id", "status", "seq", "signed_at", "proxy_by")


def _insert_statement(dialect: str) -> Any:
    """The attendance row, 第N位 not yet taken: INSERT … ON CONFLICT DO NOTHING RETURNING id."""
    table = Attendance.__table__  # type: ignore[attr-defined]
    return insert_or_ignore(dialect, table, index_elements=["session_id", "member_id"],
                            **{c: bindparam(c, type_=table.c[c].type) for c in _ROW_COLUMNS}
                            ).returning(table.c.id)


def _insert_awarded_statement(_dialect: str) -> Any:
    """PostgreSQL: the attendance row (as _insert_statement) and, when the 签到 earns points
    (`award`), its ledger entry and balance (domain/points/ledger.py's entry_ctes, the entry's
    source `signin:<row id>`), in one statement. No row when the member has one already."""
    signed = _insert_statement("postgresql").cte("signed")
    ledger = LedgerEntry.__table__  # type: ignore[attr-defined]
    given = [c for c in points.ENTRY_COLUMNS if c != "source"]
    source = literal("signin:") + cast(signed.c.id, String)
    columns: list[Any] = [bindparam(f"entry_{c}", type_=ledger.c[c].type) for c in given]
    columns.append(source)
    entry = insert(ledger).from_select(
        [*given, "source"],
        select(*columns).select_from(signed).where(bindparam("award", type_=Boolean)))
    written, credited = points.entry_ctes(entry)
    return (select(signed.c.id, select(written.c.id).scalar_subquery().label("entry_id"))
            .select_from(signed).add_cte(signed, written, credited))


def _place_statement(dialect: str) -> Any:
    """第N位, as the transaction's last statement(s) before its commit.

    The meeting's counter is incremented and the row takes its value; the row's time becomes the
    later of its own and the meeting's last sign-in time (`last_signed_at`, kept in the same
    update), so 第N位 and the times agree even when two transactions reach the counter in the
    other order than they read the clock (PostgreSQL: concurrent; the difference is a few ms).
    PostgreSQL holds the meeting row's lock from this statement to the commit only — one round
    trip, the counter update being a CTE of the row's update. SQLite runs the counter update, then
    _PLACE_ROW (its transactions never overlap: BEGIN IMMEDIATE)."""
    session, row = StudySession.__table__, Attendance.__table__  # type: ignore[attr-defined]
    moment: Any = bindparam("moment", type_=row.c.signed_at.type)
    later = (func.greatest if dialect == "postgresql" else func.max)(
        func.coalesce(session.c.last_signed_at, moment), moment, type_=row.c.signed_at.type)
    bump = (update(session).where(session.c.id == bindparam("meeting_id"))
            .values(signin_count=session.c.signin_count + 1, last_signed_at=later)
            .returning(session.c.signin_count, session.c.last_signed_at))
    if dialect != "postgresql":
        return bump
    taken = bump.cte("taken")
    return (update(row).where(row.c.id == bindparam("row_id"))
            .values(seq=select(taken.c.signin_count).scalar_subquery(),
                    signed_at=select(taken.c.last_signed_at).scalar_subquery())
            .returning(row.c.seq, row.c.signed_at).add_cte(taken))


def _place_row_statement(_dialect: str) -> Any:
    """SQLite's second step of _place_statement: the row takes the number and time."""
    row = Attendance.__table__  # type: ignore[attr-defined]
    return (update(row).where(row.c.id == bindparam("row_id"))
            .values(seq=bindparam("seq", type_=row.c.seq.type),
                    signed_at=bindparam("signed_at", type_=row.c.signed_at.type)))


def _from_leave_statement(_dialect: str) -> Any:
    """A leave row becomes the sign-in (its reason gone), only if it is not one already: the
    condition is the database's, so two 签到 of a member on leave at once (or a 请假 committed
    meanwhile) cannot both win or leave a reason behind. RETURNING the row."""
    table = Attendance.__table__  # type: ignore[attr-defined]
    not_yet = [table.c.status != literal(str(status)) for status in ATTENDED]
    return (update(table)
            .where(table.c.session_id == bindparam("session_id"),
                   table.c.member_id == bindparam("member_id"), *not_yet)
            .values(status=bindparam("status", type_=table.c.status.type),
                    signed_at=bindparam("signed_at", type_=table.c.signed_at.type),
                    proxy_by=bindparam("proxy_by", type_=table.c.proxy_by.type),
                    seq=None, reason=None)
            .returning(*table.c))


_ROW_FIELDS = tuple(Attendance.__table__.columns.keys())  # type: ignore[attr-defined]
_FROM_LEAVE = Prepared(_from_leave_statement)
_OPEN = Prepared(_open_statement)
_INSERT = Prepared(_insert_statement)
_INSERT_AWARDED = Prepared(_insert_awarded_statement)
_PLACE = Prepared(_place_statement)
_PLACE_ROW = Prepared(_place_row_statement)


async def _take_place(db: AsyncSession, *, meeting_id: int, row_id: int, moment: Any
                      ) -> tuple[int, Any]:
    """Give the row its 第N位 and its (ordered) time; see _place_statement."""
    params = {"meeting_id": meeting_id, "row_id": row_id, "moment": moment}
    taken = (await run(db, _PLACE, params)).first()
    if taken is None:
        raise RuntimeError("the meeting row was read in this transaction")
    seq, signed_at = taken
    if dialect_name(db) != "postgresql":
        await run(db, _PLACE_ROW, {"row_id": row_id, "seq": seq, "signed_at": signed_at})
    return int(seq), signed_at


async def _record(
    db: AsyncSession, meeting: StudySession, member: Member, proxy: Member | None,
    proxy_name: str | None, rules: dict[str, Decimal] | None = None, *, place: bool = True,
) -> SignIn:
    """Write the sign-in, its points, then 第N位 (the meeting row is locked from there to commit).
    Without `place`, 第N位 is left to the caller (`_place`), who takes it after its other writes.

    Prepared statements (db.prepared): a 签到 is the hot path (bench_signin)."""
    moment = timeutil.now()
    status = AttendanceStatus.LATE if moment > meeting.late_after else AttendanceStatus.PRESENT
    values: dict[str, Any] = dict(session_id=meeting.id, member_id=member.id, status=status, seq=None,
                                  signed_at=moment, proxy_by=proxy.id if proxy else None)
    if rules is not None and dialect_name(db) == "postgresql":  # one statement for row and points
        written = await _insert_awarded(db, meeting, member, values, rules)
        if written is not None:
            row, delta = written
            signed = SignIn(member, meeting, row, points=delta)
            return await _place(db, signed) if place else signed
        new_id = None
    else:
        new_id = (await run(db, _INSERT, values)).scalar()
    if new_id is not None:
        row = loaded(Attendance, {"id": new_id, **values, "reason": None})
    else:  # on leave and came after all (the leave row becomes the sign-in), or signed in before
        came = (await run(db, _FROM_LEAVE, values)).first()
        if came is None:  # signed in already: by this member a moment ago, or by a 代签
            found = await attendance_row(db, meeting_id=meeting.id or 0, member_id=member.id or 0)
            if found is None or found.status not in ATTENDED:
                raise RuntimeError("an attendance row neither inserted nor updated")
            return SignIn(member, meeting, found, already=True)
        row = adopt(db, Attendance, dict(zip(_ROW_FIELDS, came, strict=True)), refresh=True)
    delta = await award_attendance(db, member=member, meeting=meeting, row=row, operator=proxy,
                                   operator_name=proxy_name, rules=rules)
    signed = SignIn(member, meeting, row, points=delta)
    return await _place(db, signed) if place else signed


async def _place(db: AsyncSession, signed: SignIn) -> SignIn:
    """Give a new sign-in its 第N位 and ordered time (_take_place), as the database holds them."""
    row = signed.attendance
    seq, signed_at = await _take_place(db, meeting_id=signed.meeting.id or 0, row_id=row.id or 0,
                                       moment=row.signed_at)
    set_committed_value(row, "seq", seq)  # no flush of its own
    set_committed_value(row, "signed_at", signed_at)
    return signed


async def _insert_awarded(db: AsyncSession, meeting: StudySession, member: Member,
                          values: dict[str, Any], rules: dict[str, Decimal]
                          ) -> tuple[Attendance, Decimal | None] | None:
    """PostgreSQL's new sign-in with its points in one statement (_insert_awarded_statement):
    the row and the points (None when 0); None when the member had a row already."""
    status = values["status"]
    delta = rules["signin_late" if status == AttendanceStatus.LATE else "signin_on_time"]
    entry = points.entry_values(member=member, delta=delta or Decimal(0), kind=LedgerKind.STUDY,
                                reason=_award_reason(meeting, status), source=None,
                                operator=None, operator_name=None, moment=values["signed_at"])
    params = {**values, **{f"entry_{k}": v for k, v in entry.items()}, "award": bool(delta)}
    found = (await run(db, _INSERT_AWARDED, params)).first()
    if found is None:
        return None
    row_id, entry_id = found
    row = loaded(Attendance, {"id": row_id, **values, "reason": None})
    if not delta:
        return row, None
    points.written_entry(db, {**entry, "source": f"signin:{row_id}"}, entry_id)
    return row, delta


async def sign_in(db: AsyncSession, *, branch_id: int, member: Member) -> SignIn:
    """签到: the member signs themself in to the branch's open meeting."""
    params = {"signin_branch": branch_id, "signin_now": timeutil.now()}
    found = (await run(db, _OPEN, params)).first()
    if found is None:
        raise NotFound(t.no_open_meeting(await next_meeting(db, branch_id=branch_id)))
    # A detached copy for the reply and the records: nothing here changes the meeting itself.
    meeting = loaded(StudySession, dict(zip(_MEETING_FIELDS, found, strict=False)))
    rules = _kind_rules(meeting, found[len(_MEETING_FIELDS):])
    return await _record(db, meeting, member, None, None, rules)


async def sign_in_by_name(db: AsyncSession, *, branch_id: int, member: Member, name: str
                          ) -> SignIn | None:
    """签到 <姓名>, as members answer a roll call: their own name signs them in; another member's
    name is refused (that is 代签, a committee member's); any other word was not a sign-in (None)."""
    if name == member.name:
        return await sign_in(db, branch_id=branch_id, member=member)
    if await roster.member_by_name(db, branch_id=branch_id, name=name) is None:
        return None
    raise Conflict(t.not_your_name(member.name, name), f"代签 {name}")


async def sign_in_to(
    db: AsyncSession, *, meeting: StudySession, member: Member, proxy: Member | None = None,
    proxy_name: str | None = None,
) -> SignIn:
    """Sign a member in to an open meeting (第N位 from the atomic counter, points in this transaction)."""
    return await _record(db, meeting, member, proxy, proxy_name)


async def proxy_sign_in(
    db: AsyncSession, *, branch_id: int, platform: str, refs: list[PersonRef],
    operator: Member | None, operator_name: str,
) -> ProxyResult:
    """代签: sign in each named member on their behalf; the record keeps who did it."""
    if not refs:
        raise InvalidInput("请写上要代签的成员姓名，或@他们。", t.EX_PROXY)
    result = ProxyResult(await require_open(db, branch_id=branch_id))
    named: list[Member] = []
    for ref in refs:
        try:
            member = await roster.resolve_member(db, branch_id=branch_id, platform=platform, ref=ref,
                                                 example=t.EX_PROXY)
        except NotFound:
            result.unknown.append(str(ref))
            continue
        if all(m.id != member.id for m in named):
            named.append(member)
    # Rows in member-id order, then every 第N位 (in the order named) last: the meeting row is
    # locked only from the first place to the commit, and two writers take row locks in one
    # order. (Taking each place as it came deadlocked on PostgreSQL against a named member's own
    # 签到, which holds its new row while it waits for the meeting row.)
    signed = {m.id: await _record(db, result.meeting, m, operator, operator_name, place=False)
              for m in sorted(named, key=lambda m: m.id or 0)}
    for member in named:
        if not signed[member.id].already:
            await _place(db, signed[member.id])
    result.done = [signed[m.id] for m in named]
    return result
