"""Branch assessment (银领先锋 / 六好 style): an append-only score ledger per branch with reasons and
reversals, the same rules as the members' points ledger, and a quarterly ranking.

A score is never edited or deleted: a mistake is reversed by an entry of the opposite sign that
names it, at most once (a unique index on reverses_id refuses a second reversal).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput, NotFound
from core.textparse import normalize
from db.models import Branch, BranchScore
from domain.county.grouping import area_of, find_branch

EX_SCORE = "支部评分 第一支部 +5 主题党日有特色"
EX_REVERSE = "支部评分冲正 #3"
EX_RANKING = "支部排名 2026Q4"
LIMIT = Decimal(100)


async def score(db: AsyncSession, *, text: str, operator: str) -> tuple[BranchScore, Branch]:
    """'第一支部 +5 事由' → an entry for this quarter (Beijing); caller commits."""
    words = normalize(text).split(" ", 2)
    if len(words) < 3:
        raise InvalidInput("请写支部、分数（加分写+，扣分写-）和事由。", EX_SCORE)
    branch = await find_branch(db, words[0], EX_SCORE)
    try:
        delta = Decimal(words[1])
    except InvalidOperation as error:
        raise InvalidInput(f"“{words[1]}”不是分数。", EX_SCORE) from error
    if delta == 0 or abs(delta) > LIMIT or delta != delta.quantize(Decimal("0.1")):
        raise InvalidInput(f"分数写 -{LIMIT}～+{LIMIT} 之间、不为0，最多一位小数。", EX_SCORE)
    entry = BranchScore(branch_id=branch.id or 0, delta=delta, reason=words[2][:200],
                        quarter=timeutil.quarter_of(timeutil.now()), operator=operator)
    db.add(entry)
    await db.flush()
    return entry, branch


async def reverse(db: AsyncSession, *, entry_id: int, operator: str) -> tuple[BranchScore, Branch]:
    """Reverse an entry once, in the quarter it counted in; caller commits."""
    original = await db.get(BranchScore, entry_id)
    if original is None or original.reverses_id is not None:
        raise NotFound(f"没有评分记录#{entry_id}（冲正记录不能再冲正）。", EX_REVERSE)
    entry = BranchScore(branch_id=original.branch_id, delta=-original.delta,
                        reason=f"冲正#{entry_id}：{original.reason}"[:200], quarter=original.quarter,
                        reverses_id=entry_id, operator=operator)
    try:
        async with db.begin_nested():
            db.add(entry)
            await db.flush()
    except IntegrityError as error:  # the unique index: reversed already
        raise Conflict(f"评分记录#{entry_id}已经冲正过了。") from error
    branch = await db.get(Branch, original.branch_id)
    assert branch is not None
    return entry, branch


async def branch_total(db: AsyncSession, *, branch_id: int, quarter: str) -> Decimal:
    """A branch's total in a quarter (the sum of its entries, reversals included)."""
    total = (await db.exec(select(func.sum(col(BranchScore.delta))).where(
        col(BranchScore.branch_id) == branch_id, col(BranchScore.quarter) == quarter))).one()
    return Decimal(str(total or 0))


@dataclass(frozen=True)
class Standing:
    """A branch's place in a quarter's assessment."""

    rank: int
    name: str
    area: str
    total: Decimal
    plus: Decimal
    minus: Decimal


async def ranking(db: AsyncSession, *, quarter: str) -> list[Standing]:
    """Every branch with a score in the quarter, highest total first; equal totals share a rank.
    加分 and 扣分 are the positive and negative entries (a 冲正 counts on the side it falls)."""
    parts: dict[int, list[Decimal]] = {}
    for bid, delta in (await db.exec(select(col(BranchScore.branch_id), col(BranchScore.delta))
                                     .where(col(BranchScore.quarter) == quarter))).all():
        plus_minus = parts.setdefault(bid, [Decimal(0), Decimal(0)])
        plus_minus[0 if delta > 0 else 1] += Decimal(str(delta))
    branches = {b.id: b for b in (await db.exec(select(Branch).where(
        col(Branch.id).in_(list(parts))))).all()}
    ordered = sorted(parts.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), branches[kv[0]].name))
    result: list[Standing] = []
    for i, (bid, (plus, minus)) in enumerate(ordered):
        total = plus + minus
        rank = result[-1].rank if result and result[-1].total == total else i + 1
        result.append(Standing(rank, branches[bid].name, area_of(branches[bid]), total, plus, minus))
    return result
