"""Logging in to the dashboard the way a browser does: link page, then the 进入后台 form."""

import re

import httpx
import nonebot

from db.engine import session_factory
from domain import report
from plugins.report import web

LINK_RE = re.compile(r"/yinling/login/([\w\-.]+)")


def client() -> httpx.AsyncClient:
    """An httpx client on NoneBot's own FastAPI app (no server, no lifespan)."""
    transport = httpx.ASGITransport(app=nonebot.get_app())
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def make_token(*, branch_id: int | None, member_id: int | None = None, user_id: str = "10001",
                     next_path: str | None = None) -> str:
    """A fresh signed login token, committed."""
    async with session_factory()() as db:
        token = await report.issue_link_token(
            db, platform="onebot", user_id=user_id, member_id=member_id, branch_id=branch_id,
            secret=web.config.report_secret, minutes=10, next_path=next_path)
        await db.commit()
    return token


async def follow(http: httpx.AsyncClient, token: str) -> httpx.Response:
    """Open the link page and press 进入后台; returns the POST's response (not followed)."""
    page = await http.get(f"/yinling/login/{token}")
    if page.status_code != 200:
        return page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    return await http.post("/yinling/login", data={"token": token, "csrf": csrf.group(1)})


def csrf_of(html: str) -> str:
    """The CSRF token in a dashboard page's forms."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)
