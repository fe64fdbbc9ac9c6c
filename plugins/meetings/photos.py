"""Photos sent with 会议记录: downloaded (bot/media.py) and checked before anything is written, so a
bad photo leaves nothing half-stored; then kept by domain.meetings under the media directory."""

from nonebot.adapters import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Caller
from bot.media import download, image_urls
from domain import media, meetings
from plugins.meetings.config import Config

PHOTOS_PER_MESSAGE = 9
"""What one QQ message can carry."""


async def fetch_photos(arg: Message, max_bytes: int) -> list[bytes]:
    """The images of the message, each downloaded and type-checked (MediaRejected otherwise)."""
    photos = []
    for url in image_urls(arg)[:PHOTOS_PER_MESSAGE]:
        data = await download(url, max_bytes=max_bytes, example=meetings.EX_MINUTES)
        media.check_image(data, max_bytes=max_bytes, example=meetings.EX_MINUTES)
        photos.append(data)
    return photos


async def save_photos(db: AsyncSession, caller: Caller, meeting_id: int, photos: list[bytes],
                      config: Config) -> int:
    """Keep the photos of a meeting; how many were new or already there."""
    for data in photos:
        await meetings.add_photo(db, branch_id=caller.branch_id, meeting_id=meeting_id, data=data,
                                 root=meetings.media_root(), max_bytes=config.photo_max_bytes,
                                 uploaded_by=caller.member)
    return len(photos)
