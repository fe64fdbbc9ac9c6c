"""The four ledgers as .xlsx: opened with openpyxl and checked against the seeded rows (both backends)."""

from datetime import date, datetime
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from core.errors import InvalidInput
from domain import report
from domain.report import Export, ExportKind, Period, build_export, parse_period
from tests.domain.report.seed import NOW, seed

Q4 = Period(2026, 4)


async def _build(session, branch, kind: ExportKind, period: Period) -> Export:
    return await build_export(session, branch=branch, kind=kind, period=period)


def _sheet(content: bytes):
    return load_workbook(BytesIO(content)).active


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]


@pytest.fixture
def frozen():
    """Inside the fourth quarter of 2026, Beijing time."""
    with time_machine.travel(NOW, tick=False):
        yield


async def test_signin_ledger_headers_figures_and_layout(session, frozen):
    """学习签到台账: 应到/实到/迟到/请假/缺席 per session, a 合计 line, real dates, frozen header."""
    data = await seed(session)
    export = await _build(session, data.branch, ExportKind.SIGNIN, Q4)
    ws = _sheet(export.content)
    assert ws["A1"].value == "城关镇离退休干部第一党支部 2026年第四季度 学习签到台账"
    assert [c.value for c in ws[2]] == ["日期", "主题", "地点", "应到", "实到", "迟到", "请假",
                                        "缺席名单", "出勤率"]
    assert all(c.font.b for c in ws[2]) and ws.freeze_panes == "A3"
    assert ws.column_dimensions["B"].width == 30
    rows = _rows(ws)
    assert rows[0][:8] == [datetime(2026, 10, 10), "学习二十届四中全会精神", "党员活动室", 3, 2, 1, 1, None]
    assert rows[1][:8] == [datetime(2026, 11, 10), "学习党章", None, 3, 1, 0, 0, "李四、王五"]
    assert ws["A3"].is_date and ws["A3"].number_format == "yyyy-mm-dd"
    assert rows[0][8] == pytest.approx(2 / 3) and ws["I3"].number_format == "0.0%"
    assert rows[2][:7] == ["合计", "2次", None, 6, 3, 1, 1] and rows[2][8] == pytest.approx(0.5)
    assert (export.count, export.filename) == (2, "学习签到台账_2026Q4.xlsx")


async def test_points_ledger_reversal_counts_under_its_kind(session, frozen):
    """积分台账: sums per kind, a reversal undoes the 扣分 it reverses, ranked by total."""
    data = await seed(session)
    ws = _sheet((await _build(session, data.branch, ExportKind.POINTS, Q4)).content)
    assert [c.value for c in ws[2]] == ["姓名", "学习", "志愿", "建言", "加分", "扣分", "兑换", "合计", "排名"]
    assert _rows(ws) == [
        ["张三", 2, 0, 0, 5, 0, -1, 6, 1],
        ["李四", 1, 3, 0, 0, 0, 0, 4, 2],
        ["王五", 0, 3, 0, 0, 0, 0, 3, 3],
    ]
    year = _sheet((await _build(session, data.branch, ExportKind.POINTS, Period(2026, None))).content)
    assert [r[0] for r in _rows(year)] == ["张三", "王五", "李四"] and _rows(year)[1][7] == 5


async def test_volunteer_ledger_completed_needs_with_points(session, frozen):
    """志愿服务台账: completed needs only, participants without cancelled claims, hours and points paid."""
    data = await seed(session)
    ws = _sheet((await _build(session, data.branch, ExportKind.VOLUNTEER, Q4)).content)
    assert [c.value for c in ws[2]] == ["活动", "时间", "地点", "参与人", "时长（小时）", "积分"]
    assert _rows(ws) == [
        ["陪同老党员就医", datetime(2026, 10, 15, 9, 0), "县人民医院", "王五、李四", 2, 6],
        ["合计", "1项", None, "2人次", 4, 6],
    ]
    assert ws["B3"].number_format == "yyyy-mm-dd hh:mm"


async def test_suggestion_ledger_never_names_anonymous_authors(session, frozen):
    """建言献策台账: 匿名 for the anonymous author, whose name appears nowhere in the file."""
    data = await seed(session)
    export = await _build(session, data.branch, ExportKind.SUGGESTION, Q4)
    ws = _sheet(export.content)
    assert [c.value for c in ws[2]] == ["编号", "日期", "提出人", "内容", "状态", "答复"]
    rows = _rows(ws)
    assert rows[0] == ["#1", datetime(2026, 10, 20), "李四", "希望多办健康讲座", "已答复", "下月起每月一次"]
    assert rows[1][:5] == ["#2", datetime(2026, 11, 2), "匿名", "活动室<b>太冷</b>，[CQ:at,qq=all]", "待处理"]
    cells = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert not any("王五" in c for c in cells)


async def test_other_branch_rows_stay_out(session, frozen):
    """A branch's ledger holds its own rows only."""
    data = await seed(session)
    ws = _sheet((await _build(session, data.other, ExportKind.POINTS, Q4)).content)
    assert _rows(ws) == [["钱七", 0, 0, 0, 9, 0, 0, 9, 1]]
    ws = _sheet((await _build(session, data.other, ExportKind.SIGNIN, Q4)).content)
    assert [r[1] for r in _rows(ws)] == ["二支部学习", "1次"]


async def test_empty_period_gives_headers_only(session, frozen):
    """A quarter without activity still gives a valid workbook with the header row."""
    data = await seed(session)
    export = await _build(session, data.branch, ExportKind.VOLUNTEER, Period(2026, 1))
    assert export.count == 0 and _rows(_sheet(export.content)) == []


def test_parse_period():
    """Quarter and year spellings; the default is this quarter (Beijing day boundary included)."""
    assert parse_period("2026Q4") == parse_period("2026年第四季度") == parse_period("2026 q4")
    assert parse_period("2026年").quarter is None
    with time_machine.travel(datetime.fromisoformat("2026-12-31T16:00:00+00:00"), tick=False):
        assert parse_period("第四季度").key == parse_period("Q4").key == "2027Q4"  # Beijing: 2027
        assert parse_period("三季度").key == "2027Q3"
    with time_machine.travel(datetime.fromisoformat("2026-12-31T16:00:00+00:00"), tick=False):
        assert parse_period("").key == "2027Q1"  # 2027-01-01 00:00 in Beijing
    with time_machine.travel(datetime.fromisoformat("2026-12-31T15:59:00+00:00"), tick=False):
        assert parse_period(None).key == "2026Q4"
    assert Period(2026, 1).bounds[0].date() == date(2025, 12, 31)
    with pytest.raises(InvalidInput):
        parse_period("明年")


async def test_points_sums_stay_exact_tenths(session, frozen):
    """Three 0.1-point entries total 0.3 on both backends (SQLite sums NUMERIC as floating point)."""
    from decimal import Decimal

    from db.models import LedgerEntry, LedgerKind

    data = await seed(session)
    session.add_all([LedgerEntry(branch_id=data.branch.id, member_id=data.wang.id, delta=Decimal("0.1"),
                                 kind=LedgerKind.VOLUNTEER, reason="按小时", cycle=2026, quarter="2026Q4",
                                 created_at=NOW) for _ in range(3)])
    await session.commit()
    rows = {r.name: r for r in await report.points_rows(session, branch_id=data.branch.id, period=Q4)}
    assert rows["王五"].by_kind[LedgerKind.VOLUNTEER] == Decimal("3.3")
    assert rows["王五"].total == Decimal("3.3")


async def test_members_who_cannot_take_part_are_not_expected(session, frozen):
    """不能参加活动 members are not 应到 nor 缺席 (as 签到情况 counts), unless they have a row."""
    from db.models import HealthCategory

    data = await seed(session)
    data.wang.category = HealthCategory.UNABLE
    session.add(data.wang)
    await session.commit()
    rows = _rows(_sheet((await _build(session, data.branch, ExportKind.SIGNIN, Q4)).content))
    assert rows[0][3:7] == [3, 2, 1, 1]  # 王五 asked for leave that day: still counted
    assert rows[1][3:8] == [2, 1, 0, 0, "李四"]


async def test_reversed_volunteer_points_are_not_counted(session, frozen):
    """志愿服务台账's 积分 nets a 冲正 of a participant's payment, as 积分台账 does."""
    from decimal import Decimal

    from sqlmodel import select

    from db.models import LedgerEntry, LedgerKind

    data = await seed(session)
    paid = (await session.exec(select(LedgerEntry).where(LedgerEntry.member_id == data.wang.id,
                                                         LedgerEntry.kind == LedgerKind.VOLUNTEER))).one()
    session.add(LedgerEntry(branch_id=data.branch.id, member_id=data.wang.id, delta=Decimal(-3),
                            kind=LedgerKind.REVERSAL, reason="冲正：误记", source=f"reversal:{paid.id}",
                            reverses_id=paid.id, cycle=2026, quarter="2026Q4", created_at=NOW))
    await session.commit()
    volunteer = _rows(_sheet((await _build(session, data.branch, ExportKind.VOLUNTEER, Q4)).content))
    assert volunteer[0][5] == 3 and volunteer[1][5] == 3
    points = {r[0]: r for r in _rows(_sheet((await _build(session, data.branch, ExportKind.POINTS,
                                                                    Q4)).content))}
    assert points["王五"][2] == 0
