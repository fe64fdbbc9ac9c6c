"""County staff (县级管理员): set and removed by a superuser, kept in the database.

Whether an account is county staff is read here; what county staff may do is the permission
table's `county` grant (domain/permissions.py), nowhere else.
"""

from typing import Any

from sqlalchemy import bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput
from db.models import CountyStaff
from db.prepared import Prepared, adopt, run

EX_ADD = "设置县级 @王科长"
EX_REMOVE = "取消县级 @王科长"
NAME_MAX = 32


def _staff_statement(_dialect: str) -> Any:
    table: Any = CountyStaff.__table__  # type: ignore[attr-defined]
    return select(*table.columns).where(
        table.c.platform == bindparam("platform"), table.c.user_id == bindparam("user_id"),
        table.c.removed_at.is_(None))


_STAFF = Prepared(_staff_statement)
"""Prepared (db.prepared): asked for every command that does not act inside a branch (帮助)."""
_STAFF_FIELDS = tuple(c.name for c in CountyStaff.__table__.columns)  # type: ignore[attr-defined]


async def staff_of(db: AsyncSession, *, platform: str, user_id: str) -> CountyStaff | None:
    """The account's county staff row while it is active, else None."""
    row = (await run(db, _STAFF, {"platform": platform, "user_id": user_id})).first()
    return None if row is None else adopt(db, CountyStaff, dict(zip(_STAFF_FIELDS, row, strict=True)))


async def is_county_staff(db: AsyncSession, *, platform: str, user_id: str) -> bool:
    """Whether this chat account is county staff now."""
    return await staff_of(db, platform=platform, user_id=user_id) is not None


def _check_user_id(user_id: str, example: str) -> str:
    user_id = user_id.strip()
    if not user_id.isdigit() or not 5 <= len(user_id) <= 12:
        raise InvalidInput(f"“{user_id}”不是QQ号。请@那个人，或写他的QQ号。", example)
    return user_id


async def add_staff(db: AsyncSession, *, platform: str, user_id: str, name: str | None,
                    by: str) -> CountyStaff:
    """Make an account county staff (again, if it was removed); caller commits."""
    user_id = _check_user_id(user_id, EX_ADD)
    if name is not None and len(name) > NAME_MAX:
        raise InvalidInput(f"名字太长（最多{NAME_MAX}字）。", EX_ADD)
    row = (await db.exec(select(CountyStaff).where(
        CountyStaff.platform == platform, CountyStaff.user_id == user_id))).first()
    if row is not None and row.active:
        raise Conflict(f"{row.name or user_id} 已经是县级管理员。")
    if row is None:
        row = CountyStaff(platform=platform, user_id=user_id, name=name, added_by=by)
    else:
        row.removed_at, row.added_by, row.added_at = None, by, timeutil.now()
        row.name = name or row.name
    db.add(row)
    await db.flush()
    return row


async def remove_staff(db: AsyncSession, *, platform: str, user_id: str) -> CountyStaff:
    """Remove county staff: the row stays with removed_at; caller commits."""
    user_id = _check_user_id(user_id, EX_REMOVE)
    row = await staff_of(db, platform=platform, user_id=user_id)
    if row is None:
        raise Conflict(f"{user_id} 不是县级管理员，不用取消。")
    row.removed_at = timeutil.now()
    db.add(row)
    await db.flush()
    return row


async def list_staff(db: AsyncSession) -> list[CountyStaff]:
    """Current county staff, in the order they were added."""
    stmt = select(CountyStaff).where(col(CountyStaff.removed_at).is_(None)).order_by(
        col(CountyStaff.added_at), col(CountyStaff.id))
    return list((await db.exec(stmt)).all())
