"""reminder: reminder rows, party-day rules and occurrences, holiday overrides, branch settings

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=True),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("self_id", sa.String(length=64), nullable=True),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("due_at", _UTC, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=128), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("next_attempt_at", _UTC, nullable=True),
        sa.Column("claimed_until", _UTC, nullable=True),
        sa.Column("sent_at", _UTC, nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_reminder_branch_id_branch")),
        sa.ForeignKeyConstraint(["created_by"], ["member.id"], name=op.f("fk_reminder_created_by_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_reminder_dedupe_key")),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_state_due", ["state", "due_at"], unique=False)
        batch_op.create_index("ix_reminder_branch_due", ["branch_id", "due_at"], unique=False)

    op.create_table(
        "partyday_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("month_day", sa.Integer(), nullable=True),
        sa.Column("nth", sa.Integer(), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=True),
        sa.Column("offsets", sa.String(length=100), nullable=False),
        sa.Column("holiday_policy", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_partyday_rule_branch_id_branch")),
        sa.ForeignKeyConstraint(["created_by"], ["member.id"], name=op.f("fk_partyday_rule_created_by_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partyday_rule")),
    )
    with op.batch_alter_table("partyday_rule", schema=None) as batch_op:
        batch_op.create_index("ix_partyday_rule_branch_active", ["branch_id", "active"], unique=False)

    op.create_table(
        "partyday_occurrence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("nominal_date", sa.Date(), nullable=False),
        sa.Column("starts_at", _UTC, nullable=False),
        sa.Column("place", sa.String(length=100), nullable=True),
        sa.Column("theme", sa.String(length=300), nullable=True),
        sa.Column("moved_note", sa.String(length=100), nullable=True),
        sa.Column("holiday_unknown", sa.Boolean(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("cancel_reason", sa.String(length=200), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(["rule_id"], ["partyday_rule.id"],
                                name=op.f("fk_partyday_occurrence_rule_id_partyday_rule")),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_partyday_occurrence_branch_id_branch")),
        sa.ForeignKeyConstraint(["session_id"], ["study_session.id"],
                                name=op.f("fk_partyday_occurrence_session_id_study_session")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partyday_occurrence")),
        sa.UniqueConstraint("rule_id", "nominal_date",
                            name=op.f("uq_partyday_occurrence_rule_id_nominal_date")),
    )
    with op.batch_alter_table("partyday_occurrence", schema=None) as batch_op:
        batch_op.create_index("ix_partyday_occurrence_branch_id", ["branch_id"], unique=False)
        batch_op.create_index("ix_partyday_occurrence_starts_at", ["starts_at"], unique=False)

    op.create_table(
        "holiday_override",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_holiday", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_holiday_override")),
    )
    op.create_table(
        "reminder_setting",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("study_absent", sa.Boolean(), nullable=False),
        sa.Column("volunteer_private", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_reminder_setting_branch_id_branch")),
        sa.PrimaryKeyConstraint("branch_id", name=op.f("pk_reminder_setting")),
    )


def downgrade() -> None:
    op.drop_table("reminder_setting")
    op.drop_table("holiday_override")
    with op.batch_alter_table("partyday_occurrence", schema=None) as batch_op:
        batch_op.drop_index("ix_partyday_occurrence_starts_at")
        batch_op.drop_index("ix_partyday_occurrence_branch_id")
    op.drop_table("partyday_occurrence")
    with op.batch_alter_table("partyday_rule", schema=None) as batch_op:
        batch_op.drop_index("ix_partyday_rule_branch_active")
    op.drop_table("partyday_rule")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_branch_due")
        batch_op.drop_index("ix_reminder_state_due")
    op.drop_table("reminder")
