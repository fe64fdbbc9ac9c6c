"""Start-up rules of `python -m bot`: no open listener without an access token."""

import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT, BotProcess
from tests.onebot_peer import OneBotPeer

pytestmark = pytest.mark.e2e


def test_public_host_without_token_is_refused(bot_database: str, tmp_path):
    """HOST=0.0.0.0 and no ONEBOT_ACCESS_TOKEN: exit 1 with a clear message, before listening."""
    bot = BotProcess(database_url=bot_database, log_path=tmp_path / "bot.log",
                     extra_env={"HOST": "0.0.0.0", "ONEBOT_ACCESS_TOKEN": ""})
    done = subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT, env=bot.env(),
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert "拒绝启动：HOST=0.0.0.0 对外开放，但没有设置 ONEBOT_ACCESS_TOKEN。" in done.stderr
    assert "Refusing to listen on a non-loopback address without ONEBOT_ACCESS_TOKEN" in done.stderr


async def test_public_host_with_token_serves(bot_database: str, tmp_path):
    """HOST=0.0.0.0 with a token starts and accepts a peer that presents it."""
    bot = BotProcess(database_url=bot_database, log_path=tmp_path / "bot.log",
                     extra_env={"HOST": "0.0.0.0"})
    bot.start()
    try:
        async with OneBotPeer(bot.url, token=bot.token) as peer:
            assert peer.connected
    finally:
        bot.stop()


@pytest.mark.parametrize("token", [" ", "short-token"])
def test_public_host_with_blank_or_short_token_is_refused(bot_database: str, tmp_path, token: str):
    """A blank token or one under 16 characters is no protection on an open address."""
    bot = BotProcess(database_url=bot_database, log_path=tmp_path / "bot.log",
                     extra_env={"HOST": "0.0.0.0", "ONEBOT_ACCESS_TOKEN": token})
    done = subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT, env=bot.env(),
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert "拒绝启动：HOST=0.0.0.0 对外开放" in done.stderr


def test_loopback_allows_any_token(bot_database: str, tmp_path):
    """On 127.0.0.1 only this machine connects: a short token is the deployer's business."""
    bot = BotProcess(database_url=bot_database, log_path=tmp_path / "bot.log", token="short")
    bot.start()
    bot.stop()
