"""民主评议党员: one round per branch and year (the database says so), grades upserted."""

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Conflict, InvalidInput, NotFound
from core.roles import Role
from db.models import ReviewGrade
from domain import meetings
from tests.factories import make_branch, make_member


async def test_review_round_and_grades(db: AsyncSession) -> None:
    """Open once a year; a grade can be changed; results list grades by order and who is pending."""
    branch = await make_branch(db)
    secretary = await make_member(db, branch, "王书记", role=Role.SECRETARY)
    zhang, li = await make_member(db, branch, "张三"), await make_member(db, branch, "李四")
    with pytest.raises(NotFound, match="还没有开启民主评议。请先开启：\n例如：民主评议 2026"):
        await meetings.grade_member(db, branch_id=branch.id, member=zhang, word="优秀", by=secretary)
    await meetings.open_review(db, branch_id=branch.id, year=2026, opened_by=secretary.id)
    with pytest.raises(Conflict, match="2026年度民主评议已经开启"):
        await meetings.open_review(db, branch_id=branch.id, year=2026, opened_by=secretary.id)
    await meetings.grade_member(db, branch_id=branch.id, member=li, word="合格", by=secretary)
    await meetings.grade_member(db, branch_id=branch.id, member=li, word="不合格", by=secretary)
    await meetings.grade_member(db, branch_id=branch.id, member=zhang, word="优秀", by=secretary)
    with pytest.raises(InvalidInput, match="等次“良好”不对"):
        await meetings.grade_member(db, branch_id=branch.id, member=zhang, word="良好", by=secretary)
    await db.commit()
    summary = await meetings.review_results(db, branch_id=branch.id, year=None)
    assert [(m.name, g) for m, g in summary.graded] == [("张三", ReviewGrade.EXCELLENT),
                                                        ("李四", ReviewGrade.UNQUALIFIED)]
    assert [m.name for m in summary.pending] == ["王书记"]
    assert meetings.parse_year("2026年度", meetings.EX_OPEN_REVIEW) == 2026
