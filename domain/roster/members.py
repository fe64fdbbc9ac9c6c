"""Members and their chat accounts: 报到, 添加成员, finding the member a command names, 类别, 停用."""

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Conflict, InvalidInput, NotFound
from core.refs import PersonRef
from core.textparse import normalize
from db.models import Branch, ChatAccount, HealthCategory, Member, MemberStatus
from db.prepared import Prepared, adopt, model_defaults, run
from db.sql import upsert_insert
from db.tally import forget_tallies
from domain.roster.claiming import Claim, Outcome, claim_pre_registered, forget_requests
from domain.roster.words import check_name

_MEMBER: Any = Member.__table__  # type: ignore[attr-defined]
_ACCOUNT: Any = ChatAccount.__table__  # type: ignore[attr-defined]
_MEMBER_FIELDS = tuple(_MEMBER.columns.keys())
_ACCOUNT_FIELDS = tuple(c for c in _ACCOUNT.columns.keys() if c != "id")
_OF_ACCOUNT = Prepared(lambda _dialect: sa_select(*_MEMBER.columns).join(
    _ACCOUNT, _ACCOUNT.c.member_id == _MEMBER.c.id).where(
    _ACCOUNT.c.platform == bindparam("platform"), _ACCOUNT.c.user_id == bindparam("user_id")))
_BY_NAME = Prepared(lambda _dialect: sa_select(*_MEMBER.columns).where(
    _MEMBER.c.branch_id == bindparam("branch_id"), _MEMBER.c.name == bindparam("name")))


def _insert_or_ignore(dialect: str, table: Any, columns: tuple[str, ...],
                      key: list[str] | None = None) -> Any:
    """INSERT of these columns … ON CONFLICT [key] DO NOTHING RETURNING id (no row: the key was
    taken; without `key`, any unique key of the table)."""
    return (upsert_insert(dialect, table)
            .values(**{c: bindparam(c, type_=table.c[c].type) for c in columns})
            .on_conflict_do_nothing(index_elements=key).returning(table.c.id))


_NEW_MEMBER = Prepared(lambda dialect: _insert_or_ignore(
    dialect, _MEMBER, tuple(c for c in _MEMBER_FIELDS if c != "id"), ["branch_id", "name"]))
_NEW_ACCOUNT = Prepared(lambda dialect: _insert_or_ignore(dialect, _ACCOUNT, _ACCOUNT_FIELDS))
"""Prepared (db.prepared): every command that names a member, and 报到, which a whole branch
sends in its first hour. The inserts are `ON CONFLICT DO NOTHING`: a concurrent 报到 that won a
unique key returns no row (no savepoint needed to survive the conflict). The member's key is its
name in the branch; the account has two (the QQ, and one account per member and platform), and
either taken means a concurrent 报到 won."""


def _member(db: AsyncSession, row: Sequence[Any] | None) -> Member | None:
    return None if row is None else adopt(db, Member, dict(zip(_MEMBER_FIELDS, row, strict=True)))


async def member_of_account(db: AsyncSession, *, platform: str, user_id: str) -> Member | None:
    """The member a chat account is linked to."""
    params = {"platform": platform, "user_id": user_id}
    return _member(db, (await run(db, _OF_ACCOUNT, params)).first())


async def member_by_name(db: AsyncSession, *, branch_id: int, name: str) -> Member | None:
    """A member of this branch by exact registered name."""
    params = {"branch_id": branch_id, "name": normalize(name)}
    return _member(db, (await run(db, _BY_NAME, params)).first())


async def _new_member(db: AsyncSession, *, branch_id: int, name: str) -> Member | None:
    """A new member of this name; None when a concurrent 报到 (or 添加成员) took the name first."""
    values = {**model_defaults(Member), "branch_id": branch_id, "name": name}
    values.pop("id", None)
    new_id = (await run(db, _NEW_MEMBER, values)).scalar()
    return None if new_id is None else adopt(db, Member, {"id": new_id, **values})


async def _link(db: AsyncSession, *, platform: str, user_id: str, member_id: int,
                nickname: str | None) -> bool:
    """The account linked to the member; False when a unique key says a concurrent writer won
    (this account linked, or this member given another account, a moment ago)."""
    values = {"platform": platform, "user_id": user_id, "member_id": member_id,
              "nickname": nickname}
    values = {**model_defaults(ChatAccount), **values}
    values.pop("id", None)
    return (await run(db, _NEW_ACCOUNT, values)).scalar() is not None


async def resolve_member(
    db: AsyncSession, *, branch_id: int, platform: str, ref: PersonRef, example: str
) -> Member:
    """The member of this branch a command names (by @ or by name); NotFound otherwise."""
    if ref.user_id is not None:
        member = await member_of_account(db, platform=platform, user_id=ref.user_id)
        if member is None or member.branch_id != branch_id:
            raise NotFound("被@的人还没有在本支部报到，请先让他发送：报到 姓名。", example)
        return member
    member = await member_by_name(db, branch_id=branch_id, name=ref.name or "")
    if member is None:
        raise NotFound(f"本支部没有叫“{ref.name}”的成员。可发送“成员列表”查看。", example)
    return member


async def resolve_members(
    db: AsyncSession, *, branch_id: int, platform: str, refs: list[PersonRef], example: str
) -> tuple[list[Member], list[str]]:
    """The members a command names (each once, in order), and the names not found."""
    found: list[Member] = []
    unknown: list[str] = []
    for ref in refs:
        try:
            member = await resolve_member(db, branch_id=branch_id, platform=platform, ref=ref,
                                          example=example)
        except NotFound:
            unknown.append(str(ref))
            continue
        if all(m.id != member.id for m in found):
            found.append(member)
    return found, unknown


class Registration(NamedTuple):
    """The outcome of 报到: the member, whether the record was created (not found by name), and
    for a name already on the roster without an account, how its claim went (claiming.py)."""

    member: Member
    created: bool
    claim: Claim | None = None

    @property
    def linked(self) -> bool:
        """The account is now the member's."""
        return self.claim is None or self.claim.outcome == Outcome.LINKED


async def register(
    db: AsyncSession, *, branch_id: int, platform: str, user_id: str, name: str,
    nickname: str | None, code: str | None = None, group_id: str | None = None,
) -> Registration:
    """报到: link the account to this branch's member of that name, created if new. A name already
    on the roster without an account (pre-registered, or given an office) is linked only with its
    报到码 (`code`); otherwise a request waits for the secretary's 确认报到 (claiming.py).

    An account already linked raises Conflict naming who it is, with or without a name (a bare
    `报到` from a registered member is how they ask who they are registered as).
    """
    existing = await member_of_account(db, platform=platform, user_id=user_id)
    if existing is not None:
        raise await _already_registered(db, existing)
    if not normalize(name):
        raise InvalidInput("请写上您的姓名。", "报到 张三")
    name = check_name(name, "报到 张三")
    member = await member_by_name(db, branch_id=branch_id, name=name)
    created = member is None
    if member is None and code is not None:
        raise NotFound(f"本支部名册里没有“{name}”，报到码对不上。请核对姓名，"
                       f"或不写报到码直接报到：报到 {name}", f"报到 {name}")
    if member is None:
        member = await _new_member(db, branch_id=branch_id, name=name)
        if member is None:  # the same name registered at the same moment
            created, member = False, await member_by_name(db, branch_id=branch_id, name=name)
            assert member is not None
    assert member.id is not None  # flushed
    taken = Conflict(f"“{name}”已由另一个账号报到。如有同名或登记错误，请联系支部书记。")
    if not created and (await db.exec(select(ChatAccount).where(
            ChatAccount.member_id == member.id, ChatAccount.platform == platform))).first():
        raise taken
    claim = None
    if not created:  # on the roster already: the secretary's confirmation, or its 报到码
        claim = await claim_pre_registered(db, member=member, platform=platform, user_id=user_id,
                                           nickname=nickname, group_id=group_id, code=code)
        if claim.outcome != Outcome.LINKED:
            return Registration(member, created, claim)
    if not await _link(db, platform=platform, user_id=user_id, member_id=member.id,
                       nickname=nickname):
        # A concurrent 报到 linked this account, or another account took this member, first.
        existing = await member_of_account(db, platform=platform, user_id=user_id)
        raise await _already_registered(db, existing) if existing else taken
    if claim is not None:
        await forget_requests(db, member=member)
    return Registration(member, created, claim)


async def _already_registered(db: AsyncSession, member: Member) -> Conflict:
    branch = await db.get(Branch, member.branch_id)
    return Conflict(f"您已报到，登记为“{member.name}”（{branch.name if branch else ''}），无需重复报到。"
                    "如登记有误，请联系支部书记。")


async def add_member(
    db: AsyncSession, *, branch_id: int, name: str, category: HealthCategory
) -> Member:
    """添加成员: a member with no chat account yet."""
    name = check_name(name, "添加成员 李四 适当参加")
    if await member_by_name(db, branch_id=branch_id, name=name) is not None:
        raise Conflict(f"本支部已有成员“{name}”。同名时请加以区分，例如：李四（水利局）。")
    member = Member(branch_id=branch_id, name=name, category=category)
    db.add(member)
    await db.flush()
    return member


async def active_members(db: AsyncSession, *, branch_id: int) -> list[Member]:
    """Members who count anywhere (not 停用)."""
    stmt = select(Member).where(
        Member.branch_id == branch_id, Member.status == MemberStatus.ACTIVE
    ).order_by(col(Member.id))
    return list((await db.exec(stmt)).all())


async def set_category(db: AsyncSession, *, member: Member, category: HealthCategory) -> None:
    """设置类别."""
    member.category = category
    db.add(member)
    await db.flush()
    await forget_tallies(db, branch_id=member.branch_id)  # 应到 of the branch's meetings


async def set_status(
    db: AsyncSession, *, member: Member, active: bool, reason: str | None = None
) -> None:
    """停用成员 / 启用成员: history stays; an inactive member is never expected anywhere."""
    wanted = MemberStatus.ACTIVE if active else MemberStatus.INACTIVE
    if member.status == wanted:
        raise Conflict(f"{member.name} 已经是{'启用' if active else '停用'}状态。")
    member.status, member.status_reason = wanted, (None if active else (reason or None))
    db.add(member)
    await db.flush()
    await forget_tallies(db, branch_id=member.branch_id)  # 应到 of the branch's meetings
