"""Meetings (三会一课, 主题党日, 学习, 组织生活会) and who attended them.

The table keeps its first name, study_session: a 学习 was the first kind of meeting.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import now
from db.types import UTCDateTime


class SessionKind(StrEnum):
    """The kind of a meeting; every kind is signed in to, asked leave for and reported the same way.

    Who is expected at each kind is domain/meetings/attendance.py's; how often each is required is
    domain/meetings/rhythm.py's.
    """

    STUDY = "study"
    PARTYDAY = "partyday"
    GENERAL = "general"
    COMMITTEE = "committee"
    GROUP = "group"
    LECTURE = "lecture"
    LIFE = "life"

    @property
    def label(self) -> str:
        """学习 / 主题党日 / 支部党员大会 / 支部委员会 / 党小组会 / 党课 / 组织生活会."""
        return _KIND_LABELS[self.value]


_KIND_LABELS = {"study": "学习", "partyday": "主题党日", "general": "支部党员大会",
                "committee": "支部委员会", "group": "党小组会", "lecture": "党课", "life": "组织生活会"}

MeetingKind = SessionKind
"""The name new code uses: a study session is one kind of meeting."""


class StudySession(SQLModel, table=True):
    """One sitting members sign in to; the window is fixed when the session is created."""

    __tablename__ = "study_session"
    __table_args__ = (Index("ix_study_session_branch_starts", "branch_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    kind: SessionKind = Field(default=SessionKind.STUDY, sa_type=String(16))
    title: str = Field(sa_type=String(200))
    place: str | None = Field(default=None, sa_type=String(100))
    starts_at: datetime = Field(sa_type=UTCDateTime)
    opens_at: datetime = Field(sa_type=UTCDateTime)
    late_after: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime)
    cancelled: bool = Field(default=False)
    party_group_id: int | None = Field(default=None, foreign_key="party_group.id")
    """党小组会: the 党小组 that meets (its members are the 应到)."""
    lecturer_id: int | None = Field(default=None, foreign_key="member.id")
    """党课: the member who taught, when a member did."""
    lecturer: str | None = Field(default=None, sa_type=String(32))
    """党课: who taught (讲课人), as written; a member's name or a guest speaker's."""
    # Incremented atomically by every sign-in: gives the 第N位 order without a race.
    signin_count: int = Field(default=0)
    last_signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    """The latest time a sign-in took its 第N位 (with signin_count, in the same update): a row's
    recorded time is never before the one numbered ahead of it (domain.meetings.signin)."""
    created_by: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class AttendanceStatus(StrEnum):
    """How a member took part in a session (absence is the lack of a row)."""

    PRESENT = "present"
    LATE = "late"
    LEAVE = "leave"
    MAKEUP = "makeup"

    @property
    def label(self) -> str:
        """签到 / 迟到 / 请假 / 补签."""
        return {"present": "签到", "late": "迟到", "leave": "请假", "makeup": "补签"}[self.value]


class Attendance(SQLModel, table=True):
    """A member's sign-in, leave or make-up for one session; one row per member and session."""

    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="study_session.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    status: AttendanceStatus = Field(sa_type=String(16))
    seq: int | None = None
    signed_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    proxy_by: int | None = Field(default=None, foreign_key="member.id")
    reason: str | None = Field(default=None, sa_type=String(200))


class MinutesAction(StrEnum):
    """How a revision of the minutes came about."""

    WRITE = "write"
    APPEND = "append"
    CORRECT = "correct"


class MeetingMinutes(SQLModel, table=True):
    """One revision of a meeting's minutes (会议记录): the full text after the change.

    Revisions are never edited or deleted: the latest is the minutes, the others are its history.
    """

    __tablename__ = "meeting_minutes"
    __table_args__ = (UniqueConstraint("meeting_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="study_session.id", index=True)
    revision: int
    action: MinutesAction = Field(sa_type=String(16))
    text: str = Field(sa_type=Text)
    change: str = Field(sa_type=Text)
    """What this revision added or replaced with, as written."""
    author_id: int | None = Field(default=None, foreign_key="member.id")
    author_name: str = Field(sa_type=String(64))
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class MeetingPhoto(SQLModel, table=True):
    """A photo of a meeting, stored under the media directory (domain.media's rules)."""

    __tablename__ = "meeting_photo"
    __table_args__ = (UniqueConstraint("meeting_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="study_session.id", index=True)
    relpath: str = Field(sa_type=String(200))
    media_type: str = Field(sa_type=String(8))
    size: int
    sha256: str = Field(sa_type=String(64))
    uploaded_by: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
