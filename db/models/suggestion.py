"""Suggestions (建言献策, 议事厅): the suggestion, its history, and the sealed route to anonymous authors.

Anonymity is structural: an anonymous `Suggestion` has `author_id` NULL, and the only link back to
its author is a `SuggestionSealedAuthor` row. That table is read in domain/suggestion/anonymity.py
only — delivering a reply privately, and the author's own daily count / 我的建议 / 实名 — never by
a list, export or page. Those read `Suggestion` and `SuggestionEvent` only, through
domain/suggestion/public.py.
"""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Index, Numeric, String, Text
from sqlmodel import Field, SQLModel

from core.timeutil import now
from db.types import UTCDateTime


class SuggestionStatus(StrEnum):
    """Where a suggestion stands; the latest secretary action decides it."""

    PENDING = "pending"
    REPLIED = "replied"
    ADOPTED = "adopted"
    FORWARDED = "forwarded"

    @property
    def label(self) -> str:
        """待处理 / 已答复 / 已采纳 / 已转交."""
        return _STATUS_LABELS[self.value]


_STATUS_LABELS = {"pending": "待处理", "replied": "已答复", "adopted": "已采纳", "forwarded": "已转交"}


class SuggestionEventKind(StrEnum):
    """One step in a suggestion's history."""

    SUBMITTED = "submitted"
    REPLIED = "replied"
    ADOPTED = "adopted"
    FORWARDED = "forwarded"
    CLAIMED = "claimed"
    """The anonymous author answered 实名 and received the adoption points."""


class Suggestion(SQLModel, table=True):
    """A member's suggestion; `author_id` is NULL when it was sent anonymously."""

    __table_args__ = (
        Index("ix_suggestion_branch_created", "branch_id", "created_at"),
        Index("ix_suggestion_branch_status", "branch_id", "status"),
        Index("ix_suggestion_author_created", "author_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    author_id: int | None = Field(default=None, foreign_key="member.id")
    anonymous: bool = Field(default=False)
    content: str = Field(sa_type=Text)
    status: SuggestionStatus = Field(default=SuggestionStatus.PENDING, sa_type=String(16))
    forwarded_to: str | None = Field(default=None, sa_type=String(100))
    points: Decimal | None = Field(default=None, sa_type=Numeric(10, 1))
    """Points granted on adoption (for an anonymous author: offered until they answer 实名)."""
    points_awarded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class SuggestionEvent(SQLModel, table=True):
    """History of a suggestion: submitted, replies, adoption, forwarding. `actor_*` is the secretary."""

    __tablename__ = "suggestion_event"

    id: int | None = Field(default=None, primary_key=True)
    suggestion_id: int = Field(foreign_key="suggestion.id", index=True)
    kind: SuggestionEventKind = Field(sa_type=String(16))
    text: str | None = Field(default=None, sa_type=Text)
    points: Decimal | None = Field(default=None, sa_type=Numeric(10, 1))
    actor_id: int | None = Field(default=None, foreign_key="member.id")
    actor_name: str | None = Field(default=None, sa_type=String(64))
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class SuggestionSealedAuthor(SQLModel, table=True):
    """The way back to an anonymous author. Never listed, exported or shown (see module docstring)."""

    __tablename__ = "suggestion_sealed_author"
    __table_args__ = (Index("ix_suggestion_sealed_author_member_created", "member_id", "created_at"),)

    suggestion_id: int = Field(foreign_key="suggestion.id", primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    platform: str = Field(sa_type=String(16))
    user_id: str = Field(sa_type=String(64))
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
