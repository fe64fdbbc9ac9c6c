"""Volunteer-service needs (志愿服务需求) and the claims on them."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, Numeric, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import now
from db.types import UTCDateTime


class Suitability(StrEnum):
    """Which health categories a need suits."""

    NORMAL = "normal"
    LIMITED = "limited"
    ANY = "any"

    @property
    def label(self) -> str:
        """正常活动 / 适当参加 / 不限."""
        return {"normal": "正常活动", "limited": "适当参加", "any": "不限"}[self.value]


class NeedStatus(StrEnum):
    """Lifecycle of a need."""

    OPEN = "open"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class Need(SQLModel, table=True):
    """A posted need; `claimed` never exceeds `capacity` — the database checks it."""

    __table_args__ = (
        CheckConstraint("claimed >= 0 AND claimed <= capacity", name="capacity"),
        Index("ix_need_branch_starts", "branch_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    title: str = Field(sa_type=String(100))
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    place: str | None = Field(default=None, sa_type=String(100))
    capacity: int
    claimed: int = Field(default=0)
    points_per_person: Decimal | None = Field(default=None, sa_type=Numeric(10, 1))
    points_per_hour: Decimal | None = Field(default=None, sa_type=Numeric(10, 1))
    suits: Suitability = Field(default=Suitability.NORMAL, sa_type=String(16))
    description: str | None = Field(default=None, sa_type=Text)
    status: NeedStatus = Field(default=NeedStatus.OPEN, sa_type=String(16))
    status_reason: str | None = Field(default=None, sa_type=String(200))
    hours: Decimal | None = Field(default=None, sa_type=Numeric(6, 1))
    created_by: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ClaimStatus(StrEnum):
    """A claim holds a place, waits for one, or was given up / marked absent."""

    CLAIMED = "claimed"
    WAITLIST = "waitlist"
    CANCELLED = "cancelled"
    ABSENT = "absent"


class Claim(SQLModel, table=True):
    """A member's claim on a need; one row per member and need, re-used on re-claim."""

    __table_args__ = (UniqueConstraint("need_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="need.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    status: ClaimStatus = Field(sa_type=String(16))
    # Arrival order: decides waitlist positions and who is moved back when capacity drops.
    queued_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    proxy_by: int | None = Field(default=None, foreign_key="member.id")
    updated_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
