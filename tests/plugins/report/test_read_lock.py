"""Dashboard pages and exports only read: a write (a 签到) never waits for one in progress."""

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from db.engine import read_session_factory, session_factory
from db.models import Branch, LedgerEntry, LedgerKind, Member
from domain import report
from domain.report import access
from plugins.report import pages, web
from tests.domain.report.seed import NOW, seed
from tests.events import onebot
from tests.events import private_message as private
from tests.factories import SECRETARY_ID
from tests.plugins.report.helpers import client, follow, make_token

WRITE_TIMEOUT = 5


@pytest.fixture
def frozen():
    """2026-11-20 10:00 Beijing."""
    with time_machine.travel(NOW, tick=False):
        yield


async def _write(member: Member) -> None:
    """A small committed write, as a 签到 would make, on the writers' session factory."""
    async with session_factory()() as writer:
        writer.add(LedgerEntry(branch_id=member.branch_id, member_id=member.id, delta=Decimal(1),
                               kind=LedgerKind.STUDY, reason="写入测试", cycle=2026, quarter="2026Q4",
                               created_at=NOW))
        await writer.commit()


async def test_dashboard_page_in_progress_does_not_block_a_write(session, frozen, monkeypatch):
    """While a page has read and is still rendering, another session writes and commits at once."""
    data = await seed(session)
    reading, written = asyncio.Event(), asyncio.Event()
    real = pages.overview_page

    async def paused_overview(ctx: pages.Ctx) -> str:
        content = await real(ctx)  # its queries ran: the request's transaction is open
        reading.set()
        await written.wait()
        return content

    monkeypatch.setattr(pages, "overview_page", paused_overview)
    async with client() as http:
        assert (await follow(http, await make_token(branch_id=data.branch.id,
                                                    member_id=data.zhang.id))).status_code == 303
        page = asyncio.create_task(http.get(f"/yinling/b/{data.branch.id}/"))
        try:
            await asyncio.wait_for(reading.wait(), WRITE_TIMEOUT)
            await asyncio.wait_for(_write(data.li), WRITE_TIMEOUT)
        finally:
            written.set()
        response = await page
    assert response.status_code == 200 and "50.0%" in response.text
    entries = (await session.exec(select(LedgerEntry).where(LedgerEntry.reason == "写入测试"))).all()
    assert len(entries) == 1


async def test_read_sessions_refuse_to_write(session, db_url):
    """On SQLite a read session is query_only: a write through one fails instead of taking the lock."""
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL readers use the ordinary session factory")
    async with read_session_factory()() as reader:
        assert (await reader.exec(select(Branch))).all() == []
        reader.add(Branch(name="只读测试支部"))
        with pytest.raises(OperationalError, match="readonly"):
            await reader.flush()


async def test_export_command_builds_without_the_write_lock(app: App, chat_db, monkeypatch,
                                                            tmp_path: Path):
    """导出: while the workbook is built, a write from elsewhere goes through at once."""
    monkeypatch.setattr(web.config, "report_export_dir", str(tmp_path))
    monkeypatch.setattr(access, "new_token", lambda: "fixed")
    writes: list[str] = []
    real = report.build_export

    async def build_while_writing(*args, **kwargs):  # noqa: ANN202
        export = await real(*args, **kwargs)
        try:
            await asyncio.wait_for(_write(data.li), WRITE_TIMEOUT)
        except TimeoutError:
            writes.append("blocked")
        else:
            writes.append("done")
        return export

    monkeypatch.setattr(report, "build_export", build_while_writing)
    with time_machine.travel(NOW, tick=False):
        data = await seed(chat_db)
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = private("导出 积分 2026Q4", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, Message(MessageSegment.text(
                "已导出积分台账（2026年第四季度，共3人）。\n下载链接（10分钟内有效，只能用一次）：\n"
                + f"http://127.0.0.1:8080/yinling/login/{report.sign('fixed', web.config.report_secret)}")),
                result=None)
    assert writes == ["done"]


async def test_roster_import_parses_the_upload_without_the_write_lock(session, frozen, monkeypatch):
    """导入成员: while the uploaded workbook is read, a write from elsewhere goes through at once."""
    from io import BytesIO

    from openpyxl import Workbook

    from domain.report import roster_import
    from tests.plugins.report.helpers import csrf_of

    data = await seed(session)
    writes: list[str] = []
    real = roster_import._rows

    async def write_now() -> None:
        try:
            await asyncio.wait_for(_write(data.li), WRITE_TIMEOUT)
        except TimeoutError:
            writes.append("blocked")
        else:
            writes.append("done")

    def rows_while_writing(content: bytes) -> list[tuple]:
        writes.append("parsing")
        return real(content)

    book = Workbook()
    book.active.append(["姓名", "类别", "原单位"])
    book.active.append(["孙八", "正常活动", "县财政局"])
    buffer = BytesIO()
    book.save(buffer)
    monkeypatch.setattr(roster_import, "_rows", rows_while_writing)
    url = f"/yinling/b/{data.branch.id}/roster"
    async with client() as http:
        assert (await follow(http, await make_token(branch_id=data.branch.id,
                                                    member_id=data.zhang.id))).status_code == 303
        csrf = csrf_of((await http.get(url)).text)
        real_read = web._read_body

        async def read_then_write(request):  # noqa: ANN001, ANN202
            body = await real_read(request)
            await write_now()
            return body

        monkeypatch.setattr(web, "_read_body", read_then_write)
        done = await http.post(f"{url}/import", files={"file": ("名册.xlsx", buffer.getvalue())},
                               data={"csrf": csrf})
    assert done.status_code == 200 and "新增1人" in done.text
    assert writes == ["done", "parsing"]
