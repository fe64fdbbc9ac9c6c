"""Notices (通知) passed down to every member, who was expected to get each one, and receipts."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKeyConstraint, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.timeutil import now
from db.types import UTCDateTime


class Channel(StrEnum):
    """How a member was reached: their own 收到 in chat, or a committee member by phone, visit, in person."""

    QQ = "qq"
    PHONE = "phone"
    VISIT = "visit"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        """收到 / 电话 / 上门 / 当面."""
        return {"qq": "收到", "phone": "电话", "visit": "上门", "in_person": "当面"}[self.value]


class CountyNotice(SQLModel, table=True):
    """县通知: one text sent to every bound branch; each branch gets a Notice of its own."""

    __tablename__ = "county_notice"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_type=Text)
    created_by: str | None = Field(default=None, sa_type=String(64))
    """Who sent it (a name, or the superuser's chat id)."""
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class Notice(SQLModel, table=True):
    """One notice of one branch, numbered #N within the branch (what members type back)."""

    __table_args__ = (
        UniqueConstraint("branch_id", "number"),
        Index("ix_notice_branch_created", "branch_id", "created_at"),
        Index("ix_notice_message", "platform", "message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    number: int
    """#N as members see it: the branch's own count, so a branch's notices read #1, #2, #3."""
    text: str = Field(sa_type=Text)
    county_notice_id: int | None = Field(default=None, foreign_key="county_notice.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="member.id")
    created_by_name: str = Field(sa_type=String(32))
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    platform: str | None = Field(default=None, sa_type=String(16))
    message_id: str | None = Field(default=None, sa_type=String(64))
    """The group message that posted it, so a reply-quote of that message is a 收到 for it."""


class NoticeRecipient(SQLModel, table=True):
    """Who a notice expects: the branch's active members when it was sent (a snapshot)."""

    __tablename__ = "notice_recipient"
    __table_args__ = (UniqueConstraint("notice_id", "member_id"),
                      Index("ix_notice_recipient_member", "member_id"))

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id")
    member_id: int = Field(foreign_key="member.id")


class NoticeReceipt(SQLModel, table=True):
    """One member reached by one notice: the first receipt wins, a second is ignored (the key)."""

    __tablename__ = "notice_receipt"
    __table_args__ = (
        UniqueConstraint("notice_id", "member_id"),
        ForeignKeyConstraint(["notice_id", "member_id"],
                             ["notice_recipient.notice_id", "notice_recipient.member_id"],
                             name="fk_notice_receipt_recipient"),
    )

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int
    member_id: int
    """Both name an expected recipient (the composite foreign key): nobody else can be reached."""
    channel: Channel = Field(sa_type=String(16))
    recorded_by: int | None = Field(default=None, foreign_key="member.id")
    """Who recorded an off-line receipt (None: the member's own 收到)."""
    recorded_by_name: str | None = Field(default=None, sa_type=String(32))
    note: str | None = Field(default=None, sa_type=String(200))
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class NoticeSetting(SQLModel, table=True):
    """A branch's choice for notice follow-ups (the default comes from config without a row)."""

    __tablename__ = "notice_setting"

    branch_id: int = Field(foreign_key="branch.id", primary_key=True)
    followup_private: bool = Field(default=False)
    """Members not yet reached are reminded privately (else one @-message in the group)."""


class NoticeAttachment(SQLModel, table=True):
    """An image sent with a notice, kept under the media directory (domain.media's checks)."""

    __tablename__ = "notice_attachment"
    __table_args__ = (UniqueConstraint("notice_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    relpath: str = Field(sa_type=String(200))
    """Path under the media root (domain.media.media_path resolves it)."""
    media_type: str = Field(sa_type=String(8))
    size: int
    sha256: str = Field(sa_type=String(64))
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
