"""Suggestion rules on SQLite and PostgreSQL: limits, states, points, and what anonymity hides."""

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.roles import Role
from db import engine as db_engine
from db.models import (
    Branch,
    LedgerEntry,
    Member,
    Suggestion,
    SuggestionEvent,
    SuggestionSealedAuthor,
    SuggestionStatus,
)
from domain import suggestion as suggestions
from domain.suggestion import EX_FORWARD, EX_SUBMIT
from tests.domain.suggestion.seed import LIMITS, people, submit
from tests.factories import MEMBER_ID, SECRETARY_ID, make_branch, make_member

# 2026-11-24 23:50 Beijing = 15:50 UTC; the Beijing day turns at 16:00 UTC.
LATE_EVENING = datetime(2026, 11, 24, 15, 50, tzinfo=UTC)
NEXT_MORNING = datetime(2026, 11, 24, 16, 5, tzinfo=UTC)
async def test_submit_named_stores_text_as_written(session: AsyncSession) -> None:
    """The content is stored exactly, with the author and a 'submitted' history step."""
    author, _ = await people(session)
    text = "  [CQ:at,qq=all] 东门路灯坏了，请修一修！ "
    suggestion = await submit(session, author, text)
    row = await session.get(Suggestion, suggestion.id)
    assert (row.content, row.author_id, row.anonymous, row.status) == (
        "[CQ:at,qq=all] 东门路灯坏了，请修一修！", author.id, False, SuggestionStatus.PENDING)
    events = (await session.exec(select(SuggestionEvent))).all()
    assert [e.kind for e in events] == ["submitted"]
    assert (await session.exec(select(SuggestionSealedAuthor))).all() == []


async def test_submit_anonymous_keeps_author_only_sealed(session: AsyncSession) -> None:
    """An anonymous row has no author; the sealed table alone knows who sent it."""
    author, _ = await people(session)
    suggestion = await submit(session, author, anonymous=True)
    row = await session.get(Suggestion, suggestion.id)
    assert (row.author_id, row.anonymous) == (None, True)
    sealed = (await session.exec(select(SuggestionSealedAuthor))).one()
    assert (sealed.suggestion_id, sealed.member_id, sealed.user_id) == (suggestion.id, author.id, MEMBER_ID)


@pytest.mark.parametrize(("text", "message"), [
    ("   ", "请在命令后面写上建议内容。"),
    ("好" * 11, "建议太长了（11字），每条最多10字，请精简或分几条发送。"),
])
async def test_empty_or_too_long_refused(session: AsyncSession, text: str, message: str) -> None:
    """Empty and over-long suggestions are refused with the limit, and nothing is stored."""
    author, _ = await people(session)
    with pytest.raises(InvalidInput) as refused:
        await submit(session, author, text, max_length=10)
    assert refused.value.reply == f"{message}\n例如：{EX_SUBMIT}"
    assert (await session.exec(select(Suggestion))).all() == []


async def test_exactly_max_length_accepted(session: AsyncSession) -> None:
    """The limit itself is allowed."""
    author, _ = await people(session)
    suggestion = await submit(session, author, "好" * 10, max_length=10)
    assert suggestion.content == "好" * 10


async def test_daily_limit_counts_anonymous_and_resets_at_beijing_midnight(session: AsyncSession) -> None:
    """Named and anonymous suggestions share the daily limit; a new Beijing day starts afresh."""
    author, _ = await people(session)
    with time_machine.travel(LATE_EVENING, tick=False):
        await submit(session, author, "第一条", daily_limit=3)
        await submit(session, author, "第二条", anonymous=True, daily_limit=3)
        await submit(session, author, "第三条", daily_limit=3)
        with pytest.raises(Conflict) as refused:
            await submit(session, author, "第四条", anonymous=True, daily_limit=3)
    assert refused.value.reply == "您今天已提交3条建议，每天最多3条，请明天再提。谢谢您的热心！"
    with time_machine.travel(NEXT_MORNING, tick=False):
        fourth = await submit(session, author, "第四条", anonymous=True, daily_limit=3)
    assert fourth.id == 4
    assert len((await session.exec(select(Suggestion))).all()) == 4


async def test_list_newest_first_hides_anonymous_author(session: AsyncSession) -> None:
    """list_for_branch: newest first; the author's name only for named suggestions."""
    author, _ = await people(session)
    with time_machine.travel(LATE_EVENING, tick=False):
        await submit(session, author, "公开的建议")
    with time_machine.travel(NEXT_MORNING, tick=False):
        await submit(session, author, "匿名的建议", anonymous=True)
    items = await suggestions.list_for_branch(session, branch_id=author.branch_id)
    assert [(s.id, s.author_name, s.anonymous) for s in items] == [(2, None, True), (1, "张三", False)]
    pending = await suggestions.list_for_branch(session, branch_id=author.branch_id, status=SuggestionStatus.ADOPTED)
    assert pending == []


async def test_reply_forward_adopt_statuses_and_history(session: AsyncSession) -> None:
    """Each action is a history step; a later weaker action does not undo 已采纳."""
    author, secretary = await people(session)
    s = await submit(session, author)
    kw = {"branch_id": author.branch_id, "suggestion_id": s.id, "operator": secretary,
          "operator_name": "李书记"}
    out = await suggestions.reply(session, text="已联系物业，本周修好。", max_length=1000, **kw)
    assert out.suggestion.status == SuggestionStatus.REPLIED
    assert out.recipient == suggestions.Recipient("onebot", MEMBER_ID)
    out = await suggestions.forward(session, to="社区居委会", **kw)
    assert (out.suggestion.status, out.suggestion.forwarded_to) == (SuggestionStatus.FORWARDED, "社区居委会")
    out = await suggestions.adopt(session, points_given=None, **kw)
    assert out.suggestion.status == SuggestionStatus.ADOPTED
    out = await suggestions.reply(session, text="感谢张三同志。", max_length=1000, **kw)
    await session.commit()
    assert out.suggestion.status == SuggestionStatus.ADOPTED
    assert [(e.kind, e.text, e.actor_name) for e in out.suggestion.history] == [
        ("submitted", None, None), ("replied", "已联系物业，本周修好。", "李书记"),
        ("forwarded", "社区居委会", "李书记"), ("adopted", None, "李书记"),
        ("replied", "感谢张三同志。", "李书记"),
    ]


async def test_adopt_named_awards_rule_points_once(session: AsyncSession) -> None:
    """Adopting a named suggestion awards the suggestion_adopted rule through the ledger, once."""
    author, secretary = await people(session)
    s = await submit(session, author)
    out = await suggestions.adopt(session, branch_id=author.branch_id, suggestion_id=s.id,
                              points_given=None, operator=secretary, operator_name="李书记")
    await session.commit()
    entry = (await session.exec(select(LedgerEntry))).one()
    assert (entry.member_id, entry.delta, entry.kind, entry.source, entry.operator_name) == (
        author.id, Decimal("3"), "suggestion", f"suggestion:{s.id}", "李书记")
    assert out.awarded is not None and out.suggestion.points_awarded
    with pytest.raises(Conflict, match="已经采纳过了"):
        await suggestions.adopt(session, branch_id=author.branch_id, suggestion_id=s.id,
                            points_given=Decimal(5), operator=secretary, operator_name="李书记")


async def test_adopt_anonymous_awards_only_after_claim(session: AsyncSession) -> None:
    """Anonymous: no ledger entry until the author says 实名; then one, and only once."""
    author, secretary = await people(session)
    s = await submit(session, author, anonymous=True)
    out = await suggestions.adopt(session, branch_id=author.branch_id, suggestion_id=s.id,
                              points_given=Decimal(5), operator=secretary, operator_name="李书记")
    await session.commit()
    assert out.awarded is None and out.recipient == suggestions.Recipient("onebot", MEMBER_ID, sealed=True)
    assert (await session.exec(select(LedgerEntry))).all() == []
    entry = await suggestions.claim(session, member=author, suggestion_id=s.id)
    await session.commit()
    assert (entry.member_id, entry.delta, entry.source) == (author.id, Decimal(5), f"suggestion:{s.id}")
    with pytest.raises(Conflict, match="已经领取过了"):
        await suggestions.claim(session, member=author, suggestion_id=s.id)
    row = await session.get(Suggestion, s.id)
    assert (row.author_id, row.anonymous) == (None, True)  # still anonymous in every list


async def test_claim_refuses_other_people_and_unadopted(session: AsyncSession) -> None:
    """Only the sealed author may claim, and only after adoption; strangers learn nothing."""
    author, secretary = await people(session)
    s = await submit(session, author, anonymous=True)
    with pytest.raises(Conflict, match="还没有被采纳"):
        await suggestions.claim(session, member=author, suggestion_id=s.id)
    for suggestion_id in (s.id, 99):
        with pytest.raises(NotFound) as refused:
            await suggestions.claim(session, member=secretary, suggestion_id=suggestion_id)
        assert refused.value.message == f"您没有编号为#{suggestion_id}的匿名建议。"


async def test_other_branch_cannot_see_or_act(session: AsyncSession) -> None:
    """A suggestion of one branch is not found from another."""
    author, secretary = await people(session)
    s = await submit(session, author)
    other = await make_branch(session, "第二党支部", group_id=None)
    with pytest.raises(NotFound, match=f"本支部没有建议#{s.id}"):
        await suggestions.public_view(session, branch_id=other.id, suggestion_id=s.id)
    with pytest.raises(NotFound):
        await suggestions.reply(session, branch_id=other.id, suggestion_id=s.id, text="好",
                            operator=secretary, operator_name="李书记", max_length=1000)
    assert await suggestions.list_for_branch(session, branch_id=other.id) == []


async def test_view_for_members_only_own_named(session: AsyncSession) -> None:
    """查看建议: committee sees any; a member their own named ones; nobody learns anonymous authors."""
    author, secretary = await people(session)
    other = await make_member(session, await session.get(Branch, author.branch_id), "王五")
    named = await submit(session, author)
    anon = await submit(session, author, anonymous=True)
    view = await suggestions.view_for(session, branch_id=author.branch_id, suggestion_id=named.id,
                                  viewer=author, role=Role.MEMBER)
    assert view.author_name == "张三"
    with pytest.raises(PermissionDenied):
        await suggestions.view_for(session, branch_id=author.branch_id, suggestion_id=named.id,
                               viewer=other, role=Role.MEMBER)
    with pytest.raises(PermissionDenied):
        await suggestions.view_for(session, branch_id=author.branch_id, suggestion_id=anon.id,
                               viewer=author, role=Role.MEMBER)
    view = await suggestions.view_for(session, branch_id=author.branch_id, suggestion_id=anon.id,
                                  viewer=secretary, role=Role.SECRETARY)
    assert view.author_name is None


async def test_mine_includes_anonymous_only_when_asked(session: AsyncSession) -> None:
    """我的建议 lists the member's anonymous ones in private chat, never someone else's."""
    author, secretary = await people(session)
    await submit(session, author, "公开")
    await submit(session, author, "匿名", anonymous=True)
    await suggestions.submit(session, member=secretary, content="书记的", anonymous=True,
                         platform="onebot", user_id=SECRETARY_ID, **LIMITS)
    await session.commit()
    assert [s.content for s in await suggestions.mine(session, member=author, limit=10)] == ["匿名", "公开"]
    assert [s.content for s in await suggestions.mine(session, member=author, limit=10, include_anonymous=False)] == ["公开"]


async def test_stats_counts_by_status(session: AsyncSession) -> None:
    """Collected and adopted counts for reports."""
    author, secretary = await people(session)
    await submit(session, author)
    s = await submit(session, author, anonymous=True)
    await suggestions.adopt(session, branch_id=author.branch_id, suggestion_id=s.id, points_given=None,
                        operator=secretary, operator_name="李书记")
    result = await suggestions.stats(session, branch_id=author.branch_id)
    assert (result.total, result.anonymous, result.by_status[SuggestionStatus.ADOPTED],
            result.by_status[SuggestionStatus.PENDING]) == (2, 1, 1, 1)


def test_only_anonymity_reads_the_sealed_table() -> None:
    """The sealed author table is named in domain/suggestion/anonymity.py only (outside db/):
    public.py, the read side for lists, exports and pages, and every plugin never touch it."""
    root = Path(__file__).resolve().parents[3]
    naming = sorted(str(path.relative_to(root)) for folder in ("bot", "domain", "plugins")
                    for path in (root / folder).rglob("*.py")
                    if "SealedAuthor" in (text := path.read_text(encoding="utf-8"))
                    or "sealed_author" in text)
    assert naming == ["domain/suggestion/anonymity.py"]


async def test_daily_limit_holds_under_concurrency(session: AsyncSession) -> None:
    """Two suggestions sent at the same moment with one left: exactly one is accepted."""
    author, _ = await people(session)

    async def attempt(content: str) -> bool:
        async with db_engine.session_factory()() as own:
            member = await own.get(Member, author.id)
            try:
                await submit(own, member, content, daily_limit=1)
            except Conflict:
                return False
            return True

    results = await asyncio.gather(attempt("甲"), attempt("乙"))
    assert sorted(results) == [False, True]
    assert len((await session.exec(select(Suggestion))).all()) == 1


async def test_adopt_and_claim_twice_at_once_award_once(session: AsyncSession) -> None:
    """A double-tapped 采纳建议 or 实名 (two messages at the same moment) awards the points once."""
    author, secretary = await people(session)
    named = await submit(session, author)
    anon = await submit(session, author, anonymous=True)
    await suggestions.adopt(session, branch_id=author.branch_id, suggestion_id=anon.id,
                        points_given=Decimal(5), operator=secretary, operator_name="李书记")
    await session.commit()

    async def attempt(action: str) -> bool:
        async with db_engine.session_factory()() as own:
            try:
                if action == "adopt":
                    await suggestions.adopt(own, branch_id=author.branch_id, suggestion_id=named.id,
                                        points_given=None, operator=None, operator_name="李书记")
                else:
                    await suggestions.claim(own, member=await own.get(Member, author.id),
                                        suggestion_id=anon.id)
                await own.commit()
            except Conflict:
                return False
            return True

    results = await asyncio.gather(*(attempt(a) for a in ("adopt", "adopt", "claim", "claim")))
    assert sorted(results[:2]) == [False, True] and sorted(results[2:]) == [False, True]
    entries = (await session.exec(select(LedgerEntry).order_by(LedgerEntry.id))).all()
    assert sorted(e.source for e in entries) == [f"suggestion:{named.id}", f"suggestion:{anon.id}"]


async def test_named_limit_refusal_reveals_no_anonymous_ones(session: AsyncSession) -> None:
    """A named 建议 is limited by named ones only: its refusal (said in the group) hints at no anonymous one.

    An anonymous one is refused once named and anonymous together reach the limit (said privately).
    """
    author, _ = await people(session)
    with time_machine.travel(LATE_EVENING, tick=False):
        for i in range(2):
            await submit(session, author, f"匿名{i}", anonymous=True, daily_limit=2)
        with pytest.raises(Conflict):
            await submit(session, author, "匿名2", anonymous=True, daily_limit=2)
        for i in range(2):
            await submit(session, author, f"实名{i}", daily_limit=2)
        with pytest.raises(Conflict) as refused:
            await submit(session, author, "实名2", daily_limit=2)
    assert refused.value.reply == "您今天已提交2条建议，每天最多2条，请明天再提。谢谢您的热心！"
    assert len((await session.exec(select(Suggestion))).all()) == 4


async def test_forward_needs_a_destination(session: AsyncSession) -> None:
    """转交建议 #N without 去向 (or with a very long one) is refused with an example; nothing changes."""
    author, secretary = await people(session)
    s = await submit(session, author)
    branch_id, suggestion_id = author.branch_id, s.id
    for to in ("", "  ", "居" * 101):
        with pytest.raises(InvalidInput) as refused:
            await suggestions.forward(session, branch_id=branch_id, suggestion_id=suggestion_id, to=to,
                                  operator=secretary, operator_name="李书记")
        assert refused.value.reply == f"请写上转交去向（100字以内）。\n例如：{EX_FORWARD}"
    await session.rollback()
    row = await session.get(Suggestion, suggestion_id)
    assert (row.status, row.forwarded_to) == (SuggestionStatus.PENDING, None)
