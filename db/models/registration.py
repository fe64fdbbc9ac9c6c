"""报到 of a name already on the roster: a request waiting for the secretary, or a one-time code.

A name the secretary put on the roster (添加成员, the roster import, an office given by name) with no
chat account yet is not taken by whoever sends `报到 <name>` first: that sender waits for 确认报到,
or types the 6-digit 报到码 the secretary handed the member. Rules: domain/roster/claiming.py.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import now
from db.types import UTCDateTime


class RegistrationRequest(SQLModel, table=True):
    """An account asked to be linked to a pre-registered member; the secretary confirms it."""

    __tablename__ = "registration_request"
    __table_args__ = (UniqueConstraint("member_id", "platform", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    platform: str = Field(sa_type=String(16))
    user_id: str = Field(sa_type=String(64))
    nickname: str | None = Field(default=None, sa_type=String(64))
    group_id: str | None = Field(default=None, sa_type=String(64))
    """Where they asked (the confirmation is announced there)."""
    requested_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class RegistrationCode(SQLModel, table=True):
    """A 报到码: six digits the secretary hands one member, valid 24 hours, used once.

    Only a salted hash is kept. A use is one conditional UPDATE (unused, unexpired, not worn out by
    wrong tries) in the transaction that links the account, so two uses never both succeed.
    """

    __tablename__ = "registration_code"
    __table_args__ = (
        Index("ix_registration_code_member", "member_id", "expires_at"),
        CheckConstraint("wrong_tries >= 0", name="wrong_tries_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    member_id: int = Field(foreign_key="member.id")
    code_hash: str = Field(sa_type=String(64))
    salt: str = Field(sa_type=String(32))
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by: str | None = Field(default=None, sa_type=String(64))
    """The account that used it (platform:user id)."""
    wrong_tries: int = Field(default=0)
    created_by: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
