"""The roster Excel import takes 入党日期, 出生日期 (solar or lunar) and 关爱 (real database)."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
import time_machine
from openpyxl import Workbook
from sqlmodel import select

from db.models import Member
from db.models.care import CareTagKind
from domain import care, report
from tests.factories import make_branch, make_member

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _sheet(*rows: tuple[object, ...]) -> bytes:
    wb = Workbook()
    wb.active.append(("姓名", "类别", "入党日期", "出生日期", "关爱"))
    for row in rows:
        wb.active.append(row)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


async def test_import_care_columns(db) -> None:
    """Text dates in any form, real Excel dates, a lunar birthday and tags; bad rows skipped with
    the reason, and nothing of a skipped row is written."""
    branch = await make_branch(db)
    await make_member(db, branch, "王建国")
    content = _sheet(
        ("王建国", None, "1965年7月1日", "1940.3.5", "独居、体弱"),
        ("李四", "适当参加", datetime(1970, 12, 3), "农历八月十五", None),
        ("赵六", None, "1965-13-01", None, None),
        ("钱七", None, "1960-07-01", "1945-01-01", None),
        ("孙八", None, None, None, "高血压"),
    )
    result = await report.import_members(db, branch_id=branch.id, content=content)
    await db.commit()
    assert (result.added, result.updated) == (["李四"], ["王建国"])
    assert result.skipped == [
        "第4行：没有这一天：1965年13月1日。",
        "第5行：入党日期1960年7月1日时还不满18岁（出生1945年1月1日），请核对两个日期。",
        "第6行：不认识的关爱类别：高血压。可写：独居、孤寡、体弱、住院、失能、困难。"]
    people = {m.name: m for m in (await db.exec(select(Member))).all()}
    assert set(people) == {"王建国", "李四"}
    wang, li = people["王建国"], people["李四"]
    assert (wang.joined_party_on, care.birthday_of(wang)) == (
        date(1965, 7, 1), care.Birthday(solar=date(1940, 3, 5)))
    assert li.joined_party_on == date(1970, 12, 3)
    assert care.birthday_of(li).words() == "农历八月十五"
    assert await care.tags_of(db, [wang.id, li.id]) == {wang.id: [CareTagKind.ALONE,
                                                                   CareTagKind.FRAIL]}
