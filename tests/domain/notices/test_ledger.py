"""通知传达台账: one line per notice of the period, the same figures as 通知情况."""

from datetime import UTC, datetime
from io import BytesIO

from openpyxl import load_workbook
from sqlmodel.ext.asyncio.session import AsyncSession

from core.refs import PersonRef
from core.roles import Role
from db.models.notice import Channel
from domain import notices
from domain.report import ExportKind, build_export, parse_period
from tests.factories import make_branch, make_member

DEC = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
SEP = datetime(2026, 9, 30, 16, 30, tzinfo=UTC)  # 00:30 Beijing on 1 October: the fourth quarter


async def test_notice_ledger_lines_and_total(db: AsyncSession) -> None:
    """Two notices of 2026Q4 (one just after the quarter's Beijing start), one of Q3 left out."""
    branch = await make_branch(db)
    secretary = await make_member(db, branch, "王书记", user_id="10001", role=Role.SECRETARY)
    zhang = await make_member(db, branch, "张三", user_id="10002")
    await make_member(db, branch, "李四")
    author = notices.Author(secretary.name, secretary.id)
    for text, when in (("九月的", datetime(2026, 9, 30, 15, 0, tzinfo=UTC)), ("十月的", SEP),
                       ("=1+1 十二月的", DEC)):
        await notices.create_notice(db, branch_id=branch.id, text=text, author=author, now=when)
    await notices.acknowledge(db, branch_id=branch.id, member=zhang, number=3, now=DEC)
    await notices.record_offline(db, branch_id=branch.id, number=3, refs=[PersonRef(name="李四")],
                                 channel=Channel.VISIT, by=secretary, note="卧床")
    export = await build_export(db, branch=branch, kind=ExportKind.NOTICE,
                                period=parse_period("2026Q4"))
    sheet = load_workbook(BytesIO(export.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert (export.filename, export.count) == ("通知传达台账_2026Q4.xlsx", 2)
    assert rows == [
        ["编号", "时间", "通知内容", "应传达", "已传达", "收到", "电话", "上门", "当面", "传达率", "未传达"],
        ["#2", datetime(2026, 10, 1, 0, 30), "十月的", 3, 1, 1, 0, 0, 0, 1 / 3, "张三、李四"],
        ["#3", datetime(2026, 12, 3, 10, 0), "=1+1 十二月的", 3, 3, 2, 0, 1, 0, 1, None],
        ["合计", "2条", None, 6, 4, 3, 0, 1, 0, 4 / 6, None],
    ]
    assert "卧床" not in str(rows)
