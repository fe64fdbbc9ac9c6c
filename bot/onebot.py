"""The OneBot V11 adapter as this product serves it: reverse WebSocket only.

The upstream adapter also accepts events by HTTP POST on `/onebot/v11/`, `/onebot/v11/http` and
`/onebot/v11/http/`, and those routes check only `ONEBOT_SECRET`, never `ONEBOT_ACCESS_TOKEN`.
NapCat and Lagrange connect over the reverse WebSocket, so the HTTP routes are refused outright:
no event is handled and no bot is registered (an HTTP "bot" would lock the real client out).
"""

import ipaddress
import sys
from typing import Any

from nonebot.adapters import Event
from nonebot.adapters.onebot.v11 import Adapter as OneBotV11Adapter
from nonebot.drivers import Driver, Request, Response
from nonebot.log import logger

from bot import routing

HTTP_REFUSAL = "HTTP event delivery is disabled; connect over the reverse WebSocket /onebot/v11/ws"
TOKEN_MIN = 16
"""A shorter ONEBOT_ACCESS_TOKEN is refused on a non-loopback address (it could be guessed)."""


def is_loopback(host: str) -> bool:
    """127.0.0.1, ::1, localhost: only this machine can connect."""
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listener_refusal(host: str, token: str | None) -> str | None:
    """Why the bot must not start listening on `host` with this token, or None when it may."""
    if is_loopback(host):
        return None
    if not token or not token.strip():
        return (f"拒绝启动：HOST={host} 对外开放，但没有设置 ONEBOT_ACCESS_TOKEN。\n"
                "Refusing to listen on a non-loopback address without ONEBOT_ACCESS_TOKEN: "
                "set it in .env (and the same token in NapCat/Lagrange), or use HOST=127.0.0.1.")
    if len(token.strip()) < TOKEN_MIN:
        return (f"拒绝启动：HOST={host} 对外开放，ONEBOT_ACCESS_TOKEN 太短（至少{TOKEN_MIN}个字符）。\n"
                f"Refusing to listen on a non-loopback address with an access token shorter than "
                f"{TOKEN_MIN} characters: use a long random one (python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(24))').")
    return None


class Adapter(OneBotV11Adapter):
    """OneBot V11 over the access-token-checked reverse WebSocket; HTTP POST events get 403.

    Refuses to be created (the process exits) when the server listens beyond this machine without
    a strong access token — whether started by `python -m bot` or by nb-cli's `nb run`.
    """

    def __init__(self, driver: Driver, **kwargs: Any) -> None:
        super().__init__(driver, **kwargs)
        # Read as the adapter reads it: a token given only as an environment variable counts too.
        if refusal := listener_refusal(str(driver.config.host), self.onebot_config.onebot_access_token):
            sys.exit(refusal)

    async def _handle_http(self, request: Request) -> Response:
        logger.warning(f"refused an HTTP OneBot event on {request.url.path} (reverse WebSocket only)")
        return Response(403, content=HTTP_REFUSAL)

    @classmethod
    def json_to_event(cls, json_data: Any) -> Event | None:
        """The upstream event, named for bot/routing.py: the adapter starts the event's task right
        after this, and the task inherits the name."""
        event = super().json_to_event(json_data)
        if event is not None:
            routing.dispatching(event)
        return event
