"""Test set-up: NoneBot initialised once before collection, a fresh database per test on each backend.

Backends: SQLite always; PostgreSQL when TEST_DATABASE_URL is set (required under CI=true).
Each test session creates its own PostgreSQL database, so parallel runs never meet.
"""

import asyncio
import functools
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import nonebot
import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from nonebot.adapters.onebot.v11 import Adapter as OneBotV11Adapter
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

ROOT = Path(__file__).resolve().parent.parent
os.chdir(ROOT)
SUPERUSER_ID = "10000"

# NoneBot must be initialised before test modules import plugin packages (their matchers
# register on import); nonebug's own init fixture is overridden below to reuse this one.
nonebot.init(
    driver="~fastapi+~httpx+~websockets",
    command_start={"/", ""},
    command_sep={" "},
    superusers={SUPERUSER_ID},
    apscheduler_autostart=False,
    database_url="sqlite+aiosqlite:///:memory:",
    log_level="WARNING",
)
nonebot.get_driver().register_adapter(OneBotV11Adapter)
nonebot.load_plugin("bot.runtime")
nonebot.load_plugins(str(ROOT / "plugins"))

import db.models  # noqa: E402,F401
from db import engine as db_engine  # noqa: E402

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
if os.environ.get("CI") == "true" and not PG_URL:
    raise pytest.UsageError("CI=true requires TEST_DATABASE_URL (PostgreSQL tests may not be skipped)")
BACKENDS = ["sqlite", "pg"] if PG_URL else ["sqlite"]


@pytest.fixture(scope="session")
def _nonebot_init() -> None:
    """NoneBot is initialised at import time above; only nonebug's provider is installed here."""
    from nonebot.matcher import matchers
    from nonebug.provider import NoneBugProvider

    matchers.set_provider(NoneBugProvider)


def _migrate(url: str) -> None:
    cfg = AlembicConfig(str(ROOT / "alembic.ini"))
    cfg.attributes["url"] = url
    cfg.attributes["configure_logger"] = False
    # env.py runs its own event loop: keep it off the test loop's thread.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(command.upgrade, cfg, "head").result()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for every test."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    _migrate(f"sqlite+aiosqlite:///{path}")
    return path


def _run_off_loop(coro: Coroutine[Any, Any, None]) -> None:
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coro).result()


async def _admin(sql: str) -> None:
    engine = db_engine.make_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_size=1)
    async with engine.connect() as conn:
        await conn.execute(text(sql))
    await engine.dispose()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A migrated PostgreSQL database of this test session's own, dropped at the end."""
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL, "
                    "e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    name = f"yinling_t_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    _run_off_loop(_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _migrate(url)
    yield url
    _run_off_loop(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _asyncpg_dsn(url: str) -> str:
    """The SQLAlchemy URL as asyncpg's own connect() takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@functools.cache
def _emptying_script() -> str:
    """Delete every row (children first) and restart every id sequence, as one transaction.

    TRUNCATE … RESTART IDENTITY did the same in ~120–250 ms a test (it makes new files for all 50
    tables and their indexes); deleting the few rows a test leaves takes ~10 ms.
    """
    deletes = "".join(f'DELETE FROM "{t.name}";' for t in reversed(SQLModel.metadata.sorted_tables))
    restart = ("SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
               "WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace;")
    return f"BEGIN;{deletes}{restart}COMMIT;"


async def _empty(url: str) -> None:
    """Empty the database (one round trip; asyncpg's simple protocol runs the whole script)."""
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await conn.execute(_emptying_script())
    finally:
        await conn.close()


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A clean, migrated database on each backend, installed as the process-wide engine."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_database")
        await _empty(url)
    db_engine.init_engine(url)
    yield url
    await db_engine.dispose_engine()


@pytest.fixture
async def sqlite_url(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[str]:
    """A clean SQLite database only (matcher tests: the rules are covered on both backends)."""
    path = tmp_path / "test.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    db_engine.init_engine(url)
    yield url
    await db_engine.dispose_engine()


@pytest.fixture
async def session(db_url: str) -> AsyncIterator[AsyncSession]:
    """A session on the clean database of this test (service tests run once per backend)."""
    async with db_engine.session_factory()() as session:
        yield session


@pytest.fixture
async def chat_db(sqlite_url: str) -> AsyncIterator[AsyncSession]:
    """For matcher tests: a clean SQLite database and a session to arrange and inspect rows."""
    async with db_engine.session_factory()() as session:
        yield session


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[AsyncSession]:
    """A database session on the clean database of this test (domain tests, once per backend)."""
    async with db_engine.session_factory()() as db:
        yield db
