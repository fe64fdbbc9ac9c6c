"""County staff and branch grouping on a real database: set, removed, set again; 片区 and 行业."""

import pytest
from sqlmodel import select

from core.errors import Conflict, InvalidInput, NotFound
from core.roles import Role
from db.models import CountyStaff
from domain import county
from domain.permissions import COMMANDS, PAGES, page_allowed
from tests.factories import make_branch


async def test_staff_set_removed_and_set_again(db):
    """设置县级 adds a row; 取消县级 keeps it with removed_at; setting again reuses the row."""
    added = await county.add_staff(db, platform="onebot", user_id="123456", name="王科长", by="10000")
    assert await county.is_county_staff(db, platform="onebot", user_id="123456")
    with pytest.raises(Conflict):
        await county.add_staff(db, platform="onebot", user_id="123456", name=None, by="10000")
    await county.remove_staff(db, platform="onebot", user_id="123456")
    assert not await county.is_county_staff(db, platform="onebot", user_id="123456")
    assert await county.list_staff(db) == []
    again = await county.add_staff(db, platform="onebot", user_id="123456", name=None, by="10000")
    await db.commit()
    rows = (await db.exec(select(CountyStaff))).all()
    assert [(r.id, r.name, r.removed_at) for r in rows] == [(added.id, "王科长", None)]
    assert again.id == added.id


async def test_staff_refusals(db):
    """Not a QQ number, or removing someone who is not county staff: refused with an example."""
    with pytest.raises(InvalidInput) as bad:
        await county.add_staff(db, platform="onebot", user_id="王科长", name=None, by="10000")
    assert bad.value.reply == "“王科长”不是QQ号。请@那个人，或写他的QQ号。\n例如：设置县级 @王科长"
    with pytest.raises(Conflict):
        await county.remove_staff(db, platform="onebot", user_id="654321")


async def test_area_and_sector_by_part_of_the_name(db):
    """设置片区 / 设置行业 find a branch by a unique part of its name; 无 clears."""
    first = await make_branch(db, "城关镇离退休干部第一党支部", group_id=None)
    await make_branch(db, "城关镇离退休干部第二党支部", group_id=None)
    await county.set_area(db, branch=await county.find_branch(db, "第一", county.EX_AREA), area="城关片区")
    await county.set_sector(db, branch=first, sector="教育系统")
    await db.commit()
    await db.refresh(first)
    assert (first.area, first.sector) == ("城关片区", "教育系统")
    await county.set_area(db, branch=first, area="无")
    assert county.area_of(first) == "未分片区"
    with pytest.raises(InvalidInput):
        await county.find_branch(db, "城关镇", county.EX_AREA)
    with pytest.raises(NotFound):
        await county.find_branch(db, "第九", county.EX_AREA)


def test_county_staff_act_inside_no_branch():
    """Every row the county grant opens is branch-free, and no branch-changing command has it:
    county staff read across branches and never 加分, 代签 or edit a roster."""
    granted = sorted(name for name, row in COMMANDS.items() if row.county)
    assert all(not COMMANDS[name].branch for name in granted)
    for name in ("加分", "扣分", "代签", "补签", "添加成员", "设置类别", "停用成员", "成员列表", "查看建议"):
        assert not COMMANDS[name].allows(Role.GUEST, private=True, registered=False, county=True)
    assert page_allowed("全县概况", Role.GUEST, county=True)
    assert page_allowed("支部页面", Role.GUEST, county=True)
    assert not page_allowed("成员名册", Role.GUEST, county=True)  # health categories of individuals
    assert not page_allowed("导入成员", Role.GUEST, county=True)
    assert not page_allowed("全县概况", Role.SECRETARY, county=False)
    assert set(PAGES) >= {"全县概况", "支部页面", "成员名册", "导入成员"}
