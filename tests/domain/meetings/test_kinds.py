"""Meeting kinds: 应到 per kind (支委会 = the committee at the meeting's time, 党小组会 = the group),
发布会议's checks, and 党小组 (one group per member, by the database)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import InvalidInput, NotFound
from core.roles import Role
from db.models import (
    HealthCategory,
    LedgerEntry,
    MeetingKind,
    Member,
    PartyGroupMember,
    StudySession,
)
from domain import meetings, points, roster
from tests.factories import make_branch, make_member

START = datetime(2026, 12, 10, 1, 0, tzinfo=UTC)  # Thursday 09:00 Beijing
BEFORE = START - timedelta(days=5)


async def _expected(db: AsyncSession, meeting: StudySession) -> list[str]:
    """应到 by SQL and by the loaded-member rule: both, asserted equal."""
    by_sql = (await db.exec(select(Member.name).where(meetings.expected_members(meeting))
                            .order_by(col(Member.id)))).all()
    facts = await meetings.load_facts(db, branch_id=meeting.branch_id)
    everyone = (await db.exec(select(Member).order_by(col(Member.id)))).all()
    assert list(by_sql) == [m.name for m in everyone if meetings.is_expected(m, meeting, facts)]
    return list(by_sql)


async def _appoint(db: AsyncSession, member: Member, role: Role, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        await roster.appoint(db, member=member, role=role, example="设置委员 张三")
        await db.commit()


async def test_committee_meeting_expects_the_committee_at_its_time(db: AsyncSession) -> None:
    """A 委员 appointed after the 支委会 is not 应到; one removed after it still is; 党员 never."""
    branch = await make_branch(db)
    secretary = await make_member(db, branch, "书记甲", role=Role.SECRETARY)
    early = await make_member(db, branch, "委员乙")
    late = await make_member(db, branch, "委员丙")
    gone = await make_member(db, branch, "委员丁")
    await make_member(db, branch, "党员戊")
    await _appoint(db, early, Role.COMMITTEE, BEFORE)
    await _appoint(db, gone, Role.COMMITTEE, BEFORE)
    with time_machine.travel(BEFORE, tick=False):
        meeting = await meetings.publish_meeting(db, branch_id=branch.id, kind=MeetingKind.COMMITTEE,
                                                 starts_at=START, title="研究发展党员", place=None)
        await db.commit()
    await _appoint(db, late, Role.COMMITTEE, START + timedelta(days=1))
    await _appoint(db, gone, Role.MEMBER, START + timedelta(days=2))
    assert await _expected(db, meeting) == [secretary.name, "委员乙", "委员丁"]
    with time_machine.travel(START + timedelta(days=3), tick=False):
        report = await meetings.meeting_report(db, branch_id=branch.id, meeting_id=meeting.id)
    assert (report.expected, [m.name for m in report.absent]) == (3, ["书记甲", "委员乙", "委员丁"])


async def test_committee_before_any_history_uses_current_role(db: AsyncSession) -> None:
    """Offices given before history was kept (no RoleChange rows) count as held all along."""
    branch = await make_branch(db)
    await make_member(db, branch, "书记甲", role=Role.SECRETARY)
    await make_member(db, branch, "委员乙", role=Role.COMMITTEE)
    await make_member(db, branch, "委员丙", role=Role.COMMITTEE, category=HealthCategory.UNABLE)
    await make_member(db, branch, "党员丁")
    with time_machine.travel(BEFORE, tick=False):
        meeting = await meetings.publish_meeting(db, branch_id=branch.id, kind=MeetingKind.COMMITTEE,
                                                 starts_at=START, title="支委会", place=None)
        await db.commit()
    assert await _expected(db, meeting) == ["书记甲", "委员乙"]


async def test_group_meeting_expects_its_group(db: AsyncSession) -> None:
    """A 党小组会 expects that group only; other kinds everyone (学习, 党员大会, 党课 alike)."""
    branch = await make_branch(db)
    a, b, c = [await make_member(db, branch, n) for n in ("张三", "李四", "王五")]
    await roster.set_party_group(db, branch_id=branch.id, name="第一小组", members=[a, b])
    await roster.set_party_group(db, branch_id=branch.id, name="第二小组", members=[c])
    await db.commit()
    with time_machine.travel(BEFORE, tick=False):
        group = await meetings.publish_meeting(db, branch_id=branch.id, kind=MeetingKind.GROUP,
                                               starts_at=START, title="学习党章", place=None,
                                               group="第一小组")
        general = await meetings.publish_meeting(db, branch_id=branch.id, kind=MeetingKind.GENERAL,
                                                 starts_at=START, title="党员大会", place=None)
        await db.commit()
    assert await _expected(db, group) == ["张三", "李四"]
    assert await _expected(db, general) == ["张三", "李四", "王五"]


async def test_publish_checks_what_the_kind_needs(db: AsyncSession) -> None:
    """党小组会 needs an existing group; only 党课 takes a 讲课人 (linked to a member by name)."""
    branch = await make_branch(db)
    zhang = await make_member(db, branch, "张三")
    with time_machine.travel(BEFORE, tick=False):
        with pytest.raises(InvalidInput, match="哪个党小组"):
            await meetings.publish_meeting(db, branch_id=branch.id, kind=MeetingKind.GROUP,
                                           starts_at=START, title="t", place=None)
        with pytest.raises(NotFound, match="还没有党小组"):
            await meetings.publish_meeting(db, branch_id=branch.id, kind=MeetingKind.GROUP,
                                           starts_at=START, title="t", place=None, group="第九小组")
        with pytest.raises(InvalidInput, match="只有党课"):
            await meetings.publish_meeting(db, branch_id=branch.id, kind=MeetingKind.GENERAL,
                                           starts_at=START, title="t", place=None, lecturer="张三")
        lecture = await meetings.publish_meeting(db, branch_id=branch.id, kind=MeetingKind.LECTURE,
                                                 starts_at=START, title="党史", place="活动室",
                                                 lecturer="张三")
        guest = await meetings.publish_meeting(db, branch_id=branch.id, kind=MeetingKind.LECTURE,
                                               starts_at=START, title="党史", place=None,
                                               lecturer="县委党校李老师")
        await db.commit()
    assert (lecture.kind, lecture.lecturer, lecturer_id(lecture)) == (MeetingKind.LECTURE, "张三", zhang.id)
    assert (guest.lecturer, guest.lecturer_id) == ("县委党校李老师", None)
    assert (await db.exec(select(StudySession.id).order_by(col(StudySession.id)))).all() == [
        lecture.id, guest.id]


def lecturer_id(meeting: StudySession) -> int | None:
    """The 讲课人's member id."""
    return meeting.lecturer_id


def test_parse_kind() -> None:
    """Every typed name, and a refusal naming the kinds."""
    assert meetings.parse_kind("支部大会") is meetings.parse_kind("党员大会") is MeetingKind.GENERAL
    assert meetings.parse_kind("支委会") is MeetingKind.COMMITTEE
    with pytest.raises(InvalidInput, match="不认识，可写：党员大会、支委会"):
        meetings.parse_kind("座谈会")


async def test_party_groups(db: AsyncSession) -> None:
    """设置党小组 sets exactly the members, moving one from another group; the 组长 must belong."""
    branch = await make_branch(db)
    a, b, c = [await make_member(db, branch, n) for n in ("张三", "李四", "王五")]
    await roster.set_party_group(db, branch_id=branch.id, name="第一小组", members=[a, b])
    await roster.set_group_leader(db, branch_id=branch.id, name="第一小组", member=b)
    with pytest.raises(InvalidInput, match="王五 不在第一小组"):
        await roster.set_group_leader(db, branch_id=branch.id, name="第一小组", member=c)
    setting = await roster.set_party_group(db, branch_id=branch.id, name="第二小组", members=[b, c])
    await db.commit()
    assert (setting.created, [(m.name, g) for m, g in setting.moved]) == (True, [("李四", "第一小组")])
    views = await roster.party_groups(db, branch_id=branch.id)
    assert [(v.group.name, v.leader, [m.name for m in v.members]) for v in views] == [
        ("第一小组", None, ["张三"]), ("第二小组", None, ["李四", "王五"])]
    assert await roster.group_names(db, branch_id=branch.id) == {a.id: "第一小组", b.id: "第二小组",
                                                                  c.id: "第二小组"}


async def test_one_group_per_member_is_a_database_rule(db: AsyncSession) -> None:
    """A second membership row for the same member in the branch is refused by the database."""
    branch = await make_branch(db)
    a = await make_member(db, branch, "张三")
    await roster.set_party_group(db, branch_id=branch.id, name="第一小组", members=[a])
    second = await roster.set_party_group(db, branch_id=branch.id, name="第二小组", members=[await
                                          make_member(db, branch, "李四")])
    await db.commit()
    db.add(PartyGroupMember(branch_id=branch.id, group_id=second.group.id, member_id=a.id))
    with pytest.raises(IntegrityError):
        await db.commit()


async def test_points_per_kind_default_as_study(db: AsyncSession) -> None:
    """A kind earns what 学习 earns until the branch sets that kind's own rule."""
    branch = await make_branch(db)
    zhang = await make_member(db, branch, "张三", role=Role.COMMITTEE)
    await points.set_rules(db, branch.id, {"signin_on_time": Decimal(3),
                                           "signin_on_time.committee": Decimal(5)}, by="王书记")
    await db.commit()
    got = []
    for i, kind in enumerate((MeetingKind.COMMITTEE, MeetingKind.LECTURE, MeetingKind.STUDY)):
        starts = START + timedelta(days=i)
        with time_machine.travel(BEFORE, tick=False):
            await meetings.publish_meeting(db, branch_id=branch.id, kind=kind, starts_at=starts,
                                           title="t", place=None)
            await db.commit()
        with time_machine.travel(starts, tick=False):
            got.append((await meetings.sign_in(db, branch_id=branch.id, member=zhang)).points)
            await db.commit()
    assert got == [Decimal(5), Decimal(3), Decimal(3)]
    rows = (await db.exec(select(LedgerEntry.reason).order_by(col(LedgerEntry.id)))).all()
    assert [r.split(" ")[0] for r in rows] == ["支部委员会签到", "党课签到", "学习签到"]
    listed = await points.rules(db, branch.id)
    assert listed["signin_on_time.committee"] == (Decimal(5), True)
    assert points.rule_label("signin_late.lecture") == "党课迟到签到"
