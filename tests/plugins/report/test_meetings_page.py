"""The dashboard's 三会一课 page: kind filter, minutes, photos (login and branch checked), rhythm."""

from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook
from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from db.models import Branch, MeetingKind, Member
from domain import meetings
from domain.meetings import minutes as minutes_module
from tests.factories import make_branch, make_member
from tests.plugins.report.helpers import client, follow, make_token
from tests.plugins.report.test_browser import browser, server  # noqa: F401  (fixtures)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 64
STARTS = datetime(2026, 11, 5, 1, 0, tzinfo=UTC)  # 5 Nov 09:00 Beijing
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


async def arrange(db: AsyncSession, root: Path) -> tuple[Branch, Member, Branch, int, int]:
    """A branch with a 支委会 (minutes, one photo) and a 学习 (none); another branch's photo."""
    branch = await make_branch(db)
    secretary = await make_member(db, branch, "王书记", role=Role.SECRETARY)
    await make_member(db, branch, "李委员", role=Role.COMMITTEE)
    other = await make_branch(db, "第二支部", group_id=None)
    with time_machine.travel(STARTS - timedelta(days=2), tick=False):
        committee = await meetings.publish_meeting(db, branch_id=branch.id, kind=MeetingKind.COMMITTEE,
                                                   starts_at=STARTS, title="研究发展党员", place="活动室")
        await meetings.publish_meeting(db, branch_id=branch.id, kind=MeetingKind.STUDY,
                                       starts_at=STARTS + timedelta(days=1), title="学习党章", place=None)
        theirs = await meetings.publish_meeting(db, branch_id=other.id, kind=MeetingKind.STUDY,
                                                starts_at=STARTS, title="别支部", place=None)
        await db.commit()
    with time_machine.travel(STARTS, tick=False):
        await meetings.sign_in(db, branch_id=branch.id, member=secretary)
        await db.commit()
    with time_machine.travel(STARTS + timedelta(hours=2), tick=False):
        await meetings.write_minutes(db, branch_id=branch.id, meeting_id=committee.id,
                                     text="讨论<b>发展</b>党员", author=secretary, author_name="王书记")
        mine = await meetings.add_photo(db, branch_id=branch.id, meeting_id=committee.id, data=PNG, root=root)
        foreign = await meetings.add_photo(db, branch_id=other.id, meeting_id=theirs.id, data=PNG + b"x",
                                           root=root)
        await db.commit()
    return branch, secretary, other, mine.id, foreign.id


@pytest.fixture
def media(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Photos under this test's folder."""
    root = tmp_path / "media"
    monkeypatch.setattr(minutes_module, "_media_root", root)
    return root


async def test_meetings_page_filters_shows_minutes_photos_and_rhythm(chat_db: AsyncSession, media: Path) -> None:
    """The kind filter narrows the list; minutes are escaped; a photo is served to this branch only."""
    branch, secretary, _other, mine, foreign = await arrange(chat_db, media)
    base = f"/yinling/b/{branch.id}"
    with time_machine.travel(NOW, tick=False):
        async with client() as http:
            assert (await follow(http, await make_token(branch_id=branch.id, member_id=secretary.id))
                    ).status_code == 303
            everything = (await http.get(f"{base}/sessions?period=2026Q4")).text
            committee = (await http.get(f"{base}/sessions?period=2026Q4&kind=committee")).text
            bad = await http.get(f"{base}/sessions?kind=party")
            photo = await http.get(f"{base}/photo/{mine}")
            stolen = await http.get(f"{base}/photo/{foreign}")
        async with client() as anonymous:
            no_login = await anonymous.get(f"{base}/photo/{mine}")
    assert "研究发展党员" in everything and "学习党章" in everything
    assert "研究发展党员" in committee and "学习党章" not in committee
    assert "讨论&lt;b&gt;发展&lt;/b&gt;党员" in committee and "<b>发展" not in committee
    assert f'src="{base}/photo/{mine}"' in committee
    assert "支部委员会</td><td>每月</td><td>10月 缺；11月 已开 11-05（50.0%）；12月 未到" in everything
    assert bad.status_code == 400
    assert (photo.status_code, photo.headers["content-type"], photo.content) == (200, "image/png", PNG)
    assert stolen.status_code == 404 and no_login.status_code == 401


@pytest.mark.browser
async def test_meetings_page_in_chromium(server, browser, chat_db: AsyncSession,  # noqa: ANN001, F811
                                         media: Path, tmp_path: Path) -> None:
    """On a phone-sized screen: pick 支部委员会 in the filter, see the minutes, the photo and the
    rhythm table (a screenshot is kept next to the test's files)."""
    branch, secretary, *_ = await arrange(chat_db, media)
    with time_machine.travel(NOW, tick=True):
        token = await make_token(branch_id=branch.id, member_id=secretary.id)
        context = await browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
        page = await context.new_page()
        await page.goto(f"{server}/yinling/login/{token}")
        await page.get_by_role("button", name="进入后台").click()
        await page.get_by_role("link", name="三会一课").click()
        await page.locator("input[name=period]").fill("2026Q4")
        await page.select_option("select[name=kind]", "committee")
        await page.get_by_role("button", name="查看").click()
        await page.wait_for_url("**/sessions?period=2026Q4&kind=committee")
        body = await page.inner_text("main")
        assert "研究发展党员" in body and "学习党章" not in body and "讨论<b>发展</b>党员" in body
        assert "支部委员会\t每月\t10月 缺；11月 已开 11-05（50.0%）；12月 未到" in body
        image = page.locator("img[alt=会议照片]")
        assert await image.count() == 1
        src = await image.get_attribute("src")
        shown = await context.request.get(f"{server}{src}")  # with the browser's login cookie
        assert (shown.status, shown.headers["content-type"]) == (200, "image/png")
        await page.screenshot(path=str(tmp_path / "meetings_page.png"), full_page=True)
        await context.close()


async def test_review_results_download_for_the_secretary(chat_db: AsyncSession, media: Path) -> None:
    """成员名册 links the year's 民主评议 results; the workbook lists grades and who is pending;
    another branch's secretary is refused."""
    branch, secretary, other, *_ = await arrange(chat_db, media)
    stranger = await make_member(chat_db, other, "赵书记", role=Role.SECRETARY)
    await meetings.open_review(chat_db, branch_id=branch.id, year=2026, opened_by=secretary.id)
    await meetings.grade_member(chat_db, branch_id=branch.id, member=secretary, word="优秀", by=secretary)
    await chat_db.commit()
    base = f"/yinling/b/{branch.id}"
    with time_machine.travel(NOW, tick=False):
        async with client() as http:
            await follow(http, await make_token(branch_id=branch.id, member_id=secretary.id))
            roster_page = (await http.get(f"{base}/roster")).text
            download = await http.get(f"{base}/review?year=2026")
            missing = await http.get(f"{base}/review?year=2025")
        async with client() as http:
            await follow(http, await make_token(branch_id=other.id, member_id=stranger.id, user_id="10009"))
            refused = await http.get(f"{base}/review?year=2026")
    assert f'href="{base}/review?year=2026"' in roster_page and "2026年度民主评议结果" in roster_page
    ws = load_workbook(BytesIO(download.content)).active
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        ["姓名", "等次"], ["王书记", "优秀"], ["李委员", "未登记"]]
    assert missing.status_code == 404 and refused.status_code == 403
