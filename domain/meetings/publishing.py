"""发布会议: a meeting of any kind, with what its kind needs (党小组会: the group; 党课: 讲课人)."""

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import InvalidInput
from db.models import MeetingKind, StudySession
from domain import roster
from domain.meetings.kinds import EX_PUBLISH_MEETING
from domain.meetings.meetings import schedule_meeting

EX_GROUP_MEETING = "发布会议 党小组会 第一小组 12月8日下午3点 学习党章 活动室"
EX_LECTURE = "发布会议 党课 12月12日上午9点 学习二十届三中全会精神 活动室 讲课人张三"
LECTURER_MAX = 32


async def publish_meeting(
    db: AsyncSession, *, branch_id: int, kind: MeetingKind, starts_at: datetime, title: str,
    place: str | None, group: str | None = None, lecturer: str | None = None,
    created_by: int | None = None,
) -> StudySession:
    """Schedule a meeting of a kind: a 党小组会 names an existing 党小组; a 党课 may name its 讲课人
    (linked to the member of that name when there is one)."""
    group_id = None
    if kind is MeetingKind.GROUP:
        if not group:
            raise InvalidInput("党小组会请写上是哪个党小组。", EX_GROUP_MEETING)
        group_id = (await roster.party_group_by_name(db, branch_id=branch_id, name=group,
                                                     example=EX_GROUP_MEETING)).id
    elif group:
        raise InvalidInput("只有党小组会需要写党小组。", EX_PUBLISH_MEETING)
    if lecturer and kind is not MeetingKind.LECTURE:
        raise InvalidInput("只有党课需要写讲课人。", EX_LECTURE)
    meeting = await schedule_meeting(db, branch_id=branch_id, starts_at=starts_at, title=title,
                                     place=place, kind=kind, created_by=created_by)
    meeting.party_group_id = group_id
    if lecturer:
        name = lecturer.strip()[:LECTURER_MAX]
        teacher = await roster.member_by_name(db, branch_id=branch_id, name=name)
        meeting.lecturer, meeting.lecturer_id = name, teacher.id if teacher else None
    db.add(meeting)
    await db.flush()
    return meeting
