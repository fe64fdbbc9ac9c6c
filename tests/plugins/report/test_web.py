"""The dashboard over HTTP (httpx on NoneBot's FastAPI app): login, figures, isolation, CSRF, files."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from io import BytesIO

import httpx
import pytest
import time_machine
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from core.roles import Role
from db.models import HealthCategory, Member
from db.models.report import LoginToken, WebSession
from tests.domain.report.seed import NOW, seed
from tests.plugins.report.helpers import client, csrf_of, follow, make_token


@pytest.fixture
def frozen():
    """2026-11-20 10:00 Beijing."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@asynccontextmanager
async def _secretary(data) -> AsyncIterator[httpx.AsyncClient]:
    """A client logged in as 张三, secretary of the first branch."""
    async with client() as http:
        response = await follow(http, await make_token(branch_id=data.branch.id,
                                                       member_id=data.zhang.id))
        assert response.status_code == 303, response.text
        yield http


async def test_login_link_single_use_signed_and_expiring(session, frozen):
    """The link works once; a second use, a forged signature or an expired link get 403."""
    data = await seed(session)
    token = await make_token(branch_id=data.branch.id, member_id=data.zhang.id)
    async with client() as http:
        assert (await http.get(f"/yinling/login/{token}")).status_code == 200  # a preview fetch
        first = await follow(http, token)
        assert first.status_code == 303 and first.headers["location"] == "/yinling/"
        cookie = first.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/yinling" in cookie
        again = await follow(client(), token)
        assert again.status_code == 403 and "已过期或已经用过" in again.text
        forged = token[:-1] + ("0" if token[-1] != "0" else "1")
        assert (await client().get(f"/yinling/login/{forged}")).status_code == 403
    late = await make_token(branch_id=data.branch.id, member_id=data.zhang.id)
    frozen.shift(timedelta(minutes=10, seconds=1))
    assert (await follow(client(), late)).status_code == 403
    rows = (await session.exec(select(LoginToken))).all()
    assert len(rows) == 2 and all(len(r.token_hash) == 64 and r.token_hash not in token for r in rows)


async def test_login_post_needs_the_nonce_cookie(session, frozen):
    """Pressing 进入后台 from another site (no nonce cookie) does not log in: login CSRF."""
    data = await seed(session)
    token = await make_token(branch_id=data.branch.id, member_id=data.zhang.id)
    async with client() as http:
        response = await http.post("/yinling/login", data={"token": token, "csrf": "x"})
    assert response.status_code == 403
    assert (await follow(client(), token)).status_code == 303  # still unused


async def test_no_session_gets_login_hint(session, frozen):
    """Without a cookie every page answers 401 with how to get a link."""
    await seed(session)
    async with client() as http:
        for path in ("/yinling/", "/yinling/b/1/", "/yinling/b/1/export/points"):
            response = await http.get(path)
            assert response.status_code == 401 and "私聊机器人发送“后台”" in response.text


async def test_overview_shows_quarter_figures_and_charts(session, frozen):
    """Members, attendance rate, volunteer hours, suggestions by status, leaders, three SVG charts."""
    data = await seed(session)
    async with _secretary(data) as http:
        home = await http.get("/yinling/", follow_redirects=True)
    text = home.text
    assert home.status_code == 200 and str(home.url).endswith(f"/yinling/b/{data.branch.id}/")
    for figure in ("3人", "50.0%", "2次学习", "4小时", "2条", "待处理", "已答复"):
        assert figure in text, figure
    assert "<td>1</td><td>张三</td><td>6</td>" in text
    assert text.count("<svg") == 3 and "2026年每月出勤率" in text and "http" not in text.split("<main>")[1]
    assert home.headers["content-security-policy"].startswith("default-src 'none'")
    assert "<script" not in text


async def test_secretary_refused_on_another_branch(session, frozen):
    """Pages and files of another branch: 403, whatever the path."""
    data = await seed(session)
    async with _secretary(data) as http:
        for path in ("/", "/sessions", "/points", "/roster", "/export/points?period=2026Q4", "/exports"):
            response = await http.get(f"/yinling/b/{data.other.id}{path}")
            assert response.status_code == 403, path
            assert "钱七" not in response.text
        assert (await http.get("/yinling/b/999/")).status_code == 403


async def test_superuser_sees_county_and_every_branch(session, frozen):
    """A superuser's link opens the county overview and any branch."""
    data = await seed(session)
    async with client() as http:
        assert (await follow(http, await make_token(branch_id=None, user_id="10000"))).status_code == 303
        county = await http.get("/yinling/")
        assert "全县概况" in county.text and "城关镇离退休干部第二党支部" in county.text
        assert "合计" in county.text
        other = await http.get(f"/yinling/b/{data.other.id}/points")
        assert other.status_code == 200 and "钱七" in other.text


async def test_pages_list_sessions_needs_and_escape_user_text(session, frozen):
    """Sessions and needs pages carry their figures; suggestion text is escaped; 匿名 hides authors."""
    data = await seed(session)
    base = f"/yinling/b/{data.branch.id}"
    async with _secretary(data) as http:
        sessions = (await http.get(f"{base}/sessions")).text
        needs = (await http.get(f"{base}/volunteer")).text
        ideas = (await http.get(f"{base}/suggestions?period=2026")).text
        bad = await http.get(f"{base}/sessions?period=明年")
    assert "学习党章" in sessions and "李四、王五" in sessions and "取消的学习" not in sessions
    assert "陪同老党员就医" in needs and "社区清扫" in needs and "张三（已取消）" in needs
    assert "活动室&lt;b&gt;太冷&lt;/b&gt;" in ideas and "<b>太冷" not in ideas
    assert "<td>匿名</td>" in ideas and "王五" not in ideas
    assert bad.status_code == 400


async def test_points_ledger_filters(session, frozen):
    """Filter the ledger by member and kind."""
    data = await seed(session)
    async with _secretary(data) as http:
        page = (await http.get(f"/yinling/b/{data.branch.id}/points?member={data.li.id}&kind=penalty")).text
    detail = page.split("积分明细")[1]
    assert "无故缺席" in detail and "-2" in detail and "学习签到" not in detail and "协助社区清扫" not in detail


def _sheet(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


async def test_roster_import_with_csrf(session, frozen):
    """Import adds new members and updates 类别/原单位; without the CSRF token nothing happens."""
    data = await seed(session)
    content = _sheet([["姓名", "类别", "原单位"], ["李四", "适当参加", "县教育局"],
                      ["孙八", "正常活动", "县财政局"], ["周九", "躺平", ""], ["孙八", "", ""]])
    url = f"/yinling/b/{data.branch.id}/roster/import"
    files = {"file": ("名册.xlsx", content)}
    async with _secretary(data) as http:
        refused = await http.post(url, files=files, data={"csrf": "wrong"})
        assert refused.status_code == 403
        csrf = csrf_of((await http.get(f"/yinling/b/{data.branch.id}/roster")).text)
        done = await http.post(url, files=files, data={"csrf": csrf})
    assert done.status_code == 200
    assert "新增1人，更新1人，跳过2行" in done.text and "第4行：类别“躺平”不对" in done.text
    bid = data.branch.id
    session.expire_all()
    rows = {m.name: m for m in (await session.exec(select(Member).where(Member.branch_id == bid))).all()}
    assert rows["孙八"].origin_unit == "县财政局" and rows["李四"].category == HealthCategory.LIMITED
    assert "周九" not in rows


async def test_download_export_and_logout(session, frozen):
    """The exports page links download real workbooks; logging out needs the CSRF token too."""
    data = await seed(session)
    base = f"/yinling/b/{data.branch.id}"
    async with _secretary(data) as http:
        page = (await http.get(f"{base}/exports?period=2026Q4")).text
        assert f"{base}/export/signin?period=2026Q4" in page
        response = await http.get(f"{base}/export/signin?period=2026Q4")
        assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response.headers["content-disposition"]
        ws = load_workbook(BytesIO(response.content)).active
        assert ws["A2"].value == "日期" and ws["D3"].value == 3
        assert (await http.post("/yinling/logout", data={"csrf": "nope"})).status_code == 403
        assert (await http.post("/yinling/logout", data={"csrf": csrf_of(page)})).status_code == 200
        assert (await http.get(f"{base}/")).status_code == 401


async def test_demoted_secretary_loses_the_session(session, frozen):
    """A session stops working once its member is no longer secretary."""
    data = await seed(session)
    async with _secretary(data) as http:
        data.zhang.role = int(Role.MEMBER)
        session.add(data.zhang)
        await session.commit()
        assert (await http.get(f"/yinling/b/{data.branch.id}/")).status_code == 401


async def test_old_tokens_and_sessions_are_pruned(session, frozen):
    """Issuing a link forgets tokens expired over a day ago and expired browser sessions."""
    data = await seed(session)
    async with _secretary(data):
        pass
    frozen.shift(timedelta(days=2))
    await make_token(branch_id=data.branch.id, member_id=data.zhang.id)
    session.expire_all()
    assert len((await session.exec(select(LoginToken))).all()) == 1
    assert (await session.exec(select(WebSession))).all() == []


async def test_download_link_from_chat_lands_on_the_file(session, frozen):
    """The link 导出 sends when no group file is possible: one tap, then the workbook downloads."""
    data = await seed(session)
    target = f"/yinling/b/{data.branch.id}/export/volunteer?period=2026Q4"
    token = await make_token(branch_id=data.branch.id, member_id=data.zhang.id, next_path=target)
    async with client() as http:
        assert "台账会自动下载" in (await http.get(f"/yinling/login/{token}")).text
        response = await follow(http, token)
        assert response.headers["location"] == target
        file = await http.get(target)
    ws = load_workbook(BytesIO(file.content)).active
    assert ws["A3"].value == "陪同老党员就医"


async def test_non_ascii_tokens_are_refused_not_errors(session, frozen):
    """A link or form with Chinese characters in the token or CSRF field is 403, never a 500."""
    data = await seed(session)
    token = await make_token(branch_id=data.branch.id, member_id=data.zhang.id)
    async with client() as http:
        assert (await http.get("/yinling/login/中文.签名")).status_code == 403
        page = await http.get(f"/yinling/login/{token}")
        assert page.status_code == 200
        forged = await http.post("/yinling/login", data={"token": "中文.签名", "csrf": csrf_of(page.text)})
        assert forged.status_code == 403
        nonce = await http.post("/yinling/login", data={"token": token, "csrf": "中文"})
        assert nonce.status_code == 403
    async with _secretary(data) as http:
        assert (await http.post("/yinling/logout", data={"csrf": "中文"})).status_code == 403


async def test_deactivated_secretary_loses_the_session(session, frozen):
    """A secretary marked 停用 can no longer use an open dashboard session."""
    from db.models import MemberStatus

    data = await seed(session)
    async with _secretary(data) as http:
        data.zhang.status = MemberStatus.INACTIVE
        session.add(data.zhang)
        await session.commit()
        assert (await http.get(f"/yinling/b/{data.branch.id}/")).status_code == 401


async def test_roster_import_refuses_a_sheet_past_the_limit(session, frozen):
    """A sheet longer than 2000 rows is refused with the reason, not silently cut short."""
    data = await seed(session)
    content = _sheet([["姓名", "类别", "原单位"], *([f"成员{i}", "正常活动", ""] for i in range(2006))])
    async with _secretary(data) as http:
        csrf = csrf_of((await http.get(f"/yinling/b/{data.branch.id}/roster")).text)
        response = await http.post(f"/yinling/b/{data.branch.id}/roster/import",
                                   files={"file": ("名册.xlsx", content)}, data={"csrf": csrf})
    assert response.status_code == 400 and "表格超过2000行，请分成几个文件导入。" in response.text
    session.expire_all()
    assert (await session.exec(select(Member).where(Member.name == "成员1"))).first() is None


async def test_download_name_carries_the_branch_name_encoded(session, frozen):
    """The saved file is named after the branch; a / in the name cannot make a path."""
    data = await seed(session)
    data.branch.name = "城关/第一支部"
    session.add(data.branch)
    await session.commit()
    async with _secretary(data) as http:
        response = await http.get(f"/yinling/b/{data.branch.id}/export/points?period=2026Q4")
    disposition = response.headers["content-disposition"]
    assert 'filename="points_2026Q4.xlsx"' in disposition
    assert "filename*=UTF-8''%E5%9F%8E%E5%85%B3%2F" in disposition and "/" not in disposition
