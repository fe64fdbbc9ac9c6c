"""The reminder engine: claim, send once, retry with backoff, late and skipped catch-up, two schedulers."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db import engine as db_engine
from db.models.reminder import Reminder, ReminderState
from domain import reminder
from domain.reminder import EngineConfig, Pacer, Registry, Rendered, TickResult
from tests.domain.reminder.fakes import FakePlatform as FakeOutbox
from tests.domain.reminder.fakes import add_group_reminder

T0 = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)  # 09:00 Beijing


def _cfg(**kwargs: object) -> EngineConfig:
    return EngineConfig(**kwargs)  # type: ignore[arg-type]  # test knobs by name


async def tick(factory: async_sessionmaker[AsyncSession], outbox: FakeOutbox, pacer: Pacer,
               cfg: EngineConfig, now: datetime | None = None,
               registry: Registry | None = None) -> TickResult:
    """One engine tick sending through the fake platform."""
    return await reminder.run_due(factory, outbox.send, accounts=outbox.accounts,
                                  registry=registry or Registry(), pacer=pacer, config=cfg, now=now)


async def _rows(session: AsyncSession) -> list[Reminder]:
    session.expire_all()
    rows = list((await session.exec(select(Reminder).order_by(Reminder.id))).all())
    await session.commit()  # end the read: SQLite's BEGIN IMMEDIATE would block the engine
    return rows


async def test_due_reminder_is_sent_once_and_marked(session: AsyncSession) -> None:
    """A due row is sent, marked sent with sent_at; a second tick sends nothing."""
    await add_group_reminder(session, T0 + timedelta(minutes=1), "k:1", text="开会", now=T0)
    outbox = FakeOutbox()
    with time_machine.travel(T0 + timedelta(minutes=1, seconds=1), tick=False):
        result = await tick(db_engine.session_factory(), outbox, Pacer(), _cfg())
        again = await tick(db_engine.session_factory(), outbox, Pacer(), _cfg())
    assert (result.sent, result.late, again.sent) == (1, 0, 0)
    assert outbox.sent == [("20001", "开会", [])]
    (row,) = await _rows(session)
    assert (row.state, row.attempts, row.late) == ("sent", 1, False)
    assert row.sent_at == T0 + timedelta(minutes=1, seconds=1)


async def test_not_yet_due_and_past_reminders_are_not_created(session: AsyncSession) -> None:
    """Insert-ignore on the dedupe key; a due time already past is never materialised."""
    assert await add_group_reminder(session, T0 + timedelta(hours=1), "k:1", now=T0)
    assert not await add_group_reminder(session, T0 + timedelta(hours=2), "k:1", now=T0)
    assert not await add_group_reminder(session, T0 - timedelta(seconds=1), "k:2", now=T0)
    outbox = FakeOutbox()
    result = await tick(db_engine.session_factory(), outbox, Pacer(), _cfg(), now=T0)
    assert (result.sent, outbox.sent) == (0, [])
    assert [r.dedupe_key for r in await _rows(session)] == ["k:1"]


async def test_failed_send_is_retried_with_backoff_then_failed(session: AsyncSession) -> None:
    """Each failure doubles the wait; after max attempts the row is failed with the last error."""
    await add_group_reminder(session, T0, "k:1", now=T0 - timedelta(minutes=1))
    outbox = FakeOutbox(fail=10)
    cfg = _cfg(max_attempts=3, retry=timedelta(seconds=10))
    factory = db_engine.session_factory()
    waits = []
    moment = T0
    for _ in range(3):
        with time_machine.travel(moment, tick=False):
            await tick(factory, outbox, Pacer(), cfg)
        (row,) = await _rows(session)
        if row.next_attempt_at and row.state == "pending":
            waits.append((row.next_attempt_at - moment).total_seconds())
            with time_machine.travel(row.next_attempt_at - timedelta(seconds=1), tick=False):
                assert (await tick(factory, outbox, Pacer(), cfg)).retried == 0  # not yet
            moment = row.next_attempt_at
    assert waits == [10, 20]
    (row,) = await _rows(session)
    assert (row.state, row.attempts, row.last_error) == ("failed", 3, "bot account 99999 is not connected")


async def test_retry_succeeds_after_a_failure(session: AsyncSession) -> None:
    """One failure, then the retry is delivered; still exactly one message."""
    await add_group_reminder(session, T0, "k:1", now=T0 - timedelta(minutes=1))
    outbox = FakeOutbox(fail=1)
    factory = db_engine.session_factory()
    with time_machine.travel(T0, tick=False):
        assert (await tick(factory, outbox, Pacer(), _cfg())).retried == 1
    with time_machine.travel(T0 + timedelta(seconds=15), tick=False):
        assert (await tick(factory, outbox, Pacer(), _cfg())).sent == 1
    assert len(outbox.sent) == 1
    (row,) = await _rows(session)
    assert (row.state, row.attempts, row.late) == ("sent", 2, False)


async def test_catch_up_late_within_grace_and_skip_beyond(session: AsyncSession) -> None:
    """After downtime: due 5 h ago → sent late; due 7 h ago → skipped with a reason, never sent."""
    start = T0 - timedelta(hours=8)
    await add_group_reminder(session, T0 - timedelta(hours=5), "k:late", text="晚了", now=start)
    await add_group_reminder(session, T0 - timedelta(hours=7), "k:old", text="太晚", now=start)
    outbox = FakeOutbox()
    with time_machine.travel(T0, tick=False):
        result = await tick(db_engine.session_factory(), outbox, Pacer(), _cfg())
    assert (result.sent, result.late, result.skipped) == (1, 1, 1)
    assert outbox.sent == [("20001", "（补发：原定11月22日 04:00提醒）\n晚了", [])]
    old, late = sorted(await _rows(session), key=lambda r: r.dedupe_key, reverse=True)
    assert (late.state, late.late) == ("sent", True)
    assert (old.state, old.late, old.last_error) == (
        "skipped", False, "机器人离线，超过补发时限（6小时）未发送")


async def test_rows_of_an_offline_account_wait_for_it(session: AsyncSession) -> None:
    """A process claims only rows whose bot account is connected to it."""
    await add_group_reminder(session, T0, "k:other", self_id="88888", now=T0 - timedelta(minutes=1))
    await add_group_reminder(session, T0, "k:mine", now=T0 - timedelta(minutes=1))
    outbox = FakeOutbox()
    with time_machine.travel(T0, tick=False):
        await tick(db_engine.session_factory(), outbox, Pacer(), _cfg())
    states = {r.dedupe_key: r.state for r in await _rows(session)}
    assert states == {"k:other": "pending", "k:mine": "sent"}
    other = FakeOutbox(accounts={"88888"})
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        assert (await tick(db_engine.session_factory(), other, Pacer(), _cfg())).late == 1


async def test_large_fan_out_is_sent_in_batches(session: AsyncSession) -> None:
    """More rows than one batch: the tick keeps claiming until all are sent, in due order."""
    for i in range(25):
        await add_group_reminder(session, T0, f"k:{i:02}", text=str(i), group_id=str(30000 + i),
                                 now=T0 - timedelta(minutes=1))
    outbox = FakeOutbox()
    with time_machine.travel(T0, tick=False):
        result = await tick(db_engine.session_factory(), outbox, Pacer(), _cfg(batch=10))
    assert result.sent == 25
    assert [text for _, text, _ in outbox.sent] == [str(i) for i in range(25)]


class _Clock:
    """A monotonic clock that only moves when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        """Seconds since the start."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance instead of waiting."""
        self.now += seconds


async def _schedule(pacer: Pacer, targets: list[str], monkeypatch: pytest.MonkeyPatch) -> list[float]:
    import domain.reminder.pacing as pacing  # its clock, replaced

    clock = _Clock()
    monkeypatch.setattr(pacing, "monotonic", clock.monotonic)
    monkeypatch.setattr(pacing, "sleep", clock.sleep)
    times = []
    for target in targets:
        await pacer.wait(target)
        times.append(round(clock.now, 3))
    return times


async def test_default_pace_a_branch_at_once_a_fan_out_spread(monkeypatch: pytest.MonkeyPatch) -> None:
    """At the defaults (5 msg/s overall, 1 s per group): a branch's three messages to its group
    and two members go out within half a second, a second one to the same group waits its second,
    and 1,000 groups at the same minute are spread over about 200 s (never a burst)."""
    branch = await _schedule(Pacer(5, 1), ["g:1", "p:2", "p:3", "g:1"], monkeypatch)
    assert branch == [0.0, 0.2, 0.4, 1.0]
    fan_out = await _schedule(Pacer(5, 1), [f"g:{i}" for i in range(1000)], monkeypatch)
    assert fan_out[-1] == 199.8
    assert min(b - a for a, b in zip(fan_out, fan_out[1:], strict=False)) >= 0.2 - 1e-9


@pytest.mark.pg
async def test_two_schedulers_send_each_reminder_exactly_once(db_url: str) -> None:
    """Two engines (own pools, like two processes) tick concurrently: every row sent once."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    factories = []
    engines = []
    for _ in range(2):
        eng = db_engine.make_engine(db_url)
        engines.append(eng)
        factories.append(async_sessionmaker(eng, class_=AsyncSession, expire_on_commit=False))
    async with factories[0]() as session:
        for i in range(200):
            await add_group_reminder(session, T0, f"k:{i:03}", text=str(i), group_id=str(40000 + i),
                                     now=T0 - timedelta(minutes=1))
    outboxes = [FakeOutbox(delay=0.001), FakeOutbox(delay=0.001)]
    cfg = _cfg(batch=7)

    async def run(i: int) -> None:
        for _ in range(3):
            await tick(factories[i], outboxes[i], Pacer(), cfg, now=T0)
            await asyncio.sleep(0)

    await asyncio.gather(run(0), run(1))
    texts = [t.split("\n")[-1] for o in outboxes for _, t, _ in o.sent]  # late: a 补发 line first
    assert sorted(texts) == sorted(str(i) for i in range(200))
    assert all(o.sent for o in outboxes), "both schedulers took part"
    async with factories[0]() as session:
        rows = await _rows(session)
    assert {r.state for r in rows} == {"sent"} and {r.attempts for r in rows} == {1}
    for eng in engines:
        await eng.dispose()


async def test_a_row_whose_renderer_crashes_does_not_strand_the_batch(session: AsyncSession) -> None:
    """An unexpected error in one row: that row is retried later, the others are sent now."""
    async def broken(_session: AsyncSession, _reminder: Reminder) -> None:
        raise ZeroDivisionError("bug")

    registry = Registry(reminder.Source("test", (reminder.Kind("broken", "坏", broken),)))
    await add_group_reminder(session, T0, "k:1", text="一", now=T0 - timedelta(minutes=1))
    await add_group_reminder(session, T0, "k:2", text="二", now=T0 - timedelta(minutes=1))
    (first, _) = await _rows(session)
    first.kind = "broken"
    session.add(first)
    await session.commit()
    outbox = FakeOutbox()
    with time_machine.travel(T0, tick=False):
        result = await tick(db_engine.session_factory(), outbox, Pacer(), _cfg(), registry=registry)
    assert (result.sent, result.retried, outbox.sent) == (1, 1, [("20001", "二", [])])
    broken_row, sent = await _rows(session)
    assert (broken_row.state, broken_row.attempts, sent.state) == ("pending", 1, "sent")
    assert broken_row.last_error == "内部错误：ZeroDivisionError('bug')"


async def test_claimed_rows_a_dead_process_never_began_are_sent_not_failed(session: AsyncSession) -> None:
    """SIGKILL mid fan-out: the row whose send had begun is failed (it may have arrived); the rows
    claimed with it but never begun go back and are sent once, marked late."""
    for key in ("k:begun", "k:queued"):
        await add_group_reminder(session, T0, key, text=key, now=T0 - timedelta(minutes=1))
    begun, queued = await _rows(session)
    for row in (begun, queued):
        row.state, row.attempts, row.claimed_until = ReminderState.SENDING, 1, T0 + timedelta(minutes=10)
    begun.sent_at = T0
    session.add_all([begun, queued])
    await session.commit()
    outbox = FakeOutbox()
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):
        result = await tick(db_engine.session_factory(), outbox, Pacer(), _cfg())
    assert (result.failed, result.sent, result.late) == (1, 1, 1)
    assert outbox.sent == [("20001", "（补发：原定11月22日 09:00提醒）\nk:queued", [])]
    begun, queued = await _rows(session)
    assert (begun.state, begun.last_error) == ("failed", "发送过程中程序中断，无法确认是否送达，未重发")
    assert (queued.state, queued.attempts, queued.late) == ("sent", 1, True)


async def _look(reminder_id: int) -> Reminder:
    """The row as committed, read through a connection of its own (as a second process would)."""
    async with db_engine.session_factory()() as other:
        row = await other.get(Reminder, reminder_id)
        await other.commit()
        assert row is not None
        return row


class _ProbingOutbox(FakeOutbox):
    """While sending, looks at the row from another connection (as a second process would)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, bool]] = []

    async def send(self, delivery: reminder.Delivery) -> None:
        """Record the row's committed state and whether its send was marked begun."""
        row = await asyncio.wait_for(_look(delivery.reminder_id), 5)  # SQLite: fails if the engine holds the connection
        self.seen.append((row.state, row.sent_at is not None))
        await super().send(delivery)


async def test_the_send_is_marked_begun_and_no_transaction_is_held_across_it(session: AsyncSession) -> None:
    """Before the platform call the row is committed as begun (a crash then fails it rather than
    resending), and the engine holds no database connection while the message travels."""
    async def reads(session: AsyncSession, reminder: Reminder) -> Rendered:
        row = await session.get(Reminder, reminder.id)  # a send-time read opens a transaction
        return Rendered(row.text)

    registry = Registry(reminder.Source("test", (reminder.Kind("reads", "读", reads),)))
    await add_group_reminder(session, T0, "k:1", now=T0 - timedelta(minutes=1))
    (row,) = await _rows(session)
    row.kind = "reads"
    session.add(row)
    await session.commit()
    outbox = _ProbingOutbox()
    with time_machine.travel(T0, tick=False):
        assert (await tick(db_engine.session_factory(), outbox, Pacer(), _cfg(), registry=registry)).sent == 1
    assert outbox.seen == [("sending", True)]
    (row,) = await _rows(session)
    assert (row.state, row.sent_at) == ("sent", T0)


class _SlowOutbox(FakeOutbox):
    """Each send takes `step` of (frozen) time, like a long paced fan-out."""

    def __init__(self, traveller, step: timedelta) -> None:  # noqa: ANN001
        super().__init__()
        self.traveller, self.step = traveller, step
        self.leases: list[bool] = []

    async def send(self, delivery: reminder.Delivery) -> None:
        """Record whether the row's lease still runs, then let time pass."""
        from core import timeutil

        row = await _look(delivery.reminder_id)
        self.leases.append(row.claimed_until > timeutil.now())
        await super().send(delivery)
        self.traveller.shift(self.step)


async def test_a_long_paced_fan_out_is_not_late_and_keeps_its_leases(session: AsyncSession) -> None:
    """Rows waiting in the send queue are not 补发 (only rows due before the dispatch began are),
    and rows claimed late in a long fan-out get a lease counted from their claim."""
    await add_group_reminder(session, T0 - timedelta(minutes=5), "k:0", text="早", now=T0 - timedelta(hours=1))
    for i in range(1, 7):
        await add_group_reminder(session, T0, f"k:{i}", text=str(i), group_id=str(30000 + i),
                                 now=T0 - timedelta(hours=1))
    with time_machine.travel(T0, tick=False) as traveller:
        outbox = _SlowOutbox(traveller, timedelta(minutes=4))  # (frozen time: no renewal here)
        result = await tick(db_engine.session_factory(), outbox, Pacer(),
                            _cfg(batch=2, lease=timedelta(minutes=10)))
    assert (result.sent, result.late) == (7, 1)
    assert outbox.sent[0][1] == "（补发：原定11月22日 08:55提醒）\n早"
    assert [text for _, text, _ in outbox.sent[1:]] == [str(i) for i in range(1, 7)]
    assert outbox.leases == [True] * 7
    assert [r.late for r in await _rows(session)] == [True] + [False] * 6


async def test_a_retry_stranded_past_the_grace_window_is_skipped(session: AsyncSession) -> None:
    """A row that failed once and whose account then stayed offline for a day is not sent a day
    late when the account comes back: the grace window holds for retries too."""
    await add_group_reminder(session, T0 - timedelta(days=1), "k:1", now=T0 - timedelta(days=2))
    (row,) = await _rows(session)
    row.attempts, row.last_error = 1, "bot account 99999 is not connected"
    row.next_attempt_at = T0 - timedelta(days=1) + timedelta(seconds=15)
    session.add(row)
    await session.commit()
    outbox = FakeOutbox()
    with time_machine.travel(T0, tick=False):
        result = await tick(db_engine.session_factory(), outbox, Pacer(), _cfg())
    assert (result.sent, result.skipped, outbox.sent) == (0, 1, [])
    (row,) = await _rows(session)
    assert (row.state, row.last_error) == ("skipped", "多次发送未成功，超过补发时限（6小时）不再发送")


async def test_a_claim_taken_over_after_its_lease_is_not_sent_by_the_first_holder(
        session: AsyncSession) -> None:
    """A process frozen past its lease (its rows were put back and claimed by another) must not
    send them when it wakes: the begin mark checks the claim is still its own."""
    await add_group_reminder(session, T0, "k:1", now=T0 - timedelta(minutes=1))
    factory = db_engine.session_factory()
    async with factory() as s:
        cfg = _cfg()
        (mine,) = await reminder.claim(s, T0, {"99999"}, grace=cfg.grace, lease=cfg.lease,
                                       batch=cfg.batch)
        await s.commit()
    (row,) = await _rows(session)  # the other process's claim after the lease ran out
    row.claimed_until, row.claimed_by = T0 + timedelta(minutes=25), "other-host:4242:0123456789ab"
    session.add(row)
    await session.commit()
    outbox = FakeOutbox()
    with time_machine.travel(T0 + timedelta(minutes=15), tick=False):
        await reminder.deliver(factory, outbox.send, mine, registry=Registry(), config=_cfg(),
                               result=TickResult())
    assert outbox.sent == []
    (row,) = await _rows(session)
    assert (row.state, row.sent_at) == ("sending", None)
