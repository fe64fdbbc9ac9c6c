"""care: 入党日期 and birthdays on the member, care tags, visits, branch care settings

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("joined_party_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("birth_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("birth_month", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("birth_day", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("birth_lunar", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("birth_leap", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("birthday_greeting", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table("member", schema=None) as batch_op:
        # The defaults filled existing rows; new rows get theirs from the model, as other columns do.
        batch_op.alter_column("birth_lunar", server_default=None)
        batch_op.alter_column("birth_leap", server_default=None)
        batch_op.alter_column("birthday_greeting", server_default=None)
    op.create_table(
        "care_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=8), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_care_tag_member_id_member")),
        sa.ForeignKeyConstraint(["set_by"], ["member.id"], name=op.f("fk_care_tag_set_by_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_tag")),
        sa.UniqueConstraint("member_id", "tag", name=op.f("uq_care_tag_member_id_tag")),
    )
    op.create_index(op.f("ix_care_tag_member_id"), "care_tag", ["member_id"], unique=False)
    op.create_table(
        "care_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("way", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("visitor_name", sa.String(length=32), nullable=False),
        sa.Column("visited_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(note) > 0", name=op.f("ck_care_visit_note_not_empty")),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_care_visit_branch_id_branch")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_care_visit_member_id_member")),
        sa.ForeignKeyConstraint(["visitor_id"], ["member.id"], name=op.f("fk_care_visit_visitor_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_visit")),
    )
    op.create_index(op.f("ix_care_visit_branch_id"), "care_visit", ["branch_id"], unique=False)
    op.create_index(op.f("ix_care_visit_member_id"), "care_visit", ["member_id"], unique=False)
    op.create_index(op.f("ix_care_visit_visited_at"), "care_visit", ["visited_at"], unique=False)
    op.create_table(
        "care_setting",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("birthday_greetings", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_care_setting_branch_id_branch")),
        sa.PrimaryKeyConstraint("branch_id", name=op.f("pk_care_setting")),
    )


def downgrade() -> None:
    op.drop_table("care_setting")
    op.drop_index(op.f("ix_care_visit_visited_at"), table_name="care_visit")
    op.drop_index(op.f("ix_care_visit_member_id"), table_name="care_visit")
    op.drop_index(op.f("ix_care_visit_branch_id"), table_name="care_visit")
    op.drop_table("care_visit")
    op.drop_index(op.f("ix_care_tag_member_id"), table_name="care_tag")
    op.drop_table("care_tag")
    with op.batch_alter_table("member", schema=None) as batch_op:
        for column in ("birthday_greeting", "birth_leap", "birth_lunar", "birth_day", "birth_month",
                       "birth_year", "joined_party_on"):
            batch_op.drop_column(column)
