"""Dashboard access: signed, expiring, single-use login links and the sessions they open.

Only SHA-256 digests are stored, so a database leak does not hand out logins. No nonebot import.
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
from core.roles import Role
from db.models import Member, MemberStatus
from db.models.report import LoginToken, WebSession

_process_key = secrets.token_bytes(32)


def new_token() -> str:
    """A fresh random secret (tests replace this to get stable links)."""
    return secrets.token_urlsafe(24)


def digest(value: str) -> str:
    """SHA-256 hex of a token or cookie value: what the tables store."""
    return hashlib.sha256(value.encode()).hexdigest()


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
    session: AsyncSession, *, platform: str, user_id: str, member_id: int | None,
    branch_id: int | None, secret: str, minutes: int, next_path: str | None = None,
) -> str:
    """Store a login token (branch None = every branch) and return its signed form; caller commits."""
    await prune(session)
    raw = new_token()
    session.add(LoginToken(
        token_hash=digest(raw), platform=platform, user_id=user_id, member_id=member_id,
        branch_id=branch_id, next_path=next_path,
        expires_at=timeutil.now() + timedelta(minutes=minutes),
    ))
    await session.flush()
    return sign(raw, secret)


async def prune(session: AsyncSession) -> None:
    """Forget tokens expired over a day ago and sessions already expired (kept short for audits)."""
    moment = timeutil.now()
    await session.exec(delete(LoginToken).where(  # type: ignore[call-overload]
        col(LoginToken.expires_at) < moment - timedelta(days=1)))
    await session.exec(delete(WebSession).where(  # type: ignore[call-overload]
        col(WebSession.expires_at) < moment))


async def peek(session: AsyncSession, token: str, secret: str) -> LoginToken | None:
    """The login a token would open (signed, unexpired, unused), without using it up."""
    raw = unsign(token, secret)
    if raw is None:
        return None
    stmt = select(LoginToken).where(
        LoginToken.token_hash == digest(raw), col(LoginToken.used_at).is_(None),
        LoginToken.expires_at > timeutil.now())
    return (await session.exec(stmt)).first()


async def redeem(session: AsyncSession, token: str, secret: str) -> LoginToken | None:
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
    result = await session.exec(stmt)  # type: ignore[call-overload]
    if result.rowcount != 1:
        return None
    return (await session.exec(select(LoginToken).where(LoginToken.token_hash == digest(raw)))).one()


@dataclass(frozen=True)
class Viewer:
    """Who is looking at the dashboard: branch_id None means every branch (superuser)."""

    session_id: int
    name: str
    branch_id: int | None
    csrf: str

    @property
    def is_county(self) -> bool:
        """Sees every branch and the county overview."""
        return self.branch_id is None

    def may_see(self, branch_id: int) -> bool:
        """A secretary sees their own branch only."""
        return self.branch_id is None or self.branch_id == branch_id


async def open_session(session: AsyncSession, login: LoginToken, hours: int) -> tuple[str, WebSession]:
    """A browser session for a redeemed login; returns the cookie value; caller commits."""
    cookie = secrets.token_urlsafe(32)
    member = await session.get(Member, login.member_id) if login.member_id else None
    row = WebSession(
        session_hash=digest(cookie), csrf=secrets.token_urlsafe(24),
        name=member.name if member else "管理员", member_id=login.member_id,
        branch_id=login.branch_id, expires_at=timeutil.now() + timedelta(hours=hours),
    )
    session.add(row)
    await session.flush()
    return cookie, row


async def viewer_of(session: AsyncSession, cookie: str | None) -> Viewer | None:
    """The signed-in viewer of a cookie; None when absent, expired, or no longer an active secretary."""
    if not cookie:
        return None
    row = (await session.exec(select(WebSession).where(
        WebSession.session_hash == digest(cookie), WebSession.expires_at > timeutil.now()))).first()
    if row is None or row.id is None:
        return None
    if row.branch_id is not None:
        member = await session.get(Member, row.member_id) if row.member_id else None
        if (member is None or member.branch_id != row.branch_id or member.role < Role.SECRETARY
                or member.status != MemberStatus.ACTIVE):
            return None
    return Viewer(row.id, row.name, row.branch_id, row.csrf)


async def close_session(session: AsyncSession, viewer: Viewer) -> None:
    """Sign out: the cookie stops working at once; caller commits."""
    row = await session.get(WebSession, viewer.session_id)
    if row is not None:
        await session.delete(row)
        await session.flush()
