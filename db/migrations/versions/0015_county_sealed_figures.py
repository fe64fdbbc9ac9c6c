"""county scale: sealed meeting tallies and monthly points sums, ledger entries by time

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0015"
down_revision: str | tuple[str, ...] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting_tally",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["study_session.id"],
                                name=op.f("fk_meeting_tally_meeting_id_study_session")),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_meeting_tally")),
    )
    op.create_table(
        "points_month",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("delta", sa.Numeric(precision=14, scale=1), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_points_month_branch_id_branch")),
        sa.PrimaryKeyConstraint("month", "branch_id", "kind", name=op.f("pk_points_month")),
    )
    op.create_table(
        "points_month_sealed",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("sealed_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_points_month_sealed")),
    )
    op.create_index("ix_ledger_entry_created", "ledger_entry",
                    ["created_at", "branch_id", "kind", "delta"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ledger_entry_created", table_name="ledger_entry")
    op.drop_table("points_month_sealed")
    op.drop_table("points_month")
    op.drop_table("meeting_tally")
