"""The dashboard in real headless Chromium (Debian's package, driven by Playwright), JavaScript off.

Skipped with a message when Chromium or Playwright is missing; under CI=true they are required.
"""

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from io import BytesIO
from pathlib import Path

import nonebot
import pytest
import time_machine
import uvicorn
from openpyxl import load_workbook

from plugins.report import web
from tests.domain.report.seed import NOW, seed
from tests.plugins.report.helpers import make_token
from tests.ports import free_port

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _require_browser() -> None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        missing = "the playwright package is not installed (pip install -e '.[test]')"
    else:
        missing = "" if Path(CHROMIUM).exists() or shutil.which(CHROMIUM) else (
            f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    if not missing:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests are required under CI: {missing}")
    pytest.skip(f"browser tests skipped: {missing}")


@pytest.fixture
async def server(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """NoneBot's FastAPI app served by uvicorn on this test's event loop; yields its base URL."""
    _require_browser()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    monkeypatch.setattr(web.config, "report_public_url", base)
    config = uvicorn.Config(nonebot.get_app(), host="127.0.0.1", port=port, lifespan="off",
                            log_level="warning")
    instance = uvicorn.Server(config)
    task = asyncio.create_task(instance.serve())
    while not instance.started:  # noqa: ASYNC110  (uvicorn offers a flag, not an event)
        await asyncio.sleep(0.02)
    yield base
    instance.should_exit = True
    await task


@pytest.fixture
async def browser():  # noqa: ANN201
    """Headless Chromium from the system package (Playwright's own browsers are never downloaded)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        await chromium.close()


async def test_secretary_logs_in_sees_figures_downloads_and_is_refused_elsewhere(
        server, browser, chat_db, tmp_path):
    """Follow a login link on a phone-sized screen, read the overview, download a ledger, get 403."""
    with time_machine.travel(NOW, tick=True):
        data = await seed(chat_db)
        token = await make_token(branch_id=data.branch.id, member_id=data.zhang.id)
        context = await browser.new_context(viewport={"width": 390, "height": 844},
                                            java_script_enabled=False, accept_downloads=True)
        page = await context.new_page()
        await page.goto(f"{server}/yinling/login/{token}")
        await page.get_by_role("button", name="进入后台").click()
        await page.wait_for_url(f"{server}/yinling/b/{data.branch.id}/")
        body = await page.inner_text("main")
        for figure in ("3人", "50.0%", "4小时", "2条", "张三"):
            assert figure in body, figure
        assert await page.locator("svg.chart").count() == 3
        box = await page.locator("svg.chart").first.bounding_box()
        assert box is not None and box["width"] <= 390

        await page.get_by_role("link", name="导出").click()
        async with page.expect_download() as info:
            await page.get_by_role("link", name="⬇ 积分台账（2026年第四季度）").click()
        download = await info.value
        saved = tmp_path / "points.xlsx"
        await download.save_as(saved)
        ws = load_workbook(BytesIO(saved.read_bytes())).active
        assert [c.value for c in ws[2]][:3] == ["姓名", "学习", "志愿"] and ws["A3"].value == "张三"

        refused = await page.goto(f"{server}/yinling/b/{data.other.id}/")
        assert refused is not None and refused.status == 403
        assert "您只能查看本支部的数据" in await page.inner_text("main")

        again = await (await context.new_page()).goto(f"{server}/yinling/login/{token}")
        assert again is not None and again.status == 403  # the link was used up
        await context.close()


async def test_roster_import_form_from_the_browser(server, browser, chat_db, tmp_path):
    """The import form posts a real multipart upload with its CSRF token; no page is wider than a phone."""
    from openpyxl import Workbook

    with time_machine.travel(NOW, tick=True):
        data = await seed(chat_db)
        book = Workbook()
        book.active.append(["姓名", "类别", "原单位"])
        book.active.append(["孙八", "不能参加", "县水利局"])
        sheet = tmp_path / "名册.xlsx"
        book.save(sheet)
        token = await make_token(branch_id=data.branch.id, member_id=data.zhang.id,
                                 next_path=f"/yinling/b/{data.branch.id}/roster")
        context = await browser.new_context(viewport={"width": 360, "height": 740})
        page = await context.new_page()
        await page.goto(f"{server}/yinling/login/{token}")
        await page.get_by_role("button", name="进入后台").click()
        await page.wait_for_url(f"{server}/yinling/b/{data.branch.id}/roster")
        await page.set_input_files("input[type=file]", str(sheet))
        await page.get_by_role("button", name="导入成员").click()
        await page.wait_for_load_state()
        text = await page.inner_text("main")
        assert "新增1人，更新0人，跳过0行" in text and "县水利局" in text and "不能参加活动" in text
        for path in ("/", "/sessions", "/volunteer", "/suggestions", "/points", "/roster", "/exports"):
            await page.goto(f"{server}/yinling/b/{data.branch.id}{path}")
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} is {width}px wide on a 360px phone"
        await context.close()
