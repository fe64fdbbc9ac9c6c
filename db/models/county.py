"""County staff (县级管理员): the county office's accounts, read-only across every branch."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Index, Numeric, String, UniqueConstraint
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


class BranchScore(SQLModel, table=True):
    """One entry of a branch's assessment ledger (银领先锋 / 六好): append-only, a mistake is
    reversed by a second entry pointing at it (at most once: the unique index)."""

    __tablename__ = "branch_score"
    __table_args__ = (
        CheckConstraint("delta <> 0", name="nonzero"),
        Index("ix_branch_score_quarter", "quarter", "branch_id"),
        Index("ix_branch_score_reverses", "reverses_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    delta: Decimal = Field(sa_type=Numeric(6, 1))
    reason: str = Field(sa_type=String(200))
    quarter: str = Field(sa_type=String(8))
    """The Beijing quarter it counts in ('2026Q4'), fixed when written."""
    reverses_id: int | None = Field(default=None, foreign_key="branch_score.id")
    operator: str = Field(sa_type=String(64))
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
