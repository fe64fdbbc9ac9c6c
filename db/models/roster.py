"""Branches, the groups bound to them, members and their chat accounts."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.roles import Role
from core.timeutil import now
from db.types import UTCDateTime


class HealthCategory(StrEnum):
    """The seeds' three health categories, which decide which volunteer needs suit a member."""

    NORMAL = "normal"
    LIMITED = "limited"
    UNABLE = "unable"

    @property
    def label(self) -> str:
        """正常活动 / 适当参加活动 / 不能参加活动."""
        return {"normal": "正常活动", "limited": "适当参加活动", "unable": "不能参加活动"}[self.value]


class MemberStatus(StrEnum):
    """Inactive members (moved, transferred, deceased) stay in the records but are never expected."""

    ACTIVE = "active"
    INACTIVE = "inactive"


class Branch(SQLModel, table=True):
    """A Party branch of retired cadres."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(64), unique=True)
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    # County grouping (issue 17): what the county office subtotals and filters by.
    area: str | None = Field(default=None, sa_type=String(32))
    """片区 / 乡镇(街道); None: 未分片区."""
    sector: str | None = Field(default=None, sa_type=String(32))
    """行业 / 类别 (e.g. 教育系统); None: 未分行业."""


class GroupBinding(SQLModel, table=True):
    """A chat group bound to exactly one branch; self_id is the bot account that serves it."""

    __tablename__ = "group_binding"
    __table_args__ = (UniqueConstraint("platform", "group_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(sa_type=String(16))
    group_id: str = Field(sa_type=String(64))
    branch_id: int = Field(foreign_key="branch.id", index=True)
    self_id: str | None = Field(default=None, sa_type=String(64))
    bound_by: str | None = Field(default=None, sa_type=String(64))
    bound_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class Member(SQLModel, table=True):
    """A branch member; may have no chat account at all (signed in by proxy)."""

    __table_args__ = (UniqueConstraint("branch_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    name: str = Field(sa_type=String(32))
    category: HealthCategory = Field(default=HealthCategory.NORMAL, sa_type=String(16))
    role: int = Field(default=int(Role.MEMBER))
    status: MemberStatus = Field(default=MemberStatus.ACTIVE, sa_type=String(16))
    status_reason: str | None = Field(default=None, sa_type=String(200))
    origin_unit: str | None = Field(default=None, sa_type=String(100))
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    # Care (issue 16): the days a 政治生日 and a birthday fall on; rules in domain/care/dates.py.
    joined_party_on: date | None = Field(default=None)
    """入党日期 (solar)."""
    birth_year: int | None = Field(default=None)
    """Year of birth (solar year, or the lunar year of a lunar birthday); None when unknown."""
    birth_month: int | None = Field(default=None)
    birth_day: int | None = Field(default=None)
    birth_lunar: bool = Field(default=False)
    """The birthday is kept by the lunar calendar (month/day are lunar; birth_leap: a leap month)."""
    birth_leap: bool = Field(default=False)
    birthday_greeting: bool = Field(default=True)
    """False: the member asked for no birthday greeting (不要生日祝福)."""

    @property
    def active(self) -> bool:
        """Counts as expected (应到) anywhere."""
        return self.status == MemberStatus.ACTIVE


class ChatAccount(SQLModel, table=True):
    """(platform, user id) → member. in_group is False once they leave the group."""

    __tablename__ = "chat_account"
    __table_args__ = (
        UniqueConstraint("platform", "user_id"),
        UniqueConstraint("member_id", "platform"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(sa_type=String(16))
    user_id: str = Field(sa_type=String(64))
    member_id: int = Field(foreign_key="member.id", index=True)
    nickname: str | None = Field(default=None, sa_type=String(64))
    in_group: bool = Field(default=True)
    linked_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class ProcessedEvent(SQLModel, table=True):
    """Seen message ids: the same event delivered twice has one effect."""

    __tablename__ = "processed_event"

    platform: str = Field(sa_type=String(16), primary_key=True)
    event_key: str = Field(sa_type=String(128), primary_key=True)
    seen_at: datetime = Field(default_factory=now, sa_type=UTCDateTime, index=True)
