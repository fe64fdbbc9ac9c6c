"""Stored media (meeting photos, notice attachments): the rules for what is kept and where.

NoneBot-free, so any capability can reuse it: the plugin downloads the bytes (bot/media.py streams
them with a size cap), this package decides whether they are an accepted type, and writes them
under the data directory, never world-readable.
"""

from domain.media.storage import (
    IMAGE_TYPES,
    MAX_IMAGE_BYTES,
    MediaRejected,
    StoredMedia,
    check_image,
    media_path,
    sniff,
    store_image,
)

__all__ = ["IMAGE_TYPES", "MAX_IMAGE_BYTES", "MediaRejected", "StoredMedia", "check_image",
           "media_path", "sniff", "store_image"]
