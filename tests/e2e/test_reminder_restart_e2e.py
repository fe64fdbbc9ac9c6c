"""SIGKILL the real bot just before a reminder is due: after a restart it is sent once (late), or,
past the grace window, skipped and shown in 提醒列表; SIGKILL it mid fan-out, between claiming rows
and sending them: they go out within the claim's lease after a restart — over a real OneBot V11
WebSocket."""

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import SELF_ID, SUPERUSER, BotProcess, free_port
from tests.onebot_peer import OneBotPeer

pytestmark = pytest.mark.e2e

GROUP = 20001
WAIT = 60.0
"""Upper bound of every wait: generous, so a loaded 2-core CI machine does not flake. A wait
ends as soon as its condition holds, so a healthy run is no slower for it."""


def _sql(bot: BotProcess, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(bot.database_url.split("///", 1)[1]) as conn:
        return conn.execute(sql, args).fetchall()


def _add_reminder(bot: BotProcess, due: datetime, text: str, group_id: int = GROUP) -> None:
    """A pending group reminder row, as the planner would have written it (naive UTC on SQLite).

    A row for the bound group belongs to its branch; a fan-out group is bound to no branch here, so
    its row has none (the plan job would otherwise re-target a branch's row to the branch's group).
    """
    stamp = due.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    now = datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    _sql(bot, "INSERT INTO reminder (branch_id, kind, target_kind, platform, self_id, target_id, due_at,"
              " text, mentions, dedupe_key, state, attempts, late, created_at)"
              " VALUES (?, 'oneoff', 'group', 'onebot', ?, ?, ?, ?, '[]', ?, 'pending', 0, 0, ?)",
         1 if group_id == GROUP else None, str(SELF_ID), str(group_id), stamp, text, f"e2e:{text}", now)


def _restart(bot: BotProcess) -> None:
    """Start again on a fresh port: another test run may have taken the old one meanwhile (the
    token is shared, so our peer would talk to its bot)."""
    bot.port = free_port()
    bot.start(timeout=WAIT)


def _peer(bot: BotProcess) -> OneBotPeer:
    return OneBotPeer(bot.url, token=bot.token, self_id=SELF_ID, timeout=WAIT)


async def _rows_when(bot: BotProcess, expected: list[tuple], within: float = WAIT,
                     columns: str = "state, late, attempts") -> list[tuple]:
    """The reminder rows once they match (the bot marks a row just after the send returns)."""
    deadline = asyncio.get_running_loop().time() + within
    while (rows := _sql(bot, f"SELECT {columns} FROM reminder ORDER BY id")) != expected:
        if asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.1)
    return rows


async def _bound_bot(tmp_path: Path, database: str, **env: str) -> BotProcess:
    bot = BotProcess(database_url=database, log_path=tmp_path / "bot.log",
                     extra_env={"REMINDER_TICK_SECONDS": "0.5", "REMINDER_LATE_SECONDS": "1"} | env)
    bot.start(timeout=WAIT)
    async with _peer(bot) as peer:
        assert (await peer.ask(SUPERUSER, "绑定支部 第一支部", group_id=GROUP)).startswith("本群已绑定")
    return bot


async def test_running_bot_sends_once_when_due(tmp_path: Path, bot_database: str):
    """No restart: the reminder reaches the group once, never before it is due, without a 补发 note.

    The 2 s tick puts it out within a few seconds; the only timed checks are "not early" and "not
    late" (no tick began more than REMINDER_LATE_SECONDS = 60 s after the due time).
    """
    bot = await _bound_bot(tmp_path, bot_database, REMINDER_TICK_SECONDS="2", REMINDER_LATE_SECONDS="60")
    try:
        async with _peer(bot) as peer:
            due = datetime.now(UTC) + timedelta(seconds=2)
            _add_reminder(bot, due, "【提醒】下午学习")
            sent = await peer.wait_for_sent(lambda m: m.chat == ("group", GROUP), within=WAIT)
            assert sent.text == "【提醒】下午学习"
            assert datetime.now(UTC) >= due
            await asyncio.sleep(2.5)  # a tick or more later: nothing is sent again
            assert [m.text for m in peer.sent if "下午学习" in m.text] == [sent.text]
        assert await _rows_when(bot, [("sent", 0, 1)]) == [("sent", 0, 1)]
    finally:
        bot.stop()


async def test_killed_before_due_sent_once_late_after_restart(tmp_path: Path, bot_database: str):
    """Due 3 s after a SIGKILL; restarted 2 s after it was due: delivered exactly once, marked late."""
    bot = await _bound_bot(tmp_path, bot_database)
    try:
        due = datetime.now(UTC) + timedelta(seconds=3)
        _add_reminder(bot, due, "【提醒】带好党员证")
        bot.kill()
        await asyncio.sleep((due - datetime.now(UTC)).total_seconds() + 2)
        _restart(bot)
        async with _peer(bot) as peer:
            sent = await peer.wait_for_sent(lambda m: m.chat == ("group", GROUP), within=WAIT)
            assert sent.text.startswith("（补发：原定") and sent.text.endswith("提醒）\n【提醒】带好党员证")
            await asyncio.sleep(2)  # several more ticks: nothing is sent again
            assert [m.text for m in peer.sent if "党员证" in m.text] == [sent.text]
        assert await _rows_when(bot, [("sent", 1, 1)]) == [("sent", 1, 1)]
    finally:
        bot.stop()


async def test_restart_after_grace_window_skips_and_lists(tmp_path: Path, bot_database: str):
    """Grace 3.6 s; restarted 4.6 s after due: never sent, marked skipped, listed in 提醒列表."""
    bot = await _bound_bot(tmp_path, bot_database, REMINDER_GRACE_HOURS="0.001")
    try:
        due = datetime.now(UTC) + timedelta(seconds=2)
        _add_reminder(bot, due, "【提醒】交党费")
        bot.kill()
        await asyncio.sleep((due - datetime.now(UTC)).total_seconds() + 4.6)
        _restart(bot)
        async with _peer(bot) as peer:
            assert await _rows_when(bot, [("skipped", 0, 0)]) == [("skipped", 0, 0)]  # first tick
            listing = await peer.ask(SUPERUSER, "提醒列表", group_id=GROUP)
            assert [m.text for m in peer.sent if "交党费" in m.text and "提醒列表" not in m.text] == [
                listing]
        assert listing.startswith("没有待发送的提醒。\n最近没有发出的提醒：\n#1 ")
        assert listing.endswith("提醒：交党费 —— 已跳过：机器人离线，超过补发时限（3秒）未发送")
        assert _sql(bot, "SELECT state, late, attempts FROM reminder") == [("skipped", 0, 0)]
    finally:
        bot.stop()


async def test_graceful_stop_mid_fan_out_loses_and_repeats_nothing(tmp_path: Path, bot_database: str):
    """40 reminders paced at 10/s; SIGTERM after a dozen: claimed but unsent rows are put back,
    nothing is left `sending`; after a restart the rest go out — every group exactly once."""
    bot = await _bound_bot(tmp_path, bot_database, REMINDER_RATE_PER_SECOND="10",
                           REMINDER_TARGET_INTERVAL_SECONDS="0", REMINDER_LATE_SECONDS="60")
    groups = [30000 + i for i in range(40)]
    try:
        async with _peer(bot) as peer:
            due = datetime.now(UTC) + timedelta(seconds=1)
            for i, group in enumerate(groups):
                _add_reminder(bot, due, f"第{i}条", group_id=group)
            for _ in range(12):
                await peer.wait_for_sent(within=WAIT)
            bot.stop()  # SIGTERM while later batches are still queued
            before = [m.chat[1] for m in peer.sent]
        states = dict(_sql(bot, "SELECT state, count(*) FROM reminder GROUP BY state"))
        assert "sending" not in states and states["sent"] == len(before) < len(groups)
        _restart(bot)
        async with _peer(bot) as peer:
            for _ in range(len(groups) - len(before)):
                await peer.wait_for_sent(within=WAIT)
            await asyncio.sleep(1)  # and nothing more
            after = [m.chat[1] for m in peer.sent]
        assert sorted(before + after) == groups
        # (A send racing the closing WebSocket may fail once and be retried: attempts may be 2.)
        expected = [("sent", 0)] * 40
        assert await _rows_when(bot, expected, columns="state, late") == expected
    finally:
        bot.stop()


async def test_killed_mid_fan_out_claimed_rows_are_sent_within_the_lease(tmp_path: Path, bot_database: str):
    """Twelve groups at 4 messages/s, claimed five at a time; SIGKILL right after the third reached
    QQ: the rows claimed but not sent are sent by the restarted bot within its lease
    (REMINDER_LEASE_SECONDS = 5 here; 20 by default) — seconds after the restart, not ten minutes.
    The one whose send QQ had taken when the bot died (its answer never written down) is found in
    the account's message history and marked sent, not failed. Every group gets its message once."""
    bot = await _bound_bot(tmp_path, bot_database, REMINDER_RATE_PER_SECOND="4",
                           REMINDER_TARGET_INTERVAL_SECONDS="0", REMINDER_LATE_SECONDS="60",
                           REMINDER_LEASE_SECONDS="5")
    groups = [40000 + i for i in range(12)]
    try:
        async with _peer(bot) as first:
            due = datetime.now(UTC) + timedelta(seconds=1)
            for i, group in enumerate(groups):
                _add_reminder(bot, due, f"第{i}条", group_id=group)
            for _ in range(3):
                await first.wait_for_sent(within=WAIT)
            bot.kill()
            killed = asyncio.get_running_loop().time()
        before = [m.chat[1] for m in first.sent]
        claimed = _sql(bot, "SELECT count(*) FROM reminder WHERE state = 'sending' AND sent_at IS NULL")
        assert claimed[0][0] >= 1, "the kill came between claim and send for some rows"
        _restart(bot)
        async with OneBotPeer(bot.url, token=bot.token, self_id=SELF_ID, timeout=WAIT,
                              history=first.sent) as peer:  # QQ keeps the account's history
            for _ in range(len(groups) - len(before)):
                await peer.wait_for_sent(within=WAIT)
            elapsed = asyncio.get_running_loop().time() - killed
            expected = [("sent",)] * len(groups)
            assert await _rows_when(bot, expected, columns="state") == expected
            await asyncio.sleep(1)  # and nothing more
            after = [m.chat[1] for m in peer.sent]
        assert sorted(before + after) == groups  # each once: none lost, none doubled
        assert elapsed < 30, f"claimed rows waited {elapsed:.1f} s after the kill"
    finally:
        bot.stop()
