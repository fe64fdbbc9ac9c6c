"""Driving a bot process through the fake OneBot V11 peer: closed loops of one command, replies
matched to their senders, CPU per event. Shared by bench_signin and its command rows.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.e2e.conftest import ROOT, BotProcess
from tests.onebot_peer import OneBotPeer, render

GROUP = 20001


@dataclass(frozen=True)
class Command:
    """What each sender types and the reply a success starts with (regexes; `{uid}` is the sender)."""

    label: str
    words: str
    success: str

    def says(self, uid: int) -> str:
        """The message this sender posts."""
        return self.words.format(uid=uid)

    def succeeded(self, uid: int, reply: str) -> bool:
        """Whether the reply is this sender's success."""
        return re.match(self.success.format(uid=uid), reply) is not None


SIGNIN = Command("签到", "签到", r"党员{uid} 签到成功")


@dataclass
class Level:
    """One closed-loop run."""

    concurrency: int
    rate: float
    p50: float
    p99: float
    errors: int
    cpu_ms: float = 0.0
    """CPU time the bot process spent per event (robust to other load on the machine)."""
    answers: dict[int, str] = field(default_factory=dict, repr=False)
    """Each sender's reply."""
    acknowledged: list[int] = field(default_factory=list, repr=False)
    """The senders whose reply was a success."""
    check: str = ""
    """What the database held after it ('OK: …' or 'MISMATCH: …'; empty when not checked)."""

    def describe(self) -> str:
        """'250.0 ev/s  p50 … ms  p99 … ms  cpu … ms/ev  errors 0' for the progress lines."""
        return (f"{self.rate:7.1f} ev/s  p50 {self.p50:7.1f} ms  p99 {self.p99:7.1f} ms"
                f"  cpu {self.cpu_ms:5.2f} ms/ev  errors {self.errors}")


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
"""Each level is run this many times on each bot, the bots alternating, and the median run is
reported: on a 2-core machine shared with the bench's own peer (and PostgreSQL), one run's CPU per
event moves by ±30 % with what else the machine does in that second."""


def median_level(runs: list[Level]) -> Level:
    """The median of each figure over the runs; errors summed, and the first failed check (if any)
    kept. The answers are the last run's (each run is checked on its own before this)."""
    def mid(values: list[float]) -> float:
        return statistics.median(values)
    failed = next((r.check for r in runs if r.check and not r.check.startswith("OK")), None)
    last = runs[-1]
    return Level(last.concurrency, mid([r.rate for r in runs]), mid([r.p50 for r in runs]),
                 mid([r.p99 for r in runs]), sum(r.errors for r in runs),
                 cpu_ms=mid([r.cpu_ms for r in runs]), answers=last.answers,
                 acknowledged=last.acknowledged, check=failed or last.check)


def cpu_seconds(proc: BotProcess) -> float:
    """User + system CPU time of the bot process so far."""
    assert proc.process is not None
    fields = Path(f"/proc/{proc.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(proc: BotProcess) -> float:
    """Resident memory of the bot process (VmRSS), in MB."""
    assert proc.process is not None
    for line in Path(f"/proc/{proc.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def quantile(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def pad(text: str, width: int) -> str:
    """Left-justify to `width` terminal columns (a Chinese character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


class Replies:
    """Matches the bot's replies to their senders, timestamped on arrival. A reply to a group
    message carries the sender's user_id in send_msg (the OneBot adapter copies it from the
    event), so replies that name nobody (帮助, 支部信息) are matched as surely as those that do."""

    def __init__(self, peer: OneBotPeer) -> None:
        self.waiting: dict[str, asyncio.Future[tuple[float, str]]] = {}
        self.stray: list[str] = []
        original = peer._api_send_msg  # noqa: SLF001  (keep the peer's own bookkeeping)

        def hook(params: dict[str, Any]) -> Any:
            answer = original(params)
            reply = render(params.get("message"))
            future = self.waiting.pop(str(params.get("user_id")), None)
            if future is None or future.done():
                self.stray.append(reply)
            else:
                future.set_result((time.perf_counter(), reply))
            return answer

        peer.on_api("send_msg", hook)

    def expect(self, uid: int) -> asyncio.Future[tuple[float, str]]:
        """A future resolved with (arrival time, text) of the next reply to uid."""
        future = asyncio.get_running_loop().create_future()
        self.waiting[str(uid)] = future
        return future


async def one(peer: OneBotPeer, replies: Replies, uid: int, words: str) -> tuple[float, float, str]:
    """Post `words` from uid in the group; (posted, answered, reply)."""
    future = replies.expect(uid)
    started = time.perf_counter()
    await peer.say(uid, words, group_id=GROUP, nickname=f"党员{uid}")
    arrived, reply = await asyncio.wait_for(future, 60)
    return started, arrived, reply


async def closed_loop(peer: OneBotPeer, replies: Replies, uids: list[int], concurrency: int,
                      command: Command = SIGNIN) -> Level:
    """C senders share the uids; throughput over the whole run, latency per event."""
    queue = list(reversed(uids))
    latencies: list[float] = []
    answers: dict[int, str] = {}

    async def sender() -> None:
        while queue:
            uid = queue.pop()
            started, arrived, answers[uid] = await one(peer, replies, uid, command.says(uid))
            latencies.append(arrived - started)

    began = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    acknowledged = [uid for uid in uids if command.succeeded(uid, answers[uid])]
    return Level(concurrency, len(uids) / elapsed, quantile(latencies, 0.5) * 1000,
                 quantile(latencies, 0.99) * 1000, len(uids) - len(acknowledged),
                 answers=answers, acknowledged=acknowledged)


class BareProcess(BotProcess):
    """The bare bot, started like the real one but as `python -m bench.bare_bot`."""

    def start(self, timeout: float = 20.0) -> None:
        """Start it and wait for the port."""
        log = self.log_path.open("ab")
        # Its own process group, like the real bot's: stop() signals the group.
        self.process = subprocess.Popen([sys.executable, "-m", "bench.bare_bot"], cwd=ROOT,
                                        env=self.env(), start_new_session=True, stdout=log,
                                        stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise TimeoutError(f"{self.log_path.name} did not listen:\n{self.log_tail()}")
