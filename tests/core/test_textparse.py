"""IDs and amounts as members type them."""

import pytest

from core.errors import InvalidInput
from core.textparse import parse_id, split_id


@pytest.mark.parametrize("text", ["#7", "7", "7号", "＃７", "七号", "第7条", " # 7 "])
def test_parse_id_forms(text):
    """Every way of writing an ID that DESIGN.md promises gives the same number."""
    assert parse_id(text) == 7


@pytest.mark.parametrize("text", ["abc", "#", "0", "-3", "7.5"])
def test_parse_id_rejects_non_ids(text):
    """Not an ID: a reply that says so, with the example."""
    with pytest.raises(InvalidInput) as caught:
        parse_id(text, "需求编号", "认领 #3")
    assert caught.value.reply.endswith("例如：认领 #3")


def test_split_id_keeps_the_rest():
    """Leading ID and the rest of the words."""
    assert split_id("＃１２ 张三 协助清扫") == (12, "张三 协助清扫")


def test_strip_decoration_as_members_type():
    """Emoji, brackets and final marks around a message go; words and questions stay."""
    from core.textparse import strip_decoration

    cases = {
        "签到🌹": "签到", "签到。": "签到", "【签到】": "签到", "👍签到！！": "签到", "签到 🙏🏻": "签到",
        "签到❤️": "签到", "签到？": "签到？", "签到表在哪": "签到表在哪", "请假 去医院。": "请假 去医院",
        "发布学习 3点 学习《党章》": "发布学习 3点 学习《党章》", "认领3号。": "认领3号", "🌹🌹": "",
        "「积分」": "积分", "积分～": "积分",
    }
    assert {text: strip_decoration(text) for text in cases} == cases
    assert strip_decoration("【签到", trailing=False) == "签到"
    assert strip_decoration("签到】", leading=False) == "签到"
