"""Study sessions (学习 / 主题党日), sign-in, leave, proxy and make-up sign-in. No nonebot here."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput, NotFound
from core.textparse import ID_MAX
from core.timeparse import TimeParseError, split_leading_time
from db.models import (
    Attendance,
    AttendanceStatus,
    LedgerKind,
    Member,
    PointsRule,
    SessionKind,
    StudySession,
)
from plugins.points import service as points
from plugins.signin import texts as t
from plugins.signin.config import Config

TITLE_MAX = 200
PLACE_MAX = 100
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.MAKEUP)


@dataclass(frozen=True)
class Window:
    """Sign-in window relative to a session's start."""

    open_before: timedelta = timedelta(minutes=30)
    late_after: timedelta = timedelta(minutes=15)
    close_after: timedelta = timedelta(minutes=60)

    @classmethod
    def from_config(cls, config: Config) -> "Window":
        """The window described by the plugin settings."""
        return cls(
            open_before=timedelta(minutes=config.signin_open_before_minutes),
            late_after=timedelta(minutes=config.signin_late_after_minutes),
            close_after=timedelta(minutes=config.signin_close_after_minutes),
        )


_window = Window()


def configure(window: Window) -> None:
    """Set the window for sessions created from now on (the plugin calls this once at load)."""
    global _window
    _window = window


def window() -> Window:
    """The window new sessions get."""
    return _window


# ---------------------------------------------------------------- sessions

async def schedule_session(
    session: AsyncSession, *, branch_id: int, starts_at: datetime, title: str,
    place: str | None = None, kind: SessionKind = SessionKind.STUDY, created_by: int | None = None,
) -> StudySession:
    """Create a session with its sign-in window fixed now; the caller commits."""
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    title = title.strip()
    if not title:
        raise InvalidInput("请写上学习主题。", t.EX_PUBLISH)
    w = _window
    starts = starts_at.astimezone(timeutil.now().tzinfo)
    row = StudySession(
        branch_id=branch_id, kind=kind, title=title[:TITLE_MAX],
        place=(place.strip()[:PLACE_MAX] or None) if place else None, starts_at=starts,
        opens_at=starts - w.open_before, late_after=starts + w.late_after,
        closes_at=starts + w.close_after, created_by=created_by,
    )
    session.add(row)
    await session.flush()
    return row


def parse_publish(text: str, moment: datetime) -> tuple[datetime, str, str | None]:
    """'明天上午9点 学习党章 党员活动室' → (start, title, place); the place is the last word."""
    try:
        starts, rest = split_leading_time(text, timeutil.to_local(moment), timeutil.local_tz())
    except TimeParseError as error:
        raise InvalidInput(f"时间没看懂：{error}", t.EX_PUBLISH) from None
    if starts <= moment:
        raise InvalidInput(f"这个时间（{timeutil.fmt_dt(starts)}）已经过去了，请写以后的时间。", t.EX_PUBLISH)
    words = rest.split()
    if not words:
        raise InvalidInput("请在时间后面写上学习主题。", t.EX_PUBLISH)
    if len(words) == 1:
        return starts, words[0], None
    return starts, " ".join(words[:-1]), words[-1]


async def publish(
    session: AsyncSession, *, branch_id: int, text: str, created_by: int | None
) -> StudySession:
    """发布学习: parse the words and schedule a 学习 session."""
    starts, title, place = parse_publish(text, timeutil.now())
    return await schedule_session(session, branch_id=branch_id, starts_at=starts, title=title,
                                  place=place, created_by=created_by)


def _open_at(branch_id: int, moment: datetime):  # noqa: ANN202
    """The branch's sessions whose sign-in window is open at `moment`, earliest first."""
    return select(StudySession).where(
        StudySession.branch_id == branch_id, col(StudySession.cancelled).is_(False),
        StudySession.opens_at <= moment, StudySession.closes_at > moment,
    ).order_by(col(StudySession.starts_at), col(StudySession.id)).limit(1)


async def open_session(session: AsyncSession, branch_id: int) -> StudySession | None:
    """The branch's session whose sign-in window is open now (the earliest, if several)."""
    return (await session.exec(_open_at(branch_id, timeutil.now()))).first()


async def next_session(session: AsyncSession, branch_id: int) -> StudySession | None:
    """The branch's next session whose window has not opened yet."""
    stmt = select(StudySession).where(
        StudySession.branch_id == branch_id, col(StudySession.cancelled).is_(False),
        StudySession.opens_at > timeutil.now(),
    ).order_by(col(StudySession.starts_at), col(StudySession.id)).limit(1)
    return (await session.exec(stmt)).first()


async def require_open(session: AsyncSession, branch_id: int) -> StudySession:
    """The open session, or NotFound saying when the next one is."""
    study = await open_session(session, branch_id)
    if study is None:
        raise NotFound(t.no_open_session(await next_session(session, branch_id)))
    return study


async def start_now(
    session: AsyncSession, *, branch_id: int, title: str, created_by: int | None
) -> StudySession:
    """开始签到: a 学习 session starting now, open at once."""
    current = await open_session(session, branch_id)
    if current is not None:
        raise Conflict(f"已有签到正在进行：{t.describe(current)}。\n要提前结束请发送：结束签到")
    moment = timeutil.now().replace(second=0, microsecond=0)
    study = await schedule_session(session, branch_id=branch_id, starts_at=moment,
                                   title=title.strip() or "学习", created_by=created_by)
    study.opens_at = min(study.opens_at, timeutil.now())
    session.add(study)
    await session.flush()
    return study


async def end_session(session: AsyncSession, branch_id: int) -> StudySession:
    """结束签到: close the open session now."""
    study = await open_session(session, branch_id)
    if study is None:
        raise NotFound("现在没有进行中的签到。")
    moment = timeutil.now()
    study.closes_at = moment
    study.late_after = min(study.late_after, moment)
    session.add(study)
    await session.flush()
    return study


async def session_by_id(session: AsyncSession, branch_id: int, session_id: int) -> StudySession:
    """A session of this branch by its #N; NotFound otherwise."""
    study = await session.get(StudySession, session_id) if session_id <= ID_MAX else None
    if study is None or study.branch_id != branch_id:
        raise NotFound(f"本支部没有 #{session_id} 这次学习。", "签到情况 #3")
    return study


# ---------------------------------------------------------------- sign-in

@dataclass
class SignIn:
    """The outcome of one sign-in: already is True when the member had signed in before."""

    member: Member
    study: StudySession
    attendance: Attendance
    already: bool = False
    points: Decimal | None = None


async def attendance_row(session: AsyncSession, session_id: int, member_id: int) -> Attendance | None:
    stmt = select(Attendance).where(Attendance.session_id == session_id,
                                    Attendance.member_id == member_id)
    return (await session.exec(stmt)).first()


async def _bump(session: AsyncSession, session_id: int, by: int) -> int:
    """Atomically add to signin_count and return it; the row stays locked until commit."""
    stmt = (
        update(StudySession).where(col(StudySession.id) == session_id)
        .values(signin_count=col(StudySession.signin_count) + by)
        .returning(col(StudySession.signin_count))
        .execution_options(synchronize_session=False)
    )
    return int((await session.exec(stmt)).scalar_one())  # type: ignore[call-overload]


SIGNIN_RULES = ("signin_on_time", "signin_late")


def _signin_rules(branch_id: int) -> list:
    """The branch's overrides of the sign-in rules as scalar subqueries (None: not overridden)."""
    return [select(PointsRule.value).where(PointsRule.branch_id == branch_id, PointsRule.key == key)
            .scalar_subquery() for key in SIGNIN_RULES]


async def award_attendance(
    session: AsyncSession, member: Member, study: StudySession, row: Attendance,
    operator: Member | None, operator_name: str | None, rules: dict[str, Decimal] | None = None,
) -> Decimal | None:
    key = "signin_late" if row.status == AttendanceStatus.LATE else "signin_on_time"
    delta = rules[key] if rules else await points.rule(session, member.branch_id, key)
    if not delta:
        return None
    label = f"{SessionKind(study.kind).label}{AttendanceStatus(row.status).label} #{study.id}"
    await points.award(session, member=member, delta=delta, kind=LedgerKind.STUDY, reason=label,
                       source=f"signin:{row.id}", operator=operator, operator_name=operator_name)
    return delta


async def _bump_open(
    session: AsyncSession, branch_id: int
) -> tuple[StudySession, int, dict[str, Decimal]] | None:
    """Find the open session and take its next 第N位 in one statement (None when nothing is open).

    The branch's sign-in points rules come back with it (as points.rule reads them: the override,
    else the default), saving the hot path a round trip.
    """
    open_id = _open_at(branch_id, timeutil.now()).with_only_columns(col(StudySession.id))
    stmt = (
        update(StudySession).where(col(StudySession.id) == open_id.scalar_subquery())
        .values(signin_count=col(StudySession.signin_count) + 1)
        .returning(StudySession, col(StudySession.signin_count), *_signin_rules(branch_id))
        .execution_options(synchronize_session=False)
    )
    # The count comes as its own column: an already loaded StudySession keeps its stale attributes.
    row = (await session.exec(stmt)).first()  # type: ignore[call-overload]
    if row is None:
        return None
    rules = {key: points.DEFAULT_RULES[key] if value is None else Decimal(str(value))
             for key, value in zip(SIGNIN_RULES, row[2:], strict=True)}
    return row[0], int(row[1]), rules


def _insert_ignore(session: AsyncSession):  # noqa: ANN202
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def _record(
    session: AsyncSession, study: StudySession, seq: int, member: Member, proxy: Member | None,
    proxy_name: str | None, rules: dict[str, Decimal] | None = None,
) -> SignIn:
    """Write the sign-in holding 第seq位 (the session row is locked by the bump until commit)."""
    moment = timeutil.now()
    status = AttendanceStatus.LATE if moment > study.late_after else AttendanceStatus.PRESENT
    values = dict(session_id=study.id, member_id=member.id, status=status, seq=seq,
                  signed_at=moment, proxy_by=proxy.id if proxy else None)
    # One round trip in the common case; an existing row (signed in before, or on leave) is read after.
    stmt = (_insert_ignore(session)(Attendance).values(**values)
            .on_conflict_do_nothing(index_elements=["session_id", "member_id"])
            .returning(col(Attendance.id)))
    new_id = (await session.exec(stmt)).scalar_one_or_none()  # type: ignore[call-overload]
    if new_id is not None:
        row = Attendance(id=new_id, **values)
    else:
        row = await attendance_row(session, study.id, member.id)
        assert row is not None
        if row.status in ATTENDED:
            await _bump(session, study.id, -1)
            return SignIn(member, study, row, already=True)
        for key, value in values.items():  # on leave, then came after all
            setattr(row, key, value)
        row.reason = None
        session.add(row)
        await session.flush()
    delta = await award_attendance(session, member, study, row, proxy, proxy_name, rules)
    return SignIn(member, study, row, points=delta)


async def sign_in_to(
    session: AsyncSession, study: StudySession, member: Member, *, proxy: Member | None = None,
    proxy_name: str | None = None,
) -> SignIn:
    """Sign a member in to an open session: 第N位 from an atomic counter, points in this transaction."""
    return await _record(session, study, await _bump(session, study.id, 1), member, proxy, proxy_name)


async def sign_in(session: AsyncSession, *, branch_id: int, member: Member) -> SignIn:
    """签到: the member signs themself in to the branch's open session."""
    bumped = await _bump_open(session, branch_id)
    if bumped is None:
        raise NotFound(t.no_open_session(await next_session(session, branch_id)))
    study, seq, rules = bumped
    return await _record(session, study, seq, member, None, None, rules)
