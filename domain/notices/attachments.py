"""Images sent with a notice: checked and stored by domain.media (type by magic bytes, size-capped,
files 0600), one row each; the same image twice in a notice is kept once."""

from pathlib import Path

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import InvalidInput
from db.models.notice import Notice, NoticeAttachment
from db.sql import insert_or_ignore
from domain import media
from domain.notices.words import EX_POST

ATTACHMENTS_MAX = 9
"""What one QQ message can carry."""


def check_images(images: list[bytes], *, max_bytes: int = media.MAX_IMAGE_BYTES) -> None:
    """Every image acceptable, before anything is written (MediaRejected / InvalidInput otherwise)."""
    if len(images) > ATTACHMENTS_MAX:
        raise InvalidInput(f"一条通知最多带{ATTACHMENTS_MAX}张图片。", EX_POST)
    for data in images:
        media.check_image(data, max_bytes=max_bytes, example=EX_POST)


async def attach(db: AsyncSession, notice: Notice, images: list[bytes], *, root: Path,
                 max_bytes: int = media.MAX_IMAGE_BYTES) -> list[NoticeAttachment]:
    """Store the notice's images under root/notices/<id>/ and record them; returns its attachments."""
    check_images(images, max_bytes=max_bytes)
    for data in images:
        stored = media.store_image(data, root=root, folder=f"notices/{notice.id}",
                                   max_bytes=max_bytes, example=EX_POST)
        await db.exec(insert_or_ignore(
            db, NoticeAttachment, index_elements=["notice_id", "sha256"], notice_id=notice.id,
            relpath=stored.relpath, media_type=stored.kind, size=stored.size, sha256=stored.sha256,
            created_at=timeutil.now()))
    return await attachments_of(db, notice)


async def attachments_of(db: AsyncSession, notice: Notice) -> list[NoticeAttachment]:
    """The notice's images in the order they were sent."""
    return list((await db.exec(select(NoticeAttachment).where(
        NoticeAttachment.notice_id == notice.id).order_by(col(NoticeAttachment.id)))).all())
