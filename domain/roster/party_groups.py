"""党小组: a branch's groups, who is in which (at most one each, by a unique constraint), 组长."""

from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import InvalidInput, NotFound
from core.textparse import normalize
from db.models import Member, PartyGroup, PartyGroupMember

EX_SET_GROUP = "设置党小组 第一小组 张三 李四 王五"
EX_GROUP_LEADER = "党小组组长 第一小组 张三"
GROUP_NAME_MAX = 16


@dataclass(frozen=True)
class GroupSetting:
    """设置党小组's outcome: the group, its members, and who moved in from another group."""

    group: PartyGroup
    members: list[Member]
    moved: list[tuple[Member, str]]
    created: bool


@dataclass(frozen=True)
class GroupView:
    """One 党小组 as 党小组列表 shows it."""

    group: PartyGroup
    leader: Member | None
    members: list[Member]


def check_group_name(name: str, example: str = EX_SET_GROUP) -> str:
    """A group name: 1–16 characters, no spaces."""
    name = normalize(name)
    if not name or len(name) > GROUP_NAME_MAX or " " in name or name.startswith(("#", "@")):
        raise InvalidInput(f"党小组名称“{name}”不合适：应为1到{GROUP_NAME_MAX}个字。", example)
    return name


async def party_group_by_name(db: AsyncSession, *, branch_id: int, name: str,
                              example: str = EX_GROUP_LEADER) -> PartyGroup:
    """A 党小组 of this branch by name; NotFound listing the groups there are."""
    stmt = select(PartyGroup).where(PartyGroup.branch_id == branch_id, PartyGroup.name == normalize(name))
    group = (await db.exec(stmt)).first()
    if group is None:
        names = (await db.exec(select(PartyGroup.name).where(PartyGroup.branch_id == branch_id)
                               .order_by(col(PartyGroup.id)))).all()
        have = f"现有：{'、'.join(names)}。" if names else "本支部还没有党小组，请先用“设置党小组”建立。"
        raise NotFound(f"没有叫“{normalize(name)}”的党小组。{have}", example)
    return group


async def set_party_group(db: AsyncSession, *, branch_id: int, name: str,
                          members: list[Member]) -> GroupSetting:
    """设置党小组: the group (created when new) has exactly these members; a member in another
    group moves here (a member is in at most one group of the branch)."""
    name = check_group_name(name)
    if not members:
        raise InvalidInput("请在小组名称后写上成员姓名。", EX_SET_GROUP)
    group = (await db.exec(select(PartyGroup).where(PartyGroup.branch_id == branch_id,
                                                    PartyGroup.name == name))).first()
    created = group is None
    if group is None:
        group = PartyGroup(branch_id=branch_id, name=name)
        db.add(group)
        await db.flush()
    ids = [m.id for m in members]
    moved = [(m, gname) for m, gname in await _current_groups(db, branch_id, ids) if gname != name]
    await db.exec(delete(PartyGroupMember).where(
        col(PartyGroupMember.branch_id) == branch_id,
        (col(PartyGroupMember.group_id) == group.id) | col(PartyGroupMember.member_id).in_(ids)))
    assert group.id is not None
    db.add_all(PartyGroupMember(branch_id=branch_id, group_id=group.id, member_id=m.id)
               for m in members if m.id is not None)
    if group.leader_id is not None and group.leader_id not in ids:
        group.leader_id = None
    await _clear_moved_leaders(db, branch_id, group.id, ids)
    db.add(group)
    await db.flush()
    return GroupSetting(group, members, moved, created)


async def _current_groups(db: AsyncSession, branch_id: int,
                          ids: list[int | None]) -> list[tuple[Member, str]]:
    stmt = (select(Member, PartyGroup.name)
            .join(PartyGroupMember, col(PartyGroupMember.member_id) == col(Member.id))
            .join(PartyGroup, col(PartyGroup.id) == col(PartyGroupMember.group_id))
            .where(PartyGroupMember.branch_id == branch_id, col(Member.id).in_(ids)))
    return [(m, n) for m, n in (await db.exec(stmt)).all()]


async def _clear_moved_leaders(db: AsyncSession, branch_id: int, group_id: int | None,
                               ids: list[int | None]) -> None:
    """A 组长 who moved to another group leads the old one no more."""
    stmt = select(PartyGroup).where(PartyGroup.branch_id == branch_id, PartyGroup.id != group_id,
                                    col(PartyGroup.leader_id).in_(ids))
    for other in (await db.exec(stmt)).all():
        other.leader_id = None
        db.add(other)


async def set_group_leader(db: AsyncSession, *, branch_id: int, name: str, member: Member) -> PartyGroup:
    """党小组组长: the leader must be one of the group's members."""
    group = await party_group_by_name(db, branch_id=branch_id, name=name)
    found = (await db.exec(select(PartyGroupMember).where(PartyGroupMember.group_id == group.id,
                                                          PartyGroupMember.member_id == member.id))).first()
    if found is None:
        raise InvalidInput(f"{member.name} 不在{group.name}，请先用“设置党小组”把他加入。", EX_GROUP_LEADER)
    group.leader_id = member.id
    db.add(group)
    await db.flush()
    return group


async def party_groups(db: AsyncSession, *, branch_id: int) -> list[GroupView]:
    """党小组列表: every group of the branch with its leader and members (by member id)."""
    groups = (await db.exec(select(PartyGroup).where(PartyGroup.branch_id == branch_id)
                            .order_by(col(PartyGroup.id)))).all()
    rows = (await db.exec(
        select(PartyGroupMember.group_id, Member)
        .join(Member, col(Member.id) == col(PartyGroupMember.member_id))
        .where(PartyGroupMember.branch_id == branch_id).order_by(col(Member.id)))).all()
    views = []
    for group in groups:
        members = [m for gid, m in rows if gid == group.id]
        leader = next((m for m in members if m.id == group.leader_id), None)
        views.append(GroupView(group, leader, members))
    return views


async def group_names(db: AsyncSession, *, branch_id: int) -> dict[int, str]:
    """member id → the name of their 党小组 (成员列表 shows it)."""
    stmt = (select(PartyGroupMember.member_id, PartyGroup.name)
            .join(PartyGroup, col(PartyGroup.id) == col(PartyGroupMember.group_id))
            .where(PartyGroupMember.branch_id == branch_id))
    return {mid: name for mid, name in (await db.exec(stmt)).all()}


async def put_in_group(db: AsyncSession, *, branch_id: int, name: str, member: Member) -> bool:
    """Put one member in a 党小组 (created when new), out of any other; True when it changed
    (the roster import's 党小组 column: the other members of the group stay)."""
    name = check_group_name(name)
    group = (await db.exec(select(PartyGroup).where(PartyGroup.branch_id == branch_id,
                                                    PartyGroup.name == name))).first()
    if group is None:
        group = PartyGroup(branch_id=branch_id, name=name)
        db.add(group)
        await db.flush()
    assert group.id is not None and member.id is not None
    current = (await db.exec(select(PartyGroupMember).where(
        PartyGroupMember.branch_id == branch_id, PartyGroupMember.member_id == member.id))).first()
    if current is not None and current.group_id == group.id:
        return False
    if current is not None:
        await db.delete(current)
        await db.flush()
    await _clear_moved_leaders(db, branch_id, group.id, [member.id])
    db.add(PartyGroupMember(branch_id=branch_id, group_id=group.id, member_id=member.id))
    await db.flush()
    return True
