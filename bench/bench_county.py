"""County workbench at county scale: 1,000 branches, 50,000 members, a year of activity; the county
page and 导出 全县 through the real web app, against a trivial page measured in the same run.

Loads, in bulk (executemany on SQLite, COPY on PostgreSQL), 1,000 branches in 20 片区 with 50
members each, two meetings a month per branch with ~35 attendance rows each (≈840,000), a volunteer
need a month with three claims, a suggestion a month, a notice a quarter to every member with ~40
receipts, and the points those earn. Then, through NoneBot's FastAPI app (httpx, no network), a
county login opens the county page and downloads the county workbook for this month, this quarter
and this year, after the county.seal job has sealed closed meetings' 应到/实到 and ended months'
points (as it does every 10 minutes in the bot). The baseline is the dashboard's smallest page (an
expired-link refusal). Figures: median of a few runs, in ms, and the ratio to the baseline.
SQLite always (a fresh temporary file); PostgreSQL too when BENCH_DATABASE_URL or TEST_DATABASE_URL
is set (a fresh database next to the one named, dropped afterwards).
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import nonebot
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from core import timeutil
from db import engine as db_engine
from domain import county

BRANCHES = int(os.environ.get("BENCH_COUNTY_BRANCHES", "1000"))
"""Fewer for a quick try: BENCH_COUNTY_BRANCHES=20 python -m bench county."""
PER_BRANCH = 50
MEMBERS = BRANCHES * PER_BRANCH
AREAS = 20
RUNS = 3
CHUNK = 50_000
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


class Rows:
    """Every table's rows, generated once (ids assigned here), dates for the dialect."""

    def __init__(self, today: date, sqlite: bool) -> None:
        self.sqlite = sqlite
        self.rng = random.Random(17)
        self.today = today
        self.first = today - timedelta(days=364)

    def t(self, moment: datetime) -> Any:
        return moment.strftime(SQLITE_TIME) if self.sqlite else moment

    def at(self, day: date, hour: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=8)

    def months(self) -> list[date]:
        first = self.first.replace(day=1)
        found = []
        while first <= self.today:
            found.append(first)
            first = (first + timedelta(days=32)).replace(day=1)
        return found

    def branch(self) -> Iterator[tuple[Any, ...]]:
        created = self.t(self.at(self.first - timedelta(days=30), 9))
        for b in range(1, BRANCHES + 1):
            yield (b, f"第{b}党支部", created, f"片区{(b - 1) % AREAS + 1:02d}",
                   ("机关", "教育系统", "卫生系统", "企业", "街道社区")[b % 5])

    def member(self) -> Iterator[tuple[Any, ...]]:
        created = self.t(self.at(self.first - timedelta(days=30), 9))
        for m in range(1, MEMBERS + 1):
            b, i = (m - 1) // PER_BRANCH + 1, (m - 1) % PER_BRANCH
            role = 3 if i == 0 and b % 97 else (2 if i < 3 else 1)
            category = "unable" if i % 17 == 5 else ("limited" if i % 7 == 3 else "normal")
            status = "inactive" if i == PER_BRANCH - 1 else "active"
            yield (m, b, f"党员{m}", category, role, status, created, False, False, True)

    def meetings(self) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
        """(session row, its attendance rows)."""
        sid = aid = 0
        for b in range(1, BRANCHES + 1):
            for month in self.months():
                for day, kind in ((5 + b % 10, "study"), (15 + b % 10, "partyday")):
                    held = month.replace(day=day)
                    if held >= self.today or (b % 50 == 0 and month.month == self.today.month):
                        continue
                    sid += 1
                    start = self.at(held, 9)
                    session = (sid, b, kind, "学习", self.t(start), self.t(start - timedelta(minutes=30)),
                               self.t(start + timedelta(minutes=15)), self.t(start + timedelta(hours=1)),
                               False, 0, self.t(start - timedelta(days=3)))
                    rows = []
                    for i in self.rng.sample(range(PER_BRANCH), 30 + self.rng.randrange(12)):
                        aid += 1
                        status = ("present", "present", "present", "late", "leave")[i % 5]
                        rows.append((aid, sid, (b - 1) * PER_BRANCH + i + 1, status, self.t(start)))
                    yield session, rows

    def volunteer(self) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
        nid = cid = 0
        for b in range(1, BRANCHES + 1):
            for month in self.months():
                day = month.replace(day=20)
                if day >= self.today:
                    continue
                nid += 1
                start = self.at(day, 8)
                done = day < self.today - timedelta(days=3)
                need = (nid, b, "社区清扫", self.t(start), self.t(start + timedelta(hours=2)), 5, 3, "normal",
                        "completed" if done else "open", self.t(start - timedelta(days=5)))
                claims = []
                for i in (3, 4, 5):
                    cid += 1
                    claims.append((cid, nid, (b - 1) * PER_BRANCH + i + 1, "claimed",
                                   self.t(start - timedelta(days=4)), self.t(start - timedelta(days=4))))
                yield need, claims

    def suggestion(self) -> Iterator[tuple[Any, ...]]:
        sid = 0
        for b in range(1, BRANCHES + 1):
            for month in self.months():
                sid += 1
                made = self.at(month.replace(day=8), 10)
                status = ("pending", "replied", "adopted", "forwarded")[sid % 4]
                yield (sid, b, sid % 3 == 0, "希望多组织学习", status, self.t(made), self.t(made))

    def ledger(self) -> Iterator[tuple[Any, ...]]:
        for m in range(1, MEMBERS + 1):
            b = (m - 1) // PER_BRANCH + 1
            for month in self.months():
                moment = self.at(month.replace(day=10), 11)
                if moment.date() >= self.today:
                    continue
                yield (b, m, 2.0 if self.sqlite else 2, "study", "学习签到", moment.year,
                       timeutil.quarter_of(moment), self.t(moment))

    def notices(self) -> Iterator[tuple[tuple[Any, ...], list[int], list[int]]]:
        nid = 0
        for b in range(1, BRANCHES + 1):
            for n, month in enumerate(m for m in self.months() if m.month % 3 == 1):
                nid += 1
                made = self.at(month.replace(day=3), 9)
                members = [(b - 1) * PER_BRANCH + i + 1 for i in range(PER_BRANCH - 1)]
                yield ((nid, b, n + 1, "学习通知", "书记", self.t(made)), members,
                       members[: 35 + nid % 10])


COLUMNS = {
    "branch": ("id", "name", "created_at", "area", "sector"),
    "member": ("id", "branch_id", "name", "category", "role", "status", "created_at", "birth_lunar",
               "birth_leap", "birthday_greeting"),
    "study_session": ("id", "branch_id", "kind", "title", "starts_at", "opens_at", "late_after",
                      "closes_at", "cancelled", "signin_count", "created_at"),
    "attendance": ("id", "session_id", "member_id", "status", "signed_at"),
    "need": ("id", "branch_id", "title", "starts_at", "ends_at", "capacity", "claimed", "suits", "status",
             "created_at"),
    "claim": ("id", "need_id", "member_id", "status", "queued_at", "updated_at"),
    "suggestion": ("id", "branch_id", "anonymous", "content", "status", "created_at", "updated_at"),
    "ledger_entry": ("branch_id", "member_id", "delta", "kind", "reason", "cycle", "quarter", "created_at"),
    "notice": ("id", "branch_id", "number", "text", "created_by_name", "created_at"),
    "notice_recipient": ("notice_id", "member_id"),
    "notice_receipt": ("notice_id", "member_id", "channel", "created_at"),
}


def tables(rows: Rows) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """(table, a chunk of rows), parents before children."""
    yield "branch", list(rows.branch())
    yield from _chunked("member", rows.member())
    sessions, attendance = [], []
    for session, marks in rows.meetings():
        sessions.append(session)
        attendance += marks
    yield "study_session", sessions
    yield from _chunked("attendance", iter(attendance))
    needs, claims = [], []
    for need, its in rows.volunteer():
        needs.append(need)
        claims += its
    yield "need", needs
    yield "claim", claims
    yield "suggestion", list(rows.suggestion())
    yield from _chunked("ledger_entry", rows.ledger())
    made, expected, reached = [], [], []
    for notice, members, answered in rows.notices():
        made.append(notice)
        expected += [(notice[0], m) for m in members]
        reached += [(notice[0], m, "qq", notice[5]) for m in answered]
    yield "notice", made
    yield from _chunked("notice_recipient", iter(expected))
    yield from _chunked("notice_receipt", iter(reached))


def _chunked(table: str, rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield table, chunk
            chunk = []
    if chunk:
        yield table, chunk


def _load_sqlite(path: Path, today: date) -> dict[str, int]:
    counts: dict[str, int] = {}
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    for table, chunk in tables(Rows(today, sqlite=True)):
        cols = COLUMNS[table]
        conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                         chunk)
        counts[table] = counts.get(table, 0) + len(chunk)
    conn.commit()
    conn.close()
    return counts


async def _load_pg(url: str, today: date) -> dict[str, int]:
    import asyncpg

    counts: dict[str, int] = {}
    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    for table, chunk in tables(Rows(today, sqlite=False)):
        await conn.copy_records_to_table(table, columns=COLUMNS[table], records=chunk)
        counts[table] = counts.get(table, 0) + len(chunk)
    for table in ("branch", "member", "study_session", "attendance", "need", "claim", "suggestion",
                  "notice"):
        await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT max(id) FROM {table}))")
    await conn.close()
    return counts


def _app() -> Any:
    """NoneBot's FastAPI app with the report plugin (its web routes) loaded."""
    nonebot.init(driver="~fastapi", log_level="WARNING")
    nonebot.load_plugin("plugins.report")
    return nonebot.get_app()


async def _log_in(http: httpx.AsyncClient) -> None:
    from db.models import CountyStaff
    from domain import report
    from plugins.report import web

    async with db_engine.session_factory()() as db:
        staff = CountyStaff(platform="onebot", user_id="123456789", name="王科长", added_by="bench")
        db.add(staff)
        await db.flush()
        token = await report.issue_link_token(
            db, platform="onebot", user_id="123456789", member_id=None, branch_id=None,
            secret=web.config.report_secret, minutes=10, county_staff_id=staff.id)
        await db.commit()
    page = await http.get(f"/yinling/login/{token}")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    entered = await http.post("/yinling/login", data={"token": token, "csrf": csrf})
    assert entered.status_code == 303, entered.text


async def _median(call: Callable[[], Awaitable[httpx.Response]], runs: int = RUNS) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        response = await call()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 403), response.status_code
        size = len(response.content)
    return statistics.median(times), size


async def _measure(app: Any) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as http:
        await _log_in(http)
        await http.get("/yinling/login/x.y")  # warm
        base, _ = await _median(lambda: http.get("/yinling/login/x.y"), runs=20)
        print(f"  {'request':34} {'median ms':>10} {'size KB':>8} {'×trivial':>9}")
        print(f"  {'trivial page (expired link)':34} {base:10.1f} {'':>8} {1.0:9.1f}", flush=True)
        for word, label in (("本月", "this month"), ("本季度", "this quarter"), ("今年", "this year")):
            for path, what in (("/yinling/", "county page"), ("/yinling/county/export", "导出 全县")):
                ms, size = await _median(lambda p=path, w=word: http.get(p, params={"period": w}))
                print(f"  {what + ', ' + label:34} {ms:10.1f} {size / 1024:8.0f} {ms / base:9.0f}",
                      flush=True)


async def _run(label: str, url: str, load: Callable[[], Awaitable[dict[str, int]]], app: Any) -> None:
    print(f"\n[{label}] {BRANCHES:,} branches in {AREAS} 片区, {MEMBERS:,} members, a year of activity",
          flush=True)
    engine = db_engine.make_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    await engine.dispose()
    started = time.perf_counter()
    counts = await load()
    loaded = time.perf_counter() - started
    print(f"  loaded in {loaded:.1f} s: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()),
          flush=True)
    await _analyze(url)
    db_engine.init_engine(url)
    started = time.perf_counter()
    meetings, months = await county.seal_figures(db_engine.session_factory())
    print(f"  county.seal job: {meetings:,} meeting tallies and {months} months of points sealed "
          f"in {time.perf_counter() - started:.1f} s (closed meetings, ended months)", flush=True)
    await _analyze(url)
    await _measure(app)


async def _analyze(url: str) -> None:
    """Planner statistics, as autovacuum would have them on a database in use."""
    engine = db_engine.make_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text("ANALYZE" if url.startswith("sqlite") else "VACUUM ANALYZE"))
    await engine.dispose()


async def _admin(url: str, sql: str) -> None:
    engine = db_engine.make_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    async with engine.connect() as conn:
        await conn.execute(text(sql))
    await engine.dispose()


async def main() -> None:
    """SQLite, then PostgreSQL when a URL is configured."""
    import db.models  # noqa: F401  (every table on the metadata)

    app = _app()
    today = timeutil.local_date(timeutil.now())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_county.db"
        await _run("SQLite", f"sqlite+aiosqlite:///{path}",
                   lambda: asyncio.to_thread(_load_sqlite, path, today), app)
    pg = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not pg or not pg.startswith("postgresql"):
        print("\n(PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL)")
        return
    name = f"yinling_bench_{uuid.uuid4().hex[:8]}"
    await _admin(pg, f'CREATE DATABASE "{name}"')
    url = make_url(pg).set(database=name).render_as_string(hide_password=False)
    try:
        await _run("PostgreSQL", url, lambda: _load_pg(url, today), app)
    finally:
        await _admin(pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
