"""Who is expected at a meeting (应到) and what counts as attended: defined here once.

签到情况 in chat, the 未签到 reminder, the sign-in ledger export and the dashboard all count with
these, so they give the same 应到/实到/请假/缺席 for the same meeting.
"""

from collections.abc import Collection, Iterable

from sqlalchemy import ColumnElement, and_
from sqlmodel import col

from db.models import AttendanceStatus, HealthCategory, Member, MemberStatus, StudySession

ATTENDED: tuple[AttendanceStatus, ...] = (
    AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.MAKEUP)
"""The statuses that count as 实到 (请假 is answered but not attended; no row is 缺席)."""


def expected_members(meeting: StudySession) -> ColumnElement[bool]:
    """SQL: the members expected (应到) at the meeting by rule.

    Active members of its branch, except 不能参加活动, who were registered before the meeting
    closed (someone who joins afterwards could not have come). Whoever has an attendance row for
    the meeting counts too, whatever this says: see `expected_at`.
    """
    return and_(
        col(Member.branch_id) == meeting.branch_id,
        col(Member.status) == MemberStatus.ACTIVE,
        col(Member.category) != HealthCategory.UNABLE,
        col(Member.created_at) <= meeting.closes_at,
    )


def is_expected(member: Member, meeting: StudySession) -> bool:
    """The rule of `expected_members` for a member already loaded (a test keeps the two equal)."""
    return (member.branch_id == meeting.branch_id and member.status == MemberStatus.ACTIVE
            and member.category != HealthCategory.UNABLE and member.created_at <= meeting.closes_at)


def expected_at(meeting: StudySession, members: Iterable[Member],
                marked: Collection[int]) -> list[Member]:
    """应到 of the meeting among `members`: expected by rule, plus anyone with a row (`marked` ids).

    A 不能参加活动 member who came, or one deactivated since, still counts for the meeting they
    answered, so 实到/应到 never passes 100%.
    """
    return [m for m in members if m.id in marked or is_expected(m, meeting)]
