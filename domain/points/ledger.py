"""The points ledger: every other plugin awards points only through `award`. No nonebot here.

Balances live in `points_balance`, kept by award() in the caller's transaction, so 兑换 can spend
with one conditional UPDATE the database serialises. `rebuild_balances` recomputes them from the
ledger (the ledger stays the truth; a test compares both).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from sqlalchemy import and_, case, delete, func, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import InvalidInput
from core.textparse import ID_MAX, normalize, parse_points
from db.models import (
    LedgerEntry,
    LedgerKind,
    Member,
    MemberStatus,
    PointsBalance,
    PointsRule,
)

ZERO = Decimal(0)
TENTH = Decimal("0.1")
_T = TypeVar("_T")
# Defaults for the per-branch rules (积分规则); a branch may override each key.
DEFAULT_RULES: dict[str, Decimal] = {
    "signin_on_time": Decimal("2"),
    "signin_late": Decimal("1"),
    "volunteer_per_need": Decimal("2"),
    "volunteer_per_hour": Decimal("1"),
    "suggestion_adopted": Decimal("3"),
}
RULE_LABELS = {
    "signin_on_time": "学习按时签到",
    "signin_late": "学习迟到签到",
    "volunteer_per_need": "志愿服务每项",
    "volunteer_per_hour": "志愿服务每小时",
    "suggestion_adopted": "建议被采纳",
}
RULE_WORDS = {
    "按时签到": "signin_on_time", "按时": "signin_on_time", "签到": "signin_on_time",
    "学习按时签到": "signin_on_time", "迟到": "signin_late", "迟到签到": "signin_late",
    "学习迟到签到": "signin_late", "志愿每项": "volunteer_per_need", "每项": "volunteer_per_need",
    "志愿服务每项": "volunteer_per_need", "志愿每小时": "volunteer_per_hour",
    "每小时": "volunteer_per_hour", "志愿服务每小时": "volunteer_per_hour",
    "建议采纳": "suggestion_adopted", "采纳": "suggestion_adopted",
    "建议被采纳": "suggestion_adopted",
}
RULE_MAX = Decimal(50)
EX_RULES = "设置积分规则 按时签到 3 迟到 1"
REASON_MAX = 100


async def get_by_id(session: AsyncSession, model: type[_T], value: int) -> _T | None:
    """session.get for a number a user typed: None (not an overflow error) past any possible id."""
    return await session.get(model, value) if 0 < value <= ID_MAX else None


async def rule(session: AsyncSession, branch_id: int, key: str) -> Decimal:
    """The branch's value for a points rule (the default until the branch changes it)."""
    stmt = select(PointsRule.value).where(PointsRule.branch_id == branch_id, PointsRule.key == key)
    value = (await session.exec(stmt)).first()
    return DEFAULT_RULES[key] if value is None else Decimal(str(value))


async def rules(session: AsyncSession, branch_id: int) -> dict[str, tuple[Decimal, bool]]:
    """Every rule: key → (value, changed from the default)."""
    stmt = select(PointsRule.key, PointsRule.value).where(PointsRule.branch_id == branch_id)
    own = {k: Decimal(str(v)) for k, v in (await session.exec(stmt)).all()}
    return {k: (own.get(k, d), k in own and own[k] != d) for k, d in DEFAULT_RULES.items()}


def parse_rule_changes(text: str) -> dict[str, Decimal]:
    """'按时签到 3 迟到 1' (also '按时签到=3，迟到：1') → {key: value}."""
    words = normalize(text).replace("=", " ").replace(":", " ").replace(",", " ").split()
    words = [w for w in words if w not in ("分",)]
    if not words or len(words) % 2:
        raise InvalidInput("请写上规则名称和分数，可以写多项。", EX_RULES)
    changes: dict[str, Decimal] = {}
    for name, amount in zip(words[::2], words[1::2], strict=True):
        key = RULE_WORDS.get(name)
        if key is None:
            names = "、".join(RULE_LABELS.values())
            raise InvalidInput(f"没有“{name}”这项规则。可设置：{names}。", EX_RULES)
        changes[key] = ZERO if amount.removesuffix("分") in ("0", "0.0") else parse_points(
            amount, low=Decimal("0.5"), high=RULE_MAX, example=EX_RULES)
    return changes


async def set_rules(session: AsyncSession, branch_id: int, changes: dict[str, Decimal],
                    by: str) -> None:
    """Store a branch's overrides (0 turns a rule off); an upsert, so two at once cannot collide."""
    insert_ = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    for key, value in changes.items():
        fields = {"value": value, "updated_by": by, "updated_at": timeutil.now()}
        stmt = insert_(PointsRule).values(branch_id=branch_id, key=key, **fields)
        await session.exec(stmt.on_conflict_do_update(index_elements=["branch_id", "key"],
                                                      set_=fields))


# ---- the ledger ----

def _upsert_balance(session: AsyncSession, entry: LedgerEntry):  # noqa: ANN202
    dialect = session.get_bind().dialect.name
    ins = (sqlite_insert if dialect == "sqlite" else pg_insert)(PointsBalance)
    stmt = ins.values(member_id=entry.member_id, cycle=entry.cycle, branch_id=entry.branch_id,
                      balance=entry.delta)
    return stmt.on_conflict_do_update(
        index_elements=["member_id", "cycle"],
        set_={"balance": col(PointsBalance.balance) + stmt.excluded.balance},
    )


async def append(session: AsyncSession, entry: LedgerEntry) -> None:
    """Add an entry and its delta to the cached balance of its member and cycle."""
    session.add(entry)
    await session.flush()
    await session.exec(_upsert_balance(session, entry))


async def award(
    session: AsyncSession, *, member: Member, delta: Decimal, kind: LedgerKind, reason: str,
    source: str | None = None, operator: Member | None = None, operator_name: str | None = None,
) -> LedgerEntry:
    """Append one ledger entry, dated now; the caller commits it with the change that earned it."""
    moment = timeutil.now()
    # Stored to 0.1 (the column's scale): SQLite would otherwise keep 1.25 and show 1.2.
    delta = Decimal(str(delta)).quantize(TENTH, ROUND_HALF_UP)
    entry = LedgerEntry(
        branch_id=member.branch_id, member_id=member.id, delta=delta, kind=kind,
        reason=reason[:200], source=source, operator_id=operator.id if operator else None,
        operator_name=operator_name or (operator.name if operator else None),
        cycle=timeutil.cycle_of(moment), quarter=timeutil.quarter_of(moment), created_at=moment,
    )
    await append(session, entry)
    return entry


async def balance(session: AsyncSession, member_id: int, cycle: int | None = None) -> Decimal:
    """The member's balance in a cycle (this year by default): one primary-key lookup."""
    cycle = cycle or timeutil.cycle_of(timeutil.now())
    stmt = select(PointsBalance.balance).where(
        PointsBalance.member_id == member_id, PointsBalance.cycle == cycle)
    value = (await session.exec(stmt)).first()
    return ZERO if value is None else Decimal(str(value))


async def name_and_balance(session: AsyncSession, member_id: int) -> tuple[str, Decimal]:
    """A member's name and this cycle's balance, for replies."""
    member = await session.get(Member, member_id)
    return (member.name if member else "?"), await balance(session, member_id)


async def ledger_balance(session: AsyncSession, member_id: int, cycle: int) -> Decimal:
    """The same balance summed from the ledger (the truth the cache is checked against)."""
    stmt = select(func.coalesce(func.sum(LedgerEntry.delta), 0)).where(
        LedgerEntry.member_id == member_id, LedgerEntry.cycle == cycle)
    return Decimal(str((await session.exec(stmt)).one()))


async def rebuild_balances(session: AsyncSession) -> int:
    """Recompute every cached balance from the ledger; returns the number of rows written."""
    await session.exec(delete(PointsBalance))
    sums = (
        select(LedgerEntry.member_id, LedgerEntry.cycle, LedgerEntry.branch_id,
               func.sum(LedgerEntry.delta))
        .group_by(LedgerEntry.member_id, LedgerEntry.cycle, LedgerEntry.branch_id)
    )
    result = await session.exec(insert(PointsBalance).from_select(
        ["member_id", "cycle", "branch_id", "balance"], sums))
    return result.rowcount


@dataclass
class Standing:
    """积分: this cycle's balance, the sum per kind, and the place in the branch."""

    cycle: int
    total: Decimal
    by_kind: dict[LedgerKind, Decimal]
    rank: int
    of: int


async def breakdown(session: AsyncSession, member_id: int, cycle: int) -> dict[LedgerKind, Decimal]:
    """Sums per kind; a 冲正 counts under the kind it reverses."""
    original = aliased(LedgerEntry)
    counted = func.coalesce(original.kind, LedgerEntry.kind)
    stmt = (
        select(counted, func.sum(LedgerEntry.delta))
        .outerjoin(original, col(original.id) == col(LedgerEntry.reverses_id))
        .where(LedgerEntry.member_id == member_id, LedgerEntry.cycle == cycle)
        .group_by(counted)
    )
    sums = {LedgerKind(k): Decimal(str(v)) for k, v in (await session.exec(stmt)).all()}
    return {k: v for k, v in sums.items() if v}


def _active(branch_id: int):  # noqa: ANN202
    return and_(col(Member.branch_id) == branch_id, col(Member.status) == MemberStatus.ACTIVE)


def _cycle_join(branch_id: int, cycle: int):  # noqa: ANN202
    # branch_id in the join lets the planner read the branch's slice of ix_points_balance_rank.
    return and_(col(PointsBalance.member_id) == col(Member.id), col(PointsBalance.cycle) == cycle,
                col(PointsBalance.branch_id) == branch_id)


async def standing(session: AsyncSession, member: Member) -> Standing:
    """积分 for one member: balance, breakdown, rank among the branch's active members."""
    cycle = timeutil.cycle_of(timeutil.now())
    total = await balance(session, member.id or 0, cycle)
    above = func.sum(case((func.coalesce(PointsBalance.balance, 0) > total, 1), else_=0))
    stmt = (select(func.count(), func.coalesce(above, 0)).select_from(Member)
            .outerjoin(PointsBalance, _cycle_join(member.branch_id, cycle))
            .where(_active(member.branch_id)))
    of, higher = (await session.exec(stmt)).one()
    return Standing(cycle, total, await breakdown(session, member.id or 0, cycle), higher + 1, of)


@dataclass
class Place:
    """One line of a ranking."""

    rank: int
    member_id: int
    name: str
    total: Decimal


def _ranked(rows: list[tuple[int, str, Decimal]]) -> list[Place]:
    rows.sort(key=lambda r: (-r[2], r[0]))
    places: list[Place] = []
    for i, (member_id, name, total) in enumerate(rows):
        rank = places[-1].rank if places and places[-1].total == total else i + 1
        places.append(Place(rank, member_id, name, total))
    return places


async def cycle_ranking(session: AsyncSession, branch_id: int, cycle: int) -> list[Place]:
    """Every active member by this cycle's balance (ties share a place)."""
    stmt = (
        select(Member.id, Member.name, func.coalesce(PointsBalance.balance, 0))
        .outerjoin(PointsBalance, _cycle_join(branch_id, cycle)).where(_active(branch_id))
    )
    return _ranked([(i, n, Decimal(str(v))) for i, n, v in (await session.exec(stmt)).all()])


async def quarter_ranking(session: AsyncSession, branch_id: int, quarter: str) -> list[Place]:
    """Every active member by the quarter's total, summed from the ledger."""
    sums = (
        select(LedgerEntry.member_id, func.sum(LedgerEntry.delta).label("total"))
        .where(LedgerEntry.branch_id == branch_id, LedgerEntry.quarter == quarter)
        .group_by(LedgerEntry.member_id).subquery()
    )
    stmt = (
        select(Member.id, Member.name, func.coalesce(sums.c.total, 0))
        .outerjoin(sums, sums.c.member_id == col(Member.id)).where(_active(branch_id))
    )
    return _ranked([(i, n, Decimal(str(v))) for i, n, v in (await session.exec(stmt)).all()])


async def history(session: AsyncSession, member_id: int, limit: int = 10) -> list[LedgerEntry]:
    """The member's latest entries, newest first."""
    stmt = (select(LedgerEntry).where(LedgerEntry.member_id == member_id)
            .order_by(col(LedgerEntry.id).desc()).limit(limit))
    return list((await session.exec(stmt)).all())


def check_reason(reason: str, example: str) -> str:
    """A reason is required and short."""
    reason = normalize(reason)
    if not reason:
        raise InvalidInput("请写上原因。", example)
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"原因请写在{REASON_MAX}字以内。", example)
    return reason


def parse_amount_reason(text: str, *, low: Decimal, high: Decimal, example: str
                        ) -> tuple[Decimal, str]:
    """'5 协助社区清扫' → (5, '协助社区清扫'); amount checked, reason required."""
    amount, _, reason = normalize(text).partition(" ")
    if reason == "分" or reason.startswith("分 "):  # '5 分 原因': the unit typed apart
        reason = reason[1:]
    if not amount:
        raise InvalidInput("请写上分数和原因。", example)
    value = parse_points(amount, low=low, high=high, example=example)
    return value, check_reason(reason, example)
