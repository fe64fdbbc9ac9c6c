"""Branch grouping: each branch's 片区 (乡镇/街道) and 行业 (类别), what county figures subtotal by."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import InvalidInput, NotFound
from core.textparse import normalize
from db.models import Branch

EX_AREA = "设置片区 第一支部 城关片区"
EX_SECTOR = "设置行业 第一支部 教育系统"
GROUP_MAX = 32
NO_AREA = "未分片区"
NO_SECTOR = "未分行业"
CLEAR_WORDS = ("无", "清除", "取消")


async def find_branch(db: AsyncSession, name: str, example: str) -> Branch:
    """A branch by its full name, or by a part of it that only one branch contains."""
    name = normalize(name)
    exact = (await db.exec(select(Branch).where(Branch.name == name))).first()
    if exact is not None:
        return exact
    found = (await db.exec(select(Branch).where(col(Branch.name).contains(name)).limit(2))).all()
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(f"没有名字里有“{name}”的支部。", example)
    raise InvalidInput(f"名字里有“{name}”的支部不止一个，请写全名。", example)


def _group(value: str, example: str) -> str | None:
    value = normalize(value)
    if not value:
        raise InvalidInput("请写支部和分组名称。", example)
    if value in CLEAR_WORDS:
        return None
    if len(value) > GROUP_MAX:
        raise InvalidInput(f"分组名称太长（最多{GROUP_MAX}字）。", example)
    return value


def split_branch_and_group(text: str, example: str) -> tuple[str, str]:
    """'第一支部 城关片区' → ('第一支部', '城关片区'): the last word is the group."""
    head, _, tail = normalize(text).rpartition(" ")
    if not head or not tail:
        raise InvalidInput("请写支部和分组名称，中间空一格。", example)
    return head, tail


async def set_area(db: AsyncSession, *, branch: Branch, area: str) -> Branch:
    """Set (or with 无, clear) a branch's 片区; caller commits."""
    branch.area = _group(area, EX_AREA)
    db.add(branch)
    await db.flush()
    return branch


async def set_sector(db: AsyncSession, *, branch: Branch, sector: str) -> Branch:
    """Set (or with 无, clear) a branch's 行业; caller commits."""
    branch.sector = _group(sector, EX_SECTOR)
    db.add(branch)
    await db.flush()
    return branch


def area_of(branch: Branch) -> str:
    """The branch's 片区 as shown (未分片区 when unset)."""
    return branch.area or NO_AREA


def sector_of(branch: Branch) -> str:
    """The branch's 行业 as shown (未分行业 when unset)."""
    return branch.sector or NO_SECTOR
