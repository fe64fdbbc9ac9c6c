"""Migration 0010: sessions filled at the previous head become meetings (学习 / 主题党日), nothing lost.

Runs on SQLite and on PostgreSQL (a database of its own, created and dropped here).
"""

import os
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import Boolean, Integer, MetaData, insert, text
from sqlalchemy.engine import make_url

from db import engine as db_engine

ROOT = Path(__file__).resolve().parents[3]
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _cfg(url: str) -> AlembicConfig:
    cfg = AlembicConfig(str(ROOT / "alembic.ini"))
    cfg.attributes["url"] = url
    cfg.attributes["configure_logger"] = False
    return cfg


def _alembic(url: str, action: str, revision: str) -> None:
    with ThreadPoolExecutor(1) as pool:
        pool.submit(getattr(command, action), _cfg(url), revision).result()


def _previous() -> str:
    down = ScriptDirectory.from_config(_cfg("sqlite://")).get_revision("0010").down_revision
    assert isinstance(down, str)
    return down


async def _sql(url: str, *statements: str) -> list[list[tuple[object, ...]]]:
    engine = db_engine.make_engine(url, pool_size=1)
    out = []
    async with engine.begin() as conn:
        for statement in statements:
            result = await conn.execute(text(statement))
            out.append([tuple(r) for r in result.fetchall()] if result.returns_rows else [])
    await engine.dispose()
    return out


@pytest.fixture(params=["sqlite", "pg"] if PG_URL else ["sqlite"])
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
        return
    name = f"yinling_m_{uuid.uuid4().hex[:8]}"
    admin = db_engine.make_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_size=1)
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


T0, T1 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 11, 25, 1, 30, tzinfo=UTC)
FILL: list[tuple[str, list[dict[str, object]]]] = [
    ("branch", [{"id": 1, "name": "第一支部", "created_at": T0}]),
    ("member", [{"id": 1, "branch_id": 1, "name": "张三", "category": "normal", "role": 1,
                 "status": "active", "created_at": T0},
                {"id": 2, "branch_id": 1, "name": "李四", "category": "normal", "role": 2,
                 "status": "active", "created_at": T0}]),
    ("study_session", [
        {"id": 1, "branch_id": 1, "kind": "study", "title": "学习党章", "place": "活动室", "starts_at": T1,
         "opens_at": T1 - timedelta(minutes=30), "late_after": T1 + timedelta(minutes=15),
         "closes_at": T1 + timedelta(hours=1), "cancelled": False, "signin_count": 1, "created_at": T0},
        {"id": 2, "branch_id": 1, "kind": "partyday", "title": "主题党日", "place": None,
         "starts_at": T1 + timedelta(days=6), "opens_at": T1 + timedelta(days=6),
         "late_after": T1 + timedelta(days=6), "closes_at": T1 + timedelta(days=6, hours=1),
         "cancelled": True, "signin_count": 0, "created_at": T0}]),
    ("attendance", [
        {"id": 1, "session_id": 1, "member_id": 1, "status": "present", "seq": 1, "signed_at": T1,
         "reason": None},
        {"id": 2, "session_id": 1, "member_id": 2, "status": "leave", "seq": None, "signed_at": T0,
         "reason": "住院"}]),
]


async def _fill(url: str) -> None:
    """Insert FILL through the previous head's own tables (reflected: columns other migrations
    added since are given a neutral value when they are NOT NULL without a default)."""
    engine = db_engine.make_engine(url, pool_size=1)
    async with engine.begin() as conn:
        meta = MetaData()
        await conn.run_sync(lambda c: meta.reflect(c, only=[name for name, _ in FILL]))
        for name, rows in FILL:
            table = meta.tables[name]
            for row in rows:
                values = {c.name: _neutral(c.type) for c in table.columns
                          if not c.nullable and c.server_default is None and c.name not in row}
                await conn.execute(insert(table).values(**values, **row))
        if engine.dialect.name == "postgresql":
            for name, _ in FILL:
                await conn.execute(text(f"SELECT setval('{name}_id_seq', 10)"))
    await engine.dispose()


def _neutral(kind: object) -> object:
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 0
    return ""


SESSIONS = ("SELECT id, branch_id, kind, title, place, cancelled, signin_count FROM study_session"
            " ORDER BY id")
ROWS = "SELECT id, session_id, member_id, status, seq, reason FROM attendance ORDER BY id"


async def test_sessions_become_meetings(empty_url: str) -> None:
    """Filled at the previous head, upgraded: same sessions, kinds and attendance, new columns empty;
    and a downgrade keeps them too."""
    _alembic(empty_url, "upgrade", _previous())
    await _fill(empty_url)
    before = await _sql(empty_url, SESSIONS, ROWS)
    _alembic(empty_url, "upgrade", "0010")
    after = await _sql(empty_url, SESSIONS, ROWS, "SELECT party_group_id, lecturer_id, lecturer"
                       " FROM study_session ORDER BY id", "SELECT count(*) FROM meeting_minutes")
    assert after[:2] == before
    assert [r[2] for r in after[0]] == ["study", "partyday"]
    assert after[2] == [(None, None, None), (None, None, None)]
    assert after[3] == [(0,)]
    await _sql(empty_url, "UPDATE study_session SET kind = 'committee' WHERE id = 2")
    _alembic(empty_url, "downgrade", _previous())
    down = await _sql(empty_url, SESSIONS, ROWS)
    assert down[1] == before[1]
    assert [r[2] for r in down[0]] == ["study", "study"]
