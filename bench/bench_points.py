"""Points at province scale: 100,000 members, 2,000,000 ledger entries; balance and ranking latency.

Loads 400 branches of 250 members and 20 entries per member (16 this cycle, 4 last cycle) with
executemany (SQLite) or COPY (PostgreSQL), builds the cached balances from the ledger with
`rebuild_balances`, then times the service calls the chat commands make against a baseline measured
in the same run: a primary-key lookup of one member's name. Ratios are p50 / baseline p50.
SQLite always (a fresh temporary file); PostgreSQL too when BENCH_DATABASE_URL or TEST_DATABASE_URL
is set (a fresh database is created next to the one named, and dropped afterwards).
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.engine import make_engine
from db.models import Branch, LedgerEntry, Member, PointsBalance
from domain import points

BRANCHES = 400
PER_BRANCH = 250
MEMBERS = BRANCHES * PER_BRANCH
PER_MEMBER = 20
ENTRIES = MEMBERS * PER_MEMBER
CHUNK = 100_000
SAMPLES = 400
TABLES = [SQLModel.metadata.tables[n] for n in ("branch", "member", "ledger_entry", "points_balance")]
KINDS = ("study", "study", "study", "volunteer", "suggestion", "bonus", "penalty", "redeem")
DELTAS = (Decimal(2), Decimal(1), Decimal(2), Decimal("1.5"), Decimal(3), Decimal(5),
          Decimal(-2), Decimal(-5))


def _moments(rng: random.Random, year: int) -> list[tuple[datetime, str, str]]:
    """A pool of (moment, quarter, SQLite text) within the first 320 days of a year."""
    start = datetime(year, 1, 1, tzinfo=UTC) - timedelta(hours=8)
    pool = []
    for _ in range(4096):
        moment = start + timedelta(minutes=rng.randrange(0, 320 * 24 * 60))
        pool.append((moment, timeutil.quarter_of(moment), moment.strftime("%Y-%m-%d %H:%M:%S.%f")))
    return pool


def _entries(cycle: int, sqlite: bool) -> Iterator[tuple[Any, ...]]:
    """Every ledger row: (branch_id, member_id, delta, kind, reason, source, cycle, quarter, created)."""
    rng = random.Random(7)
    pools = {y: _moments(rng, y) for y in (cycle, cycle - 1)}
    deltas = [float(d) for d in DELTAS] if sqlite else DELTAS
    for member_id in range(1, MEMBERS + 1):
        branch_id = (member_id - 1) // PER_BRANCH + 1
        for i in range(PER_MEMBER):
            year = cycle if i < 16 else cycle - 1
            moment, quarter, as_text = pools[year][rng.getrandbits(12)]
            k = rng.randrange(len(KINDS))
            yield (branch_id, member_id, deltas[k], KINDS[k], "学习签到", "bench", year, quarter,
                   as_text if sqlite else moment)


def _chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


LEDGER_COLS = ("branch_id", "member_id", "delta", "kind", "reason", "source", "cycle", "quarter",
               "created_at")


def _load_sqlite(path: Path, cycle: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    now = "2026-01-01 00:00:00.000000"
    conn.executemany("INSERT INTO branch (id, name, created_at) VALUES (?, ?, ?)",
                     [(b, f"支部{b}", now) for b in range(1, BRANCHES + 1)])
    conn.executemany(
        "INSERT INTO member (id, branch_id, name, category, role, status, created_at) "
        "VALUES (?, ?, ?, 'normal', 1, 'active', ?)",
        [(m, (m - 1) // PER_BRANCH + 1, f"党员{m}", now) for m in range(1, MEMBERS + 1)])
    sql = f"INSERT INTO ledger_entry ({', '.join(LEDGER_COLS)}) VALUES ({', '.join('?' * 9)})"
    for chunk in _chunks(_entries(cycle, sqlite=True)):
        conn.executemany(sql, chunk)
    conn.commit()
    conn.close()


async def _load_pg(url: str, cycle: int) -> None:
    import asyncpg

    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    await conn.copy_records_to_table("branch", columns=("id", "name", "created_at"), records=[
        (b, f"支部{b}", now) for b in range(1, BRANCHES + 1)])
    await conn.copy_records_to_table(
        "member", columns=("id", "branch_id", "name", "category", "role", "status", "created_at"),
        records=[(m, (m - 1) // PER_BRANCH + 1, f"党员{m}", "normal", 1, "active", now)
                 for m in range(1, MEMBERS + 1)])
    for chunk in _chunks(_entries(cycle, sqlite=False)):
        await conn.copy_records_to_table("ledger_entry", columns=LEDGER_COLS, records=chunk)
    await conn.close()


async def _schema(engine: Any, ledger_indexes: bool) -> None:
    async with engine.begin() as conn:
        if not ledger_indexes:
            await conn.run_sync(lambda c: SQLModel.metadata.create_all(c, tables=TABLES))
            for index in LedgerEntry.__table__.indexes:  # type: ignore[attr-defined]
                await conn.execute(text(f"DROP INDEX {index.name}"))
            return
        for index in LedgerEntry.__table__.indexes:  # type: ignore[attr-defined]
            await conn.run_sync(index.create)


async def _timed(samples: int, call: Callable[[int], Awaitable[Any]], rng: random.Random,
                 high: int) -> tuple[float, float]:
    times = []
    for _ in range(samples):
        key = rng.randint(1, high)
        started = time.perf_counter()
        await call(key)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


async def _measure(engine: Any, cycle: int) -> None:
    rng = random.Random(11)
    quarter = timeutil.quarter_of(timeutil.now())
    async with AsyncSession(engine, expire_on_commit=False) as s:
        calls: list[tuple[str, int, Callable[[int], Awaitable[Any]], int]] = [
            ("baseline: member by primary key", SAMPLES, lambda i: s.exec(
                select(Member.name).where(Member.id == i)), MEMBERS),
            ("积分 balance (cached row)", SAMPLES, lambda i: points.balance(s, i, cycle), MEMBERS),
            ("balance summed from ledger", SAMPLES,
             lambda i: points.ledger_balance(s, i, cycle), MEMBERS),
            ("积分 in full (balance+kinds+rank)", SAMPLES,
             lambda i: points.standing(s, _member(i)), MEMBERS),
            ("积分明细 (last 10)", SAMPLES, lambda i: points.history(s, i, 10), MEMBERS),
            ("积分排行 本年 (branch ranking)", SAMPLES // 2,
             lambda b: points.cycle_ranking(s, b, cycle), BRANCHES),
            ("积分排行 本季度 (from ledger)", SAMPLES // 2,
             lambda b: points.quarter_ranking(s, b, quarter), BRANCHES),
        ]
        base = None
        print(f"  {'query':36} {'p50 ms':>8} {'p99 ms':>8} {'×base':>7}")
        for label, n, call, high in calls:
            await _timed(20, call, rng, high)  # warm caches and the statement cache
            p50, p99 = await _timed(n, call, rng, high)
            base = base or p50
            print(f"  {label:36} {p50:8.3f} {p99:8.3f} {p50 / base:7.1f}", flush=True)


def _member(i: int) -> Member:
    """The caller's member row as the handler already holds it (not loaded again)."""
    return Member(id=i, branch_id=(i - 1) // PER_BRANCH + 1, name=f"党员{i}")


async def _run(label: str, url: str, load: Callable[[], Awaitable[None]]) -> None:
    cycle = timeutil.cycle_of(timeutil.now())
    print(f"\n[{label}] {MEMBERS:,} members in {BRANCHES} branches, {ENTRIES:,} ledger entries",
          flush=True)
    engine = make_engine(url, pool_size=2) if not url.startswith("sqlite") else make_engine(url)
    await _schema(engine, ledger_indexes=False)
    started = time.perf_counter()
    await load()
    loaded = time.perf_counter()
    await _schema(engine, ledger_indexes=True)
    indexed = time.perf_counter()
    async with AsyncSession(engine) as s:
        rows = await points.rebuild_balances(s)
        await s.commit()
    rebuilt = time.perf_counter()
    async with engine.connect() as conn:
        # Fresh statistics (and, on PostgreSQL, a visibility map for index-only scans).
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("ANALYZE" if url.startswith("sqlite") else "VACUUM ANALYZE"))
    print(f"  load {loaded - started:.1f} s, ledger indexes {indexed - loaded:.1f} s, "
          f"rebuild {rows:,} balances from the ledger {rebuilt - indexed:.1f} s", flush=True)
    await _check(engine, cycle)
    await _measure(engine, cycle)
    await engine.dispose()


async def _check(engine: Any, cycle: int) -> None:
    async with AsyncSession(engine) as s:
        ids = [1, MEMBERS // 2, MEMBERS]
        for i in ids:
            cached, truth = await points.balance(s, i, cycle), await points.ledger_balance(s, i, cycle)
            assert cached == truth, (i, cached, truth)
        count = (await s.exec(select(PointsBalance.member_id).limit(1))).first()
        assert count is not None and (await s.get(Branch, 1)) is not None


async def _admin(url: str, sql: str) -> None:
    engine = make_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    async with engine.connect() as conn:
        await conn.execute(text(sql))
    await engine.dispose()


async def main() -> None:
    """SQLite, then PostgreSQL when a URL is configured."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_points.db"
        await _run("SQLite", f"sqlite+aiosqlite:///{path}",
                   lambda: asyncio.to_thread(_load_sqlite, path, timeutil.cycle_of(timeutil.now())))
    pg = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not pg or not pg.startswith("postgresql"):
        print("\n(PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL)")
        return
    name = f"yinling_bench_{uuid.uuid4().hex[:8]}"
    await _admin(pg, f'CREATE DATABASE "{name}"')
    url = make_url(pg).set(database=name).render_as_string(hide_password=False)
    try:
        await _run("PostgreSQL", url, lambda: _load_pg(url, timeutil.cycle_of(timeutil.now())))
    finally:
        await _admin(pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
