"""The OneBot V11 adapter as this product serves it: reverse WebSocket only.

The upstream adapter also accepts events by HTTP POST on `/onebot/v11/`, `/onebot/v11/http` and
`/onebot/v11/http/`, and those routes check only `ONEBOT_SECRET`, never `ONEBOT_ACCESS_TOKEN`.
NapCat and Lagrange connect over the reverse WebSocket, so the HTTP routes are refused outright:
no event is handled and no bot is registered (an HTTP "bot" would lock the real client out).
"""

from nonebot.adapters.onebot.v11 import Adapter as OneBotV11Adapter
from nonebot.drivers import Request, Response
from nonebot.log import logger

HTTP_REFUSAL = "HTTP event delivery is disabled; connect over the reverse WebSocket /onebot/v11/ws"


class Adapter(OneBotV11Adapter):
    """OneBot V11 over the access-token-checked reverse WebSocket; HTTP POST events get 403."""

    async def _handle_http(self, request: Request) -> Response:
        logger.warning(f"refused an HTTP OneBot event on {request.url.path} (reverse WebSocket only)")
        return Response(403, content=HTTP_REFUSAL)
