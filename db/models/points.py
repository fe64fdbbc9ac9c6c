"""The append-only points ledger (积分, 时间银行). Balance is a sum; mistakes get reversing entries."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Index, Numeric, String
from sqlmodel import Field, SQLModel

from core.timeutil import now
from db.types import UTCDateTime


class LedgerKind(StrEnum):
    """What an entry is for."""

    STUDY = "study"
    VOLUNTEER = "volunteer"
    SUGGESTION = "suggestion"
    BONUS = "bonus"
    PENALTY = "penalty"
    REDEEM = "redeem"
    REVERSAL = "reversal"

    @property
    def label(self) -> str:
        """学习 / 志愿 / 建言 / 加分 / 扣分 / 兑换 / 冲正."""
        return _KIND_LABELS[self.value]


_KIND_LABELS = {
    "study": "学习", "volunteer": "志愿", "suggestion": "建言", "bonus": "加分",
    "penalty": "扣分", "redeem": "兑换", "reversal": "冲正",
}


class LedgerEntry(SQLModel, table=True):
    """One change of a member's points; never updated, never deleted."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        Index("ix_ledger_entry_member_cycle", "member_id", "cycle"),
        Index("ix_ledger_entry_branch_cycle", "branch_id", "cycle", "member_id"),
        Index("ix_ledger_entry_branch_quarter", "branch_id", "quarter", "member_id"),
        Index("ix_ledger_entry_source", "source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    member_id: int = Field(foreign_key="member.id")
    delta: Decimal = Field(sa_type=Numeric(10, 1))
    kind: LedgerKind = Field(sa_type=String(16))
    reason: str = Field(sa_type=String(200))
    source: str | None = Field(default=None, sa_type=String(64))
    operator_id: int | None = Field(default=None, foreign_key="member.id")
    operator_name: str | None = Field(default=None, sa_type=String(64))
    reverses_id: int | None = Field(default=None, foreign_key="ledger_entry.id")
    cycle: int
    quarter: str = Field(sa_type=String(8))
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
