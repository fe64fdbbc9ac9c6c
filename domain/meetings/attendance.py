"""Who is expected at a meeting (应到) and what counts as attended: defined here once, per kind.

签到情况 in chat, the 未签到 reminder, 三会一课情况, the ledgers and the dashboard all count with
these, so they give the same 应到/实到/请假/缺席 for the same meeting.

- 党员大会, 党课, 主题党日, 学习, 组织生活会: every active member of the branch except 不能参加活动,
  registered before the meeting closed.
- 支委会: of those, the ones who were 书记 or 支委委员 when the meeting started. Offices are read
  from their history (db.models.RoleChange): the role a member held at a moment is the old role of
  their first change after it, else their role now. History, not a snapshot taken when the meeting
  is published: a committee member appointed between publishing and the meeting is expected, one
  appointed after it is not, and no job has to run at the meeting's time to freeze anything.
- 党小组会: of those, the members of the meeting's 党小组 (as the group is now).
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from db.models import (
    AttendanceStatus,
    HealthCategory,
    MeetingKind,
    Member,
    MemberStatus,
    PartyGroupMember,
    RoleChange,
    StudySession,
)

ATTENDED: tuple[AttendanceStatus, ...] = (
    AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.MAKEUP)
"""The statuses that count as 实到 (请假 is answered but not attended; no row is 缺席)."""

NEEDS_FACTS = (MeetingKind.COMMITTEE, MeetingKind.GROUP)
"""Kinds whose 应到 depends on offices or 党小组, not on the member row alone."""


@dataclass(frozen=True)
class Facts:
    """What `is_expected` needs beyond the member row for 支委会 and 党小组会 (see `load_facts`)."""

    changes: dict[int, list[tuple[datetime, int]]] = field(default_factory=dict)
    """member id → their office changes (changed_at, old_role), oldest first."""
    groups: dict[int, int] = field(default_factory=dict)
    """member id → their 党小组's id."""


def base_rule(branch_id: Any, closes_at: Any) -> ColumnElement[bool]:
    """SQL: the base rule for a meeting of `branch_id` closing at `closes_at` — values of one
    meeting, or a meeting's columns when many are counted at once (domain.meetings.tally)."""
    return and_(
        col(Member.branch_id) == branch_id,
        col(Member.status) == MemberStatus.ACTIVE,
        col(Member.category) != HealthCategory.UNABLE,
        col(Member.created_at) <= closes_at,
    )


def _base(meeting: StudySession) -> ColumnElement[bool]:
    return base_rule(meeting.branch_id, meeting.closes_at)


def role_at_sql(moment: datetime) -> ColumnElement[int]:
    """SQL: a member's role at `moment` (the old role of their first change after it, else now's)."""
    later = (select(col(RoleChange.old_role)).where(col(RoleChange.member_id) == col(Member.id),
                                                    col(RoleChange.changed_at) > moment)
             .order_by(col(RoleChange.changed_at), col(RoleChange.id)).limit(1).scalar_subquery())
    return func.coalesce(later, col(Member.role))


def expected_members(meeting: StudySession) -> ColumnElement[bool]:
    """SQL: the members expected (应到) at the meeting by rule (the module docstring).

    Whoever has an attendance row for the meeting counts too, whatever this says: see `expected_at`.
    """
    kind = MeetingKind(meeting.kind)
    if kind is MeetingKind.COMMITTEE:
        return and_(_base(meeting), role_at_sql(meeting.starts_at) >= int(Role.COMMITTEE))
    if kind is MeetingKind.GROUP:
        in_group = select(col(PartyGroupMember.member_id)).where(
            col(PartyGroupMember.group_id) == meeting.party_group_id)
        return and_(_base(meeting), col(Member.id).in_(in_group))
    return _base(meeting)


def role_at(member: Member, moment: datetime, facts: Facts) -> int:
    """The member's role at `moment`, from their office history (as `role_at_sql`)."""
    for changed_at, old_role in facts.changes.get(member.id or 0, []):
        if changed_at > moment:
            return old_role
    return member.role


def is_expected(member: Member, meeting: StudySession, facts: Facts | None = None) -> bool:
    """The rule of `expected_members` for a member already loaded (a test keeps the two equal).

    支委会 and 党小组会 need `facts` (from `load_facts`); the other kinds do not.
    """
    kind = MeetingKind(meeting.kind)
    if kind in NEEDS_FACTS and facts is None:
        raise ValueError(f"is_expected for a {kind.label} needs the branch's facts")
    if not (member.branch_id == meeting.branch_id and member.status == MemberStatus.ACTIVE
            and member.category != HealthCategory.UNABLE and member.created_at <= meeting.closes_at):
        return False
    if kind is MeetingKind.COMMITTEE:
        assert facts is not None
        return role_at(member, meeting.starts_at, facts) >= Role.COMMITTEE
    if kind is MeetingKind.GROUP:
        assert facts is not None
        return meeting.party_group_id is not None and facts.groups.get(member.id or 0) == meeting.party_group_id
    return True


def expected_at(meeting: StudySession, members: Iterable[Member], marked: Collection[int],
                facts: Facts | None = None) -> list[Member]:
    """应到 of the meeting among `members`: expected by rule, plus anyone with a row (`marked` ids).

    A 不能参加活动 member who came, or one deactivated since, still counts for the meeting they
    answered, so 实到/应到 never passes 100%.
    """
    return [m for m in members if m.id in marked or is_expected(m, meeting, facts)]


async def load_facts(db: AsyncSession, *, branch_id: int) -> Facts:
    """The branch's office history and 党小组 membership, for `is_expected`."""
    changes: dict[int, list[tuple[datetime, int]]] = {}
    stmt = (select(RoleChange.member_id, RoleChange.changed_at, RoleChange.old_role)
            .where(RoleChange.branch_id == branch_id)
            .order_by(col(RoleChange.changed_at), col(RoleChange.id)))
    for member_id, changed_at, old_role in (await db.exec(stmt)).all():
        changes.setdefault(member_id, []).append((changed_at, old_role))
    groups = {mid: gid for mid, gid in (await db.exec(
        select(PartyGroupMember.member_id, PartyGroupMember.group_id)
        .where(PartyGroupMember.branch_id == branch_id))).all()}
    return Facts(changes, groups)
