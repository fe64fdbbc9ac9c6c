"""The append-only points ledger (积分, 时间银行). Balance is a sum; mistakes get reversing entries."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, Numeric, String
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
        # Entries by the time they were written, with what period sums read (covering): a month
        # is sealed and the current one read from a range of it (domain/points/monthly.py).
        Index("ix_ledger_entry_created", "created_at", "branch_id", "kind", "delta"),
        # A mistake is reversed once: the database refuses a second 冲正 of the same entry.
        Index("ix_ledger_entry_reverses", "reverses_id", unique=True),
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


class PointsBalance(SQLModel, table=True):
    """Running sum of a member's entries per cycle, kept by award() in the same transaction.

    It exists so 兑换 can spend with one conditional UPDATE (`balance >= cost`) that the database
    serialises; tests rebuild it from the ledger and compare.
    """

    __tablename__ = "points_balance"
    __table_args__ = (Index("ix_points_balance_rank", "branch_id", "cycle", "balance"),)

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    cycle: int = Field(primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    balance: Decimal = Field(default=Decimal(0), sa_type=Numeric(12, 1))


class PointsRule(SQLModel, table=True):
    """A branch's override of one points rule (积分规则); absent keys use the defaults."""

    __tablename__ = "points_rule"

    branch_id: int = Field(foreign_key="branch.id", primary_key=True)
    key: str = Field(sa_type=String(32), primary_key=True)
    value: Decimal = Field(sa_type=Numeric(10, 1))
    updated_by: str | None = Field(default=None, sa_type=String(64))
    updated_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class ProposalStatus(StrEnum):
    """A committee member's 加分/扣分 proposal waits for the secretary."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class PointsProposal(SQLModel, table=True):
    """加分/扣分 proposed by a committee member; 批准 writes the entry, 驳回 records why not."""

    __tablename__ = "points_proposal"
    __table_args__ = (Index("ix_points_proposal_branch_status", "branch_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    member_id: int = Field(foreign_key="member.id")
    delta: Decimal = Field(sa_type=Numeric(10, 1))
    reason: str = Field(sa_type=String(200))
    proposer_id: int | None = Field(default=None, foreign_key="member.id")
    proposer_name: str | None = Field(default=None, sa_type=String(64))
    status: ProposalStatus = Field(default=ProposalStatus.PENDING, sa_type=String(16))
    decided_by: str | None = Field(default=None, sa_type=String(64))
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_reason: str | None = Field(default=None, sa_type=String(200))
    entry_id: int | None = Field(default=None, foreign_key="ledger_entry.id")
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class QuarterPublication(SQLModel, table=True):
    """积分公示 of a quarter; once closes_at has passed nothing more is dated into the quarter."""

    __tablename__ = "points_quarter"

    branch_id: int = Field(foreign_key="branch.id", primary_key=True)
    quarter: str = Field(sa_type=String(8), primary_key=True)
    published_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    published_by: str | None = Field(default=None, sa_type=String(64))
    objection_deadline: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime)


class CatalogueItem(SQLModel, table=True):
    """Something a member can redeem points for (以币换物); stock None = unlimited."""

    __tablename__ = "points_item"
    __table_args__ = (
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock"),
        Index("ix_points_item_branch_active", "branch_id", "active"),
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    name: str = Field(sa_type=String(64))
    cost: Decimal = Field(sa_type=Numeric(10, 1))
    stock: int | None = Field(default=None)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class OrderStatus(StrEnum):
    """A redemption order: waiting to be handed over, handed over, or cancelled by 冲正."""

    PENDING = "pending"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class RedemptionOrder(SQLModel, table=True):
    """One 兑换: the item, what it cost and the ledger entry that paid for it."""

    __tablename__ = "points_order"
    __table_args__ = (Index("ix_points_order_branch_status", "branch_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    item_id: int = Field(foreign_key="points_item.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    item_name: str = Field(sa_type=String(64))
    cost: Decimal = Field(sa_type=Numeric(10, 1))
    entry_id: int = Field(foreign_key="ledger_entry.id", unique=True)
    status: OrderStatus = Field(default=OrderStatus.PENDING, sa_type=String(16))
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_by: str | None = Field(default=None, sa_type=String(64))


class PointsMonth(SQLModel, table=True):
    """The sum of a branch's entries of one kind dated in one Beijing month ('2026-11'), sealed
    after the month ended (domain/points/monthly.py): entries are dated when they are written and
    never changed, so a past month's sums are final. Readers take sealed months from here."""

    __tablename__ = "points_month"

    month: str = Field(sa_type=String(7), primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", primary_key=True)
    kind: LedgerKind = Field(sa_type=String(16), primary_key=True)
    delta: Decimal = Field(sa_type=Numeric(14, 1))


class PointsMonthSealed(SQLModel, table=True):
    """A Beijing month whose sums are in points_month (a month without entries has none)."""

    __tablename__ = "points_month_sealed"

    month: str = Field(sa_type=String(7), primary_key=True)
    sealed_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
