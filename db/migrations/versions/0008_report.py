"""report: dashboard login tokens and web sessions

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_login_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("next_path", sa.String(length=200), nullable=True),
        sa.Column("expires_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_report_login_token_member_id_member")),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_report_login_token_branch_id_branch")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_login_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_report_login_token_token_hash")),
    )
    op.create_table(
        "report_web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_report_web_session_member_id_member")),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_report_web_session_branch_id_branch")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_web_session")),
        sa.UniqueConstraint("session_hash", name=op.f("uq_report_web_session_session_hash")),
    )
    with op.batch_alter_table("report_web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_web_session_expires_at"), ["expires_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_web_session_expires_at"))
    op.drop_table("report_web_session")
    op.drop_table("report_login_token")
