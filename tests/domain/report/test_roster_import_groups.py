"""The roster Excel import's 党小组 column puts members in groups (created when new)."""

from io import BytesIO

from openpyxl import Workbook
from sqlmodel.ext.asyncio.session import AsyncSession

from domain import report, roster
from tests.factories import make_branch, make_member


def _sheet(*rows: tuple[object, ...]) -> bytes:
    wb = Workbook()
    wb.active.append(("姓名", "类别", "党小组"))
    for row in rows:
        wb.active.append(row)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


async def test_import_party_group_column(db: AsyncSession) -> None:
    """New and existing members join their group, one moves groups, a bad name is skipped."""
    branch = await make_branch(db)
    zhang = await make_member(db, branch, "张三")
    await roster.set_party_group(db, branch_id=branch.id, name="第二小组", members=[zhang])
    await db.commit()
    content = _sheet(("张三", None, "第一小组"), ("李四", "正常", "第一小组"), ("王五", None, None),
                     ("赵六", None, "第 一 组"))
    result = await report.import_members(db, branch_id=branch.id, content=content)
    await db.commit()
    assert (result.added, result.updated) == (["李四", "王五"], ["张三"])
    assert [r.split("：")[0] for r in result.skipped] == ["第5行"]
    views = await roster.party_groups(db, branch_id=branch.id)
    assert [(v.group.name, [m.name for m in v.members]) for v in views] == [("第二小组", []),
                                                                           ("第一小组", ["张三", "李四"])]
