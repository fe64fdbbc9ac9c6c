"""meetings: study_session.last_signed_at, kept with signin_count (第N位 in time order)

Revision ID: 0014
Revises: 0013b
Create Date: 2026-12-03 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0014"
down_revision: str | tuple[str, ...] | None = "0013b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("study_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_signed_at", db.types.UTCDateTime(timezone=True),
                                      nullable=True))
    # Sessions signed in to before: the latest recorded sign-in, so the order carries on from it.
    op.execute("UPDATE study_session SET last_signed_at = (SELECT max(signed_at) FROM attendance "
               "WHERE attendance.session_id = study_session.id AND attendance.seq IS NOT NULL)")


def downgrade() -> None:
    with op.batch_alter_table("study_session", schema=None) as batch_op:
        batch_op.drop_column("last_signed_at")
