"""The suggestion plugin's own pieces: reading numbers and statuses, the wording."""

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import InvalidInput
from db.models import SuggestionStatus
from domain import suggestion as suggestions
from plugins.suggestion import parsing
from plugins.suggestion import texts as t
from tests.domain.suggestion.seed import people, submit
from tests.factories import MEMBER_ID


async def test_anonymous_author_never_in_public_shapes(session: AsyncSession) -> None:
    """Nothing a list, view, export or secretary reply is built from contains the author's name or QQ."""
    author, secretary = await people(session)
    s = await submit(session, author, "希望活动提前半小时", anonymous=True)
    kw = {"branch_id": author.branch_id, "suggestion_id": s.id, "operator": secretary,
          "operator_name": "李书记"}
    outs = [await suggestions.reply(session, text="好的", max_length=1000, **kw),
            await suggestions.forward(session, to="社区居委会", **kw),
            await suggestions.adopt(session, points_given=None, **kw)]
    await session.commit()
    views = [*await suggestions.list_for_branch(session, branch_id=author.branch_id, with_history=True),
             await suggestions.public_view(session, branch_id=author.branch_id, suggestion_id=s.id)]
    texts = [t.branch_list(views[:1], 1, None), t.detail(views[1]),
             *(t.adopted(o.suggestion, None, True) for o in outs),
             t.replied(s.id, True), t.forwarded(s.id, "社区居委会", True), repr(views)]
    for text in texts:
        assert "张三" not in text and MEMBER_ID not in text
    # The secretary's confirmation never carries the route; only the handler's private send uses it.
    assert all(repr(o.recipient) not in repr(o.suggestion) for o in outs)


def test_split_id_raw_keeps_punctuation() -> None:
    """The reply after the number is kept as written."""
    assert parsing.split_id_raw("#3 好的，马上办！", t.EX_REPLY) == (3, "好的，马上办！")
    assert parsing.split_id_raw("＃３号：已转交", t.EX_REPLY) == (3, "已转交")
    assert parsing.split_id_raw("三号 三天内修好", t.EX_REPLY) == (3, "三天内修好")
    with pytest.raises(InvalidInput):
        parsing.split_id_raw("好的", t.EX_REPLY)


@pytest.mark.parametrize("typed", ["一定尽快办", "三天内修好", "3天内修好", "好的"])
def test_split_id_raw_needs_a_set_apart_number(typed: str) -> None:
    """A reply that forgot the number is refused, not sent to #1 or #3 with its first word cut off."""
    with pytest.raises(InvalidInput, match="请写上建议编号"):
        parsing.split_id_raw(typed, t.EX_REPLY)


def test_split_id_raw_glued_forms() -> None:
    """'#3好的', '3号好的', '第三条：好的' still read the number."""
    assert parsing.split_id_raw("#3好的", t.EX_REPLY) == (3, "好的")
    assert parsing.split_id_raw("3号好的", t.EX_REPLY) == (3, "好的")
    assert parsing.split_id_raw("第三条：好的", t.EX_REPLY) == (3, "好的")
    assert parsing.split_id_raw("12", t.EX_REPLY) == (12, "")


def test_parse_status_words() -> None:
    """建议列表 takes a status with or without 已, or 全部; anything else is refused with the choices."""
    assert parsing.parse_status("未处理") == SuggestionStatus.PENDING
    assert parsing.parse_status("采纳") == SuggestionStatus.ADOPTED
    assert parsing.parse_status("全部") is None
    with pytest.raises(InvalidInput) as refused:
        parsing.parse_status("已完成")
    assert refused.value.reply == (
        f"没有“已完成”这种状态，可选：待处理、已答复、已采纳、已转交、全部。\n例如：{t.EX_LIST}")
