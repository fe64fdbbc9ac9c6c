"""The dashboard's 关爱慰问 page and the 走访慰问台账: the branch's own secretary only."""

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook
from sqlmodel import select

from db.models import Member
from db.models.care import VisitWay
from domain import care
from tests.domain.report.seed import NOW, seed
from tests.plugins.report.helpers import client, follow, make_token


@pytest.fixture
def frozen():
    """2026-11-20 10:00 Beijing."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


async def _care_data(session, data) -> None:
    await care.set_tags(session, member=data.li, tags=care.parse_tags("独居 体弱"), set_by=None)
    await care.set_tags(session, member=data.wang, tags=care.parse_tags("困难"), set_by=None)
    await care.record_visit(session, branch_id=data.branch.id, member=data.wang,
                            way=VisitWay.HOME, note="家里暖气不热<b>已联系</b>", visitor=data.zhang,
                            visitor_name="张三", now=NOW - timedelta(days=3))
    await session.commit()


async def test_secretary_sees_care_page_and_ledger(session, frozen) -> None:
    """The care list with overdue first, the visits (escaped), and the .xlsx ledger."""
    data = await seed(session)
    await _care_data(session, data)
    base = f"/yinling/b/{data.branch.id}"
    async with client() as http:
        assert (await follow(http, await make_token(branch_id=data.branch.id,
                                                    member_id=data.zhang.id))).status_code == 303
        home = (await http.get(f"{base}/")).text
        page = await http.get(f"{base}/care?period=2026Q4")
        ledger = await http.get(f"{base}/care/ledger?period=2026Q4")
    assert f'href="{base}/care"' in home
    text = page.text
    assert page.status_code == 200
    assert text.index("李四") < text.index("王五")  # never visited: overdue, first
    assert "⚠ 该走访了" in text and "每60天一次" in text
    assert "家里暖气不热&lt;b&gt;已联系&lt;/b&gt;" in text and "<b>已联系" not in text
    sheet = load_workbook(BytesIO(ledger.content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sheet["A1"].value == "城关镇离退休干部第一党支部 2026年第四季度 走访慰问台账"
    assert rows[0][1:] == ["王五", "困难", "上门", "家里暖气不热<b>已联系</b>", "张三"]
    assert rows[-1][:3] == ["合计", "1次", "1人"]


async def test_care_page_refused_to_others(session, frozen) -> None:
    """Another branch's secretary, and a superuser (county view), get 403 and no names."""
    data = await seed(session)
    await _care_data(session, data)
    base = f"/yinling/b/{data.branch.id}"
    async with client() as http:
        await follow(http, await make_token(branch_id=None, user_id="10000"))
        home = (await http.get(f"{base}/")).text
        for path in ("/care", "/care/ledger"):
            response = await http.get(base + path)
            assert response.status_code == 403 and "暖气" not in response.text
        assert f'href="{base}/care"' not in home
    qian_id = (await session.exec(select(Member.id).where(Member.name == "钱七"))).one()
    await session.commit()  # give SQLite's one connection back to the web app
    async with client() as http:
        await follow(http, await make_token(branch_id=data.other.id, member_id=qian_id))
        response = await http.get(f"{base}/care")
        assert response.status_code == 403 and "李四" not in response.text
