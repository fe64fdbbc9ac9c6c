"""Claims after a crash: a dead process's reminders are taken over within 30 s; a live process
renews its lease and is never overtaken (no second send); a send the platform confirmed is `sent`.

Frozen time (time_machine) for the database's clock; the lease renewal runs on the event loop's
real clock, so the tests that need it use a lease of a fraction of a second.
"""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db import engine as db_engine
from db.models.reminder import Reminder
from domain import reminder
from domain.reminder import EngineConfig, Pacer, Registry, TickResult, dispatch, lifecycle
from tests.domain.reminder.fakes import FakePlatform, add_group_reminder

T0 = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)  # 09:00 Beijing
RECLAIMED_WITHIN = timedelta(seconds=30)


async def _rows(session: AsyncSession) -> list[Reminder]:
    session.expire_all()
    rows = list((await session.exec(select(Reminder).order_by(Reminder.id))).all())
    await session.commit()  # end the read: SQLite's BEGIN IMMEDIATE would block the engine
    return rows


async def _tick(platform: FakePlatform, config: EngineConfig) -> TickResult:
    """One tick of a process sending through `platform`."""
    return await reminder.run_due(db_engine.session_factory(), platform.send,
                                  accounts=platform.accounts, registry=Registry(), pacer=Pacer(),
                                  config=config)


async def test_a_killed_process_claims_are_taken_over_within_30_seconds(session: AsyncSession) -> None:
    """Process A claims two due rows, begins one, and is killed. Until its lease (20 s) runs out
    another process leaves them alone; at the first tick after it — well within 30 s of the crash —
    the row A never began is sent (once), the one it had begun is failed as in doubt, never resent."""
    for key in ("k:begun", "k:queued"):
        await add_group_reminder(session, T0, key, text=key, now=T0 - timedelta(minutes=1))
    config = EngineConfig()
    async with db_engine.session_factory()() as db:
        rows = await lifecycle.claim(db, T0, {"99999"}, grace=config.grace, lease=config.lease,
                                     batch=10)
        await db.commit()
    async with db_engine.session_factory()() as db:
        assert await lifecycle.begin(db, rows[0])  # then SIGKILL: no send, no settle, no renewal
    survivor = FakePlatform()
    with time_machine.travel(T0 + config.lease - timedelta(seconds=1), tick=False):
        assert (await _tick(survivor, config)).sent == 0  # A might still be alive
    assert [r.state for r in await _rows(session)] == ["sending", "sending"]
    with time_machine.travel(T0 + config.lease + timedelta(seconds=2), tick=False):
        result = await _tick(survivor, config)
    assert config.lease + timedelta(seconds=2) <= RECLAIMED_WITHIN
    assert (result.sent, result.failed, survivor.sent) == (1, 1, [("20001", "k:queued", [])])
    begun, queued = await _rows(session)
    assert (begun.state, begun.last_error) == ("failed", lifecycle.IN_DOUBT)
    assert (queued.state, queued.attempts) == ("sent", 1)
    assert queued.claimed_by not in (None, rows[1].claimed_by)  # the survivor's claim sent it


async def test_a_restarted_process_recognises_nothing_and_waits_only_the_lease(session: AsyncSession) -> None:
    """The claim names the process that made it (host:pid:nonce), and nothing but its lease keeps
    another process off it: the default lease is 20 s, renewed every third of it."""
    await add_group_reminder(session, T0, "k:1", now=T0 - timedelta(minutes=1))
    async with db_engine.session_factory()() as db:
        (row,) = await lifecycle.claim(db, T0, {"99999"}, grace=timedelta(hours=6),
                                       lease=EngineConfig().lease, batch=1)
        await db.commit()
    assert row.claimed_by is not None and row.claimed_by.startswith(lifecycle.PROCESS + ":")
    assert row.claimed_until == T0 + timedelta(seconds=20)
    assert EngineConfig().renew_every == pytest.approx(20 / 3)


class _HeldSend(FakePlatform):
    """A send that waits until released (a slow platform, or a long paced fan-out)."""

    def __init__(self) -> None:
        super().__init__()
        self.entered, self.release = asyncio.Event(), asyncio.Event()

    async def send(self, delivery: reminder.Delivery) -> None:
        """Enter, wait for release, then record."""
        self.entered.set()
        await self.release.wait()
        await super().send(delivery)


async def test_a_live_process_keeps_its_claim_and_another_never_sends_it(session: AsyncSession) -> None:
    """Process A's send takes longer than its lease; its renewals keep process B off the row, so B
    neither fails nor resends it, and A's confirmed send ends `sent`, sent once."""
    await add_group_reminder(session, T0, "k:1", text="开会", now=T0 - timedelta(minutes=1))
    config = EngineConfig(lease=timedelta(seconds=0.3))
    slow, other = _HeldSend(), FakePlatform()
    with time_machine.travel(T0, tick=False) as traveller:
        first = asyncio.create_task(_tick(slow, config))
        await asyncio.wait_for(slow.entered.wait(), 10)
        traveller.shift(timedelta(seconds=10))  # far past the lease A took at T0
        await asyncio.sleep(config.renew_every * 3)  # A is alive: it renews
        second = await _tick(other, config)
        slow.release.set()
        result = await asyncio.wait_for(first, 10)
    assert (second.sent, second.failed, other.sent) == (0, 0, [])
    assert (result.sent, slow.sent) == (1, [("20001", "开会", [])])
    (row,) = await _rows(session)
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, None)


async def test_a_confirmed_send_is_sent_even_when_failed_as_in_doubt_meanwhile(session: AsyncSession) -> None:
    """A process stalls mid-send past its lease (no renewal reaches the database); another process
    fails the begun row as in doubt. The platform then confirms the send: the row is `sent` — the
    confirmation is the one fact there is, and nobody can have sent it a second time."""
    await add_group_reminder(session, T0, "k:1", text="开会", now=T0 - timedelta(minutes=1))
    config = EngineConfig()
    async with db_engine.session_factory()() as db:
        (mine,) = await lifecycle.claim(db, T0, {"99999"}, grace=config.grace, lease=config.lease,
                                        batch=1)
        await db.commit()
    other = FakePlatform()
    in_doubt: list[int] = []

    class Stalling(FakePlatform):
        async def send(self, delivery: reminder.Delivery) -> None:
            with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
                in_doubt.append((await _tick(other, config)).failed)
            await super().send(delivery)

    stalling = Stalling()
    with time_machine.travel(T0, tick=False):
        await reminder.deliver(db_engine.session_factory(), stalling.send, mine, registry=Registry(),
                               config=config, result=TickResult())
    assert (in_doubt, other.sent, stalling.sent) == ([1], [], [("20001", "开会", [])])
    (row,) = await _rows(session)
    assert (row.state, row.last_error, row.sent_at) == ("sent", None, T0)


async def test_a_database_error_after_a_confirmed_send_is_never_a_failure(
        session: AsyncSession, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing `sent` fails (the database is unreachable for a moment): it is retried, and if it
    still fails, written at the next tick — never taken for a failed send, never resent."""
    await add_group_reminder(session, T0, "k:1", text="开会", now=T0 - timedelta(minutes=1))
    real, calls = lifecycle.confirm, []

    async def unreachable(*args: object, **kwargs: object) -> bool:
        calls.append(1)
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(dispatch.lifecycle, "confirm", unreachable)
    monkeypatch.setattr(dispatch, "CONFIRM_PAUSE", 0.0)
    platform = FakePlatform()
    with time_machine.travel(T0, tick=False):
        first = await _tick(platform, EngineConfig())
    assert (first.sent, first.failed, first.retried, len(calls)) == (1, 0, 0, 3)
    monkeypatch.setattr(dispatch.lifecycle, "confirm", real)
    with time_machine.travel(T0 + timedelta(seconds=2), tick=False):
        second = await _tick(platform, EngineConfig())
    assert (second.sent, second.failed, platform.sent) == (0, 0, [("20001", "开会", [])])
    (row,) = await _rows(session)
    assert (row.state, row.sent_at, row.attempts) == ("sent", T0, 1)
