"""meetings: 三会一课 kinds on study sessions, 党小组, office history, minutes, photos, rhythms, 民主评议

Existing sessions keep their kind (study → 学习, partyday → 主题党日) and every attendance row;
the new columns are empty for them.

Revision ID: 0010
Revises: 0013
Create Date: 2026-12-03 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0010"
down_revision: str | tuple[str, ...] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "party_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_party_group_branch_id_branch")),
        sa.ForeignKeyConstraint(["leader_id"], ["member.id"], name=op.f("fk_party_group_leader_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_group")),
        sa.UniqueConstraint("branch_id", "name", name=op.f("uq_party_group_branch_id_name")),
    )
    op.create_index(op.f("ix_party_group_branch_id"), "party_group", ["branch_id"])
    op.create_table(
        "party_group_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("added_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_party_group_member_branch_id_branch")),
        sa.ForeignKeyConstraint(["group_id"], ["party_group.id"],
                                name=op.f("fk_party_group_member_group_id_party_group")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_party_group_member_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_group_member")),
        sa.UniqueConstraint("branch_id", "member_id", name=op.f("uq_party_group_member_branch_id_member_id")),
    )
    op.create_index(op.f("ix_party_group_member_group_id"), "party_group_member", ["group_id"])
    op.create_table(
        "role_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("old_role", sa.Integer(), nullable=False),
        sa.Column("new_role", sa.Integer(), nullable=False),
        sa.Column("changed_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_role_change_branch_id_branch")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_role_change_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_change")),
    )
    op.create_index(op.f("ix_role_change_member_id"), "role_change", ["member_id"])
    op.create_index(op.f("ix_role_change_changed_at"), "role_change", ["changed_at"])
    op.create_table(
        "meeting_rhythm",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_meeting_rhythm_branch_id_branch")),
        sa.PrimaryKeyConstraint("branch_id", "kind", name=op.f("pk_meeting_rhythm")),
    )
    op.create_table(
        "review_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("opened_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_review_round_branch_id_branch")),
        sa.ForeignKeyConstraint(["opened_by"], ["member.id"], name=op.f("fk_review_round_opened_by_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_round")),
        sa.UniqueConstraint("branch_id", "year", name=op.f("uq_review_round_branch_id_year")),
    )
    op.create_table(
        "review_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("graded_by", sa.Integer(), nullable=True),
        sa.Column("graded_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["review_round.id"],
                                name=op.f("fk_review_result_round_id_review_round")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_review_result_member_id_member")),
        sa.ForeignKeyConstraint(["graded_by"], ["member.id"], name=op.f("fk_review_result_graded_by_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_result")),
        sa.UniqueConstraint("round_id", "member_id", name=op.f("uq_review_result_round_id_member_id")),
    )
    op.create_index(op.f("ix_review_result_round_id"), "review_result", ["round_id"])
    with op.batch_alter_table("study_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("party_group_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("lecturer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("lecturer", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_study_session_party_group_id_party_group"),
                                    "party_group", ["party_group_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_study_session_lecturer_id_member"),
                                    "member", ["lecturer_id"], ["id"])
    op.create_table(
        "meeting_minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["study_session.id"],
                                name=op.f("fk_meeting_minutes_meeting_id_study_session")),
        sa.ForeignKeyConstraint(["author_id"], ["member.id"], name=op.f("fk_meeting_minutes_author_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_minutes")),
        sa.UniqueConstraint("meeting_id", "revision", name=op.f("uq_meeting_minutes_meeting_id_revision")),
    )
    op.create_index(op.f("ix_meeting_minutes_meeting_id"), "meeting_minutes", ["meeting_id"])
    op.create_table(
        "meeting_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("relpath", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["study_session.id"],
                                name=op.f("fk_meeting_photo_meeting_id_study_session")),
        sa.ForeignKeyConstraint(["uploaded_by"], ["member.id"],
                                name=op.f("fk_meeting_photo_uploaded_by_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_photo")),
        sa.UniqueConstraint("meeting_id", "sha256", name=op.f("uq_meeting_photo_meeting_id_sha256")),
    )
    op.create_index(op.f("ix_meeting_photo_meeting_id"), "meeting_photo", ["meeting_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_meeting_photo_meeting_id"), table_name="meeting_photo")
    op.drop_table("meeting_photo")
    op.drop_index(op.f("ix_meeting_minutes_meeting_id"), table_name="meeting_minutes")
    op.drop_table("meeting_minutes")
    with op.batch_alter_table("study_session", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_study_session_lecturer_id_member"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_study_session_party_group_id_party_group"),
                                 type_="foreignkey")
        batch_op.drop_column("lecturer")
        batch_op.drop_column("lecturer_id")
        batch_op.drop_column("party_group_id")
    # Meetings of the new kinds cannot be told apart in the old schema: they become 学习.
    op.execute("UPDATE study_session SET kind = 'study' WHERE kind NOT IN ('study', 'partyday')")
    op.drop_index(op.f("ix_review_result_round_id"), table_name="review_result")
    op.drop_table("review_result")
    op.drop_table("review_round")
    op.drop_table("meeting_rhythm")
    op.drop_index(op.f("ix_role_change_changed_at"), table_name="role_change")
    op.drop_index(op.f("ix_role_change_member_id"), table_name="role_change")
    op.drop_table("role_change")
    op.drop_index(op.f("ix_party_group_member_group_id"), table_name="party_group_member")
    op.drop_table("party_group_member")
    op.drop_index(op.f("ix_party_group_branch_id"), table_name="party_group")
    op.drop_table("party_group")
