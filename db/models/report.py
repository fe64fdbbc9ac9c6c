"""Dashboard access: one-time login links and the browser sessions they open."""

from datetime import datetime

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from core.timeutil import now
from db.types import UTCDateTime


class LoginToken(SQLModel, table=True):
    """A one-time dashboard login link; only the token's SHA-256 is stored, used_at makes it single-use."""

    __tablename__ = "report_login_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=String(64), unique=True)
    platform: str = Field(sa_type=String(16))
    user_id: str = Field(sa_type=String(64))
    member_id: int | None = Field(default=None, foreign_key="member.id")
    # None means every branch (a superuser); otherwise the one branch this login may see.
    branch_id: int | None = Field(default=None, foreign_key="branch.id")
    county_staff_id: int | None = Field(default=None, foreign_key="county_staff.id")
    """Set for county staff: every branch, read-only; re-checked on every request."""
    next_path: str | None = Field(default=None, sa_type=String(200))
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class WebSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds a random id whose SHA-256 is stored here."""

    __tablename__ = "report_web_session"

    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(sa_type=String(64), unique=True)
    csrf: str = Field(sa_type=String(64))
    name: str = Field(sa_type=String(64))
    member_id: int | None = Field(default=None, foreign_key="member.id")
    branch_id: int | None = Field(default=None, foreign_key="branch.id")
    county_staff_id: int | None = Field(default=None, foreign_key="county_staff.id")
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
