"""Stored images: type by magic bytes, size cap, path under the root, mode 0600."""

import stat
from pathlib import Path

import pytest

from domain import media

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 16


@pytest.mark.parametrize(("data", "kind"), [(PNG, "png"), (JPG, "jpg"), (b"GIF89a" + b"\0" * 8, "gif"),
                                            (WEBP, "webp"), (b"%PDF-1.4", None), (b"<html>", None)])
def test_sniff(data: bytes, kind: str | None) -> None:
    """The type is read from the leading bytes only."""
    assert media.sniff(data) == kind


def test_store_writes_private_file(tmp_path: Path) -> None:
    """The file is 0600, its folders 0700, named by content, and the same bytes are one file."""
    root = tmp_path / "media"
    stored = media.store_image(PNG, root=root, folder="meetings/3")
    path = media.media_path(root, stored.relpath)
    assert path.read_bytes() == PNG
    assert stored.kind == "png" and stored.size == len(PNG)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert media.store_image(PNG, root=root, folder="meetings/3") == stored
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_rejects_non_image_and_oversize(tmp_path: Path) -> None:
    """A PDF named .jpg, an empty file and one byte over the cap are refused; nothing is written."""
    root = tmp_path / "media"
    with pytest.raises(media.MediaRejected, match="不是图片"):
        media.store_image(b"%PDF-1.4 fake", root=root, folder="meetings/3")
    with pytest.raises(media.MediaRejected, match="空的"):
        media.store_image(b"", root=root, folder="meetings/3")
    with pytest.raises(media.MediaRejected, match="太大"):
        media.store_image(PNG + b"\0" * 100, root=root, folder="meetings/3", max_bytes=len(PNG) + 99)
    assert not root.exists() or not any(root.rglob("*.*"))


def test_paths_stay_under_root(tmp_path: Path) -> None:
    """A folder or relpath that climbs out of the root is refused."""
    with pytest.raises(ValueError, match="folder"):
        media.store_image(PNG, root=tmp_path, folder="../etc")
    with pytest.raises(ValueError, match="outside"):
        media.media_path(tmp_path / "media", "../secret.png")
