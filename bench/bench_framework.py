"""Per-message cost of the whole bot over the real WebSocket, against a bare NoneBot2 bot (baseline).

Both run as separate processes started like `make run` (tests/e2e/conftest.py BotProcess) and are
driven by the fake OneBot V11 peer. Baseline: bench/bare_bot.py (one matcher, no database) answering
签到. Real bot: 帮助 and 支部信息 (read-only) and 报到 (a write: new member + chat account), one at a
time and 20 at once. Then the same with 20 ms of simulated send latency (NapCat/QQ), which shows
what a handler holding its SQLite transaction open while it sends costs under concurrency.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.e2e.conftest import SUPERUSER, BotProcess, migrate
from tests.onebot_peer import OneBotPeer

N = 60
CONCURRENCY = 20
GROUP = 20001
_uids = itertools.count(30000)


async def _run(peer: OneBotPeer, text: Callable[[int], str], concurrency: int) -> tuple[float, float]:
    """N messages from distinct users, `concurrency` in flight; (wall ms per message, p50 latency ms)."""
    latencies: list[float] = []
    queue = [next(_uids) for _ in range(N)]

    async def sender() -> None:
        while queue:
            uid = queue.pop()
            started = time.perf_counter()
            await peer.ask(uid, text(uid), group_id=GROUP, within=60)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    return wall / N * 1000, statistics.median(latencies) * 1000


def _slow_sends(peer: OneBotPeer, delay: float) -> None:
    original = peer._api_send_msg

    async def slow(params: dict) -> dict:
        await asyncio.sleep(delay)
        return original(params)

    peer.on_api("send_msg", slow)


async def _measure(bot: BotProcess, cases: dict[str, Callable[[int], str]], bind: bool
                   ) -> dict[tuple[str, int, float], tuple[float, float]]:
    bot.start()
    results: dict[tuple[str, int, float], tuple[float, float]] = {}
    try:
        async with OneBotPeer(bot.url, token=bot.token) as peer:
            if bind:
                await peer.ask(SUPERUSER, "绑定支部 基准支部", group_id=GROUP)
            await _run(peer, next(iter(cases.values())), 5)  # warm-up
            for delay in (0.0, 0.02):
                if delay:
                    _slow_sends(peer, delay)
                for name, text in cases.items():
                    for concurrency in (1, CONCURRENCY):
                        results[(name, concurrency, delay)] = await _run(peer, text, concurrency)
    finally:
        bot.stop()
    return results


async def main() -> None:
    """Measure the baseline and the real bot in one run; print ms per message and ratios."""
    with tempfile.TemporaryDirectory(prefix="bench_framework_") as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/yinling.db"
        migrate(url)
        bare = await _measure(BotProcess(database_url=url, log_path=Path(tmp) / "bare.log",
                                         module="bench.bare_bot"), {"签到 (bare)": lambda _: "签到"},
                              bind=False)
        real = await _measure(BotProcess(database_url=url, log_path=Path(tmp) / "bot.log"), {
            "帮助": lambda _: "帮助", "支部信息": lambda _: "支部信息",
            "报到": lambda uid: f"报到 成员{uid}"}, bind=True)
    print(f"  {N} messages per row, distinct senders; ms/msg = wall time / {N}; ratio vs bare")
    print("  command        | send delay | C  | ms/msg | p50 ms | ratio")
    for (name, concurrency, delay), (per, p50) in [*bare.items(), *real.items()]:
        base = bare[("签到 (bare)", concurrency, delay)][0]
        print(f"  {name:<14} | {delay * 1000:>7.0f} ms | {concurrency:>2} | {per:>6.1f} | "
              f"{p50:>6.1f} | {per / base:>5.1f}x")
