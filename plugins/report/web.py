"""The dashboard's routes on NoneBot's own FastAPI app: login, access checks, CSRF, downloads.

Every request reads on a read-only session (SQLite: never the write lock, so a slow page or a big
upload does not hold up 签到); a route that changes something opens one writing session for the
change and commits it once.
"""

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from typing import Annotated
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import DomainError
from db.engine import read_session_factory, session_factory
from db.models import Branch, LedgerKind, SessionKind
from domain import county, meetings, report
from domain.report import ExportKind, Period, Viewer, parse_period
from plugins.report import county_page, pages
from plugins.report.config import Config
from plugins.report.html import Safe, csrf_field, e, page, tag

PREFIX = "/yinling"
COOKIE = "yinling_session"
LOGIN_COOKIE = "yinling_login"
MAX_UPLOAD = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
LOGIN_HINT = "请在QQ里私聊机器人发送“后台”，点开收到的链接即可进入（链接10分钟内有效，只能用一次）。"

config = Config()
router = APIRouter(prefix=PREFIX)


def configure(settings: Config) -> None:
    """Use the plugin's settings (called once when the plugin loads)."""
    global config
    config = settings


class PageError(Exception):
    """Answer with a short Chinese page and this status."""

    def __init__(self, status: int, title: str, text: str) -> None:
        super().__init__(title)
        self.status, self.title, self.text = status, title, text


def html(content: str, status: int = 200) -> HTMLResponse:
    """An HTML response with the security headers every page carries."""
    return HTMLResponse(content, status_code=status, headers=SECURITY_HEADERS)


async def page_error(_request: Request, error: Exception) -> HTMLResponse:
    """Exception handler installed on the app for PageError."""
    assert isinstance(error, PageError)
    home = tag("p", tag("a", "返回后台首页", href=f"{PREFIX}/"))
    return html(page(error.title, Safe(tag("p", error.text, class_="note") + home)), error.status)


async def get_db() -> AsyncIterator[AsyncSession]:
    """The request's read-only session: access checks, pages and downloads (read_session_factory)."""
    async with read_session_factory()() as db:
        yield db


DB = Annotated[AsyncSession, Depends(get_db)]


@asynccontextmanager
async def writing() -> AsyncIterator[AsyncSession]:
    """The one writing session of a request that changes something; the route commits it once."""
    async with session_factory()() as db:
        yield db


async def current_viewer(request: Request, db: DB) -> Viewer:
    """The signed-in viewer, or a 401 page explaining how to get a link."""
    viewer = await report.viewer_of(db, cookie=request.cookies.get(COOKIE))
    if viewer is None:
        raise PageError(401, "请先登录", LOGIN_HINT)
    return viewer


ViewerDep = Annotated[Viewer, Depends(current_viewer)]


async def branch_for(bid: int, viewer: ViewerDep, db: DB) -> pages.Ctx:
    """The branch of the URL, if this viewer may see it (403 otherwise, before any lookup)."""
    if not viewer.may_see(bid) or not viewer.may("支部页面"):
        raise PageError(403, "无权查看", "您只能查看本支部的数据。")
    branch = await db.get(Branch, bid)
    if branch is None:
        raise PageError(404, "没有这个支部", "请从后台首页进入。")
    return pages.Ctx(db, viewer, branch, f"{PREFIX}/b/{bid}")


CtxDep = Annotated[pages.Ctx, Depends(branch_for)]


def require(viewer: Viewer, page_name: str) -> None:
    """403 unless the permission table's dashboard row lets this viewer open or use the page."""
    if not viewer.may(page_name):
        raise PageError(403, "无权查看", "县级管理员只看统计数字，不看、不改个人名册。")


def _secure() -> bool:
    return config.report_public_url.startswith("https://")


# ---- login ----

@router.get("/login/{token}")
async def login_page(token: str, db: DB) -> Response:
    """Show an 进入后台 button: link previewers that fetch the URL must not use up the token."""
    pending = await report.peek(db, token=token, secret=config.report_secret)
    if pending is None:
        raise PageError(403, "链接已失效", "这个登录链接已过期或已经用过。" + LOGIN_HINT)
    download = "/export/" in (pending.next_path or "")
    hint = "请点下面的按钮，台账会自动下载。" if download else "请点下面的按钮进入后台。"
    nonce = secrets.token_urlsafe(16)
    form = tag("form", Safe(f'<input type="hidden" name="token" value="{e(token)}">'),
               csrf_field(nonce), Safe('<button type="submit">进入后台</button>'),
               method="post", action=f"{PREFIX}/login")
    response = html(page("登录", Safe(tag("p", hint) + form)))
    response.set_cookie(LOGIN_COOKIE, nonce, max_age=600, path=PREFIX, httponly=True,
                        samesite="strict", secure=_secure())
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    """Use up the token, open a session, and go to the page the link was for."""
    form = await _urlencoded(request)
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if not nonce or not secrets.compare_digest(nonce.encode(), form.get("csrf", "").encode()):
        raise PageError(403, "请重新打开链接", "页面已过期。请重新点开QQ里收到的登录链接。")
    async with writing() as db:
        login_row = await report.redeem(db, token=form.get("token", ""), secret=config.report_secret)
        if login_row is None:
            raise PageError(403, "链接已失效", "这个登录链接已过期或已经用过。" + LOGIN_HINT)
        cookie, _ = await report.open_session(db, login=login_row,
                                              hours=config.report_session_hours)
        await db.commit()
    target = login_row.next_path if (login_row.next_path or "").startswith(PREFIX + "/") else None
    response = RedirectResponse(target or f"{PREFIX}/", status_code=303)
    response.set_cookie(COOKIE, cookie, max_age=config.report_session_hours * 3600, path=PREFIX,
                        httponly=True, samesite="lax", secure=_secure())
    response.delete_cookie(LOGIN_COOKIE, path=PREFIX)
    return response


@router.post("/logout")
async def logout(request: Request, viewer: ViewerDep) -> Response:
    """Sign out (a form with the CSRF token)."""
    await _check_csrf(request, viewer)
    async with writing() as db:
        await report.close_session(db, viewer=viewer)
        await db.commit()
    response = html(page("已退出", tag("p", "您已退出后台。")))
    response.delete_cookie(COOKIE, path=PREFIX)
    return response


async def _read_body(request: Request) -> bytes:
    if int(request.headers.get("content-length") or 0) > MAX_UPLOAD:
        raise PageError(413, "文件太大", "请上传 5MB 以内的 Excel 文件。")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_UPLOAD:
            raise PageError(413, "文件太大", "请上传 5MB 以内的 Excel 文件。")
    return bytes(body)


async def _urlencoded(request: Request) -> dict[str, str]:
    fields = parse_qs((await _read_body(request)).decode("utf-8", "replace"))
    return {k: v[0] for k, v in fields.items()}


def parse_multipart(content_type: str, body: bytes) -> dict[str, bytes]:
    """multipart/form-data fields by name (stdlib parser: no python-multipart dependency)."""
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        return {}
    fields: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            fields[name] = part.get_payload(decode=True) or b""
    return fields


async def _check_csrf(request: Request, viewer: Viewer, token: str | None = None) -> None:
    if token is None:
        token = (await _urlencoded(request)).get("csrf", "")
    if not secrets.compare_digest(token.encode(), viewer.csrf.encode()):
        raise PageError(403, "请刷新页面", "表单已过期（安全校验未通过），请刷新页面后再提交。")


# ---- pages ----

@router.get("/")
async def home(db: DB, viewer: ViewerDep, period: str | None = None, start: str | None = None,
               end: str | None = None, area: str | None = None, sector: str | None = None
               ) -> Response:
    """The county page for a superuser or county staff; a secretary goes straight to their branch."""
    if viewer.branch_id is not None:
        return RedirectResponse(f"{PREFIX}/b/{viewer.branch_id}/", status_code=303)
    require(viewer, "全县概况")
    overview = await county.county_overview(db, period=_county_period(period, start, end),
                                            area=area or None, sector=sector or None)
    return html(county_page.county_page(overview, viewer, PREFIX,
                                        pages.logout_form(viewer, PREFIX)))


@router.get("/county/export")
async def county_export(db: DB, viewer: ViewerDep, period: str | None = None,
                        area: str | None = None, sector: str | None = None) -> Response:
    """导出 全县: the county workbook of the page's period (and 片区)."""
    require(viewer, "全县概况")
    overview = await county.county_overview(db, period=_county_period(period, None, None),
                                            area=area or None, sector=sector or None)
    quarter = timeutil.quarter_of(overview.period.bounds[1] - timedelta(seconds=1))
    content = county.build_county_workbook(overview.rows, overview.period,
                                           await county.ranking(db, quarter=quarter), quarter)
    name = county.filename(overview.period)
    headers = {**SECURITY_HEADERS, "Content-Disposition":
               f"attachment; filename=\"county_{overview.period.key}.xlsx\"; "
               f"filename*=UTF-8''{quote(name, safe='')}"}
    return Response(content, media_type=XLSX, headers=headers)


@router.post("/county/group")
async def county_group(request: Request, viewer: ViewerDep) -> Response:
    """A branch's 片区 and 行业, set on the county page (as 设置片区 / 设置行业 in chat)."""
    require(viewer, "设置分组")
    form = await _urlencoded(request)
    await _check_csrf(request, viewer, form.get("csrf", ""))
    async with writing() as db:
        branch = await db.get(Branch, int(form["branch"])) if form.get("branch", "").isdigit() else None
        if branch is None:
            raise PageError(404, "没有这个支部", "请从全县概况页面选择支部。")
        try:
            if form.get("area", "").strip():
                await county.set_area(db, branch=branch, area=form["area"])
            if form.get("sector", "").strip():
                await county.set_sector(db, branch=branch, sector=form["sector"])
        except DomainError as error:
            raise PageError(400, "没有保存", error.reply) from error
        await db.commit()
    return RedirectResponse(f"{PREFIX}/", status_code=303)


def _county_period(period: str | None, start: str | None, end: str | None) -> county.CountyPeriod:
    text = f"{start}~{end}" if start and end else period
    try:
        return county.parse_county_period(text)
    except DomainError as error:
        raise PageError(400, "时间写法不对", error.message + " 例如：本月、2026Q4、2026-11") from error


@router.get("/b/{bid}/")
async def branch_home(ctx: CtxDep) -> Response:
    """A branch's overview with charts."""
    return html(await pages.overview_page(ctx))


@router.get("/b/{bid}/sessions")
async def sessions_page(ctx: CtxDep, period: str | None = None, kind: str | None = None) -> Response:
    """Meetings of every kind (or one) with attendance, minutes, photos and the rhythm table."""
    if kind and kind not in {k.value for k in SessionKind}:
        raise PageError(400, "没有这种会议", "请从“会议类型”里选。")
    return html(await pages.meetings_page(ctx, _period(period), kind or None))


@router.get("/b/{bid}/photo/{pid}")
async def meeting_photo(ctx: CtxDep, pid: int) -> Response:
    """A meeting photo of this branch (the login and branch checks are CtxDep's)."""
    found = await meetings.photo_file(ctx.db, branch_id=ctx.branch.id or 0, photo_id=pid)
    if found is None:
        raise PageError(404, "没有这张照片", "请从“三会一课”页面查看。")
    path, media_type = found
    return Response(path.read_bytes(), media_type=media_type,
                    headers={**SECURITY_HEADERS, "Cache-Control": "private, max-age=3600"})


@router.get("/b/{bid}/volunteer")
async def volunteer_page(ctx: CtxDep, period: str | None = None) -> Response:
    """Volunteer needs and claims."""
    return html(await pages.volunteer_page(ctx, _period(period)))


@router.get("/b/{bid}/suggestions")
async def suggestions_page(ctx: CtxDep, period: str | None = None) -> Response:
    """Suggestions (anonymous authors shown as 匿名)."""
    return html(await pages.suggestions_page(ctx, _period(period)))


@router.get("/b/{bid}/notices")
async def notices_page(ctx: CtxDep, period: str | None = None) -> Response:
    """Notices with their reach (who not yet, by name)."""
    return html(await pages.notices_page(ctx, _period(period)))


@router.get("/b/{bid}/points")
async def points_page(ctx: CtxDep, period: str | None = None, member: str | None = None,
                      kind: str | None = None) -> Response:
    """Points totals and the ledger, filtered by member and kind."""
    member_id = int(member) if member and member.isdigit() else None
    kinds = {k.value: k for k in LedgerKind}
    return html(await pages.points_page(ctx, _period(period), member_id, kinds.get(kind or "")))


@router.get("/b/{bid}/roster")
async def roster_page(ctx: CtxDep) -> Response:
    """Members, with the Excel import form."""
    require(ctx.viewer, "成员名册")
    return html(await pages.roster_page(ctx))


@router.get("/b/{bid}/review")
async def review_download(ctx: CtxDep, year: int) -> Response:
    """A year's 民主评议 grades as .xlsx: the 成员名册 page's viewers only (never county staff)."""
    require(ctx.viewer, "成员名册")
    try:
        summary = await meetings.review_results(ctx.db, branch_id=ctx.branch.id or 0, year=year)
    except DomainError as error:
        raise PageError(404, "没有这次民主评议", error.message) from error
    rows = [[m.name, g.label] for m, g in summary.graded] + [[m.name, "未登记"] for m in summary.pending]
    content = report.build_workbook(f"{ctx.branch.name} {year}年度民主评议党员结果", ["姓名", "等次"],
                                    [16, 12], rows)
    name = f"{ctx.branch.name}_民主评议_{year}.xlsx"
    headers = {**SECURITY_HEADERS, "Content-Disposition":
               f"attachment; filename=\"review_{year}.xlsx\"; filename*=UTF-8''{quote(name, safe='')}"}
    return Response(content, media_type=XLSX, headers=headers)


@router.post("/b/{bid}/roster/import")
async def roster_import(request: Request, ctx: CtxDep) -> Response:
    """Import members from an uploaded .xlsx (姓名, 类别, 原单位)."""
    require(ctx.viewer, "导入成员")
    # The access check read on the read-only session: no write lock is held while the upload
    # arrives and is parsed (import_members parses before its first statement).
    fields = parse_multipart(request.headers.get("content-type", ""), await _read_body(request))
    await _check_csrf(request, ctx.viewer, fields.get("csrf", b"").decode("utf-8", "replace"))
    content = fields.get("file", b"")
    if not content:
        return html(await pages.roster_page(ctx, error="请先选择要导入的 Excel 文件。"), 400)
    async with writing() as db:
        try:
            result = await report.import_members(db, branch_id=ctx.branch.id or 0, content=content)
        except DomainError as error:  # nothing was written; the session closes without a commit
            return html(await pages.roster_page(ctx, error=error.reply), 400)
        # The page shows the new roster, so it is read in the import's own transaction.
        body = await pages.roster_page(replace(ctx, db=db), result=result)
        await db.commit()
    return html(body)


@router.get("/b/{bid}/exports")
async def exports_page(ctx: CtxDep, period: str | None = None) -> Response:
    """The four ledgers as downloads."""
    return html(pages.exports_page(ctx, _period(period)))


@router.get("/b/{bid}/export/{kind}")
async def download(ctx: CtxDep, kind: str, period: str | None = None) -> Response:
    """One ledger as .xlsx."""
    try:
        export_kind = ExportKind(kind)
    except ValueError as error:
        raise PageError(404, "没有这种台账", "请从“导出”页面下载。") from error
    export = await report.build_export(ctx.db, branch=ctx.branch, kind=export_kind,
                                       period=_period(period))
    name = f"{ctx.branch.name}_{export.filename}"
    headers = {**SECURITY_HEADERS, "Content-Disposition":
               f"attachment; filename=\"{export.kind.value}_{export.period.key}.xlsx\"; "
               f"filename*=UTF-8''{quote(name, safe='')}"}
    return Response(export.content, media_type=XLSX, headers=headers)


@router.get("/b/{bid}/care")
async def care_page(ctx: CtxDep, period: str | None = None) -> Response:
    """The care list and visits (health data): the branch's own secretary only."""
    _require_care(ctx)
    return html(await pages.care_page(ctx, _period(period)))


@router.get("/b/{bid}/care/ledger")
async def care_ledger(ctx: CtxDep, period: str | None = None) -> Response:
    """The 走访慰问台账 as .xlsx."""
    _require_care(ctx)
    chosen = _period(period)
    filename, content = await report.care_ledger(ctx.db, branch=ctx.branch, period=chosen)
    name = f"{ctx.branch.name}_{filename}"
    headers = {**SECURITY_HEADERS, "Content-Disposition":
               f"attachment; filename=\"care_{chosen.key}.xlsx\"; "
               f"filename*=UTF-8''{quote(name, safe='')}"}
    return Response(content, media_type=XLSX, headers=headers)


def _require_care(ctx: pages.Ctx) -> None:
    if not pages.may_see_care(ctx):
        raise PageError(403, "无权查看", "关爱慰问记录只有本支部书记能看。")


def _period(text: str | None) -> Period:
    try:
        return parse_period(text)
    except DomainError as error:
        raise PageError(400, "时间写法不对", error.message + " 例如：2026Q4") from error
