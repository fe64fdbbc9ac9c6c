"""notice: 通知 with its expected recipients and receipts, 县通知, per-branch follow-up choice

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0011"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "county_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_county_notice")),
    )
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("county_notice_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=32), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=True),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_notice_branch_id_branch")),
        sa.ForeignKeyConstraint(["county_notice_id"], ["county_notice.id"],
                                name=op.f("fk_notice_county_notice_id_county_notice")),
        sa.ForeignKeyConstraint(["created_by"], ["member.id"], name=op.f("fk_notice_created_by_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint("branch_id", "number", name=op.f("uq_notice_branch_id_number")),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index("ix_notice_branch_created", ["branch_id", "created_at"], unique=False)
        batch_op.create_index("ix_notice_message", ["platform", "message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_county_notice_id"), ["county_notice_id"],
                              unique=False)
    op.create_table(
        "notice_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_notice_recipient_member_id_member")),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"],
                                name=op.f("fk_notice_recipient_notice_id_notice")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_recipient")),
        sa.UniqueConstraint("notice_id", "member_id",
                            name=op.f("uq_notice_recipient_notice_id_member_id")),
    )
    with op.batch_alter_table("notice_recipient", schema=None) as batch_op:
        batch_op.create_index("ix_notice_recipient_member", ["member_id"], unique=False)
    op.create_table(
        "notice_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_by_name", sa.String(length=32), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id", "member_id"],
                                ["notice_recipient.notice_id", "notice_recipient.member_id"],
                                name="fk_notice_receipt_recipient"),
        sa.ForeignKeyConstraint(["recorded_by"], ["member.id"],
                                name=op.f("fk_notice_receipt_recorded_by_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_receipt")),
        sa.UniqueConstraint("notice_id", "member_id",
                            name=op.f("uq_notice_receipt_notice_id_member_id")),
    )
    op.create_table(
        "notice_setting",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("followup_private", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_notice_setting_branch_id_branch")),
        sa.PrimaryKeyConstraint("branch_id", name=op.f("pk_notice_setting")),
    )


def downgrade() -> None:
    op.drop_table("notice_setting")
    op.drop_table("notice_receipt")
    with op.batch_alter_table("notice_recipient", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_recipient_member")
    op.drop_table("notice_recipient")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_county_notice_id"))
        batch_op.drop_index("ix_notice_message")
        batch_op.drop_index("ix_notice_branch_created")
    op.drop_table("notice")
    op.drop_table("county_notice")
