"""The county page in real headless Chromium (JavaScript off): county staff log in, pick a period
and a 片区, see the alerts and download the workbook; it fits a 390 px phone.

COUNTY_SCREENSHOTS=/some/dir keeps the desktop and phone screenshots there too.
"""

import os
import shutil
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from db.engine import session_factory
from db.models import CountyStaff
from domain import report
from plugins.report import web
from tests.domain.county.seed import COUNTY_ID, NOW, seed_county
from tests.factories import SUPERUSER_ID
from tests.plugins.report.test_browser import browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


async def _county_token(chat_db) -> str:  # noqa: ANN001
    staff = CountyStaff(platform="onebot", user_id=COUNTY_ID, name="王科长", added_by=SUPERUSER_ID)
    chat_db.add(staff)
    await chat_db.commit()
    async with session_factory()() as db:
        token = await report.issue_link_token(
            db, platform="onebot", user_id=COUNTY_ID, member_id=None, branch_id=None,
            secret=web.config.report_secret, minutes=10, county_staff_id=staff.id)
        await db.commit()
    return token


async def test_county_staff_pick_period_and_area_and_download(server, browser, chat_db, tmp_path):  # noqa: F811
    """Desktop: the 本季度 link, then 东区片区 with a date range; phone: nothing wider than 390 px."""
    with time_machine.travel(NOW, tick=True):
        await seed_county(chat_db)
        token = await _county_token(chat_db)
        context = await browser.new_context(viewport={"width": 1280, "height": 900},
                                            java_script_enabled=False, accept_downloads=True)
        page = await context.new_page()
        await page.goto(f"{server}/yinling/login/{token}")
        await page.get_by_role("button", name="进入后台").click()
        await page.wait_for_url(f"{server}/yinling/")
        main = await page.inner_text("main")
        assert "王科长（县级管理员）" in await page.inner_text("header")
        for text in ("2026年11月", "62.5%", "本月未开会（1个支部）", "城关镇第二党支部：本月还没有开过会",
                     "城关片区 小计", "全县合计"):
            assert text in main, text
        assert await page.locator("svg.chart").count() == 4
        assert "设置支部的片区和行业" not in main  # superusers only
        await page.screenshot(path=str(tmp_path / "county_desktop.png"), full_page=True)
        await page.get_by_role("link", name="本季度").click()
        assert "2026年第四季度" in await page.inner_text("main")
        await page.select_option("select[name=area]", "东区片区")
        await page.fill("input[name=start]", "2026-11-01")
        await page.fill("input[name=end]", "2026-11-20")
        await page.get_by_role("button", name="查看").click()
        await page.wait_for_load_state()
        main = await page.inner_text("main")
        assert "东区片区，2026-11-01至2026-11-20" in main and "城关镇第一党支部" not in main
        assert "合计（东区片区）" in main and "全县合计" not in main  # one 片区's total, not the county's
        async with page.expect_download() as info:
            await page.get_by_role("link", name="⬇ 下载全县报表（Excel，2026-11-01至2026-11-20）").click()
        saved = tmp_path / "county.xlsx"
        await (await info.value).save_as(saved)
        sheet = load_workbook(BytesIO(saved.read_bytes()))["会议与出勤"]
        assert [r[0] for r in sheet.iter_rows(min_row=4, values_only=True)] == [
            "东区街道党支部", "东区片区 小计", "合计（东区片区）"]
        await _pick_month_and_area(page)
        await page.screenshot(path=str(tmp_path / "county_picked_desktop.png"), full_page=True)
        await context.close()

        phone = await browser.new_context(viewport={"width": 390, "height": 844})
        page = await phone.new_page()
        token = await _token_again()
        await page.goto(f"{server}/yinling/login/{token}")
        await page.get_by_role("button", name="进入后台").click()
        await page.wait_for_url(f"{server}/yinling/")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the county page is {width}px wide on a 390px phone"
        await page.screenshot(path=str(tmp_path / "county_390.png"), full_page=True)
        await _pick_month_and_area(page)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the county page with a 片区 picked is {width}px wide on a 390px phone"
        await page.screenshot(path=str(tmp_path / "county_picked_390.png"), full_page=True)
        await phone.close()
    if target := os.environ.get("COUNTY_SCREENSHOTS"):
        for name in ("county_desktop.png", "county_390.png", "county_picked_desktop.png",
                     "county_picked_390.png"):
            shutil.copy(tmp_path / name, os.path.join(target, name))


async def _pick_month_and_area(page) -> None:  # noqa: ANN001
    """November and 城关片区 through the form: the 片区's alerts are on the page."""
    await page.select_option("select[name=area]", "城关片区")
    await page.fill("input[name=start]", "2026-11-01")
    await page.fill("input[name=end]", "2026-11-30")
    await page.get_by_role("button", name="查看").click()
    await page.wait_for_load_state()
    main = await page.inner_text("main")
    assert "城关片区，2026年11月" in main and "东区街道党支部" not in main
    for text in ("预警（4）", "城关镇第二党支部：本月还没有开过会", "城关镇第一党支部：出勤率100%→67%"):
        assert text in main, text


async def _token_again() -> str:
    async with session_factory()() as db:
        staff = await db.get(CountyStaff, 1)
        assert staff is not None
        token = await report.issue_link_token(
            db, platform="onebot", user_id=COUNTY_ID, member_id=None, branch_id=None,
            secret=web.config.report_secret, minutes=10, county_staff_id=staff.id)
        await db.commit()
    return token
