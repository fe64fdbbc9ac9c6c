"""`nb run` (nb-cli), how NoneBot users start a bot: the same bot as `python -m bot`."""

from pathlib import Path

import pytest

from tests.e2e.conftest import SUPERUSER, BotProcess
from tests.onebot_peer import OneBotPeer

pytestmark = pytest.mark.e2e

NB = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "nb"
NB_INSTALLED = NB.exists()


async def test_nb_run_serves_the_product(bot_database: str, tmp_path: Path):
    """Commands without '/', the database opened, the reverse-WebSocket-only adapter, no console."""
    if not NB_INSTALLED:
        pytest.fail("nb-cli is missing from the venv: `make test` installs it (pyproject [test])")
    bot = BotProcess(database_url=bot_database, log_path=tmp_path / "nb.log", argv=[str(NB), "run"])
    bot.start(timeout=60)
    try:
        async with OneBotPeer(bot.url, token=bot.token) as peer:
            assert await peer.ask(SUPERUSER, "绑定支部 测试支部", group_id=20001) == (
                "本群已绑定“测试支部”。\n请各位党员发送“报到 姓名”完成登记，例如：报到 张三")
            assert await peer.ask(10002, "报到 张三", group_id=20001) == (
                "张三 报到成功，已加入“测试支部”。发送“帮助”可查看能用的命令。")
    finally:
        bot.stop()
    log = bot.log_tail(400)
    assert "Legacy configuration" not in log
    assert "database engine not initialised" not in log
    assert "Console" not in log
