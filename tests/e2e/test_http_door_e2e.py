"""The bot speaks reverse WebSocket only: OneBot's HTTP event routes are shut, token or not."""

import hashlib
import hmac
import json
import time

import httpx
import pytest

from tests.e2e.conftest import SELF_ID, SUPERUSER, BotProcess
from tests.e2e.test_roster_e2e import rows
from tests.onebot_peer import OneBotPeer

pytestmark = pytest.mark.e2e

GROUP = 20001
HTTP_PATHS = ("/onebot/v11/", "/onebot/v11/http", "/onebot/v11/http/")


def group_message(text: str, message_id: int) -> dict:
    """A group message event as a OneBot implementation would POST it."""
    return {
        "time": int(time.time()), "self_id": SELF_ID, "post_type": "message",
        "message_type": "group", "sub_type": "normal", "message_id": message_id,
        "group_id": GROUP, "user_id": SUPERUSER, "anonymous": None, "font": 0,
        "message": [{"type": "text", "data": {"text": text}}], "raw_message": text,
        "sender": {"user_id": SUPERUSER, "nickname": "su", "card": "", "role": "owner"},
    }


def heartbeat() -> dict:
    """A OneBot heartbeat meta event (what registers an HTTP bot in the upstream adapter)."""
    return {"time": int(time.time()), "self_id": SELF_ID, "post_type": "meta_event",
            "meta_event_type": "heartbeat", "status": {"online": True, "good": True},
            "interval": 5000}


def credential_variants(bot: BotProcess, body: bytes) -> list[dict[str, str]]:
    """No credentials, the right access token, and a valid-looking signature."""
    signature = "sha1=" + hmac.new(b"guess", body, hashlib.sha1).hexdigest()
    base = {"X-Self-ID": str(SELF_ID), "Content-Type": "application/json"}
    return [base, base | {"Authorization": f"Bearer {bot.token}"},
            base | {"X-Signature": signature}]


async def test_http_event_routes_refuse_every_post(bot_process: BotProcess):
    """Each HTTP path answers 403 with and without credentials; the forged command has no effect."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot_process.port}") as client:
        for number, path in enumerate(HTTP_PATHS):
            body = json.dumps(group_message("绑定支部 伪造支部", 900 + number)).encode()
            for headers in credential_variants(bot_process, body):
                response = await client.post(path, content=body, headers=headers)
                assert response.status_code == 403, (path, headers, response.text)
                assert "reverse WebSocket" in response.text
    assert rows(bot_process, "SELECT name FROM branch") == []


async def test_http_heartbeat_cannot_lock_out_the_real_client(bot_process: BotProcess):
    """After the QQ side disconnects, a POSTed heartbeat registers nothing: the client reconnects."""
    async with OneBotPeer(bot_process.url, token=bot_process.token, self_id=SELF_ID) as peer:
        assert await peer.ask(SUPERUSER, "绑定支部 第一支部", group_id=GROUP)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot_process.port}") as client:
        body = json.dumps(heartbeat()).encode()
        for path in HTTP_PATHS:
            response = await client.post(path, content=body, headers=credential_variants(
                bot_process, body)[1])
            assert response.status_code == 403
    async with OneBotPeer(bot_process.url, token=bot_process.token, self_id=SELF_ID) as peer:
        assert peer.connected
        assert await peer.ask(SUPERUSER, "绑定支部 第一支部", group_id=GROUP) == (
            "本群已经绑定“第一支部”，无需重复绑定。")
    assert "There's already a bot" not in bot_process.log_tail(200)
