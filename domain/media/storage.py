"""What a stored image is: a known type by its magic bytes, at most MAX_IMAGE_BYTES, written with
mode 0600 under `<root>/<folder>/` with a name we choose (never the sender's)."""

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from core.errors import InvalidInput

MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""The default cap: a phone photo fits; anything larger is refused, not truncated."""

IMAGE_TYPES: dict[str, tuple[bytes, ...]] = {
    "jpg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (),  # RIFF....WEBP, checked below
}
"""Accepted image types by their leading bytes (the name or Content-Type a sender gives is not trusted)."""

_FOLDER = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*$")


class MediaRejected(InvalidInput):
    """Not an accepted image, empty, or too large: nothing is written."""


@dataclass(frozen=True)
class StoredMedia:
    """A file written: its path relative to the media root, type, size and content hash."""

    relpath: str
    kind: str
    size: int
    sha256: str


def sniff(data: bytes) -> str | None:
    """The image type the bytes start with ('jpg', 'png', 'gif', 'webp'), or None."""
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    for kind, magics in IMAGE_TYPES.items():
        if any(data.startswith(magic) for magic in magics):
            return kind
    return None


def check_image(data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES, example: str | None = None) -> str:
    """The type of an acceptable image, or MediaRejected saying what is wrong."""
    if not data:
        raise MediaRejected("图片是空的，请重新发送。", example)
    if len(data) > max_bytes:
        raise MediaRejected(f"图片太大（{_mb(len(data))}），请发送{_mb(max_bytes)}以内的图片。", example)
    kind = sniff(data)
    if kind is None:
        raise MediaRejected("收到的不是图片（只收 JPG、PNG、GIF、WEBP），请重新发送照片。", example)
    return kind


def media_path(root: Path, relpath: str) -> Path:
    """The file of a stored relpath, refusing anything that would leave the root."""
    base = root.resolve()
    path = (base / relpath).resolve()
    if base not in path.parents:
        raise ValueError(f"outside the media root: {relpath!r}")
    return path


def store_image(data: bytes, *, root: Path, folder: str, max_bytes: int = MAX_IMAGE_BYTES,
                example: str | None = None) -> StoredMedia:
    """Check and write an image under root/folder (folders 0700, the file 0600); the same bytes
    stored twice in a folder are one file."""
    if not _FOLDER.match(folder):
        raise ValueError(f"bad media folder: {folder!r}")
    kind = check_image(data, max_bytes=max_bytes, example=example)
    digest = hashlib.sha256(data).hexdigest()
    relpath = f"{folder}/{digest[:32]}.{kind}"
    path = media_path(root, relpath)
    _make_dirs(root.resolve(), path.parent)
    if not path.exists():
        tmp = path.with_suffix(".part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, 0o600)  # a umask never loosens it, and an old .part is tightened
        os.replace(tmp, path)
    return StoredMedia(relpath, kind, len(data), digest)


def _make_dirs(root: Path, folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for part in (folder, *folder.parents):
        if part == root.parent:
            break
        if part == root or root in part.parents:
            os.chmod(part, 0o700)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)}KB"
