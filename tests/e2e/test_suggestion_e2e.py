"""Suggestions through the real bot process over a real OneBot V11 WebSocket: anonymity end to end."""

import pytest

from bot import logprivacy
from plugins.suggestion import texts as t
from tests.e2e.conftest import SELF_ID, SUPERUSER, BotProcess
from tests.onebot_peer import OneBotPeer, at

pytestmark = pytest.mark.e2e

GROUP = 20001
SECRETARY = 10002
AUTHOR = 10003


async def _setup(peer: OneBotPeer) -> None:
    """Bind the group, make 王书记 secretary, register 张三."""
    await peer.ask(SUPERUSER, "绑定支部 第一支部", group_id=GROUP)
    await peer.ask(SECRETARY, "报到 王书记", group_id=GROUP)
    assert await peer.ask(SUPERUSER, ["设置书记 ", at(SECRETARY)], group_id=GROUP) == (
        "已将 王书记 设为支部书记。")
    assert (await peer.ask(AUTHOR, "报到 张三", group_id=GROUP)).startswith("张三 报到成功")


def _private_to(user_id: int):  # noqa: ANN202
    return lambda m: m.chat == ("private", user_id)


async def test_anonymous_in_group_then_reply_reaches_author(bot_process: BotProcess, peer: OneBotPeer):
    """匿名建议 in the group: delete_msg, a private notice, silence in the group; 回复建议 reaches the author.

    The log never ties the author to an anonymous suggestion (incoming message, 实名, failed private send).
    """
    await _setup(peer)
    posted = await peer.say(AUTHOR, "匿名建议 书记开会总迟到，希望准时", group_id=GROUP)
    withdrawn = await peer.wait_for_call("delete_msg")
    assert withdrawn.params == {"message_id": posted.message_id}
    notice = await peer.wait_for_sent(_private_to(AUTHOR))
    assert notice.text == t.anon_from_group(1, True)
    assert await peer.settle(posted) == []  # the group hears nothing

    listing = await peer.ask(SECRETARY, "建议列表")
    assert listing.startswith("【建议】共1条\n#1 待处理 匿名 ")
    assert "张三" not in listing and str(AUTHOR) not in listing

    answer = await peer.ask(SECRETARY, "回复建议 #1 好的，下次准时开会", group_id=GROUP)
    assert answer == "已答复建议#1。已私信告知建议人。"
    told = await peer.wait_for_sent(_private_to(AUTHOR))
    assert told.text == "您的建议#1（书记开会总迟到，希望准时）有了答复：\n好的，下次准时开会\n—— 王书记"

    assert await peer.ask(AUTHOR, "匿名建议 活动室太冷") == t.submitted(2, anonymous=True)
    peer.fail_api("send_private_msg")  # the author has not added the bot as a friend
    answer = await peer.ask(SECRETARY, "回复建议 #2 已请物业检查暖气", group_id=GROUP)
    assert answer == "已答复建议#2。私信未能送达，建议人可发送“我的建议”查看。"
    assert await peer.ask(AUTHOR, "实名 #2") == "建议#2 还没有被采纳，暂无积分可领。"

    log = bot_process.log_path.read_text(errors="replace").splitlines()
    assert [line for line in log if str(AUTHOR) in line and ("匿名建议" in line or "send" in line)] == []
    assert sum(line.endswith(f"nonebot | OneBot V11 {SELF_ID} | {logprivacy.REDACTED}") for line in log) == 3
    assert any(f"send to user {logprivacy.HIDDEN_USER} failed" in line for line in log)


async def test_cq_code_in_suggestion_comes_back_as_plain_text(bot_process: BotProcess, peer: OneBotPeer):
    """A suggestion typed with [CQ:at,qq=all] is echoed as text segments only: nobody is @'d."""
    await _setup(peer)
    content = "[CQ:at,qq=all] 大家都来看看"
    assert await peer.ask(AUTHOR, f"建议 {content}", group_id=GROUP) == t.submitted(1, anonymous=False)
    event = await peer.say(SECRETARY, "查看建议 #1", group_id=GROUP)
    shown = await peer.wait_for_reply(event)
    assert shown.mentions == [] and {s["type"] for s in shown.message} == {"text"}
    assert shown.text.startswith(f"【建议#1】待处理\n建议人：张三\n{content}\n—— 经过 ——\n")
