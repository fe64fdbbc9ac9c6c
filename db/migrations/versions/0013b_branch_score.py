"""county: the branch assessment ledger (branch_score)

Revision ID: 0013b
Revises: 0009a
Create Date: 2026-12-03 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0013b"
down_revision: str | tuple[str, ...] | None = "0009a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "branch_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("delta <> 0", name=op.f("ck_branch_score_nonzero")),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_branch_score_branch_id_branch")),
        sa.ForeignKeyConstraint(["reverses_id"], ["branch_score.id"],
                                name=op.f("fk_branch_score_reverses_id_branch_score")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branch_score")),
    )
    with op.batch_alter_table("branch_score", schema=None) as batch_op:
        batch_op.create_index("ix_branch_score_quarter", ["quarter", "branch_id"], unique=False)
        batch_op.create_index("ix_branch_score_reverses", ["reverses_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("branch_score", schema=None) as batch_op:
        batch_op.drop_index("ix_branch_score_reverses")
        batch_op.drop_index("ix_branch_score_quarter")
    op.drop_table("branch_score")
