"""积分 and 积分排行: a member's standing and the branch's ranking, by year or quarter."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, case, func
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.refs import PersonRef
from core.roles import Role
from db.models import LedgerEntry, LedgerKind, Member, MemberStatus, PointsBalance
from db.prepared import Prepared, run
from domain import roster
from domain.permissions import permission

EX_STANDING_OF = "积分 张三"


@dataclass
class Standing:
    """积分: this cycle's balance, the sum per kind, and the place in the branch."""

    cycle: int
    total: Decimal
    by_kind: dict[LedgerKind, Decimal]
    rank: int
    of: int


@dataclass
class Place:
    """One line of a ranking."""

    rank: int
    member_id: int
    name: str
    total: Decimal


def _breakdown_statement(_dialect: str) -> Any:
    """Sums per kind of a member's cycle; a 冲正 counts under the kind it reverses."""
    original = aliased(LedgerEntry)
    counted = func.coalesce(original.kind, LedgerEntry.kind)
    return (
        select(counted, func.sum(LedgerEntry.delta))
        .outerjoin(original, col(original.id) == col(LedgerEntry.reverses_id))
        .where(LedgerEntry.member_id == bindparam("member_id"), LedgerEntry.cycle == bindparam("cycle"))
        .group_by(counted)
    )


def _place_statement(_dialect: str) -> Any:
    """The member's balance in the cycle (0 without one), how many active members the branch
    has, and how many of them stand above that balance: one statement."""
    table: Any = PointsBalance.__table__.alias("own")  # type: ignore[attr-defined]
    own = (select(table.c.balance).where(table.c.member_id == bindparam("member_id"),
                                         table.c.cycle == bindparam("cycle"))
           .correlate(None).scalar_subquery())  # once for the statement, not per member
    total = func.coalesce(own, 0, type_=table.c.balance.type)
    above = func.sum(case((func.coalesce(PointsBalance.balance, 0) > total, 1), else_=0))
    branch: Any = bindparam("branch_id")
    return (select(total, func.count(), func.coalesce(above, 0)).select_from(Member)
            .outerjoin(PointsBalance, _cycle_join(branch, bindparam("cycle")))
            .where(_active(branch)))


_BREAKDOWN = Prepared(_breakdown_statement)
_PLACE = Prepared(_place_statement)
"""Prepared (db.prepared): 积分 is asked by every member, often in the same minute."""


async def breakdown(db: AsyncSession, member_id: int, cycle: int) -> dict[LedgerKind, Decimal]:
    """Sums per kind; a 冲正 counts under the kind it reverses."""
    rows = (await run(db, _BREAKDOWN, {"member_id": member_id, "cycle": cycle})).rows
    sums = {LedgerKind(k): Decimal(str(v)) for k, v in rows}
    return {k: v for k, v in sums.items() if v}


def _active(branch_id: Any) -> ColumnElement[bool]:
    return and_(col(Member.branch_id) == branch_id, col(Member.status) == MemberStatus.ACTIVE)


def _cycle_join(branch_id: Any, cycle: Any) -> ColumnElement[bool]:
    # branch_id in the join lets the planner read the branch's slice of ix_points_balance_rank.
    return and_(col(PointsBalance.member_id) == col(Member.id), col(PointsBalance.cycle) == cycle,
                col(PointsBalance.branch_id) == branch_id)


async def standing(db: AsyncSession, member: Member) -> Standing:
    """积分 for one member: balance, breakdown, rank among the branch's active members."""
    cycle = timeutil.cycle_of(timeutil.now())
    params = {"branch_id": member.branch_id, "member_id": member.id or 0, "cycle": cycle}
    total, of, higher = (await run(db, _PLACE, params)).rows[0]
    return Standing(cycle, Decimal(str(total)), await breakdown(db, member.id or 0, cycle),
                    int(higher) + 1, int(of))


async def standing_of(db: AsyncSession, *, branch_id: int, platform: str, ref: PersonRef,
                      role: Role) -> tuple[Member, Standing]:
    """积分 <姓名或@>: another member's standing (one without QQ, say), for a caller of `role`;
    refused below the permission table's `others` for 积分."""
    permission("积分").check_others(role)
    member = await roster.resolve_member(db, branch_id=branch_id, platform=platform, ref=ref,
                                         example=EX_STANDING_OF)
    return member, await standing(db, member)


def _ranked(rows: list[tuple[int, str, Decimal]]) -> list[Place]:
    rows.sort(key=lambda r: (-r[2], r[0]))
    places: list[Place] = []
    for i, (member_id, name, total) in enumerate(rows):
        rank = places[-1].rank if places and places[-1].total == total else i + 1
        places.append(Place(rank, member_id, name, total))
    return places


async def cycle_ranking(db: AsyncSession, branch_id: int, cycle: int) -> list[Place]:
    """Every active member by this cycle's balance (ties share a place)."""
    stmt = (
        select(Member.id, Member.name, func.coalesce(PointsBalance.balance, 0))
        .outerjoin(PointsBalance, _cycle_join(branch_id, cycle)).where(_active(branch_id))
    )
    return _ranked([(i or 0, n, Decimal(str(v))) for i, n, v in (await db.exec(stmt)).all()])


async def quarter_ranking(db: AsyncSession, branch_id: int, quarter: str) -> list[Place]:
    """Every active member by the quarter's total, summed from the ledger."""
    sums = (
        select(LedgerEntry.member_id, func.sum(LedgerEntry.delta).label("total"))
        .where(LedgerEntry.branch_id == branch_id, LedgerEntry.quarter == quarter)
        .group_by(col(LedgerEntry.member_id)).subquery()
    )
    stmt = (
        select(Member.id, Member.name, func.coalesce(sums.c.total, 0))
        .outerjoin(sums, sums.c.member_id == col(Member.id)).where(_active(branch_id))
    )
    return _ranked([(i or 0, n, Decimal(str(v))) for i, n, v in (await db.exec(stmt)).all()])
