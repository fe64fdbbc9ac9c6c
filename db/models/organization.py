"""How a branch is organised over time: 党小组, the history of offices, rhythms, 民主评议."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import now
from db.types import UTCDateTime


class PartyGroup(SQLModel, table=True):
    """A 党小组 of a branch; its leader (组长) is one of its members or nobody yet."""

    __tablename__ = "party_group"
    __table_args__ = (UniqueConstraint("branch_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    name: str = Field(sa_type=String(32))
    leader_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class PartyGroupMember(SQLModel, table=True):
    """A member in a 党小组: at most one group per member and branch (the unique constraint)."""

    __tablename__ = "party_group_member"
    __table_args__ = (UniqueConstraint("branch_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    group_id: int = Field(foreign_key="party_group.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    added_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class RoleChange(SQLModel, table=True):
    """An office given or taken (书记, 支委委员): the role before and after, and when.

    The role a member held at a moment is the `old_role` of their first change after it, else
    their current role: so a committee member appointed after a 支委会 is not in its 应到.
    """

    __tablename__ = "role_change"

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    old_role: int
    new_role: int
    changed_at: datetime = Field(default_factory=now, sa_type=UTCDateTime, index=True)


class RhythmPeriod(StrEnum):
    """How often a required meeting kind must be held."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    NONE = "none"


class MeetingRhythm(SQLModel, table=True):
    """A branch's override of how often a meeting kind is required (absent: the 条例's default)."""

    __tablename__ = "meeting_rhythm"

    branch_id: int = Field(foreign_key="branch.id", primary_key=True)
    kind: str = Field(sa_type=String(16), primary_key=True)
    period: RhythmPeriod = Field(sa_type=String(16))
    updated_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class ReviewGrade(StrEnum):
    """民主评议党员's four grades."""

    EXCELLENT = "excellent"
    QUALIFIED = "qualified"
    BASIC = "basic"
    UNQUALIFIED = "unqualified"

    @property
    def label(self) -> str:
        """优秀 / 合格 / 基本合格 / 不合格."""
        return {"excellent": "优秀", "qualified": "合格", "basic": "基本合格",
                "unqualified": "不合格"}[self.value]


class ReviewRound(SQLModel, table=True):
    """A year's 民主评议党员 of a branch, opened by 民主评议 <年份>."""

    __tablename__ = "review_round"
    __table_args__ = (UniqueConstraint("branch_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    year: int
    opened_by: int | None = Field(default=None, foreign_key="member.id")
    opened_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class ReviewResult(SQLModel, table=True):
    """A member's grade in a round: private (the secretary, superusers and exports only)."""

    __tablename__ = "review_result"
    __table_args__ = (UniqueConstraint("round_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="review_round.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    grade: ReviewGrade = Field(sa_type=String(16))
    graded_by: int | None = Field(default=None, foreign_key="member.id")
    graded_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
