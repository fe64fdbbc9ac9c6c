"""points: balances, per-branch rules, proposals, quarter publications, catalogue and orders

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_index("ix_ledger_entry_reverses", "ledger_entry", ["reverses_id"], unique=True)
    op.create_table(
        "points_balance",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("balance", sa.Numeric(precision=12, scale=1), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_points_balance_member_id_member")),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_points_balance_branch_id_branch")),
        sa.PrimaryKeyConstraint("member_id", "cycle", name=op.f("pk_points_balance")),
    )
    op.create_index("ix_points_balance_rank", "points_balance", ["branch_id", "cycle", "balance"])
    op.create_table(
        "points_rule",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Numeric(precision=10, scale=1), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_points_rule_branch_id_branch")),
        sa.PrimaryKeyConstraint("branch_id", "key", name=op.f("pk_points_rule")),
    )
    op.create_table(
        "points_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Numeric(precision=10, scale=1), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("proposer_id", sa.Integer(), nullable=True),
        sa.Column("proposer_name", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("decision_reason", sa.String(length=200), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_points_proposal_branch_id_branch")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_points_proposal_member_id_member")),
        sa.ForeignKeyConstraint(["proposer_id"], ["member.id"],
                                name=op.f("fk_points_proposal_proposer_id_member")),
        sa.ForeignKeyConstraint(["entry_id"], ["ledger_entry.id"],
                                name=op.f("fk_points_proposal_entry_id_ledger_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_proposal")),
    )
    op.create_index("ix_points_proposal_branch_status", "points_proposal", ["branch_id", "status"])
    op.create_table(
        "points_quarter",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("published_at", UTC, nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=True),
        sa.Column("objection_deadline", UTC, nullable=False),
        sa.Column("closes_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_points_quarter_branch_id_branch")),
        sa.PrimaryKeyConstraint("branch_id", "quarter", name=op.f("pk_points_quarter")),
    )
    op.create_table(
        "points_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("cost", sa.Numeric(precision=10, scale=1), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("stock IS NULL OR stock >= 0", name=op.f("ck_points_item_stock")),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_points_item_branch_id_branch")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_item")),
    )
    op.create_index("ix_points_item_branch_active", "points_item", ["branch_id", "active"])
    op.create_table(
        "points_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("item_name", sa.String(length=64), nullable=False),
        sa.Column("cost", sa.Numeric(precision=10, scale=1), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("delivered_at", UTC, nullable=True),
        sa.Column("delivered_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_points_order_branch_id_branch")),
        sa.ForeignKeyConstraint(["item_id"], ["points_item.id"],
                                name=op.f("fk_points_order_item_id_points_item")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_points_order_member_id_member")),
        sa.ForeignKeyConstraint(["entry_id"], ["ledger_entry.id"],
                                name=op.f("fk_points_order_entry_id_ledger_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_order")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_points_order_entry_id")),
    )
    op.create_index("ix_points_order_branch_status", "points_order", ["branch_id", "status"])
    op.create_index("ix_points_order_member_id", "points_order", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_points_order_member_id", table_name="points_order")
    op.drop_index("ix_points_order_branch_status", table_name="points_order")
    op.drop_table("points_order")
    op.drop_index("ix_points_item_branch_active", table_name="points_item")
    op.drop_table("points_item")
    op.drop_table("points_quarter")
    op.drop_index("ix_points_proposal_branch_status", table_name="points_proposal")
    op.drop_table("points_proposal")
    op.drop_table("points_rule")
    op.drop_index("ix_points_balance_rank", table_name="points_balance")
    op.drop_table("points_balance")
    op.drop_index("ix_ledger_entry_reverses", table_name="ledger_entry")
