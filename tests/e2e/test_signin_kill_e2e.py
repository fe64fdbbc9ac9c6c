"""Issue 19: the bot SIGKILLed in the middle of a burst of 50 签到 loses no acknowledged sign-in, on
SQLite and PostgreSQL; 第N位 stays 1..N without gaps or repeats, before and after the restart."""

import asyncio
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from core import timeutil
from db import engine as db_engine
from db.models import Attendance, AttendanceStatus, LedgerEntry, StudySession
from tests.e2e.conftest import BotProcess
from tests.factories import make_branch, make_member
from tests.onebot_peer import OneBotPeer, SentMessage

pytestmark = pytest.mark.e2e

GROUP = 20001
UIDS = range(10100, 10150)
KILL_AFTER = 20
"""Replies received when the SIGKILL is sent: well inside the burst of 50 (answered in ~300 ms)."""
NAMED = re.compile(r"^党员(\d+) ")


@pytest.fixture
def bot_process(tmp_path: Path, db_url: str) -> Iterator[BotProcess]:
    """The real bot on each backend; no scheduler, so the group hears nothing but the replies."""
    bot = BotProcess(database_url=db_url, log_path=tmp_path / "bot.log",
                     extra_env={"LOG_LEVEL": "WARNING", "APSCHEDULER_AUTOSTART": "false"})
    bot.start()
    try:
        yield bot
    finally:
        bot.stop()


async def seed() -> tuple[int, dict[int, int]]:
    """A bound branch, members 党员<uid> with QQ accounts, a 学习 open now: (its id, member id by uid)."""
    async with db_engine.session_factory()() as db:
        branch = await make_branch(db, group_id=GROUP)
        members = {uid: (await make_member(db, branch, f"党员{uid}", user_id=str(uid))).id or 0
                   for uid in UIDS}
        now = timeutil.now()
        meeting = StudySession(branch_id=branch.id or 0, title="学习党章", starts_at=now,
                               opens_at=now - timedelta(minutes=1),
                               late_after=now + timedelta(minutes=15),
                               closes_at=now + timedelta(minutes=60))
        db.add(meeting)
        await db.commit()
        return meeting.id or 0, members


async def recorded(meeting_id: int) -> dict[int, Attendance]:
    """The meeting's rows by member, once checked: 第1..k位 each once, the counter at k, and each
    row's points in the ledger (source signin:<row id>) exactly once."""
    async with db_engine.session_factory()() as db:
        rows = (await db.exec(select(Attendance).where(Attendance.session_id == meeting_id))).all()
        meeting = await db.get(StudySession, meeting_id)
        sources = (await db.exec(select(LedgerEntry.source)
                                 .where(col(LedgerEntry.source).startswith("signin:")))).all()
    assert meeting is not None
    assert sorted(row.seq or 0 for row in rows) == list(range(1, len(rows) + 1))
    assert meeting.signin_count == len(rows)
    assert sorted(sources) == sorted(f"signin:{row.id}" for row in rows)
    assert {row.status for row in rows} <= {AttendanceStatus.PRESENT}
    return {row.member_id: row for row in rows}


def signed(uid: int, meeting_id: int, row: Attendance) -> str:
    """The reply a new sign-in gets, with the row's own 第N位 and time."""
    return (f"党员{uid} 签到成功（学习 #{meeting_id}，第{row.seq}位，{timeutil.fmt_hm(row.signed_at)}）"
            f"，积分+2")


def by_sender(sent: list[SentMessage]) -> dict[int, str]:
    """Replies by the member they name; every message the bot sent names one member, once."""
    replies: dict[int, str] = {}
    for message in sent:
        named = NAMED.match(message.text)
        assert named, message.text
        assert int(named[1]) not in replies, message.text
        replies[int(named[1])] = message.text
    return replies


async def burst_killed(peer: OneBotPeer, bot: BotProcess) -> dict[int, str]:
    """Every member posts 签到 at once; the bot is SIGKILLed the moment the KILL_AFTER-th reply is
    in (from the peer's own answer to that send_msg). Returns the replies that made it."""
    posted, killed = asyncio.Event(), asyncio.Event()
    record = peer._api_send_msg  # noqa: SLF001  (keep the peer's own bookkeeping)

    def kill_when_enough() -> None:
        if posted.is_set() and len(peer.sent) >= KILL_AFTER and not killed.is_set():
            bot.kill()
            killed.set()

    def send_msg(params: dict[str, Any]) -> dict[str, Any]:
        answer = record(params)
        kill_when_enough()
        return answer

    peer.on_api("send_msg", send_msg)
    for uid in UIDS:
        await peer.say(uid, "签到", group_id=GROUP, nickname=f"党员{uid}")
    posted.set()
    kill_when_enough()
    await asyncio.wait_for(killed.wait(), 60)
    await peer.close()  # replies already read off the socket are in peer.sent; the rest are lost
    return by_sender(peer.sent)


async def test_acknowledged_signins_survive_sigkill_mid_burst(bot_process: BotProcess,
                                                              peer: OneBotPeer) -> None:
    """Kill -9 after 20 of 50 replies: each acknowledged 签到 is recorded with the 第N位 it was told,
    第N位 are 1..k; after the restart the rest sign in as k+1..50 and the others hear 已签到."""
    meeting_id, members = await seed()
    acked = await burst_killed(peer, bot_process)
    assert KILL_AFTER <= len(acked) < len(UIDS), "the kill did not land mid-burst"

    rows = await recorded(meeting_id)
    for uid, reply in acked.items():
        assert reply == signed(uid, meeting_id, rows[members[uid]])
    k = len(rows)

    bot_process.start()
    async with OneBotPeer(bot_process.url, token=bot_process.token, self_id=peer.self_id,
                          timeout=60) as again:
        for uid in UIDS:
            await again.say(uid, "签到", group_id=GROUP, nickname=f"党员{uid}")
        await asyncio.gather(*(again.wait_for_sent(lambda m, uid=uid: m.text.startswith(f"党员{uid} "))
                               for uid in UIDS))
        replies = by_sender(again.sent)

    final = await recorded(meeting_id)
    assert len(final) == len(UIDS)
    for uid in UIDS:
        row = final[members[uid]]
        if members[uid] in rows:
            before = rows[members[uid]]
            assert (row.id, row.seq, row.signed_at) == (before.id, before.seq, before.signed_at)
            assert replies[uid] == f"党员{uid} 已签到（{timeutil.fmt_hm(row.signed_at)}）"
        else:
            assert row.seq is not None and row.seq > k
            assert replies[uid] == signed(uid, meeting_id, row)
