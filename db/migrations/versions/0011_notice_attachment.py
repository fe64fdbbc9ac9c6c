"""notice attachments: images sent with 通知, kept under the media directory

Revision ID: 0011a
Revises: 0010
Create Date: 2026-12-03 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0011a"
down_revision: str | tuple[str, ...] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("relpath", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"],
                                name=op.f("fk_notice_attachment_notice_id_notice")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_attachment")),
        sa.UniqueConstraint("notice_id", "sha256", name=op.f("uq_notice_attachment_notice_id_sha256")),
    )
    with op.batch_alter_table("notice_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_attachment_notice_id"), ["notice_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notice_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_attachment_notice_id"))
    op.drop_table("notice_attachment")
