"""reminder claims: a claim token (process identity and nonce) beside the short, renewed lease

Revision ID: 0009
Revises: 0011a
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | tuple[str, ...] | None = "0011a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
