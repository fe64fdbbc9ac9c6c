"""Platform edge for media: the images a message carries, fetched with a timeout and a size cap.

What is kept, and how, is domain.media's; this module only reads segments and downloads bytes.
"""

import httpx
from nonebot.adapters import Message

from domain.media import MAX_IMAGE_BYTES, MediaRejected

TIMEOUT_SECONDS = 15.0


def image_urls(message: Message) -> list[str]:
    """The download URLs of the image segments (OneBot's `url`, else a `file` that is a URL)."""
    urls = []
    for segment in message:
        if segment.type != "image":
            continue
        url = segment.data.get("url") or segment.data.get("file")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            urls.append(url)
    return urls


async def download(url: str, *, max_bytes: int = MAX_IMAGE_BYTES, example: str | None = None,
                   seconds: float = TIMEOUT_SECONDS, client: httpx.AsyncClient | None = None) -> bytes:
    """The bytes at url, streamed and abandoned as soon as they pass max_bytes (MediaRejected),
    or on a timeout / HTTP error (MediaRejected saying the photo could not be fetched)."""
    own = client is None
    http = client or httpx.AsyncClient(timeout=seconds, follow_redirects=True)
    try:
        async with http.stream("GET", url, timeout=seconds) as response:
            response.raise_for_status()
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise MediaRejected(_too_large(max_bytes), example)
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise MediaRejected(_too_large(max_bytes), example)
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.HTTPError:
        raise MediaRejected("照片没能下载下来，请稍后重新发送。", example) from None
    finally:
        if own:
            await http.aclose()


def _too_large(max_bytes: int) -> str:
    return f"图片太大，请发送{max_bytes // 1024 // 1024}MB以内的图片。"
