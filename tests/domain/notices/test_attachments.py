"""Images sent with a notice: type-checked, size-capped and kept once each (domain.media's rules)."""

import stat
from pathlib import Path

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import InvalidInput
from core.roles import Role
from domain import media, notices
from tests.factories import make_branch, make_member

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
GIF = b"GIF89a" + b"\x01" * 64


async def _notice(db: AsyncSession):
    branch = await make_branch(db)
    secretary = await make_member(db, branch, "王书记", user_id="10001", role=Role.SECRETARY)
    return await notices.create_notice(db, branch_id=branch.id, text="周五学习",
                                       author=notices.Author(secretary.name, secretary.id))


async def test_images_are_stored_once_each_and_private(db: AsyncSession, tmp_path: Path) -> None:
    """Two different images and one of them again: two rows, two files, mode 0600."""
    notice = await _notice(db)
    kept = await notices.attach(db, notice, [PNG, GIF, PNG], root=tmp_path)
    assert [(a.media_type, a.size) for a in kept] == [("png", len(PNG)), ("gif", len(GIF))]
    for attachment in kept:
        path = media.media_path(tmp_path, attachment.relpath)
        assert attachment.relpath.startswith(f"notices/{notice.id}/")
        assert path.read_bytes() in (PNG, GIF)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_a_bad_image_stores_nothing(db: AsyncSession, tmp_path: Path) -> None:
    """A text file posing as an image, or one over the cap: refused before anything is written."""
    notice = await _notice(db)
    tmp_path = tmp_path / "media"
    tmp_path.mkdir()
    with pytest.raises(media.MediaRejected, match="收到的不是图片"):
        await notices.attach(db, notice, [PNG, b"hello, not an image"], root=tmp_path)
    with pytest.raises(media.MediaRejected, match="图片太大"):
        await notices.attach(db, notice, [PNG * 20], root=tmp_path, max_bytes=1024)
    with pytest.raises(InvalidInput, match="一条通知最多带9张图片"):
        notices.check_images([PNG] * 10)
    assert list(tmp_path.iterdir()) == []
    assert await notices.attachments_of(db, notice) == []
