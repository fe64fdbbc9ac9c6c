"""Engine and session factory. The caller (handler, job, web route) owns the transaction."""

import asyncio
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
from dotenv import dotenv_values
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

DEFAULT_URL = "sqlite+aiosqlite:///data/yinling.db"

_engine: AsyncEngine | None = None
_factory: async_sessionmaker[AsyncSession] | None = None
_read_engine: AsyncEngine | None = None
_read_factory: async_sessionmaker[AsyncSession] | None = None


def configured_url() -> str:
    """DATABASE_URL from the environment, then .env, then the SQLite default under data/."""
    url = os.environ.get("DATABASE_URL") or dotenv_values(".env").get("DATABASE_URL")
    return url or DEFAULT_URL


BUSY_TIMEOUT = 30.0
"""Seconds a statement waits for another process's write lock before failing."""


class _InlineConnection(aiosqlite.Connection):
    """aiosqlite's connection, with each call run right away on the event loop's thread.

    aiosqlite hands every call (cursor, execute, fetch, close, commit: ~25 for a 签到) to its own
    thread and back through the event loop. Under load each of those hops waits behind every other
    ready task, and the one write connection was held across all of them: bench_signin's profile
    showed a 签到's transaction held ≈27 ms for well under 1 ms of SQLite work. Run inline, a
    transaction runs start to end without yielding, in the time SQLite and SQLAlchemy take.
    SQLite's own busy wait would then stop the whole loop, so it is off (busy_timeout 0) and a
    locked database (another process writing) is waited for here, asynchronously.
    """

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        deadline = time.monotonic() + BUSY_TIMEOUT
        pause = 0.001
        while True:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as error:
                # SQLITE_BUSY: nothing was done, so the same call is tried again.
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)


def _inline_connect(database: str, **kwargs: Any) -> aiosqlite.Connection:
    """A connection for SQLAlchemy's aiosqlite dialect (async_creator_fn) that runs calls inline."""
    kwargs.update(timeout=0, check_same_thread=False)  # opened on aiosqlite's thread, used on ours
    return _InlineConnection(lambda: sqlite3.connect(database, **kwargs), 64)


def _sqlite_setup(engine: AsyncEngine, foreign_keys: bool, *, read_only: bool = False,
                  inline: bool = False) -> None:
    """WAL, foreign keys, busy timeout; BEGIN IMMEDIATE so concurrent writers queue, never fail.

    read_only: PRAGMA query_only and a plain (deferred) BEGIN — a WAL snapshot that neither waits
    for the writer nor holds it up (read_session_factory).
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (the documented aiosqlite recipe).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={0 if inline else int(BUSY_TIMEOUT * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A deferred transaction that later writes can fail with SQLITE_BUSY under WAL;
        # taking the write lock up front makes 50 simultaneous 签到 wait their turn instead.
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str, *, sqlite_foreign_keys: bool = True, **kwargs: Any) -> AsyncEngine:
    """An AsyncEngine with the per-dialect settings this project relies on.

    hide_parameters: a database error is logged without the statement's values, which may be an
    anonymous suggestion's text or a member's care notes.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # One pooled connection: every transaction takes the write lock (BEGIN IMMEDIATE), so
            # more connections add no parallelism, only SQLite's busy handler (sleep and retry,
            # unfair): under 50 simultaneous 签到 some writers starved past the timeout ("database
            # is locked", event dropped). With one, waiters queue in order in the pool (bench_signin).
            kwargs.setdefault("pool_size", 1)
            kwargs.setdefault("max_overflow", 0)
        engine = create_async_engine(url, connect_args={"async_creator_fn": _inline_connect},
                                     **kwargs)
        _sqlite_setup(engine, sqlite_foreign_keys, inline=True)
        return engine
    # No overflow: under 50 simultaneous 签到 overflow connections were opened and closed again
    # for each command (asyncpg's connect and type set-up per event); waiters queue in the pool.
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 0)
    engine = create_async_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


IDLE_PING = 5.0
"""Seconds a pooled PostgreSQL connection may rest before it is checked (pinged) on its next use."""


def _ping_when_idle(engine: AsyncEngine) -> None:
    """A connection that rested more than IDLE_PING seconds is pinged before use; a dead one (the
    server restarted, a firewall dropped it) is replaced, and the command never sees it.

    SQLAlchemy's pool_pre_ping pings on every checkout: a round trip and ~0.3 ms of CPU for each
    command, though under load connections are minutes-fresh (bench_signin). A connection used a
    moment ago that died since is caught by the pool's disconnect handling instead: that command
    fails once and the pool is renewed.
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def _rested_from(_dbapi_conn: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _check_if_rested(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("checked_in")
        if since is None or time.monotonic() - since <= IDLE_PING:
            return
        try:
            dbapi_conn.ping()
        except Exception as error:  # noqa: BLE001  (any failure: take another connection)
            raise DisconnectionError(f"pooled connection failed its ping: {error!r}") from error


def init_engine(url: str | None = None, **kwargs: Any) -> AsyncEngine:
    """Create the process-wide engine (start-up and tests)."""
    global _engine, _factory, _read_factory
    _engine = make_engine(url or configured_url(), **kwargs)
    _read_factory = None
    _factory = async_sessionmaker(_engine, class_=AsyncSession, expire_on_commit=False)
    return _engine


def get_engine() -> AsyncEngine:
    """The process-wide engine; init_engine() must have run."""
    if _engine is None:
        raise RuntimeError("database engine not initialised: call db.engine.init_engine()")
    return _engine


async def dispose_engine() -> None:
    """Close every pooled connection (shutdown)."""
    global _engine, _factory, _read_engine, _read_factory
    if _engine is not None:
        await _engine.dispose()
    if _read_engine is not None:
        await _read_engine.dispose()
    _engine, _factory, _read_engine, _read_factory = None, None, None, None


def session_factory() -> async_sessionmaker[AsyncSession]:
    """The sessionmaker bound to the process-wide engine."""
    if _factory is None:
        raise RuntimeError("database engine not initialised: call db.engine.init_engine()")
    return _factory


def read_session_factory() -> async_sessionmaker[AsyncSession]:
    """Sessions for read-only work (dashboard pages, exports) that never take SQLite's write lock.

    On a SQLite file they use connections of their own whose transactions begin DEFERRED, with
    PRAGMA query_only (a write through one fails loudly): a long report no longer holds the one
    writer's connection and lock while 签到 wait. PostgreSQL readers never block writers: the usual
    factory.
    """
    global _read_engine, _read_factory
    if _read_factory is None:
        engine = get_engine()
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            _read_engine = create_async_engine(engine.url, connect_args={"timeout": BUSY_TIMEOUT})
            _sqlite_setup(_read_engine, True, read_only=True)
            _read_factory = async_sessionmaker(_read_engine, class_=AsyncSession,
                                               expire_on_commit=False)
        else:
            _read_factory = session_factory()
    return _read_factory


@asynccontextmanager
async def session_scope() -> AsyncIterator[AsyncSession]:
    """One unit of work for jobs and scripts: commit on success, roll back on error."""
    async with session_factory()() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
