"""Caring for members: care tags (private health and living situation), visits, branch choices.

Care tags and visit notes are health data: only domain/care reads them, and only for the
secretary and committee in private chat, their dashboard and exports.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import now
from db.types import UTCDateTime


class CareTagKind(StrEnum):
    """The seeds' categories for members who need looking after (分类编册)."""

    ALONE = "独居"
    WIDOWED = "孤寡"
    FRAIL = "体弱"
    HOSPITAL = "住院"
    DISABLED = "失能"
    HARDSHIP = "困难"


class VisitWay(StrEnum):
    """How a visit was made."""

    HOME = "上门"
    PHONE = "电话"
    HOSPITAL = "医院"
    FESTIVAL = "节日慰问"


class CareTag(SQLModel, table=True):
    """One care tag of a member (独居, 体弱, …); a member has each tag at most once."""

    __tablename__ = "care_tag"
    __table_args__ = (UniqueConstraint("member_id", "tag"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    tag: CareTagKind = Field(sa_type=String(8))
    set_by: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class CareVisit(SQLModel, table=True):
    """A 走访慰问 record: whom, how, what was found, who visited and when."""

    __tablename__ = "care_visit"
    __table_args__ = (CheckConstraint("length(note) > 0", name="note_not_empty"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    way: VisitWay = Field(sa_type=String(8))
    note: str = Field(sa_type=String(500))
    visitor_id: int | None = Field(default=None, foreign_key="member.id")
    visitor_name: str = Field(sa_type=String(32))
    visited_at: datetime = Field(default_factory=now, sa_type=UTCDateTime, index=True)


class CareSetting(SQLModel, table=True):
    """A branch's care choices (no row: the defaults)."""

    __tablename__ = "care_setting"

    branch_id: int = Field(foreign_key="branch.id", primary_key=True)
    birthday_greetings: bool = Field(default=False)
    """Birthdays are greeted in the group (off until the secretary turns them on: 生日祝福 开)."""
