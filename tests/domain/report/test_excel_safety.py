"""Text people typed never becomes an Excel formula, in any ledger or column (both backends)."""

from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook
from sqlmodel import select

from db.models import Need, StudySession
from db.models.suggestion import Suggestion, SuggestionEvent
from domain.report import ExportKind, Period, build_export, build_workbook
from tests.domain.report.seed import NOW, seed

Q4 = Period(2026, 4)
EVIL = '=HYPERLINK("http://evil.example","点我")'
FORMULA_START = ("=", "+", "-", "@")


@pytest.fixture
def frozen():
    """Inside the fourth quarter of 2026, Beijing time."""
    with time_machine.travel(NOW, tick=False):
        yield


async def _poison(session, data) -> None:
    """Topics, places, names, suggestions, replies and the branch name that look like formulas."""
    data.branch.name = "=1+2支部"
    data.li.name = "-李四"
    data.wang.name = "@王五"
    first = (await session.exec(select(StudySession).where(StudySession.title == "学习党章"))).one()
    first.title, first.place = "+SUM(1,2)", "=A1"
    need = (await session.exec(select(Need).where(Need.title == "陪同老党员就医"))).one()
    need.title, need.place = EVIL, "-2+3"
    idea = (await session.exec(select(Suggestion).where(Suggestion.anonymous.is_(False)))).one()
    idea.content = "=cmd|' /C calc'!A0"
    reply = (await session.exec(select(SuggestionEvent))).one()
    reply.text = "@SUM(1)"
    session.add_all([data.branch, data.li, data.wang, first, need, idea, reply])
    await session.commit()


def _text_cells(content: bytes) -> list:
    ws = load_workbook(BytesIO(content)).active
    return [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.mark.parametrize("kind", list(ExportKind))
async def test_user_text_is_plain_text_in_every_ledger(session, frozen, kind):
    """No formula cell anywhere; text starting with = + - @ is a string cell with a quote prefix."""
    data = await seed(session)
    await _poison(session, data)
    cells = _text_cells((await build_export(session, branch=data.branch, kind=kind, period=Q4)).content)
    assert all(c.data_type == "s" for c in cells), [(c.coordinate, c.value) for c in cells]
    risky = [c for c in cells if c.value.startswith(FORMULA_START)]
    assert risky and all(c.quotePrefix for c in risky), [(c.coordinate, c.value) for c in risky]
    assert cells[0].value == "=1+2支部 2026年第四季度 " + kind.label


async def test_poisoned_values_read_back_verbatim(session, frozen):
    """The exact text comes back, as text: a topic, a place, a name, a suggestion, a reply."""
    data = await seed(session)
    await _poison(session, data)
    values = {}
    for kind in ExportKind:
        content = (await build_export(session, branch=data.branch, kind=kind, period=Q4)).content
        values[kind] = {c.value: c for c in _text_cells(content)}
    assert values[ExportKind.SIGNIN]["+SUM(1,2)"].data_type == "s"
    assert values[ExportKind.SIGNIN]["=A1"].quotePrefix
    assert values[ExportKind.VOLUNTEER][EVIL].data_type == "s"
    assert values[ExportKind.VOLUNTEER]["@王五、-李四"].quotePrefix
    assert values[ExportKind.POINTS]["-李四"].quotePrefix
    assert values[ExportKind.SUGGESTION]["=cmd|' /C calc'!A0"].data_type == "s"
    assert values[ExportKind.SUGGESTION]["@SUM(1)"].quotePrefix


def test_ordinary_text_has_no_quote_prefix():
    """Only risky text gets the prefix; numbers and dates keep their types."""
    ws = load_workbook(BytesIO(build_workbook("t", ["a", "b", "c"], [5, 5, 5], [["张三", -2, "=x"]]))).active
    assert (ws["A3"].quotePrefix, ws["B3"].data_type, ws["B3"].value) == (False, "n", -2)
    assert (ws["C3"].value, ws["C3"].data_type, ws["C3"].quotePrefix) == ("=x", "s", True)
