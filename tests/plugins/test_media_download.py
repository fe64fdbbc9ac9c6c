"""bot/media.py: image URLs read from OneBot segments; downloads capped while streaming."""

from collections.abc import AsyncIterator

import httpx
import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment

from bot.media import download, image_urls
from domain.media import MediaRejected

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_image_urls() -> None:
    """Only image segments with an http(s) url count."""
    message = Message([MessageSegment.text("会议记录 #3 照片"),
                       MessageSegment("image", {"file": "a.png", "url": "https://q.example/a.png"}),
                       MessageSegment("image", {"file": "file:///etc/passwd"})])
    assert image_urls(message) == ["https://q.example/a.png"]


class Endless(httpx.AsyncByteStream):
    """A body that never ends unless the reader stops: the cap must stop it."""

    def __init__(self) -> None:
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            self.sent += 1024
            yield PNG[:8] + b"\0" * 1016


async def test_download_caps_while_streaming() -> None:
    """A body without Content-Length is abandoned once it passes the cap."""
    body = Endless()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=body))
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(MediaRejected, match="太大"):
            await download("https://q.example/big", max_bytes=10_000, client=client)
    assert body.sent <= 11 * 1024


async def test_download_ok_and_errors() -> None:
    """The bytes come back; a declared oversize or an HTTP error is a clear refusal."""
    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/ok.png":
            return httpx.Response(200, content=PNG)
        if request.url.path == "/huge.png":
            return httpx.Response(200, headers={"content-length": "99999999"}, content=PNG)
        return httpx.Response(404)

    async with httpx.AsyncClient(transport=httpx.MockTransport(serve)) as client:
        assert await download("https://q.example/ok.png", client=client) == PNG
        with pytest.raises(MediaRejected, match="太大"):
            await download("https://q.example/huge.png", client=client)
        with pytest.raises(MediaRejected, match="没能下载"):
            await download("https://q.example/gone.png", client=client)
