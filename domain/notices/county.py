"""县通知: one text to every branch bound to a group, each branch getting a notice #N of its own
(its own expected recipients, receipts and follow-ups); the posts go out through the reminder
engine, paced, once. 县通知情况 is each branch's reach."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import NotFound
from db.models import Branch, GroupBinding
from db.models.notice import CountyNotice, Notice, NoticeReceipt, NoticeRecipient
from db.models.reminder import TargetKind
from domain import reminder
from domain.notices import followups, texts
from domain.notices.posting import Author, check_text, create_notice
from domain.notices.words import EX_COUNTY, EX_COUNTY_STATUS


@dataclass(frozen=True)
class CountyPosted:
    """The county notice and how many branches it was sent to."""

    county: CountyNotice
    branches: int


async def split_area(db: AsyncSession, text: str) -> tuple[str | None, str]:
    """`城关片区 <内容>` → ('城关片区', '<内容>') when the first word is a 片区 some branch is in."""
    head, _, rest = text.strip().partition(" ")
    if not head:
        return None, text
    known = (await db.exec(select(Branch.id).where(Branch.area == head).limit(1))).first()
    return (head, rest.strip()) if known is not None else (None, text)


async def post_county_notice(db: AsyncSession, *, text: str, sender: str, area: str | None = None,
                             plan: tuple[followups.FollowUp, ...] = followups.DEFAULT_PLAN,
                             now: datetime | None = None) -> CountyPosted:
    """A notice for every bound branch (of one 片区, if given), posted by the engine (one row per
    group) with follow-ups."""
    now = now or timeutil.now()
    county = CountyNotice(text=check_text(text, EX_COUNTY), created_by=sender[:64], created_at=now)
    db.add(county)
    await db.flush()
    bound = select(GroupBinding.branch_id).distinct()
    branches = select(Branch.id).where(col(Branch.id).in_(bound))
    if area is not None:
        branches = branches.where(Branch.area == area)
    branch_ids = list((await db.exec(branches.order_by(col(Branch.id)))).all())
    for branch_id in branch_ids:
        assert branch_id is not None
        notice = await create_notice(db, branch_id=branch_id, text=county.text, now=now,
                                     author=Author("县里"), county_notice_id=county.id)
        target = await reminder.branch_target(db, branch_id)
        assert target is not None and notice.id is not None
        await reminder.add(db, dedupe_key=f"notice:{notice.id}:post", due_at=now + timedelta(seconds=1),
                           kind=followups.POST, text=texts.post_text(notice, county=True),
                           ref=f"notice:{notice.id}", target_kind=TargetKind.GROUP,
                           platform=target.platform, target_id=target.group_id,
                           self_id=target.self_id, branch_id=branch_id, now=now)
        await followups.schedule(db, notice, plan=plan, now=now)
    return CountyPosted(county, len(branch_ids))


@dataclass(frozen=True)
class BranchReach:
    """One branch's line of 县通知情况."""

    branch: str
    number: int
    reached: int
    expected: int

    @property
    def rate(self) -> float:
        """Reached / expected."""
        return self.reached / self.expected if self.expected else 1.0


async def county_reach(db: AsyncSession, county_id: int) -> tuple[CountyNotice, list[BranchReach]]:
    """Each branch's reach of a county notice, the least reached first."""
    county = await db.get(CountyNotice, county_id)
    if county is None:
        raise NotFound(f"没有县通知 #{county_id}。", EX_COUNTY_STATUS)
    expected = (select(func.count()).select_from(NoticeRecipient)
                .where(NoticeRecipient.notice_id == Notice.id).scalar_subquery())
    reached = (select(func.count()).select_from(NoticeReceipt)
               .where(NoticeReceipt.notice_id == Notice.id).scalar_subquery())
    rows = (await db.exec(select(Branch.name, Notice.number, reached, expected)
                          .join(Branch, col(Branch.id) == col(Notice.branch_id))
                          .where(Notice.county_notice_id == county_id))).all()
    lines = [BranchReach(name, number, int(r), int(e)) for name, number, r, e in rows]
    return county, sorted(lines, key=lambda b: (b.rate, b.branch))
