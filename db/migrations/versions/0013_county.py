"""county: county staff, branch 片区 and 行业, county dashboard logins

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0013"
down_revision: str | tuple[str, ...] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "county_staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=True),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("removed_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_county_staff")),
        sa.UniqueConstraint("platform", "user_id", name=op.f("uq_county_staff_platform_user_id")),
    )
    with op.batch_alter_table("branch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("sector", sa.String(length=32), nullable=True))
    for table in ("report_login_token", "report_web_session"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("county_staff_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f"fk_{table}_county_staff_id_county_staff"),
                                        "county_staff", ["county_staff_id"], ["id"])


def downgrade() -> None:
    for table in ("report_web_session", "report_login_token"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_county_staff_id_county_staff"),
                                     type_="foreignkey")
            batch_op.drop_column("county_staff_id")
    with op.batch_alter_table("branch", schema=None) as batch_op:
        batch_op.drop_column("sector")
        batch_op.drop_column("area")
    op.drop_table("county_staff")
