"""Three branches across two 片区 with a month of activity, fixed values: what county tests read."""

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
    HealthCategory,
    LedgerEntry,
    LedgerKind,
    Member,
    MemberStatus,
    Need,
    NeedStatus,
    SessionKind,
    StudySession,
)
from db.models.notice import Channel, Notice, NoticeReceipt, NoticeRecipient
from db.models.suggestion import Suggestion, SuggestionSealedAuthor, SuggestionStatus
from tests.factories import make_branch, make_member

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 2026-11-20 10:00 Beijing
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
COUNTY_ID = "123456789"


@dataclass
class County:
    """The three branches: a and b in 城关片区, c in 东区片区."""

    a: Branch
    b: Branch
    c: Branch


def _meeting(branch: Branch, day: date, title: str, kind: SessionKind = SessionKind.STUDY, *,
             cancelled: bool = False) -> StudySession:
    start = at_local(day, time(9))
    return StudySession(branch_id=branch.id, kind=kind, title=title, starts_at=start,
                        opens_at=start - timedelta(minutes=30), late_after=start + timedelta(minutes=15),
                        closes_at=start + timedelta(hours=1), cancelled=cancelled, created_at=LONG_AGO)


def _entry(m: Member, delta: str, kind: LedgerKind, day: date) -> LedgerEntry:
    when = at_local(day, time(10))
    return LedgerEntry(branch_id=m.branch_id, member_id=m.id, delta=Decimal(delta), kind=kind,
                       reason="测试", cycle=when.year, quarter=f"{when.year}Q4", created_at=when)


async def _branch(db: AsyncSession, name: str, area: str, sector: str, group_id: int) -> Branch:
    branch = await make_branch(db, name, group_id=group_id)
    branch.area, branch.sector = area, sector
    db.add(branch)
    return branch


async def seed_county(db: AsyncSession) -> County:
    """a: 张书记, 李, 王 (不能参加, came anyway), 赵 (停用), 孙 (joined 11-15); b: 周, 吴, no
    secretary, no meeting in November; c: 郑书记, 冯. Meetings, needs, suggestions, points."""
    a = await _branch(db, "城关镇第一党支部", "城关片区", "机关", 20011)
    b = await _branch(db, "城关镇第二党支部", "城关片区", "教育系统", 20012)
    c = await _branch(db, "东区街道党支部", "东区片区", "机关", 20013)
    zhang = await make_member(db, a, "张书记", user_id="10101", role=Role.SECRETARY)
    li = await make_member(db, a, "李四")
    wang = await make_member(db, a, "王五", category=HealthCategory.UNABLE)
    zhao = await make_member(db, a, "赵六")
    sun = await make_member(db, a, "孙七")
    zhou = await make_member(db, b, "周八")
    await make_member(db, b, "吴九", category=HealthCategory.LIMITED)
    zheng = await make_member(db, c, "郑书记", user_id="10301", role=Role.SECRETARY)
    feng = await make_member(db, c, "冯十")
    zhao.status = MemberStatus.INACTIVE
    sun.created_at = at_local(date(2026, 11, 15), time(8))
    db.add_all([zhao, sun])
    a_oct = _meeting(a, date(2026, 10, 12), "十月学习")
    a_nov = _meeting(a, date(2026, 11, 10), "十一月学习")
    a_day = _meeting(a, date(2026, 11, 18), "主题党日", SessionKind.PARTYDAY)
    a_off = _meeting(a, date(2026, 11, 12), "取消的学习", cancelled=True)
    a_next = _meeting(a, date(2026, 11, 25), "还没开的学习")
    b_oct = _meeting(b, date(2026, 10, 20), "二支部十月学习")
    c_nov = _meeting(c, date(2026, 11, 5), "东区学习")
    db.add_all([a_oct, a_nov, a_day, a_off, a_next, b_oct, c_nov])
    await db.flush()
    for meeting, member, status in [
        (a_oct, zhang, AttendanceStatus.PRESENT), (a_oct, li, AttendanceStatus.PRESENT),
        (a_nov, zhang, AttendanceStatus.PRESENT), (a_nov, li, AttendanceStatus.LATE),
        (a_nov, wang, AttendanceStatus.PRESENT), (a_day, zhang, AttendanceStatus.PRESENT),
        (a_day, sun, AttendanceStatus.LEAVE), (b_oct, zhou, AttendanceStatus.PRESENT),
        (c_nov, zheng, AttendanceStatus.MAKEUP),
    ]:
        db.add(Attendance(session_id=meeting.id, member_id=member.id, status=status,
                          signed_at=meeting.starts_at))
    done = Need(branch_id=a.id, title="陪同就医", starts_at=at_local(date(2026, 11, 8), time(9)),
                ends_at=at_local(date(2026, 11, 8), time(11)), capacity=3, claimed=2,
                status=NeedStatus.COMPLETED, completed_at=at_local(date(2026, 11, 8), time(12)))
    open_need = Need(branch_id=b.id, title="社区清扫", starts_at=at_local(date(2026, 11, 25), time(8)),
                     ends_at=at_local(date(2026, 11, 25), time(10)), capacity=5, claimed=1)
    db.add_all([done, open_need])
    await db.flush()
    db.add_all([Claim(need_id=done.id, member_id=li.id, status=ClaimStatus.CLAIMED),
                Claim(need_id=done.id, member_id=zhang.id, status=ClaimStatus.CLAIMED),
                Claim(need_id=done.id, member_id=sun.id, status=ClaimStatus.CANCELLED),
                Claim(need_id=open_need.id, member_id=zhou.id, status=ClaimStatus.CLAIMED)])
    secret = Suggestion(branch_id=a.id, author_id=None, anonymous=True, content="活动室太冷",
                        status=SuggestionStatus.PENDING, created_at=at_local(date(2026, 10, 15), time(10)))
    named = Suggestion(branch_id=a.id, author_id=li.id, content="多办讲座",
                       status=SuggestionStatus.ADOPTED, created_at=at_local(date(2026, 11, 3), time(10)))
    answered = Suggestion(branch_id=c.id, author_id=feng.id, content="增加读报",
                          status=SuggestionStatus.REPLIED, created_at=at_local(date(2026, 11, 6), time(10)))
    db.add_all([secret, named, answered])
    await db.flush()
    db.add(SuggestionSealedAuthor(suggestion_id=secret.id, member_id=wang.id, platform="onebot",
                                  user_id="10109"))
    db.add_all([_entry(zhang, "2", LedgerKind.STUDY, date(2026, 11, 10)),
                _entry(li, "5", LedgerKind.BONUS, date(2026, 11, 11)),
                _entry(zhang, "-1", LedgerKind.REDEEM, date(2026, 11, 12)),
                _entry(li, "-2", LedgerKind.PENALTY, date(2026, 11, 13)),
                _entry(zheng, "3", LedgerKind.STUDY, date(2026, 11, 5)),
                _entry(feng, "4", LedgerKind.BONUS, date(2026, 10, 31))])
    notice = Notice(branch_id=a.id, number=1, text="周五学习改到下午", created_by_name="张书记",
                    created_at=at_local(date(2026, 11, 16), time(9)))
    db.add(notice)
    await db.flush()
    db.add_all([NoticeRecipient(notice_id=notice.id, member_id=m.id) for m in (zhang, li, sun)])
    await db.flush()
    db.add(NoticeReceipt(notice_id=notice.id, member_id=li.id, channel=Channel.QQ))
    await db.commit()
    return County(a, b, c)
