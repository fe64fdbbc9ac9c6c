"""PostgreSQL connections rest in the pool; one that died while resting is replaced unseen."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from db import engine as db_engine


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _terminate(url: str, pid: int) -> None:
    admin = db_engine.make_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    async with admin.connect() as conn:
        await conn.execute(text(f"SELECT pg_terminate_backend({pid})"))
    await admin.dispose()


async def test_a_connection_that_died_resting_is_replaced(
        pg_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = db_engine.make_engine(pg_database, pool_size=1)
    first = await _backend_pid(engine)
    await _terminate(pg_database, first)  # the server restarted, or a firewall dropped it
    monkeypatch.setattr(db_engine, "IDLE_PING", 0.0)  # it has rested longer than that
    assert await _backend_pid(engine) != first  # pinged, found dead, replaced: no error
    await engine.dispose()


async def test_a_connection_used_a_moment_ago_is_not_pinged(
        pg_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """No round trip for a hot connection; if it died in that moment the one command fails and
    the pool is renewed for the next."""
    monkeypatch.setattr(db_engine, "IDLE_PING", 3600.0)
    engine = db_engine.make_engine(pg_database, pool_size=1)
    first = await _backend_pid(engine)
    await _terminate(pg_database, first)
    with pytest.raises(DBAPIError):
        await _backend_pid(engine)
    assert await _backend_pid(engine) != first
    await engine.dispose()


async def test_a_dead_connection_found_by_a_prepared_statement_is_given_up(
        pg_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command's first statement is a prepared one (db/prepared.py, the message id): when
    it finds its connection dead, that command fails and the pool is renewed, as SQLAlchemy does
    for its own statements — the next command gets a live connection, not the dead one again."""
    from sqlalchemy import func, select
    from sqlmodel.ext.asyncio.session import AsyncSession

    from db.prepared import Prepared, run

    monkeypatch.setattr(db_engine, "IDLE_PING", 3600.0)
    engine = db_engine.make_engine(pg_database, pool_size=1)
    backend = Prepared(lambda _dialect: select(func.pg_backend_pid()))
    async with AsyncSession(engine) as db:
        first = (await run(db, backend, {})).scalar()
        await db.commit()
    await _terminate(pg_database, first)
    async with AsyncSession(engine) as db:
        with pytest.raises(DBAPIError) as failed:
            await run(db, backend, {})
        assert failed.value.connection_invalidated
        await db.rollback()
    for _ in range(2):  # and stays renewed
        async with AsyncSession(engine) as db:
            assert (await run(db, backend, {})).scalar() not in (None, first)
            await db.commit()
    await engine.dispose()
