"""db.prepared's objects as the ORM loads them, also as the very first ORM use of a process."""

import subprocess
import sys

import pytest
from sqlalchemy import bindparam, inspect, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Branch, Member
from db.prepared import Prepared, adopt, loaded, run
from tests.e2e.conftest import ROOT
from tests.factories import make_branch, make_member


def test_loaded_works_as_the_first_orm_use_of_a_process() -> None:
    """A bot started in the middle of a meeting hears 签到 first: the caller's branch and member are
    made by `loaded` before anything else has configured the mappers."""
    script = ("from db.models import Branch\n"
              "from db.prepared import loaded\n"
              "branch = loaded(Branch, {'id': 7, 'name': '第一支部'})\n"
              "print(branch.id, branch.name)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "7 第一支部"), done.stderr


async def test_adopt_fills_what_a_rollback_expired(db: AsyncSession) -> None:
    """The session holds the member, expired by a rollback: a prepared read of its row gives it
    its values again, as a query would (touching an expired attribute in an async session would
    need a lazy load, which fails there)."""
    branch = await make_branch(db)
    member = await make_member(db, branch, "李四")
    member_id, branch_id = member.id, branch.id
    await run(db, _MEMBER, {"id": member_id})  # a transaction (a command that failed after it)
    await db.rollback()  # expires every object the session holds
    assert "name" in inspect(member).expired_attributes
    row = (await run(db, _MEMBER, {"id": member_id})).first()
    assert row is not None
    same = adopt(db, Member, dict(zip(Member.__table__.columns.keys(), row, strict=True)))  # type: ignore[attr-defined]
    assert same is member
    assert (same.name, same.branch_id) == ("李四", branch_id)  # no lazy load


def test_loaded_refuses_a_key_that_is_no_column() -> None:
    """A misspelt key would otherwise become an attribute nobody stores."""
    with pytest.raises(KeyError, match="nmae"):
        loaded(Branch, {"id": 1, "nmae": "第一支部"})


_MEMBER = Prepared(lambda _dialect: select(*Member.__table__.columns).where(  # type: ignore[attr-defined]
    Member.__table__.c.id == bindparam("id")))  # type: ignore[attr-defined]
