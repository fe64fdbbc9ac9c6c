"""Dashboard access: signed, expiring, single-use login links and the browser sessions they open.

Who may hold a dashboard session is the permission table's row for 后台, checked again on every
request (a demoted or deactivated secretary loses it at once). Only SHA-256 digests are stored,
so a database leak does not hand out logins.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import PermissionDenied
from core.roles import Role
from db.models import CountyStaff, Member, MemberStatus
from db.models.report import LoginToken, WebSession
from domain.permissions import page_allowed, permission

DASHBOARD = permission("后台")
"""The table's row for 后台: who may get a login link, and so who may keep a dashboard session."""

_process_key = secrets.token_bytes(32)


def new_token() -> str:
    """A fresh random secret (tests replace this to get stable links)."""
    return secrets.token_urlsafe(24)


def digest(value: str) -> str:
    """SHA-256 hex of a token or cookie value: what the tables store."""
    return hashlib.sha256(value.encode()).hexdigest()


def may_use_dashboard(member: Member) -> bool:
    """An active member whose role the 后台 row allows (links are handed out in private chat)."""
    return member.status == MemberStatus.ACTIVE and DASHBOARD.allows(
        Role(member.role), private=True, registered=True)


def link_scope(role: Role, branch_id: int | None, *, county: bool = False) -> int | None:
    """The branch a login link opens: every branch (None, the county view) for a superuser or
    county staff, else the caller's own (never every branch by accident: one without is refused)."""
    if role == Role.SUPERUSER or county:
        return None
    if branch_id is None:
        raise PermissionDenied("后台只对支部书记和管理员开放。")
    return branch_id


def _key(secret: str) -> bytes:
    return secret.encode() if secret else _process_key


def sign(raw: str, secret: str) -> str:
    """'raw.signature': the link carries both; a forged or altered one fails before any lookup."""
    mac = hmac.new(_key(secret), raw.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{raw}.{mac}"


def unsign(token: str, secret: str) -> str | None:
    """The raw part of a correctly signed token, else None."""
    raw, _, mac = token.rpartition(".")
    # Bytes: compare_digest refuses str with non-ASCII characters (a 500 for a pasted Chinese link).
    if not raw or not hmac.compare_digest(sign(raw, secret).encode(), token.encode()):
        return None
    return raw


async def issue_link_token(
    db: AsyncSession, *, platform: str, user_id: str, member_id: int | None,
    branch_id: int | None, secret: str, minutes: int, next_path: str | None = None,
    county_staff_id: int | None = None,
) -> str:
    """Store a login token (branch None = every branch; county staff: read-only) and return its
    signed form; caller commits."""
    await prune(db)
    raw = new_token()
    db.add(LoginToken(
        token_hash=digest(raw), platform=platform, user_id=user_id, member_id=member_id,
        branch_id=branch_id, next_path=next_path, county_staff_id=county_staff_id,
        expires_at=timeutil.now() + timedelta(minutes=minutes),
    ))
    await db.flush()
    return sign(raw, secret)


async def prune(db: AsyncSession) -> None:
    """Forget tokens expired over a day ago and sessions already expired (kept short for audits)."""
    moment = timeutil.now()
    await db.exec(delete(LoginToken).where(col(LoginToken.expires_at) < moment - timedelta(days=1)))
    await db.exec(delete(WebSession).where(col(WebSession.expires_at) < moment))


async def peek(db: AsyncSession, *, token: str, secret: str) -> LoginToken | None:
    """The login a token would open (signed, unexpired, unused), without using it up."""
    raw = unsign(token, secret)
    if raw is None:
        return None
    stmt = select(LoginToken).where(
        LoginToken.token_hash == digest(raw), col(LoginToken.used_at).is_(None),
        LoginToken.expires_at > timeutil.now())
    return (await db.exec(stmt)).first()


async def redeem(db: AsyncSession, *, token: str, secret: str) -> LoginToken | None:
    """The login behind a valid, unexpired, unused token, marked used in the same statement."""
    raw = unsign(token, secret)
    if raw is None:
        return None
    moment = timeutil.now()
    # Single use without a race: only the request whose UPDATE changes the row gets in.
    stmt = (
        update(LoginToken)
        .where(col(LoginToken.token_hash) == digest(raw), col(LoginToken.used_at).is_(None),
               col(LoginToken.expires_at) > moment)
        .values(used_at=moment)
    )
    result = await db.exec(stmt)
    if result.rowcount != 1:
        return None
    return (await db.exec(select(LoginToken).where(LoginToken.token_hash == digest(raw)))).one()


@dataclass(frozen=True)
class Viewer:
    """Who is looking at the dashboard: branch_id None means every branch (superuser, or county
    staff when county is set)."""

    session_id: int
    name: str
    branch_id: int | None
    csrf: str
    county: bool = False
    """County staff (县级管理员): every branch, read-only, counts only."""

    @property
    def is_county(self) -> bool:
        """Sees every branch and the county overview."""
        return self.branch_id is None

    @property
    def role(self) -> Role:
        """The role the permission table's dashboard rows are checked with."""
        if self.county:
            return Role.GUEST
        return Role.SUPERUSER if self.branch_id is None else Role.SECRETARY

    @property
    def title(self) -> str:
        """管理员 / 县级管理员 / 支部书记, after the viewer's name."""
        return "县级管理员" if self.county else self.role.label

    def may(self, page: str) -> bool:
        """Whether this viewer may open or use a dashboard page (domain/permissions.py PAGES)."""
        return page_allowed(page, self.role, county=self.county)

    def may_see(self, branch_id: int) -> bool:
        """A secretary sees their own branch only."""
        return self.branch_id is None or self.branch_id == branch_id


async def open_session(db: AsyncSession, *, login: LoginToken, hours: int) -> tuple[str, WebSession]:
    """A browser session for a redeemed login; returns the cookie value; caller commits."""
    cookie = secrets.token_urlsafe(32)
    member = await db.get(Member, login.member_id) if login.member_id else None
    staff = await db.get(CountyStaff, login.county_staff_id) if login.county_staff_id else None
    name = (staff.name if staff else None) or (member.name if member else None)
    row = WebSession(
        session_hash=digest(cookie), csrf=secrets.token_urlsafe(24),
        name=name or ("县级管理员" if staff else "管理员"), member_id=login.member_id,
        branch_id=login.branch_id, county_staff_id=login.county_staff_id,
        expires_at=timeutil.now() + timedelta(hours=hours),
    )
    db.add(row)
    await db.flush()
    return cookie, row


async def viewer_of(db: AsyncSession, *, cookie: str | None) -> Viewer | None:
    """The signed-in viewer of a cookie; None when absent, expired, or no longer allowed 后台."""
    if not cookie:
        return None
    row = (await db.exec(select(WebSession).where(
        WebSession.session_hash == digest(cookie), WebSession.expires_at > timeutil.now()))).first()
    if row is None or row.id is None:
        return None
    if row.county_staff_id is not None:  # removed county staff lose the dashboard at once
        staff = await db.get(CountyStaff, row.county_staff_id)
        if staff is None or not staff.active:
            return None
    elif row.branch_id is not None:
        member = await db.get(Member, row.member_id) if row.member_id else None
        if member is None or member.branch_id != row.branch_id or not may_use_dashboard(member):
            return None
    return Viewer(row.id, row.name, row.branch_id, row.csrf, row.county_staff_id is not None)


async def close_session(db: AsyncSession, *, viewer: Viewer) -> None:
    """Sign out: the cookie stops working at once; caller commits."""
    row = await db.get(WebSession, viewer.session_id)
    if row is not None:
        await db.delete(row)
        await db.flush()
