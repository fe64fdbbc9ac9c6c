"""Reminder dispatch: 1,000 branches with a party day at the same minute, unlimited and rate-limited.

In-process: the engine (claim → render → send → mark) against a fake platform, on a fresh migrated
SQLite file (or BENCH_DATABASE_URL=postgresql+asyncpg://… — a fresh database of that name is
created). Baseline, measured in the same run: the bare send loop (the same 1,000 messages handed to
the same fake platform with no database). Then the engine unlimited, the engine at a send-rate limit
(BENCH_RATE messages/s overall, default 200), and two schedulers on the same rows at once.
Every run checks that all 1,000 were sent, each exactly once. Each send is two short transactions
(committed as begun before the platform call, marked sent after it, none held during the call), so a
crash mid fan-out fails only the one message in flight. At the bot's default REMINDER_RATE_PER_SECOND=5
the same fan-out is paced over (1,000 − 1) / 5 ≈ 200 s (too long to run here; printed as a floor).

Then the same 1,000 group reminders through the REAL bot process (`python -m bot`, as `make run`
starts it) and the fake OneBot V11 peer over the reverse WebSocket: time from the due moment to the
last message the peer received, unlimited and at the rate limit (BENCH_SKIP_BOT=1 skips this part).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nonebot

BRANCHES = 1000
NOW = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)
DUE = datetime(2026, 12, 10, 0, 0, tzinfo=UTC)  # 1 hour before 每月10日 09:00 Beijing


class CountingOutbox:
    """Accepts every message after yielding once, as a websocket send would; counts per target."""

    def __init__(self) -> None:
        self.sent: dict[str, int] = {}

    def accounts(self) -> set[str]:
        """One bot account serves every group."""
        return {"99999"}

    async def send(self, delivery) -> None:  # noqa: ANN001
        """Record one delivery."""
        await asyncio.sleep(0)
        self.sent[delivery.target_id] = self.sent.get(delivery.target_id, 0) + 1


def _init_nonebot() -> None:
    nonebot.init(driver="~fastapi", apscheduler_autostart=False, log_level="WARNING")


async def _database() -> str:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from db.engine import make_engine

    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        admin = make_engine(make_url(url).set(database="postgres").render_as_string(False),
                            isolation_level="AUTOCOMMIT")
        name = make_url(url).database
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await admin.dispose()
    else:
        url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    cfg = Config("alembic.ini")
    cfg.attributes["url"] = url
    cfg.attributes["configure_logger"] = False
    await asyncio.to_thread(command.upgrade, cfg, "head")
    return url


async def _seed() -> float:
    """1,000 branches, each bound to its own group with a 每月10日 09:00 rule (1-hour reminder)."""
    from db.engine import session_scope
    from db.models import Branch, GroupBinding
    from domain import partyday

    partyday.configure(partyday.PlanConfig(offsets="1h"))
    started = time.perf_counter()
    spec = partyday.RuleSpec(10, None, None, 9, 0, "党员活动室")
    for chunk in range(0, BRANCHES, 100):
        async with session_scope() as session:
            for i in range(chunk, chunk + 100):
                branch = Branch(name=f"第{i + 1}支部")
                session.add(branch)
                await session.flush()
                session.add(GroupBinding(platform="onebot", group_id=str(300000 + i),
                                         branch_id=branch.id, self_id="99999"))
                await partyday.set_rule(session, branch_id=branch.id, spec=spec, now=NOW)
    return time.perf_counter() - started


async def _reset() -> None:
    from sqlalchemy import update

    from db.engine import session_scope
    from db.models.reminder import Reminder

    async with session_scope() as session:
        await session.exec(update(Reminder).values(  # type: ignore[call-overload]
            state="pending", attempts=0, sent_at=None, late=False, claimed_until=None))


async def _run(label: str, rate: float, schedulers: int = 1) -> float:
    from sqlalchemy.ext.asyncio import async_sessionmaker
    from sqlmodel import func, select
    from sqlmodel.ext.asyncio.session import AsyncSession

    from db.engine import get_engine, make_engine, session_factory
    from db.models.reminder import Reminder
    from domain.reminder import EngineConfig, Pacer, Registry, run_due

    await _reset()
    batch = max(5, int(rate * 4)) if rate else 200
    factories = [session_factory()]
    extra = [make_engine(get_engine().url.render_as_string(False)) for _ in range(schedulers - 1)]
    factories += [async_sessionmaker(e, class_=AsyncSession, expire_on_commit=False) for e in extra]
    outboxes = [CountingOutbox() for _ in range(schedulers)]
    started = time.perf_counter()
    await asyncio.gather(*(
        run_due(f, o.send, accounts=o.accounts, registry=Registry(), now=DUE,
                pacer=Pacer(rate / schedulers if rate else 0, 1.0), config=EngineConfig(batch=batch))
        for f, o in zip(factories, outboxes, strict=True)))
    elapsed = time.perf_counter() - started
    for engine in extra:
        await engine.dispose()
    per_target: dict[str, int] = {}
    for outbox in outboxes:
        for target, count in outbox.sent.items():
            per_target[target] = per_target.get(target, 0) + count
    async with session_factory()() as session:
        marked = (await session.exec(select(func.count()).select_from(Reminder)
                                     .where(Reminder.state == "sent"))).one()
    assert len(per_target) == BRANCHES and set(per_target.values()) == {1}, "each sent exactly once"
    assert marked == BRANCHES, f"{marked} marked sent"
    shares = "/".join(str(sum(o.sent.values())) for o in outboxes)
    print(f"{label:<34} {elapsed:7.2f} s  {BRANCHES / elapsed:8.0f} msg/s  "
          f"{elapsed / BRANCHES * 1000:6.2f} ms/msg  sent by scheduler(s): {shares}")
    return elapsed


async def _baseline() -> float:
    from db.models.reminder import TargetKind
    from domain.reminder import Delivery

    outbox = CountingOutbox()
    rows = [Delivery(i, "onebot", TargetKind.GROUP, str(300000 + i), "99999",
                     "【主题党日提醒】1小时后召开主题党日活动") for i in range(BRANCHES)]
    started = time.perf_counter()
    for row in rows:
        await outbox.send(row)
    return time.perf_counter() - started


def _bot_rows(database_url: str, due: datetime, run: str) -> None:
    """1,000 branches, each with its group bound to bot 99999 and one reminder due at `due`."""
    import sqlite3

    path = database_url.split("///", 1)[1]
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    stamp = due.astimezone(UTC).replace(tzinfo=None).strftime(fmt)
    now = datetime.now(UTC).replace(tzinfo=None).strftime(fmt)
    with sqlite3.connect(path) as conn:
        if not conn.execute("SELECT count(*) FROM branch").fetchone()[0]:
            conn.executemany("INSERT INTO branch (id, name, created_at) VALUES (?, ?, ?)",
                             [(i + 1, f"第{i + 1}支部", now) for i in range(BRANCHES)])
            conn.executemany(
                "INSERT INTO group_binding (platform, group_id, branch_id, self_id, bound_at)"
                " VALUES ('onebot', ?, ?, '99999', ?)",
                [(str(300000 + i), i + 1, now) for i in range(BRANCHES)])
        conn.executemany(
            "INSERT INTO reminder (branch_id, kind, target_kind, platform, self_id, target_id, due_at,"
            " text, mentions, dedupe_key, state, attempts, late, created_at) VALUES"
            " (?, 'oneoff', 'group', 'onebot', '99999', ?, ?, '【主题党日提醒】1小时后召开主题党日活动',"
            " '[]', ?, 'pending', 0, 0, ?)",
            [(i + 1, str(300000 + i), stamp, f"bench:{run}:{i}", now) for i in range(BRANCHES)])


def _recorder(peer, received: list[float], done: asyncio.Event):  # noqa: ANN001, ANN202
    """A send_group_msg handler that notes when each message arrived."""

    def record(params: dict) -> dict:
        received.append(time.time())
        if len(received) >= BRANCHES:
            done.set()
        return peer._record_sent("send_group_msg", ("group", int(params["group_id"])),
                                 params.get("message"))

    return record


async def _real_bot(rate: float) -> None:
    """Time 1,000 due reminders through the real bot and a connected fake QQ account."""
    from tests.e2e.conftest import BotProcess, migrate
    from tests.onebot_peer import OneBotPeer

    folder = Path(tempfile.mkdtemp())
    url = f"sqlite+aiosqlite:///{folder / 'bot.db'}"
    await asyncio.to_thread(migrate, url)
    print("real bot process + OneBot V11 peer over WebSocket, SQLite (tick 0.5 s):")
    for label, limit in (("unlimited", 0.0), (f"limit {rate:g} msg/s", rate)):
        bot = BotProcess(database_url=url, log_path=folder / "bot.log", extra_env={
            "REMINDER_TICK_SECONDS": "0.5", "REMINDER_RATE_PER_SECOND": str(limit),
            "LOG_LEVEL": "WARNING"})
        bot.start()
        try:
            received: list[float] = []
            done = asyncio.Event()
            async with OneBotPeer(bot.url, token=bot.token, self_id=99999) as peer:
                peer.on_api("send_group_msg", _recorder(peer, received, done))
                due = datetime.now(UTC) + timedelta(seconds=2)
                _bot_rows(url, due, label)
                await asyncio.wait_for(done.wait(), 120)
                await asyncio.sleep(1.0)  # a little longer: nothing may come twice
                groups = [m.chat[1] for m in peer.sent]
        finally:
            bot.stop()
        assert len(groups) == len(set(groups)) == BRANCHES, f"{len(groups)} sent, {len(set(groups))} groups"
        first, last = received[0] - due.timestamp(), received[-1] - due.timestamp()
        span = received[-1] - received[0]
        print(f"  {label:<20} first {first:5.2f} s after due, last {last:6.2f} s; "
              f"{BRANCHES / max(span, 1e-9):6.0f} msg/s between first and last")


async def main() -> None:
    """Seed, then time the baseline and each dispatch mode on the same 1,000 rows."""
    _init_nonebot()
    from db import engine as db_engine

    url = await _database()
    db_engine.init_engine(url)
    print(f"database: {db_engine.get_engine().url.render_as_string(hide_password=True)}")
    seeded = await _seed()
    print(f"materialised {BRANCHES} rules (occurrence + sign-in session + reminder): {seeded:.1f} s")
    from db.engine import session_factory
    from domain import partyday

    started = time.perf_counter()
    assert await partyday.plan_party_days(session_factory(), NOW) == 0
    print(f"party-day plan job over {BRANCHES} rules with nothing new to plan: "
          f"{time.perf_counter() - started:.2f} s")
    base = await _baseline()
    print(f"{'baseline: bare send loop, no DB':<34} {base:7.3f} s  {BRANCHES / base:8.0f} msg/s")
    unlimited = await _run("engine, unlimited", 0)
    rate = float(os.environ.get("BENCH_RATE", "200"))
    limited = await _run(f"engine, limit {rate:g} msg/s", rate)
    await _run("two schedulers, unlimited", 0, schedulers=2)
    print(f"engine unlimited / baseline: {unlimited / base:.0f}x; "
          f"limited run took {limited:.2f} s for {BRANCHES} (floor at the limit "
          f"{(BRANCHES - 1) / rate:.2f} s), observed {BRANCHES / limited:.0f} msg/s ≤ {rate:g}")
    print(f"at the bot's default 5 msg/s the {BRANCHES} take at least {(BRANCHES - 1) / 5:.0f} s "
          "(the pacer's floor; not run)")
    await db_engine.dispose_engine()
    if not os.environ.get("BENCH_SKIP_BOT"):
        await _real_bot(rate)
