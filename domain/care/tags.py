"""Care tags (独居, 孤寡, 体弱, 住院, 失能, 困难): health data, read and written only here.

Whoever shows them (private chat to the secretary/committee, the dashboard, exports) gets them
through this module, so where care data can go is decided in one place.
"""

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import InvalidInput
from core.textparse import split_words
from db.models import Member, MemberStatus
from db.models.care import CareTag, CareTagKind
from db.sql import insert_or_ignore

EX_TAGS = "设置关爱 张三 独居 体弱"
CLEAR_WORDS = frozenset({"无", "清除", "取消", "没有", "正常"})
ORDER = list(CareTagKind)


def parse_tags(text: str) -> list[CareTagKind]:
    """'独居 体弱' → tags; '无' / '清除' → [] (clear). Unknown words are refused."""
    words = split_words(text)
    if not words:
        raise InvalidInput("请写上关爱类别：" + "、".join(ORDER) + "（清除写“无”）。", EX_TAGS)
    if len(words) == 1 and words[0] in CLEAR_WORDS:
        return []
    unknown = [w for w in words if w not in CareTagKind.__members__.values()]
    if unknown:
        raise InvalidInput(f"不认识的关爱类别：{'、'.join(unknown)}。可写：{'、'.join(ORDER)}。",
                           EX_TAGS)
    return sorted({CareTagKind(w) for w in words}, key=ORDER.index)


async def set_tags(db: AsyncSession, *, member: Member, tags: list[CareTagKind],
                   set_by: Member | None) -> list[CareTagKind]:
    """Replace the member's care tags (an empty list clears them); the caller commits."""
    await db.exec(delete(CareTag).where(col(CareTag.member_id) == member.id,
                                        col(CareTag.tag).not_in(tags)))
    for tag in tags:
        await db.exec(insert_or_ignore(db, CareTag, member_id=member.id, tag=tag,
                                       set_by=set_by.id if set_by else None,
                                       created_at=timeutil.now()))
    await db.flush()
    return tags


async def tags_of(db: AsyncSession, member_ids: list[int]) -> dict[int, list[CareTagKind]]:
    """member id → their care tags, in the fixed order (members without tags are left out)."""
    if not member_ids:
        return {}
    rows = (await db.exec(select(CareTag).where(col(CareTag.member_id).in_(member_ids)))).all()
    found: dict[int, list[CareTagKind]] = {}
    for row in rows:
        found.setdefault(row.member_id, []).append(CareTagKind(row.tag))
    return {k: sorted(v, key=ORDER.index) for k, v in found.items()}


async def tagged_members(db: AsyncSession, branch_id: int) -> list[tuple[Member, list[CareTagKind]]]:
    """The branch's active members who have care tags, with them (by member id)."""
    members = (await db.exec(select(Member).where(
        Member.branch_id == branch_id, Member.status == MemberStatus.ACTIVE,
        col(Member.id).in_(select(CareTag.member_id))).order_by(col(Member.id)))).all()
    tags = await tags_of(db, [m.id for m in members if m.id is not None])
    return [(m, tags.get(m.id or 0, [])) for m in members]
