"""County staff (县级管理员): the county office's accounts, read-only across every branch."""

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import now
from db.types import UTCDateTime


class CountyStaff(SQLModel, table=True):
    """A chat account the superuser made county staff; removal keeps the row (removed_at) for audit."""

    __tablename__ = "county_staff"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(sa_type=String(16))
    user_id: str = Field(sa_type=String(64))
    name: str | None = Field(default=None, sa_type=String(64))
    """How replies and the dashboard call them (a name given, or the chat nickname)."""
    added_by: str = Field(sa_type=String(64))
    added_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    """Set by 取消县级: from then on the account is nobody at county level (its web sessions end)."""

    @property
    def active(self) -> bool:
        """Currently county staff."""
        return self.removed_at is None
