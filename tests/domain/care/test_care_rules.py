"""Care rules on a real database (SQLite and PostgreSQL): dates, tags, visits, the care list."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from core.dateparse import LunarDay
from core.errors import InvalidInput
from db.models import MemberStatus
from db.models.care import CareTag, CareTagKind, CareVisit, VisitWay
from domain import care
from tests.factories import make_branch, make_member

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # Thursday 10:00 Beijing
TODAY = date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


async def test_party_date_is_stored_and_cleared(db) -> None:
    """设置入党日期 writes the member row; None clears it."""
    branch = await make_branch(db)
    member = await make_member(db, branch, "王建国")
    await care.set_party_date(db, member=member, joined=date(1970, 12, 3), today=TODAY)
    await db.commit()
    await db.refresh(member)
    assert member.joined_party_on == date(1970, 12, 3)
    await care.set_party_date(db, member=member, joined=None, today=TODAY)
    await db.commit()
    await db.refresh(member)
    assert member.joined_party_on is None


@pytest.mark.parametrize(("joined", "reason"), [
    (date(2026, 12, 4), "入党日期2026年12月4日还没到，请核对。"),
    (date(1921, 6, 30), "入党日期不能早于建党（1921年7月1日）。"),
    (date(1958, 3, 4), "入党日期1958年3月4日时还不满18岁（出生1940年3月5日），请核对两个日期。"),
])
async def test_bad_party_dates_are_refused_with_one_example(db, joined: date, reason: str) -> None:
    """A future date, one before the Party's founding, or one before the member turned 18."""
    member = await make_member(db, await make_branch(db), "张三")
    await care.set_birthday(db, member=member, birthday=care.Birthday(solar=date(1940, 3, 5)),
                            today=TODAY)
    with pytest.raises(InvalidInput) as refused:
        await care.set_party_date(db, member=member, joined=joined, today=TODAY)
    assert refused.value.reply == f"{reason}\n例如：{care.EX_PARTY}"


async def test_eighteenth_birthday_is_old_enough(db) -> None:
    """Joining on the 18th birthday is accepted; the day before is not."""
    member = await make_member(db, await make_branch(db), "张三")
    await care.set_birthday(db, member=member, birthday=care.Birthday(solar=date(1940, 3, 5)),
                            today=TODAY)
    await care.set_party_date(db, member=member, joined=date(1958, 3, 5), today=TODAY)
    assert member.joined_party_on == date(1958, 3, 5)


async def test_a_birthday_after_the_party_date_checks_the_same_rule(db) -> None:
    """Setting a birth date that makes an existing 入党日期 too young is refused."""
    member = await make_member(db, await make_branch(db), "张三")
    await care.set_party_date(db, member=member, joined=date(1960, 7, 1), today=TODAY)
    with pytest.raises(InvalidInput) as refused:
        await care.set_birthday(db, member=member, birthday=care.Birthday(solar=date(1945, 1, 1)),
                                today=TODAY)
    assert refused.value.example == care.EX_BIRTH
    with pytest.raises(InvalidInput, match="还没到"):
        await care.set_birthday(db, member=member, birthday=care.Birthday(solar=date(2027, 1, 1)),
                                today=TODAY)


async def test_lunar_birthday_with_and_without_year(db) -> None:
    """农历八月十五 keeps month/day only; a leap month must exist in the year given."""
    member = await make_member(db, await make_branch(db), "李四")
    await care.set_birthday(db, member=member, birthday=care.Birthday(lunar=LunarDay(8, 15)),
                            today=TODAY)
    await db.commit()
    await db.refresh(member)
    assert care.birthday_of(member) == care.Birthday(lunar=LunarDay(8, 15))
    with pytest.raises(InvalidInput) as refused:
        await care.set_birthday(db, member=member, today=TODAY,
                                birthday=care.Birthday(lunar=LunarDay(6, 10, True, 1951)))
    assert refused.value.reply == f"农历1951年没有闰6月，请核对。\n例如：{care.EX_LUNAR}"
    await care.set_birthday(db, member=member, today=TODAY,
                            birthday=care.Birthday(lunar=LunarDay(5, 3, True, 1952)))
    assert (member.birth_year, member.birth_month, member.birth_day, member.birth_lunar,
            member.birth_leap) == (1952, 5, 3, True, True)


async def test_tags_replace_and_clear(db) -> None:
    """设置关爱 replaces the set; [] clears it; a member has each tag once (DB constraint)."""
    branch = await make_branch(db)
    member = await make_member(db, branch, "张三")
    await care.set_tags(db, member=member, tags=care.parse_tags("独居 体弱 独居"), set_by=None)
    await care.set_tags(db, member=member, tags=care.parse_tags("体弱，住院"), set_by=None)
    await db.commit()
    assert await care.tags_of(db, [member.id]) == {member.id: [CareTagKind.FRAIL,
                                                               CareTagKind.HOSPITAL]}
    await care.set_tags(db, member=member, tags=care.parse_tags("无"), set_by=None)
    await db.commit()
    assert await care.tags_of(db, [member.id]) == {}
    db.add(CareTag(member_id=member.id, tag=CareTagKind.ALONE))
    db.add(CareTag(member_id=member.id, tag=CareTagKind.ALONE))
    with pytest.raises(IntegrityError):
        await db.commit()


def test_unknown_tags_are_refused() -> None:
    """A word that is not a care tag is named, with the list and one example."""
    with pytest.raises(InvalidInput) as refused:
        care.parse_tags("独居 高血压")
    assert refused.value.reply == ("不认识的关爱类别：高血压。可写：独居、孤寡、体弱、住院、失能、困难。\n"
                                   f"例如：{care.EX_TAGS}")


def test_visit_words() -> None:
    """The way first, then what was found; both required."""
    assert care.parse_visit("上门 身体还好") == (VisitWay.HOME, "身体还好")
    assert care.parse_visit("节日慰问 送去米面油") == (VisitWay.FESTIVAL, "送去米面油")
    for bad in ("上门", "路过 看了看", ""):
        with pytest.raises(InvalidInput):
            care.parse_visit(bad)


async def _visit(db, branch, member, days_ago: int) -> None:
    await care.record_visit(db, branch_id=branch.id, member=member, way=VisitWay.PHONE,
                            note="电话问候", visitor=None, visitor_name="王书记",
                            now=NOW - timedelta(days=days_ago))


async def test_care_list_overdue_first(db) -> None:
    """独居/孤寡/失能 are overdue after 30 days, others after 60; never visited is most overdue;
    members without tags and 停用 members are not listed."""
    branch = await make_branch(db)
    names = ["独居31天", "体弱31天", "孤寡从未", "失能10天", "困难61天", "无标签", "停用独居"]
    members = {n: await make_member(db, branch, n) for n in names}
    tags = {"独居31天": "独居", "体弱31天": "体弱", "孤寡从未": "孤寡", "失能10天": "失能 住院",
            "困难61天": "困难", "停用独居": "独居"}
    for name, words in tags.items():
        await care.set_tags(db, member=members[name], tags=care.parse_tags(words), set_by=None)
    for name, days in (("独居31天", 31), ("体弱31天", 31), ("失能10天", 10), ("困难61天", 61),
                       ("失能10天", 40)):
        await _visit(db, branch, members[name], days)
    members["停用独居"].status = MemberStatus.INACTIVE
    db.add(members["停用独居"])
    await db.commit()
    entries = await care.care_list(db, branch_id=branch.id, today=TODAY, config=care.CareConfig())
    assert [(e.member.name, e.days_since, e.interval, e.overdue) for e in entries] == [
        ("孤寡从未", None, 30, True), ("独居31天", 31, 30, True), ("困难61天", 61, 60, True),
        ("失能10天", 10, 30, False), ("体弱31天", 31, 60, False)]
    late = await care.care_list(db, branch_id=branch.id, today=TODAY,
                                config=care.CareConfig(close_days=40, other_days=20))
    assert [e.member.name for e in late if e.overdue] == ["孤寡从未", "困难61天", "体弱31天"]


async def test_visit_records_newest_first_with_previous(db) -> None:
    """走访 records who visited; the result names the visit before; 走访记录 lists newest first."""
    branch = await make_branch(db)
    member = await make_member(db, branch, "张三")
    secretary = await make_member(db, branch, "王书记")
    first = await care.record_visit(db, branch_id=branch.id, member=member, way=VisitWay.HOME,
                                    note="腿脚不便", visitor=secretary, visitor_name="王书记",
                                    now=NOW - timedelta(days=20))
    second = await care.record_visit(db, branch_id=branch.id, member=member, way=VisitWay.PHONE,
                                     note="已出院", visitor=secretary, visitor_name="王书记",
                                     now=NOW)
    await db.commit()
    assert first.previous is None and second.previous == date(2026, 11, 13)
    visits = await care.visits_of(db, member=member)
    assert [(v.way, v.note, v.visitor_id) for v in visits] == [
        (VisitWay.PHONE, "已出院", secretary.id), (VisitWay.HOME, "腿脚不便", secretary.id)]
    assert len((await db.exec(select(CareVisit))).all()) == 2


async def test_anniversaries_of_a_month(db) -> None:
    """政治生日 本月: active members whose anniversary is this month, by day, with the years."""
    branch = await make_branch(db)
    for name, joined in (("王建国", date(1970, 12, 3)), ("李四", date(1980, 12, 1)),
                         ("赵六", date(1975, 11, 30)), ("钱七", date(2026, 12, 1))):
        member = await make_member(db, branch, name)
        await care.set_party_date(db, member=member, joined=joined, today=TODAY)
    await db.commit()
    found = await care.anniversaries(db, branch_id=branch.id, year=2026, month=12)
    assert [(a.on, a.name, a.years) for a in found] == [
        (date(2026, 12, 1), "李四", 46), (date(2026, 12, 3), "王建国", 56)]
