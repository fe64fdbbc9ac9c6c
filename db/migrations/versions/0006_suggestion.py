"""suggestion: suggestions, their history, and the sealed route to anonymous authors

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> db.types.UTCDateTime:
    return db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("forwarded_to", sa.String(length=100), nullable=True),
        sa.Column("points", sa.Numeric(10, 1), nullable=True),
        sa.Column("points_awarded_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_suggestion_branch_id_branch")),
        sa.ForeignKeyConstraint(["author_id"], ["member.id"],
                                name=op.f("fk_suggestion_author_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion")),
    )
    op.create_index("ix_suggestion_branch_created", "suggestion", ["branch_id", "created_at"])
    op.create_index("ix_suggestion_branch_status", "suggestion", ["branch_id", "status"])
    op.create_index("ix_suggestion_author_created", "suggestion", ["author_id", "created_at"])

    op.create_table(
        "suggestion_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("suggestion_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("points", sa.Numeric(10, 1), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["suggestion_id"], ["suggestion.id"],
                                name=op.f("fk_suggestion_event_suggestion_id_suggestion")),
        sa.ForeignKeyConstraint(["actor_id"], ["member.id"],
                                name=op.f("fk_suggestion_event_actor_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_event")),
    )
    op.create_index(op.f("ix_suggestion_event_suggestion_id"), "suggestion_event",
                    ["suggestion_id"])

    op.create_table(
        "suggestion_sealed_author",
        sa.Column("suggestion_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["suggestion_id"], ["suggestion.id"],
                                name=op.f("fk_suggestion_sealed_author_suggestion_id_suggestion")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_suggestion_sealed_author_member_id_member")),
        sa.PrimaryKeyConstraint("suggestion_id", name=op.f("pk_suggestion_sealed_author")),
    )
    op.create_index("ix_suggestion_sealed_author_member_created", "suggestion_sealed_author",
                    ["member_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_suggestion_sealed_author_member_created",
                  table_name="suggestion_sealed_author")
    op.drop_table("suggestion_sealed_author")
    op.drop_index(op.f("ix_suggestion_event_suggestion_id"), table_name="suggestion_event")
    op.drop_table("suggestion_event")
    op.drop_index("ix_suggestion_author_created", table_name="suggestion")
    op.drop_index("ix_suggestion_branch_status", table_name="suggestion")
    op.drop_index("ix_suggestion_branch_created", table_name="suggestion")
    op.drop_table("suggestion")
