"""The dashboard's 通知传达 page and its ledger download, over HTTP as the secretary sees them."""

from datetime import datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from core.refs import PersonRef
from db.models.notice import Channel
from domain import notices
from tests.domain.report.seed import NOW, seed
from tests.plugins.report.helpers import client, follow, make_token


@pytest.fixture
def frozen():
    """2026-11-20 10:00 Beijing."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


async def test_notices_page_and_ledger(session, frozen):
    """A notice of the quarter: 张三 (author) reached, 王五 at home (the note not shown), 李四 not yet
    (○ no QQ); the text is escaped; the 通知传达台账 link downloads the same figures."""
    data = await seed(session)
    notice = await notices.create_notice(
        session, branch_id=data.branch.id, text="周五<b>学习</b>", now=NOW - timedelta(hours=1),
        author=notices.Author(data.zhang.name, data.zhang.id))
    await notices.record_offline(session, branch_id=data.branch.id, number=notice.number,
                                 refs=[PersonRef(name="王五")], channel=Channel.VISIT, by=data.zhang,
                                 note="卧床")
    await session.commit()
    base = f"/yinling/b/{data.branch.id}"
    async with client() as http:
        await follow(http, await make_token(branch_id=data.branch.id, member_id=data.zhang.id))
        page = (await http.get(f"{base}/notices")).text
        other = await http.get(f"/yinling/b/{data.other.id}/notices")
        ledger = await http.get(f"{base}/export/notice?period=2026Q4")
    assert "周五&lt;b&gt;学习&lt;/b&gt;" in page and "<b>学习" not in page
    assert "<td>收到1、上门1</td>" in page and "<td>李四○</td>" in page and "66.7%" in page
    assert "卧床" not in page and "通知传达台账（2026年第四季度）" in page
    assert other.status_code == 403
    rows = [[c.value for c in r] for r in load_workbook(BytesIO(ledger.content)).active.iter_rows(min_row=3)]
    assert rows[0] == ["#1", datetime(2026, 11, 20, 9, 0), "周五<b>学习</b>", 3, 2, 1, 0, 1, 0, 2 / 3,
                       "李四"]
