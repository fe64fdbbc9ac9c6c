"""应到 defined once: the SQL predicate and the loaded-member rule agree (SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import HealthCategory, Member, MemberStatus, StudySession
from domain.meetings import expected_at, expected_members, is_expected
from tests.factories import make_branch, make_member

START = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)  # Wednesday 09:30 Beijing


async def test_expected_members_rule(db: AsyncSession) -> None:
    """Active, not 不能参加活动, of the branch, registered before the meeting closed."""
    branch = await make_branch(db)
    other = await make_branch(db, "第二支部", group_id=None)
    meeting = StudySession(branch_id=branch.id, title="学习党章", starts_at=START, opens_at=START,
                           late_after=START, closes_at=START + timedelta(hours=1))
    db.add(meeting)
    await make_member(db, branch, "张三")
    await make_member(db, branch, "孙八", category=HealthCategory.UNABLE)
    li = await make_member(db, branch, "李四")
    li.status = MemberStatus.INACTIVE
    late = await make_member(db, branch, "王五")
    late.created_at = meeting.closes_at + timedelta(seconds=1)
    await make_member(db, other, "赵六")
    db.add_all([li, late])
    await db.commit()
    by_sql = (await db.exec(select(Member.name).where(expected_members(meeting))
                            .order_by(col(Member.id)))).all()
    everyone = (await db.exec(select(Member).order_by(col(Member.id)))).all()
    assert list(by_sql) == [m.name for m in everyone if is_expected(m, meeting)] == ["张三"]
    # Whoever answered counts too: here 孙八 (不能参加活动) came.
    sun = next(m for m in everyone if m.name == "孙八")
    assert [m.name for m in expected_at(meeting, everyone, {sun.id})] == ["张三", "孙八"]
