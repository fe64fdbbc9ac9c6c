"""Study sessions (学习 and 主题党日) and who attended them."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import now
from db.types import UTCDateTime


class SessionKind(StrEnum):
    """A session is a study session or a theme party day; both are attended the same way."""

    STUDY = "study"
    PARTYDAY = "partyday"

    @property
    def label(self) -> str:
        """学习 / 主题党日."""
        return "学习" if self is SessionKind.STUDY else "主题党日"


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
    # Incremented atomically by every sign-in: gives the 第N位 order without a race.
    signin_count: int = Field(default=0)
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
