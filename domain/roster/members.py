"""Branches, group binding, members, chat accounts and roles. No nonebot import here."""

import re
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Conflict, InvalidInput, NotFound
from core.refs import PersonRef
from core.roles import Role
from core.textparse import normalize
from db.models import Branch, ChatAccount, GroupBinding, HealthCategory, Member, MemberStatus

CATEGORY_WORDS = {
    "正常活动": HealthCategory.NORMAL, "正常": HealthCategory.NORMAL,
    "适当参加活动": HealthCategory.LIMITED, "适当参加": HealthCategory.LIMITED,
    "适当": HealthCategory.LIMITED,
    "不能参加活动": HealthCategory.UNABLE, "不能参加": HealthCategory.UNABLE,
    "不能": HealthCategory.UNABLE,
}
NAME_MAX = 16
# Letters (any script), digits, the middle dot of minority names and brackets to tell
# namesakes apart (李四(水利局)); no punctuation that could be markup or a command.
_NAME = re.compile(r"^(?:[^\W_]|[·()])+$")


def parse_category(word: str, example: str) -> HealthCategory:
    """'正常活动' / '适当参加' / '不能参加' (and 活动 suffix variants) → HealthCategory."""
    category = CATEGORY_WORDS.get(normalize(word))
    if category is None:
        raise InvalidInput(f"类别“{word}”不对，只能是：正常活动、适当参加、不能参加。", example)
    return category


def check_name(name: str, example: str) -> str:
    """A member name: 1–16 characters, no spaces or @."""
    name = normalize(name)
    if not name or len(name) > NAME_MAX or not _NAME.match(name) or name.isdigit():
        raise InvalidInput(f"姓名“{name}”不合适：应为1到{NAME_MAX}个字，不含空格和符号。", example)
    return name


async def _insert(session: AsyncSession, row: object) -> bool:
    """Insert under a savepoint; False when a unique constraint says a concurrent writer won."""
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return False
    return True


async def binding_of(session: AsyncSession, platform: str, group_id: str) -> GroupBinding | None:
    """The branch binding of a group, if any."""
    stmt = select(GroupBinding).where(
        GroupBinding.platform == platform, GroupBinding.group_id == group_id
    )
    return (await session.exec(stmt)).first()


async def bind_group(
    session: AsyncSession, *, platform: str, group_id: str, self_id: str, branch_name: str,
    by: str, confirm: bool,
) -> tuple[Branch, Branch | None]:
    """Bind a group to a branch (created if new); returns (branch, previous branch if rebound)."""
    branch_name = normalize(branch_name)
    if not branch_name or len(branch_name) > 64:
        raise InvalidInput("请写上支部名称（64字以内）。", "绑定支部 城关镇离退休干部第一党支部")
    branch = (await session.exec(select(Branch).where(Branch.name == branch_name))).first()
    if branch is None:
        branch = Branch(name=branch_name)
        session.add(branch)
        await session.flush()
    binding = await binding_of(session, platform, group_id)
    if binding is None:
        session.add(GroupBinding(platform=platform, group_id=group_id, branch_id=branch.id,
                                 self_id=self_id, bound_by=by))
        await session.flush()
        return branch, None
    if binding.branch_id == branch.id:
        raise Conflict(f"本群已经绑定“{branch.name}”，无需重复绑定。")
    previous = await session.get(Branch, binding.branch_id)
    if not confirm:
        raise Conflict(
            f"本群已绑定“{previous.name if previous else '?'}”。改绑会让本群以后的命令都归到新支部。\n"
            f"确认改绑请发送：绑定支部 {branch_name} 确认"
        )
    binding.branch_id, binding.bound_by, binding.self_id = branch.id, by, self_id
    session.add(binding)
    await session.flush()
    return branch, previous


async def account_of(session: AsyncSession, platform: str, user_id: str) -> ChatAccount | None:
    """The chat account row of a sender, if they have 报到'd."""
    stmt = select(ChatAccount).where(ChatAccount.platform == platform, ChatAccount.user_id == user_id)
    return (await session.exec(stmt)).first()


async def member_of_account(session: AsyncSession, platform: str, user_id: str) -> Member | None:
    """The member a chat account is linked to."""
    stmt = (
        select(Member)
        .join(ChatAccount, col(ChatAccount.member_id) == col(Member.id))
        .where(ChatAccount.platform == platform, ChatAccount.user_id == user_id)
    )
    return (await session.exec(stmt)).first()


async def member_by_name(session: AsyncSession, branch_id: int, name: str) -> Member | None:
    """A member of this branch by exact registered name."""
    stmt = select(Member).where(Member.branch_id == branch_id, Member.name == normalize(name))
    return (await session.exec(stmt)).first()


async def resolve_member(
    session: AsyncSession, branch_id: int, platform: str, ref: PersonRef, *, example: str
) -> Member:
    """The member of this branch a command names (by @ or by name); NotFound otherwise."""
    if ref.user_id is not None:
        member = await member_of_account(session, platform, ref.user_id)
        if member is None or member.branch_id != branch_id:
            raise NotFound("被@的人还没有在本支部报到，请先让他发送：报到 姓名。", example)
        return member
    member = await member_by_name(session, branch_id, ref.name or "")
    if member is None:
        raise NotFound(f"本支部没有叫“{ref.name}”的成员。可发送“成员列表”查看。", example)
    return member


async def register(
    session: AsyncSession, *, branch_id: int, platform: str, user_id: str, name: str,
    nickname: str | None,
) -> tuple[Member, bool]:
    """报到: link the account to this branch's member of that name (created if new).

    Returns (member, created). An account already linked raises Conflict naming who it is.
    """
    name = check_name(name, "报到 张三")
    existing = await member_of_account(session, platform, user_id)
    if existing is not None:
        raise await _already_registered(session, existing)
    member = await member_by_name(session, branch_id, name)
    created = member is None
    if member is None:
        member = Member(branch_id=branch_id, name=name)
        if not await _insert(session, member):  # the same name registered at the same moment
            created, member = False, await member_by_name(session, branch_id, name)
            assert member is not None
    taken = Conflict(f"“{name}”已由另一个账号报到。如有同名或登记错误，请联系支部书记。")
    if not created and (await session.exec(select(ChatAccount).where(
            ChatAccount.member_id == member.id, ChatAccount.platform == platform))).first():
        raise taken
    account = ChatAccount(platform=platform, user_id=user_id, member_id=member.id,
                          nickname=nickname)
    if not await _insert(session, account):
        # A concurrent 报到 linked this account, or another account took this member, first.
        existing = await member_of_account(session, platform, user_id)
        raise await _already_registered(session, existing) if existing else taken
    return member, created


async def _already_registered(session: AsyncSession, member: Member) -> Conflict:
    branch = await session.get(Branch, member.branch_id)
    return Conflict(f"您已报到，登记为“{member.name}”（{branch.name if branch else ''}），无需重复报到。"
                    "如登记有误，请联系支部书记。")


async def add_member(
    session: AsyncSession, *, branch_id: int, name: str, category: HealthCategory
) -> Member:
    """添加成员: a member with no chat account yet."""
    name = check_name(name, "添加成员 李四 适当参加")
    if await member_by_name(session, branch_id, name) is not None:
        raise Conflict(f"本支部已有成员“{name}”。同名时请加以区分，例如：李四（水利局）。")
    member = Member(branch_id=branch_id, name=name, category=category)
    session.add(member)
    await session.flush()
    return member


async def members(session: AsyncSession, branch_id: int) -> list[tuple[Member, bool]]:
    """All members of a branch (active first, then by id) with whether a chat account is linked."""
    linked = select(ChatAccount.member_id).where(ChatAccount.member_id == Member.id).exists()
    stmt = (
        select(Member, linked)
        .where(Member.branch_id == branch_id)
        .order_by(col(Member.status), col(Member.id))
    )
    return [(m, bool(has)) for m, has in (await session.exec(stmt)).all()]


async def active_members(session: AsyncSession, branch_id: int) -> list[Member]:
    """Members who count anywhere (not 停用)."""
    stmt = select(Member).where(
        Member.branch_id == branch_id, Member.status == MemberStatus.ACTIVE
    ).order_by(col(Member.id))
    return list((await session.exec(stmt)).all())


async def set_category(session: AsyncSession, member: Member, category: HealthCategory) -> None:
    """设置类别."""
    member.category = category
    session.add(member)
    await session.flush()


async def set_role(session: AsyncSession, member: Member, role: Role) -> Member | None:
    """Give a member a role; a new secretary replaces the old one, who becomes a committee member.

    Returns the previous secretary when one was replaced.
    """
    previous = None
    if role == Role.SECRETARY:
        stmt = select(Member).where(Member.branch_id == member.branch_id,
                                    Member.role == int(Role.SECRETARY), Member.id != member.id)
        for old in (await session.exec(stmt)).all():
            old.role = int(Role.COMMITTEE)
            session.add(old)
            previous = old
    member.role = int(role)
    session.add(member)
    await session.flush()
    return previous


async def set_status(
    session: AsyncSession, member: Member, active: bool, reason: str | None = None
) -> None:
    """停用成员 / 启用成员: history stays; an inactive member is never expected anywhere."""
    wanted = MemberStatus.ACTIVE if active else MemberStatus.INACTIVE
    if member.status == wanted:
        raise Conflict(f"{member.name} 已经是{'启用' if active else '停用'}状态。")
    member.status, member.status_reason = wanted, (None if active else (reason or None))
    session.add(member)
    await session.flush()


async def mark_in_group(session: AsyncSession, platform: str, user_id: str, present: bool) -> bool:
    """Record that an account joined or left the group; False when the account is unknown."""
    account = await account_of(session, platform, user_id)
    if account is None:
        return False
    account.in_group = present
    session.add(account)
    await session.flush()
    return True


@dataclass(frozen=True)
class BranchInfo:
    """What 支部信息 shows."""

    branch: Branch
    secretary: str | None
    committee: list[str]
    active: int
    inactive: int
    by_category: dict[HealthCategory, int]


async def branch_info(session: AsyncSession, branch_id: int) -> BranchInfo:
    """Branch name, secretary, committee, member counts by health category."""
    branch = await session.get(Branch, branch_id)
    if branch is None:
        raise NotFound("支部不存在。")
    rows = (await session.exec(select(Member).where(Member.branch_id == branch_id))).all()
    active = [m for m in rows if m.status == MemberStatus.ACTIVE]
    by_category = {c: 0 for c in HealthCategory}
    for member in active:
        by_category[HealthCategory(member.category)] += 1
    secretary = next((m.name for m in active if m.role == Role.SECRETARY), None)
    committee = [m.name for m in active if m.role == Role.COMMITTEE]
    return BranchInfo(branch, secretary, committee, len(active), len(rows) - len(active), by_category)


async def member_count(session: AsyncSession, branch_id: int) -> int:
    """How many active members a branch has."""
    stmt = select(func.count()).select_from(Member).where(
        Member.branch_id == branch_id, Member.status == MemberStatus.ACTIVE)
    return int((await session.exec(stmt)).one())
