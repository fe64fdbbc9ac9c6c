"""Schema only through Alembic: the migrated database equals the models, and every step reverses."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from db import engine as db_engine

ROOT = Path(__file__).resolve().parents[1]

# Tables each migration slot adds (the empty slots add none).
ADDED = {
    "0003": {"points_balance", "points_rule", "points_proposal", "points_quarter", "points_item",
             "points_order"},
    "0006": {"suggestion", "suggestion_event", "suggestion_sealed_author"},
    "0007": {"reminder", "partyday_rule", "partyday_occurrence", "holiday_override", "reminder_setting"},
    "0008": {"report_login_token", "report_web_session"},
    "0011": {"notice", "notice_recipient", "notice_receipt", "county_notice", "notice_setting"},
    "0011a": {"notice_attachment"},
    "0010": {"party_group", "party_group_member", "role_change", "meeting_rhythm", "review_round",
             "review_result", "meeting_minutes", "meeting_photo"},
    "0012": {"care_tag", "care_visit", "care_setting"},
    "0013": {"county_staff"},
    "0013b": {"branch_score"},
    "0015": {"meeting_tally", "points_month", "points_month_sealed"},
    "0009a": {"registration_request", "registration_code"},
}


async def test_schema_matches_models(db_url: str) -> None:
    """No autogenerate difference between the database at head and SQLModel.metadata."""
    engine = db_engine.make_engine(db_url, pool_size=1)

    def diff(connection):  # noqa: ANN001, ANN202
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)

    async with engine.connect() as conn:
        differences = await conn.run_sync(diff)
    await engine.dispose()
    assert differences == []


def _alembic(url: str, action: str, revision: str) -> None:
    cfg = AlembicConfig(str(ROOT / "alembic.ini"))
    cfg.attributes["url"] = url
    cfg.attributes["configure_logger"] = False
    with ThreadPoolExecutor(1) as pool:
        pool.submit(getattr(command, action), cfg, revision).result()


async def _tables(url: str) -> set[str]:
    engine = db_engine.make_engine(url, pool_size=1)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names


@pytest.mark.parametrize("revision", sorted(ADDED))
async def test_each_step_reverses(tmp_path: Path, revision: str) -> None:
    """Up to a slot, down one step (its tables gone), up again (back) on a scratch SQLite."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"
    _alembic(url, "upgrade", revision)
    assert await _tables(url) >= ADDED[revision]
    _alembic(url, "downgrade", "-1")
    assert not await _tables(url) & ADDED[revision]
    _alembic(url, "upgrade", revision)
    assert await _tables(url) >= ADDED[revision]


async def test_full_downgrade_and_upgrade(tmp_path: Path) -> None:
    """head → base leaves only alembic's own table; base → head again works."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"
    _alembic(url, "upgrade", "head")
    _alembic(url, "downgrade", "base")
    assert await _tables(url) <= {"alembic_version"}
    _alembic(url, "upgrade", "head")
    assert await _tables(url) >= set().union(*ADDED.values())
