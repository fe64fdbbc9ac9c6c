"""Who may take a name on the roster: 报到 of a pre-registered or office-holding name.

A member the secretary put on the roster (添加成员, the roster import, an office given by name) with
no chat account on this platform is not taken by whoever sends `报到 <name>` first — that sender
could then sign in for them, or act as the 书记 the name was made. The sender gets it only:
- with the secretary's confirmation: their 报到 leaves a request and the secretary is told; the
  secretary answers `确认报到 <name>` (for the 书记's own name, or a branch without a secretary who
  has 报到'd: a 管理员); or
- with a 报到码: the secretary sends `报到码 <name>` privately, hands the six digits to the member
  (in person, by phone), and the member sends `报到 <name> <six digits>`.
A name not on the roster is created and linked at once, as before.

The code: secrets.randbelow, kept only as a salted PBKDF2 hash, compared in constant time, valid 24
hours, voided after WRONG_TRIES_MAX wrong tries; a use is one conditional UPDATE in the transaction
that links the account (used_at IS NULL, unexpired, tries left), so it is used once even when two
arrive together. A new code voids the member's earlier ones.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, NotFound
from core.roles import Role
from db.models import ChatAccount, Member
from db.models.registration import RegistrationCode, RegistrationRequest

CODE_DIGITS = 6
CODE_VALID = timedelta(hours=24)
WRONG_TRIES_MAX = 5
REQUEST_VALID = timedelta(days=7)
"""A 报到 waiting longer than this is no longer confirmed (the member sends 报到 again)."""
_ITERATIONS = 100_000


class Approver(StrEnum):
    """Who confirms a 报到 of this name."""

    SECRETARY = "书记"
    SUPERUSER = "管理员"


class Outcome(StrEnum):
    """What a 报到 of a name already on the roster came to."""

    LINKED = "linked"
    WAITING = "waiting"
    """A request was left; the approver is told."""
    WRONG_CODE = "wrong_code"
    NO_CODE = "no_code"
    """A code was given, but the name has no live code (none made, used, expired or worn out)."""


@dataclass(frozen=True)
class Claim:
    """The outcome of 报到 of a pre-registered name."""

    outcome: Outcome
    approver: Approver
    tries_left: int = 0
    secretary_user_id: str | None = None
    """The secretary's account to tell of a waiting request (None: tell the 管理员)."""


_WITH_CODE = re.compile(rf"(.*?\D)\s*(\d{{{CODE_DIGITS}}})")


def split_code(text: str) -> tuple[str, str | None]:
    """`张三 123456` (or `张三123456`) → the name and the 报到码; a name alone → (name, None)."""
    found = _WITH_CODE.fullmatch(text.strip())
    if found is None:
        return text.strip(), None
    return found[1].strip(), found[2]


def _hash(code: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", code.encode(), bytes.fromhex(salt), _ITERATIONS).hex()


async def _linked(db: AsyncSession, member: Member, platform: str) -> ChatAccount | None:
    return (await db.exec(select(ChatAccount).where(
        ChatAccount.member_id == member.id, ChatAccount.platform == platform))).first()


async def _secretary_account(db: AsyncSession, *, branch_id: int, platform: str,
                             other_than: Member) -> str | None:
    """The user id of the branch's secretary, when that is someone else who has 报到'd."""
    row = (await db.exec(
        select(ChatAccount.user_id).join(Member, col(Member.id) == col(ChatAccount.member_id))
        .where(Member.branch_id == branch_id, Member.role == int(Role.SECRETARY),
               Member.id != other_than.id, ChatAccount.platform == platform))).first()
    return row


async def approver_of(db: AsyncSession, member: Member, platform: str) -> tuple[Approver, str | None]:
    """Who confirms a 报到 of this member's name, and the secretary's account to tell."""
    secretary = await _secretary_account(db, branch_id=member.branch_id, platform=platform,
                                         other_than=member)
    return (Approver.SECRETARY, secretary) if secretary else (Approver.SUPERUSER, None)


async def claim_pre_registered(
    db: AsyncSession, *, member: Member, platform: str, user_id: str, nickname: str | None,
    group_id: str | None, code: str | None,
) -> Claim:
    """报到 of a member already on the roster without an account: link with a right code, or
    leave a request for the approver (a wrong code counts against the code)."""
    approver, secretary = await approver_of(db, member, platform)
    if code is not None:
        return await _use_code(db, member=member, platform=platform, user_id=user_id, code=code,
                               approver=approver)
    existing = (await db.exec(select(RegistrationRequest).where(
        RegistrationRequest.member_id == member.id, RegistrationRequest.platform == platform,
        RegistrationRequest.user_id == user_id))).first()
    request = existing or RegistrationRequest(branch_id=member.branch_id, member_id=member.id or 0,
                                              platform=platform, user_id=user_id)
    request.nickname, request.group_id, request.requested_at = nickname, group_id, timeutil.now()
    db.add(request)
    await db.flush()
    return Claim(Outcome.WAITING, approver, secretary_user_id=secretary)


async def _use_code(db: AsyncSession, *, member: Member, platform: str, user_id: str, code: str,
                    approver: Approver) -> Claim:
    now = timeutil.now()
    live = (await db.exec(select(RegistrationCode).where(
        RegistrationCode.member_id == member.id, col(RegistrationCode.used_at).is_(None),
        col(RegistrationCode.expires_at) > now,
        col(RegistrationCode.wrong_tries) < WRONG_TRIES_MAX,
    ).order_by(col(RegistrationCode.id).desc()))).first()
    if live is None:
        return Claim(Outcome.NO_CODE, approver)
    if not hmac.compare_digest(_hash(code, live.salt), live.code_hash):
        left = WRONG_TRIES_MAX - live.wrong_tries - 1
        await db.exec(update(RegistrationCode).where(col(RegistrationCode.id) == live.id)
                      .values(wrong_tries=col(RegistrationCode.wrong_tries) + 1))
        return Claim(Outcome.WRONG_CODE, approver, tries_left=left)
    used = await db.exec(update(RegistrationCode).where(
        col(RegistrationCode.id) == live.id, col(RegistrationCode.used_at).is_(None),
        col(RegistrationCode.expires_at) > now, col(RegistrationCode.wrong_tries) < WRONG_TRIES_MAX,
    ).values(used_at=now, used_by=f"{platform}:{user_id}"))
    if used.rowcount != 1:  # used by a concurrent 报到 a moment ago
        return Claim(Outcome.NO_CODE, approver)
    return Claim(Outcome.LINKED, approver)


async def issue_code(db: AsyncSession, *, member: Member, platform: str, by: Member | None) -> str:
    """报到码: a fresh six-digit code for this member (earlier ones void); the digits are returned
    once and kept only hashed."""
    if await _linked(db, member, platform) is not None:
        raise Conflict(f"{member.name} 已经报到了，不需要报到码。")
    now = timeutil.now()
    await db.exec(update(RegistrationCode).where(
        col(RegistrationCode.member_id) == member.id, col(RegistrationCode.used_at).is_(None),
        col(RegistrationCode.expires_at) > now).values(expires_at=now))
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    salt = secrets.token_hex(16)
    db.add(RegistrationCode(branch_id=member.branch_id, member_id=member.id or 0,
                            code_hash=_hash(code, salt), salt=salt, expires_at=now + CODE_VALID,
                            created_by=by.id if by else None, created_at=now))
    await db.flush()
    return code


@dataclass(frozen=True)
class Confirmed:
    """确认报到: the member now linked, and the request it came from."""

    member: Member
    request: RegistrationRequest


async def pending_requests(db: AsyncSession, *, member: Member) -> list[RegistrationRequest]:
    """The member's 报到 requests still waiting (newest first)."""
    since = timeutil.now() - REQUEST_VALID
    return list((await db.exec(select(RegistrationRequest).where(
        RegistrationRequest.member_id == member.id, col(RegistrationRequest.requested_at) > since,
    ).order_by(col(RegistrationRequest.requested_at).desc()))).all())


async def confirm_registration(db: AsyncSession, *, member: Member, platform: str,
                               user_id: str | None, example: str) -> Confirmed:
    """确认报到: link the account that asked for this name (the one named, when several asked)."""
    if (linked := await _linked(db, member, platform)) is not None:
        raise Conflict(f"{member.name} 已经报到了（QQ昵称“{linked.nickname or linked.user_id}”），"
                       "不需要再确认。")
    requests = [r for r in await pending_requests(db, member=member) if r.platform == platform]
    if user_id is not None:
        requests = [r for r in requests if r.user_id == user_id]
    if not requests:
        raise NotFound(f"没有人在等{member.name}的报到确认。请让本人在群里先发送：报到 {member.name}",
                       example)
    if len(requests) > 1:
        listed = "\n".join(f"{i}. QQ昵称“{r.nickname or '未知'}”，QQ {r.user_id}"
                           for i, r in enumerate(requests, 1))
        raise Conflict(f"有{len(requests)}个QQ要报到为{member.name}：\n{listed}\n"
                       f"请确认是哪一个，例如：确认报到 {member.name} {requests[0].user_id}")
    request = requests[0]
    other = (await db.exec(select(ChatAccount).where(
        ChatAccount.platform == platform, ChatAccount.user_id == request.user_id))).first()
    if other is not None:
        raise Conflict(f"这个QQ（{request.user_id}）已报到为别的成员，不能再关联{member.name}。")
    try:
        async with db.begin_nested():
            db.add(ChatAccount(platform=platform, user_id=request.user_id,
                               member_id=member.id or 0, nickname=request.nickname))
            await db.flush()
    except IntegrityError:  # linked a moment ago by a 报到码 or another 确认报到
        raise Conflict(f"{member.name} 刚刚已经报到了，不需要再确认。") from None
    await forget_requests(db, member=member)
    return Confirmed(member, request)


async def forget_requests(db: AsyncSession, *, member: Member) -> None:
    """The member is linked: their waiting requests are moot."""
    await db.exec(delete(RegistrationRequest).where(
        col(RegistrationRequest.member_id) == member.id))
