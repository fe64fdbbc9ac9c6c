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
