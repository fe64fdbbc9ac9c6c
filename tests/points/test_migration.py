"""Migration 0003: it creates exactly the points tables the models declare, and it reverses."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from db import engine as db_engine

ROOT = Path(__file__).resolve().parents[2]
TABLES = {"ledger_entry", "points_balance", "points_rule", "points_proposal", "points_quarter",
          "points_item", "points_order"}


def _touches_ours(diff: object) -> bool:
    items = diff if isinstance(diff, list) else [diff]
    return any(TABLES & {getattr(obj, "name", None), getattr(getattr(obj, "table", None), "name", None)}
               for item in items for obj in item[1:] if obj is not None)


async def test_schema_matches_models(db_url: str) -> None:
    """No autogenerate difference between the migrated database and the models, for our tables."""
    engine = db_engine.make_engine(db_url, pool_size=1)

    def diff(connection):  # noqa: ANN001, ANN202
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [d for d in compare_metadata(context, SQLModel.metadata) if _touches_ours(d)]

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


async def test_upgrade_downgrade_roundtrip(tmp_path: Path) -> None:
    """0003 up, down to 0002 (new tables gone), and up again on a scratch SQLite."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"
    ours = TABLES - {"ledger_entry"}
    _alembic(url, "upgrade", "0003")
    _alembic(url, "downgrade", "0002")
    engine = db_engine.make_engine(url, pool_size=1)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert not names & ours
    _alembic(url, "upgrade", "0003")
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    assert names >= ours
