"""The bot killed mid-flight and started again keeps its data and serves the same peers."""

import pytest

from tests.e2e.conftest import SUPERUSER, BotProcess
from tests.onebot_peer import OneBotPeer

pytestmark = pytest.mark.e2e

GROUP = 20001


async def test_sigkill_and_restart_on_the_same_database(bot_process: BotProcess, peer_factory):
    """Bind and 报到, SIGKILL, restart: a reconnecting peer finds everything, duplicates stay dropped."""
    peer: OneBotPeer = await peer_factory().connect()
    await peer.ask(SUPERUSER, "绑定支部 第一支部", group_id=GROUP)
    registered = await peer.say(10002, "报到 张三", group_id=GROUP)
    await peer.wait_for_reply(registered)

    bot_process.restart(hard=True)
    assert not peer.connected or await peer.settle(registered, 0.1) == []
    await peer.close()

    async with peer_factory() as again:
        assert await again.ask(10002, "支部信息", group_id=GROUP) == (
            "【第一支部】\n书记：未设置\n委员：未设置\n在册党员：1人（正常活动1人、适当参加活动0人、不能参加活动0人）")
        # A reconnecting implementation replays the last message: still one 报到.
        replay = await again.post(dict(registered.data), registered.chat)
        assert await again.settle(replay) == []
