"""bench_signin's other hot commands: 积分 and 认领 rows, and a CPU table of 帮助 / 支部信息 / 报到 /
请假 / 收到 / 积分.

积分 (a member asks their points: read-only) and 认领 #N (each member claims a place on a need with
room for all: every claim succeeds) run at the 签到 levels on the real bot and the bare bot,
interleaved, with fewer events per level. After each level the database is checked: every 积分
answer is the member's ledger sum and no entry was written; the need holds exactly the claims
acknowledged. Then each command of the CPU table at C=10 on both bots (issue 19: ≤ 2× a bare
reply; 积分's figure is its C=10 row); every 报到 comes from a sender without an account and
registers a new name.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bench.driver import ROUNDS, Command, Level, median_level, pad
from core import timeutil
from db.models import (
    Attendance,
    AttendanceStatus,
    ChatAccount,
    Claim,
    ClaimStatus,
    LedgerEntry,
    LedgerKind,
    Member,
    Need,
    Suitability,
)
from db.models.notice import NoticeReceipt
from domain import notices, points

if TYPE_CHECKING:
    from bench.bench_signin import Database, Result, Target

ROW_EVENTS = 100
"""Events per level of the 积分 and 认领 rows (fewer than 签到's: the whole run stays short)."""
CPU_EVENTS = 80
"""Events per command of the CPU table (积分's is its C=10 row)."""
WARM = 15
"""Warm-up events per command and bot (first-use compilation and caches), not measured."""
NEW_UID = 30001
"""The first sender without an account (报到)."""

POINTS = Command("积分", "积分", r"党员{uid} \d+年度积分：")
HELP = Command("帮助", "帮助", "【可用命令】")
INFO = Command("支部信息", "支部信息", "【基准测试支部】")
REGISTER = Command("报到", "报到 新成员{uid}", r"新成员{uid} 报到成功")
LEAVE = Command("请假", "请假 家里有事", r"党员{uid} 已请假：")
RECEIPT = Command("收到", "收到", r"党员{uid} 已收到通知 #\d+")
TOTAL = re.compile(r"年度积分：(-?[\d.]+)分")

Check = Callable[[Level], Awaitable[str]]
Round = Callable[["Database", int], Awaitable[tuple[Command, Check]]]
"""Prepares one level (given the number of senders): the command to send and the check after it."""


async def seed_points(db: Database) -> None:
    """Two ledger entries per member through the points service (so balances and ranks differ)."""
    async with AsyncSession(db.engine, expire_on_commit=False) as s:
        members = (await s.exec(select(Member).where(Member.branch_id == db.branch_id))).all()
        for i, member in enumerate(members):
            await points.award(s, member=member, delta=Decimal(i % 9 + 1), kind=LedgerKind.BONUS,
                               reason="协助社区清扫", operator_name="书记")
            await points.award(s, member=member, delta=Decimal(2), kind=LedgerKind.VOLUNTEER,
                               reason="#1 社区文明劝导", source=f"bench:{member.id}")
        await s.commit()


async def points_round(db: Database, _senders: int) -> tuple[Command, Check]:
    """积分: nothing to prepare; after it, each answer is the member's ledger sum and the ledger
    did not grow."""
    async with AsyncSession(db.engine) as s:
        before = (await s.exec(select(func.count()).select_from(LedgerEntry))).one()

    async def check(level: Level) -> str:
        async with AsyncSession(db.engine) as s:
            sums = dict((await s.exec(
                select(col(LedgerEntry.member_id), func.sum(LedgerEntry.delta))
                .where(LedgerEntry.cycle == timeutil.cycle_of(timeutil.now()))
                .group_by(col(LedgerEntry.member_id)))).all())
            after = (await s.exec(select(func.count()).select_from(LedgerEntry))).one()
        right = sum(1 for uid in level.acknowledged
                    if (found := TOTAL.search(level.answers[uid])) and Decimal(found[1])
                    == round(Decimal(str(sums.get(db.members[uid], 0))), 1))
        ok = right == len(level.answers) and after == before
        return (f"{'OK' if ok else 'MISMATCH'}: {right} answers = ledger sums, "
                f"{after - before} entries written")

    return POINTS, check


async def claim_round(db: Database, senders: int) -> tuple[Command, Check]:
    """认领: a new need with a place for every sender; after it, its claims are exactly the
    acknowledged senders' and its counter says so."""
    start = timeutil.now() + timedelta(days=1)
    async with AsyncSession(db.engine, expire_on_commit=False) as s:
        need = Need(branch_id=db.branch_id, title="社区文明劝导", starts_at=start,
                    ends_at=start + timedelta(hours=2), place="枣行社区", capacity=senders,
                    points_per_person=Decimal(2), suits=Suitability.ANY)
        s.add(need)
        await s.commit()
        need_id = need.id or 0

    async def check(level: Level) -> str:
        async with AsyncSession(db.engine) as s:
            rows = (await s.exec(select(col(Claim.member_id), col(Claim.status))
                                 .where(Claim.need_id == need_id))).all()
            counter = (await s.get(Need, need_id)).claimed  # type: ignore[union-attr]
        claimed = {member for member, status in rows if status == ClaimStatus.CLAIMED}
        acknowledged = {db.members[uid] for uid in level.acknowledged}
        ok = claimed == acknowledged and len(rows) == len(claimed) and counter == len(claimed)
        return (f"{'OK' if ok else 'MISMATCH'}: {len(claimed)} claims for {len(acknowledged)} "
                f"acknowledged, {len(rows)} rows, counter {counter}/{senders}")

    return Command("认领", f"认领 #{need_id}", rf"党员{{uid}} 认领成功：#{need_id} "), check


async def check_registered(db: Database, level: Level) -> str:
    """报到: each acknowledged sender's account is linked to a new member of the name it gave."""
    async with AsyncSession(db.engine) as s:
        rows = (await s.exec(
            select(col(ChatAccount.user_id), col(Member.name), col(Member.branch_id))
            .join(Member, col(Member.id) == col(ChatAccount.member_id))
            .where(col(ChatAccount.user_id).in_([str(uid) for uid in level.answers])))).all()
    linked = {int(user_id): name for user_id, name, branch in rows if branch == db.branch_id}
    ok = linked == {uid: f"新成员{uid}" for uid in level.acknowledged} and not level.errors
    return f"{'OK' if ok else 'MISMATCH'}: {len(linked)} new members linked"


def _progress(target: Target, level: Level, label: str) -> None:
    name = "bare" if target.db is None else "bot"
    print(f"  {name:6} {pad(label, 8)} C={level.concurrency:<3} {level.describe()}  {level.check}",
          flush=True)


async def rows(targets: list[Target], db: Database, uids: list[int], levels: tuple[int, ...],
               prepare: Round) -> None:
    """Warm up, then each level on each target in turn, prepared once per level for both."""
    command, _ = await prepare(db, len(uids))
    for target in targets:
        await target.run(uids[:WARM], 10, command)
    for concurrency in levels:
        runs: dict[str, list[Level]] = {t.result.name: [] for t in targets}
        for _ in range(ROUNDS):
            command, check = await prepare(db, len(uids))
            for target in targets:
                level = await target.run(uids, concurrency, command)
                level.check = await check(level) if target.db else ""
                runs[target.result.name].append(level)
                _progress(target, level, command.label)
        for target in targets:
            target.result.rows.setdefault(command.label, []).append(
                median_level(runs[target.result.name]))


async def leave_round(db: Database) -> Check:
    """请假: a new meeting open now (the one each sender asks leave for); after it, each
    acknowledged sender has a leave row there and nobody else has a row."""
    session_id = await db.open_session("请假基准")

    async def check(level: Level) -> str:
        async with AsyncSession(db.engine) as s:
            rows = (await s.exec(select(col(Attendance.member_id), col(Attendance.status))
                                 .where(Attendance.session_id == session_id))).all()
        on_leave = {member for member, status in rows if status == AttendanceStatus.LEAVE}
        ok = on_leave == {db.members[uid] for uid in level.acknowledged} and len(rows) == len(on_leave)
        return f"{'OK' if ok else 'MISMATCH'}: {len(on_leave)} leave rows, {len(rows)} rows"

    return check


async def receipt_round(db: Database) -> Check:
    """收到: a new notice expecting every member; after it, its receipts are exactly the
    acknowledged senders'."""
    async with AsyncSession(db.engine, expire_on_commit=False) as s:
        notice = await notices.create_notice(s, branch_id=db.branch_id, text="明天上午九点开会",
                                             author=notices.Author("书记"))
        await s.commit()

    async def check(level: Level) -> str:
        async with AsyncSession(db.engine) as s:
            members = set((await s.exec(select(col(NoticeReceipt.member_id))
                                        .where(NoticeReceipt.notice_id == notice.id))).all())
        ok = members == {db.members[uid] for uid in level.acknowledged}
        return f"{'OK' if ok else 'MISMATCH'}: {len(members)} receipts"

    return check


async def _no_preparation(_db: Database) -> Check | None:
    return None


async def cpu_table(targets: list[Target], db: Database, uids: list[int]) -> None:
    """Each command at C=10 on each target after a warm-up, ROUNDS times (the median kept).
    报到 from new senders each round; 请假 and 收到 on a new meeting / notice each round (and
    for the warm-up). 积分 was measured so in its rows already."""
    new = list(range(NEW_UID, NEW_UID + WARM + CPU_EVENTS * ROUNDS))
    table: tuple[tuple[Command, list[int], Callable[[Database], Awaitable[Check | None]]], ...] = (
        (HELP, uids, _no_preparation), (INFO, uids, _no_preparation),
        (REGISTER, new, _no_preparation), (LEAVE, uids, leave_round),
        (RECEIPT, uids, receipt_round))
    for command, senders, prepare in table:
        await prepare(db)
        for target in targets:
            await target.run(senders[:WARM], 10, command)
        runs: dict[str, list[Level]] = {t.result.name: [] for t in targets}
        for round_ in range(ROUNDS):
            # 报到 needs new senders every round; the others repeat the same ones.
            first = WARM + (CPU_EVENTS * round_ if command is REGISTER else 0)
            check = await prepare(db)
            for target in targets:
                level = await target.run(senders[first:first + CPU_EVENTS], 10, command)
                if target.db and command is REGISTER:
                    level.check = await check_registered(db, level)
                elif target.db and check is not None:
                    level.check = await check(level)
                runs[target.result.name].append(level)
                _progress(target, level, command.label)
        for target in targets:
            target.result.cpu[command.label] = median_level(runs[target.result.name])
    for target in targets:
        levels = target.result.rows[POINTS.label]
        target.result.cpu[POINTS.label] = next(lv for lv in levels if lv.concurrency == 10)


async def measure(targets: list[Target], uids: list[int], levels: tuple[int, ...]) -> None:
    """积分 and 认领 at each level, then the CPU table (报到 last of all: it adds members)."""
    db = next(target.db for target in targets if target.db is not None)
    await seed_points(db)
    await db.analyze()
    for prepare in (points_round, claim_round):
        await rows(targets, db, uids[:ROW_EVENTS], levels, prepare)
    await cpu_table(targets, db, uids)


def report(bare: Result, real: Result, pg: bool) -> None:
    """The 积分 and 认领 rows with 签到's targets (throughput ≥ 0.5x bare, 0.4x on PostgreSQL; CPU
    ≤ 2x; every level's rows as acknowledged), then CPU per event against a bare reply (≤ 2x)."""
    floor = 0.4 if pg else 0.5
    print("\n  command C   | bare ev/s  p50 ms  p99 ms |    bot ev/s  p50 ms  p99 ms | throughput  p99   |"
          " cpu ms/ev bare /    bot  cpu   | target")
    for label, levels in real.rows.items():
        for b, r in zip(bare.rows[label], levels, strict=True):
            thr, p99, cpu = r.rate / b.rate, r.p99 / b.p99, r.cpu_ms / b.cpu_ms
            good = thr >= floor and cpu <= 2 and not r.errors and r.check.startswith("OK")
            print(f"  {pad(label, 7)} {b.concurrency:<3} | {b.rate:9.1f} {b.p50:7.1f} {b.p99:7.1f} |"
                  f" {r.rate:11.1f} {r.p50:7.1f} {r.p99:7.1f} | {thr:9.2f}x {p99:5.2f}x |"
                  f" {b.cpu_ms:9.2f} / {r.cpu_ms:6.2f} {cpu:5.2f}x | {'met' if good else 'MISSED'}"
                  f" (≥{floor}x, cpu ≤2x, rows checked)")
    print("\n  command  | bare cpu ms/ev | bot cpu ms/ev | ratio | met/MISSED (≤2x)")
    for label, r in real.cpu.items():
        b = bare.cpu[label]
        ratio = r.cpu_ms / b.cpu_ms
        good = ratio <= 2 and not r.errors and (not r.check or r.check.startswith("OK"))
        print(f"  {pad(label, 8)} | {b.cpu_ms:14.2f} | {r.cpu_ms:13.2f} | {ratio:4.2f}x | "
              f"{'met' if good else 'MISSED'}")
