"""报到 of a name already on the roster: not taken by whoever sends it first (SQLite and PostgreSQL).

`添加成员 刘新`, `设置书记 刘新`, then `报到 刘新` from anyone used to make them the secretary. Now the
account waits for the secretary's 确认报到 (a 管理员's, for the secretary's own name), or brings
the one-time 报到码 the secretary handed the member.
"""

import asyncio
from datetime import timedelta

import pytest
import time_machine
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, NotFound
from core.roles import Role
from db import engine as db_engine
from db.models import ChatAccount, HealthCategory, Member
from db.models.registration import RegistrationCode, RegistrationRequest
from domain import roster
from tests.factories import SECRETARY_ID, make_branch, make_member

STRANGER, OWNER = "40077", "40005"


async def _register(db: AsyncSession, branch_id: int, user_id: str, name: str,
                    code: str | None = None) -> roster.Registration:
    result = await roster.register(db, branch_id=branch_id, platform="onebot", user_id=user_id,
                                   name=name, nickname="老刘", code=code, group_id="20001")
    await db.commit()
    return result


async def _accounts(db: AsyncSession) -> list[tuple[str, str]]:
    rows = (await db.exec(select(ChatAccount.user_id, Member.name)
                          .join(Member, Member.id == ChatAccount.member_id))).all()
    await db.commit()
    return sorted((u, n) for u, n in rows)


async def test_a_secretary_named_on_the_roster_is_not_taken_by_whoever_reports_first(db: AsyncSession):
    """添加成员 刘新书记, 设置书记 刘新书记, then a stranger's 报到 刘新书记: nothing is linked, the
    stranger is told it needs a 管理员's confirmation (the name is the secretary's own)."""
    branch = await make_branch(db)
    liu = await roster.add_member(db, branch_id=branch.id, name="刘新书记", category=HealthCategory.NORMAL)
    await roster.appoint(db, member=liu, role=Role.SECRETARY, example="设置书记 刘新书记")
    await db.commit()
    result = await _register(db, branch.id, STRANGER, "刘新书记")
    assert not result.linked and result.claim is not None
    assert (result.claim.outcome, result.claim.approver) == (roster.Outcome.WAITING, roster.Approver.SUPERUSER)
    assert await _accounts(db) == []
    assert (await db.exec(select(func.count()).select_from(RegistrationRequest))).one() == 1


async def test_a_committee_name_waits_for_the_secretary_who_confirms_it(db: AsyncSession):
    """A 委员 named on the roster: 报到 leaves a request the secretary is told of; 确认报到 links it."""
    branch = await make_branch(db)
    await make_member(db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    wang = await make_member(db, branch, "王委员", role=Role.COMMITTEE)
    result = await _register(db, branch.id, OWNER, "王委员")
    assert result.claim is not None
    assert (result.claim.approver, result.claim.secretary_user_id) == (roster.Approver.SECRETARY, SECRETARY_ID)
    done = await roster.confirm_registration(db, member=wang, platform="onebot", user_id=None,
                                             example="确认报到 王委员")
    await db.commit()
    assert (done.request.user_id, done.request.group_id) == (OWNER, "20001")
    assert await _accounts(db) == [(SECRETARY_ID, "王书记"), (OWNER, "王委员")]
    assert (await db.exec(select(func.count()).select_from(RegistrationRequest))).one() == 0
    with pytest.raises(Conflict, match="已经报到了"):
        await roster.confirm_registration(db, member=wang, platform="onebot", user_id=None, example="x")


async def test_two_accounts_asking_for_one_name_are_listed_and_the_named_one_confirmed(db: AsyncSession):
    """The real member and an impostor both ask: 确认报到 without a QQ number lists both, with it
    links that one only."""
    branch = await make_branch(db)
    await make_member(db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    li = await make_member(db, branch, "李四")
    await _register(db, branch.id, OWNER, "李四")
    await _register(db, branch.id, STRANGER, "李四")
    li_id = li.id
    with pytest.raises(Conflict, match=f"(?s)有2个QQ要报到为李四.*QQ {STRANGER}.*QQ {OWNER}"):
        await roster.confirm_registration(db, member=li, platform="onebot", user_id=None, example="x")
    await db.rollback()
    li = await db.get(Member, li_id)
    await roster.confirm_registration(db, member=li, platform="onebot", user_id=OWNER, example="x")
    await db.commit()
    assert (OWNER, "李四") in await _accounts(db)
    assert (STRANGER, "李四") not in await _accounts(db)


async def test_nothing_to_confirm(db: AsyncSession):
    """确认报到 of a name nobody asked for says how it starts."""
    branch = await make_branch(db)
    li = await make_member(db, branch, "李四")
    with pytest.raises(NotFound, match="请让本人在群里先发送：报到 李四"):
        await roster.confirm_registration(db, member=li, platform="onebot", user_id=None, example="x")


async def test_a_code_links_once_and_is_kept_only_hashed(db: AsyncSession):
    """报到码: six digits, stored as a salted hash; the member's 报到 with it links at once; the same
    code a second time (another account) opens nothing."""
    branch = await make_branch(db)
    li = await make_member(db, branch, "李四")
    code = await roster.issue_code(db, member=li, platform="onebot", by=None)
    await db.commit()
    assert len(code) == 6 and code.isdigit()
    stored = (await db.exec(select(RegistrationCode))).one()
    assert code not in (stored.code_hash, stored.salt) and len(stored.code_hash) == 64
    assert stored.expires_at - stored.created_at == timedelta(hours=24)
    await db.commit()
    assert (await _register(db, branch.id, OWNER, "李四", code)).linked
    assert await _accounts(db) == [(OWNER, "李四")]
    with pytest.raises(Conflict, match="已由另一个账号报到"):
        await roster.register(db, branch_id=branch.id, platform="onebot", user_id=STRANGER,
                              name="李四", nickname=None, code=code)
    await db.rollback()
    assert (await db.exec(select(RegistrationCode.used_by))).one() == f"onebot:{OWNER}"


async def test_wrong_codes_are_counted_and_the_fifth_voids_it(db: AsyncSession):
    """Each wrong code is committed against the code (the handler returns, the pipeline commits);
    after five the right code no longer works; a new 报到码 voids the old and works."""
    branch = await make_branch(db)
    li = await make_member(db, branch, "李四")
    code = await roster.issue_code(db, member=li, platform="onebot", by=None)
    await db.commit()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    left = []
    for _ in range(roster.WRONG_TRIES_MAX):
        result = await _register(db, branch.id, STRANGER, "李四", wrong)
        assert result.claim is not None and result.claim.outcome == roster.Outcome.WRONG_CODE
        left.append(result.claim.tries_left)
    assert left == [4, 3, 2, 1, 0]
    worn = await _register(db, branch.id, OWNER, "李四", code)
    assert worn.claim is not None and worn.claim.outcome == roster.Outcome.NO_CODE
    old = code
    code = await roster.issue_code(db, member=li, platform="onebot", by=None)
    await db.commit()
    if code != old:
        spent = await _register(db, branch.id, OWNER, "李四", old)
        assert spent.claim is not None and not spent.linked
    assert (await _register(db, branch.id, OWNER, "李四", code)).linked


async def test_a_code_expires_after_24_hours(db: AsyncSession):
    """Past its 24 hours the code opens nothing."""
    branch = await make_branch(db)
    li = await make_member(db, branch, "李四")
    start = timeutil.now()
    with time_machine.travel(start, tick=False):
        code = await roster.issue_code(db, member=li, platform="onebot", by=None)
        await db.commit()
    with time_machine.travel(start + timedelta(hours=24, seconds=1), tick=False):
        result = await _register(db, branch.id, OWNER, "李四", code)
    assert result.claim is not None and result.claim.outcome == roster.Outcome.NO_CODE
    assert await _accounts(db) == []


async def test_one_code_used_by_two_accounts_at_once_links_one(db_url: str):
    """Two 报到 with the same code at the same moment (the code was overheard): the database lets
    one use it; the other links nothing."""
    async with db_engine.session_factory()() as db:
        branch = await make_branch(db)
        li = await make_member(db, branch, "李四")
        code = await roster.issue_code(db, member=li, platform="onebot", by=None)
        await db.commit()

    async def use(user_id: str) -> bool:
        async with db_engine.session_factory()() as db:
            try:
                result = await _register(db, branch.id, user_id, "李四", code)
            except Conflict:
                return False
            return result.linked

    outcomes = await asyncio.gather(use(OWNER), use(STRANGER))
    assert sorted(outcomes) == [False, True]
    async with db_engine.session_factory()() as db:
        assert len(await _accounts(db)) == 1
        used = (await db.exec(select(RegistrationCode))).one()
        assert used.used_at is not None


async def test_a_new_name_still_registers_at_once(db: AsyncSession):
    """Members who join by themselves (a name not on the roster) are created and linked as before."""
    branch = await make_branch(db)
    result = await _register(db, branch.id, OWNER, "赵六")
    assert result.linked and result.created and result.claim is None
    assert await _accounts(db) == [(OWNER, "赵六")]


def test_code_words() -> None:
    """The name and the code, spaced or glued; a name alone has none."""
    assert roster.split_code("张三 123456") == ("张三", "123456")
    assert roster.split_code("张三123456") == ("张三", "123456")
    assert roster.split_code("李四(水利局) 000123") == ("李四(水利局)", "000123")
    assert roster.split_code("张三") == ("张三", None)
    assert roster.split_code("张三 12345") == ("张三 12345", None)
