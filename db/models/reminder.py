"""Reminders are rows, not memory: each row is one message to send once; rules and holidays too."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import now
from db.types import UTCDateTime


class ReminderState(StrEnum):
    """pending → sending (claimed by one process) → sent / failed; skipped = missed on purpose."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """待发送 / 发送中 / 已发送 / 已跳过 / 发送失败 / 已取消."""
        return _STATE_LABELS[self.value]


_STATE_LABELS = {
    "pending": "待发送", "sending": "发送中", "sent": "已发送", "skipped": "已跳过",
    "failed": "发送失败", "cancelled": "已取消",
}


class TargetKind(StrEnum):
    """Where a reminder goes: a group chat or one person privately."""

    GROUP = "group"
    PRIVATE = "private"


class Reminder(SQLModel, table=True):
    """One message due at one time; dedupe_key makes re-materialising it a no-op."""

    __table_args__ = (
        Index("ix_reminder_state_due", "state", "due_at"),
        Index("ix_reminder_branch_due", "branch_id", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int | None = Field(default=None, foreign_key="branch.id")
    kind: str = Field(sa_type=String(24))
    """partyday / study / study_absent / volunteer / oneoff / notice: picks the renderer at send time."""
    ref: str | None = Field(default=None, sa_type=String(64))
    """What it is about, e.g. occurrence:7, session:12, need:3:member:5."""
    target_kind: TargetKind = Field(sa_type=String(16))
    platform: str = Field(sa_type=String(16))
    self_id: str | None = Field(default=None, sa_type=String(64))
    """The bot account that serves the target; only a process it is connected to claims the row."""
    target_id: str = Field(sa_type=String(64))
    due_at: datetime = Field(sa_type=UTCDateTime)
    text: str = Field(sa_type=Text)
    mentions: list[str] = Field(default_factory=list, sa_type=JSON)
    dedupe_key: str = Field(sa_type=String(128), unique=True)
    state: ReminderState = Field(default=ReminderState.PENDING, sa_type=String(16))
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, sa_type=String(300))
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    """The claim's lease: renewed by its holder while it sends; past it, the holder is gone."""
    claimed_by: str | None = Field(default=None, sa_type=String(64))
    """The claim's token (the holding process and a nonce): only its holder begins and settles it."""
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    late: bool = Field(default=False)
    created_by: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class HolidayPolicy(StrEnum):
    """What a party day on a statutory holiday does."""

    POSTPONE = "postpone"
    ADVANCE = "advance"
    KEEP = "keep"

    @property
    def label(self) -> str:
        """顺延 / 提前 / 不调整."""
        return {"postpone": "顺延", "advance": "提前", "keep": "不调整"}[self.value]


class PartydayRule(SQLModel, table=True):
    """A branch's recurring 主题党日: 每月<day>日 or 每月第<nth>个周<weekday>, at a clock time.

    Changing the rule retires this row (active=False) and adds a new one, so dedupe keys that
    name the rule id never collide with the old plan.
    """

    __tablename__ = "partyday_rule"
    __table_args__ = (Index("ix_partyday_rule_branch_active", "branch_id", "active"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    month_day: int | None = None
    """1–31 for 每月N日 (a short month uses its last day)."""
    nth: int | None = None
    weekday: int | None = None
    """0 = Monday, for 每月第<nth>个周<weekday>."""
    hour: int
    minute: int
    place: str | None = Field(default=None, sa_type=String(100))
    offsets: str = Field(default="3d,1d,1h", sa_type=String(100))
    holiday_policy: HolidayPolicy = Field(default=HolidayPolicy.POSTPONE, sa_type=String(16))
    active: bool = Field(default=True)
    created_by: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class PartydayOccurrence(SQLModel, table=True):
    """One materialised party day: when it really is (after holiday moves), theme, sign-in session."""

    __tablename__ = "partyday_occurrence"
    __table_args__ = (UniqueConstraint("rule_id", "nominal_date"),)

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="partyday_rule.id")
    branch_id: int = Field(foreign_key="branch.id", index=True)
    nominal_date: date
    """The date the rule gives, before any holiday move."""
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    place: str | None = Field(default=None, sa_type=String(100))
    theme: str | None = Field(default=None, sa_type=String(300))
    moved_note: str | None = Field(default=None, sa_type=String(100))
    holiday_unknown: bool = Field(default=False)
    cancelled: bool = Field(default=False)
    cancel_reason: str | None = Field(default=None, sa_type=String(200))
    session_id: int | None = Field(default=None, foreign_key="study_session.id")
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class HolidayOverride(SQLModel, table=True):
    """A published holiday (休) or 调休 working day (班) the chinesecalendar package does not know yet."""

    __tablename__ = "holiday_override"

    day: date = Field(primary_key=True)
    is_holiday: bool
    note: str | None = Field(default=None, sa_type=String(64))
    created_by: str | None = Field(default=None, sa_type=String(64))
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class ReminderSetting(SQLModel, table=True):
    """Per-branch reminder choices (defaults come from config when a branch has no row)."""

    __tablename__ = "reminder_setting"

    branch_id: int = Field(foreign_key="branch.id", primary_key=True)
    study_absent: bool = Field(default=True)
    """@-mention who has not signed in 10 minutes after a study session starts."""
    volunteer_private: bool = Field(default=True)
    """Volunteer claimants are reminded privately (else one @-message in the group)."""
