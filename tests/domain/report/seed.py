"""Two branches with a quarter of activity, fixed values: what every report test reads back."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from core.timeutil import at_local
from db.models import (
    Attendance,
    AttendanceStatus,
    Branch,
    Claim,
    ClaimStatus,
    LedgerEntry,
    LedgerKind,
    Member,
    MemberStatus,
    Need,
    NeedStatus,
    StudySession,
)
from db.models.suggestion import (
    Suggestion,
    SuggestionEvent,
    SuggestionEventKind,
    SuggestionSealedAuthor,
    SuggestionStatus,
)
from tests.factories import OTHER_GROUP_ID, SECRETARY_ID, make_branch, make_member

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 2026-11-20 10:00 Beijing
OTHER_SECRETARY_ID = "10003"
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Seeded:
    """Rows the tests refer to."""

    branch: Branch
    other: Branch
    zhang: Member
    li: Member
    wang: Member
    zhao: Member


def _session(branch: Branch, day: date, title: str, place: str | None, *,
             cancelled: bool = False) -> StudySession:
    start = at_local(day, time(9))
    return StudySession(branch_id=branch.id, title=title, place=place, starts_at=start,
                        opens_at=start - timedelta(minutes=30), late_after=start + timedelta(minutes=15),
                        closes_at=start + timedelta(hours=1), cancelled=cancelled, created_at=LONG_AGO)


def _entry(m: Member, delta: str, kind: LedgerKind, reason: str, *, source: str | None = None,
           when: datetime = NOW, reverses: int | None = None) -> LedgerEntry:
    quarter = f"{when.year}Q{(when.month - 1) // 3 + 1}"
    return LedgerEntry(branch_id=m.branch_id, member_id=m.id, delta=Decimal(delta), kind=kind,
                       reason=reason, source=source, cycle=when.year, quarter=quarter,
                       created_at=when, reverses_id=reverses)


async def seed(session: AsyncSession) -> Seeded:
    """Branch 1: 张三 (secretary), 李四, 王五, 赵六 (停用); branch 2: 钱七 (secretary)."""
    branch = await make_branch(session)
    other = await make_branch(session, "城关镇离退休干部第二党支部", OTHER_GROUP_ID)
    zhang = await make_member(session, branch, "张三", user_id=SECRETARY_ID, role=Role.SECRETARY)
    li = await make_member(session, branch, "李四")
    wang = await make_member(session, branch, "王五")
    zhao = await make_member(session, branch, "赵六")
    qian = await make_member(session, other, "钱七", user_id=OTHER_SECRETARY_ID, role=Role.SECRETARY)
    zhao.status = MemberStatus.INACTIVE
    for m in (zhang, li, wang, zhao, qian):
        m.created_at = LONG_AGO
        session.add(m)
    s1 = _session(branch, date(2026, 10, 10), "学习二十届四中全会精神", "党员活动室")
    s2 = _session(branch, date(2026, 11, 10), "学习党章", None)
    s3 = _session(branch, date(2026, 11, 12), "取消的学习", None, cancelled=True)
    s4 = _session(branch, date(2026, 9, 10), "三季度学习", "会议室")
    s5 = _session(other, date(2026, 10, 11), "二支部学习", None)
    session.add_all([s1, s2, s3, s4, s5])
    await session.flush()
    for s, m, status in [(s1, zhang, AttendanceStatus.PRESENT), (s1, li, AttendanceStatus.LATE),
                         (s1, wang, AttendanceStatus.LEAVE), (s2, zhang, AttendanceStatus.PRESENT),
                         (s4, zhang, AttendanceStatus.PRESENT), (s4, li, AttendanceStatus.PRESENT),
                         (s4, wang, AttendanceStatus.PRESENT), (s5, qian, AttendanceStatus.PRESENT)]:
        session.add(Attendance(session_id=s.id, member_id=m.id, status=status,
                               signed_at=s.starts_at))
    need = Need(branch_id=branch.id, title="陪同老党员就医", place="县人民医院",
                starts_at=at_local(date(2026, 10, 15), time(9)),
                ends_at=at_local(date(2026, 10, 15), time(11)), capacity=3, claimed=2,
                points_per_hour=Decimal("1.5"), status=NeedStatus.COMPLETED, hours=Decimal(2),
                completed_at=at_local(date(2026, 10, 15), time(12)))
    later = Need(branch_id=branch.id, title="社区清扫", place="城关社区",
                 starts_at=at_local(date(2026, 11, 25), time(8)),
                 ends_at=at_local(date(2026, 11, 25), time(10)), capacity=5, claimed=1)
    session.add_all([need, later])
    await session.flush()
    c1 = Claim(need_id=need.id, member_id=wang.id, status=ClaimStatus.CLAIMED)
    c2 = Claim(need_id=need.id, member_id=li.id, status=ClaimStatus.CLAIMED)
    c3 = Claim(need_id=need.id, member_id=zhang.id, status=ClaimStatus.CANCELLED)
    c4 = Claim(need_id=later.id, member_id=zhang.id, status=ClaimStatus.CLAIMED)
    session.add_all([c1, c2, c3, c4])
    await session.flush()
    penalty = _entry(li, "-2", LedgerKind.PENALTY, "无故缺席")
    session.add_all([
        _entry(zhang, "2", LedgerKind.STUDY, "学习签到", source=f"signin:{s1.id}"),
        _entry(li, "1", LedgerKind.STUDY, "学习签到（迟到）", source=f"signin:{s1.id}"),
        _entry(zhang, "5", LedgerKind.BONUS, "协助社区清扫"),
        _entry(zhang, "-1", LedgerKind.REDEEM, "兑换毛巾"),
        _entry(wang, "3", LedgerKind.VOLUNTEER, "志愿服务#1", source=f"volunteer:{c1.id}"),
        _entry(li, "3", LedgerKind.VOLUNTEER, "志愿服务#1", source=f"volunteer:{c2.id}"),
        _entry(wang, "2", LedgerKind.STUDY, "三季度学习", when=datetime(2026, 9, 10, 2, tzinfo=UTC)),
        penalty,
        _entry(qian, "9", LedgerKind.BONUS, "二支部加分"),
    ])
    await session.flush()
    session.add(_entry(li, "2", LedgerKind.REVERSAL, "冲正：误扣", reverses=penalty.id))
    named = Suggestion(branch_id=branch.id, author_id=li.id, content="希望多办健康讲座",
                       status=SuggestionStatus.REPLIED, created_at=at_local(date(2026, 10, 20), time(10)))
    secret = Suggestion(branch_id=branch.id, author_id=None, anonymous=True,
                        content="活动室<b>太冷</b>，[CQ:at,qq=all]", status=SuggestionStatus.PENDING,
                        created_at=at_local(date(2026, 11, 2), time(10)))
    session.add_all([named, secret])
    await session.flush()
    session.add(SuggestionEvent(suggestion_id=named.id, kind=SuggestionEventKind.REPLIED,
                                text="下月起每月一次", actor_name="张三"))
    session.add(SuggestionSealedAuthor(suggestion_id=secret.id, member_id=wang.id,
                                       platform="onebot", user_id="10009"))
    await session.commit()
    return Seeded(branch, other, zhang, li, wang, zhao)
