"""民主评议党员 (yearly): a round per branch and year, each member's grade recorded by the secretary.

Grades are private: they are read by the secretary and superusers in private chat only (the
permission table makes 评议 and 评议结果 private), never said in the group.
"""

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput, NotFound
from core.textparse import normalize
from db.models import Member, MemberStatus, ReviewGrade, ReviewResult, ReviewRound
from db.sql import upsert_insert

EX_OPEN_REVIEW = "民主评议 2026"
EX_GRADE = "评议 张三 优秀"
EX_RESULTS = "评议结果 2026"
GRADE_WORDS = {g.label: g for g in ReviewGrade}


@dataclass(frozen=True)
class ReviewSummary:
    """A round's grades: (member, grade) by grade order, and the active members not yet graded."""

    round: ReviewRound
    graded: list[tuple[Member, ReviewGrade]]
    pending: list[Member]


def parse_year(text: str, example: str) -> int:
    """'2026' / '2026年' / '2026年度' → 2026."""
    word = normalize(text).removesuffix("度").removesuffix("年")
    if not (word.isdigit() and 2000 <= int(word) <= 2100):
        raise InvalidInput("请写上年份。", example)
    return int(word)


async def open_review(db: AsyncSession, *, branch_id: int, year: int, opened_by: int | None) -> ReviewRound:
    """民主评议 <年份>: open the branch's round for the year (once; the database says so)."""
    try:
        async with db.begin_nested():
            review = ReviewRound(branch_id=branch_id, year=year, opened_by=opened_by)
            db.add(review)
            await db.flush()
    except IntegrityError:
        raise Conflict(f"{year}年度民主评议已经开启。登记等次请私聊我发送：{EX_GRADE}") from None
    return review


async def _round(db: AsyncSession, branch_id: int, year: int | None) -> ReviewRound:
    stmt = select(ReviewRound).where(ReviewRound.branch_id == branch_id)
    stmt = stmt.where(ReviewRound.year == year) if year else stmt.order_by(col(ReviewRound.year).desc())
    found = (await db.exec(stmt.limit(1))).first()
    if found is None:
        which = f"{year}年度民主评议还没有开启" if year else "还没有开启民主评议"
        raise NotFound(f"{which}。请先开启：", EX_OPEN_REVIEW)
    return found


async def grade_member(db: AsyncSession, *, branch_id: int, member: Member, word: str,
                       by: Member | None) -> tuple[ReviewRound, ReviewGrade]:
    """评议 <姓名> <等次>: record (or change) the member's grade in the latest round."""
    grade = GRADE_WORDS.get(normalize(word))
    if grade is None:
        raise InvalidInput(f"等次“{normalize(word)}”不对，只能是：优秀、合格、基本合格、不合格。", EX_GRADE)
    review = await _round(db, branch_id, None)
    values = {"grade": grade.value, "graded_by": by.id if by else None, "graded_at": timeutil.now()}
    stmt = upsert_insert(db, ReviewResult).values(round_id=review.id, member_id=member.id, **values)
    await db.exec(stmt.on_conflict_do_update(index_elements=["round_id", "member_id"], set_=values))
    return review, grade


async def review_results(db: AsyncSession, *, branch_id: int, year: int | None) -> ReviewSummary:
    """评议结果: the round's grades (优秀 first) and who is not graded yet."""
    review = await _round(db, branch_id, year)
    rows = (await db.exec(select(Member, ReviewResult.grade)
                          .join(ReviewResult, col(ReviewResult.member_id) == col(Member.id))
                          .where(ReviewResult.round_id == review.id).order_by(col(Member.id)))).all()
    order = list(ReviewGrade)
    graded = sorted(((m, ReviewGrade(g)) for m, g in rows), key=lambda pair: order.index(pair[1]))
    done = {m.id for m, _ in graded}
    pending = [m for m in (await db.exec(select(Member).where(
        Member.branch_id == branch_id, Member.status == MemberStatus.ACTIVE).order_by(col(Member.id)))).all()
        if m.id not in done]
    return ReviewSummary(review, graded, pending)


async def review_years(db: AsyncSession, *, branch_id: int) -> list[int]:
    """The years the branch held a 民主评议, newest first."""
    stmt = select(ReviewRound.year).where(ReviewRound.branch_id == branch_id).order_by(
        col(ReviewRound.year).desc())
    return list((await db.exec(stmt)).all())
