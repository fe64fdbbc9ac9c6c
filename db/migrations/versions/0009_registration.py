"""registration: 报到 of a name already on the roster waits for 确认报到, or takes a one-time 报到码

Revision ID: 0009a
Revises: 0009
Create Date: 2026-12-03 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0009a"
down_revision: str | tuple[str, ...] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "registration_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("nickname", sa.String(length=64), nullable=True),
        sa.Column("group_id", sa.String(length=64), nullable=True),
        sa.Column("requested_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_registration_request_branch_id_branch")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_registration_request_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_request")),
        sa.UniqueConstraint("member_id", "platform", "user_id",
                            name=op.f("uq_registration_request_member_id_platform_user_id")),
    )
    op.create_index(op.f("ix_registration_request_branch_id"), "registration_request",
                    ["branch_id"], unique=False)
    op.create_table(
        "registration_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("used_at", UTC, nullable=True),
        sa.Column("used_by", sa.String(length=64), nullable=True),
        sa.Column("wrong_tries", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("wrong_tries >= 0",
                           name=op.f("ck_registration_code_wrong_tries_not_negative")),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_registration_code_branch_id_branch")),
        sa.ForeignKeyConstraint(["created_by"], ["member.id"],
                                name=op.f("fk_registration_code_created_by_member")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_registration_code_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_code")),
    )
    op.create_index("ix_registration_code_member", "registration_code",
                    ["member_id", "expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_registration_code_member", table_name="registration_code")
    op.drop_table("registration_code")
    op.drop_index(op.f("ix_registration_request_branch_id"), table_name="registration_request")
    op.drop_table("registration_request")
