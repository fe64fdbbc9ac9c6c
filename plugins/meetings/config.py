"""Settings of the meetings plugin (三会一课): where photos go, how large they may be, the nudge day."""

from pathlib import Path

from pydantic import BaseModel


class Config(BaseModel):
    """MEETINGS_* keys in .env."""

    meetings_media_dir: str = "data/media"
    """Where meeting photos are stored (folders 0700, files 0600; never served without a login)."""
    meetings_photo_max_mb: int = 5
    """The largest photo accepted, in MB; a larger one is refused, not shrunk."""
    meetings_nudge_day: int = 20
    """Day of the month on which the secretary is told privately which required meetings of this
    month / quarter / year are not scheduled yet (0 = never)."""
    meetings_nudge_hour: int = 9
    """Hour (Beijing) of that nudge."""

    @property
    def media_root(self) -> Path:
        """The media directory as a path."""
        return Path(self.meetings_media_dir)

    @property
    def photo_max_bytes(self) -> int:
        """The photo cap in bytes."""
        return self.meetings_photo_max_mb * 1024 * 1024
