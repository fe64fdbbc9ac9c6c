"""Notice settings (keys in .env: NOTICE_FOLLOWUPS, NOTICE_OPEN_DAYS)."""

from pathlib import Path

from pydantic import BaseModel, field_validator

from domain.notices import FollowUp


class Config(BaseModel):
    """When follow-ups go out, and which notices a bare 收到 answers."""

    notice_followups: list[str] = ["1d09:00"]
    """Follow-up times after a notice, Beijing time: days after the notice's day and a clock time
    (`1d09:00` = the next morning at 9). Each one @s the members not yet reached, once."""
    notice_open_days: int = 7
    """A bare 收到 answers the notices of the last this many days (收到 #N answers any)."""
    notice_media_dir: str = "data/media"
    """Where images sent with a notice are kept (under notices/<id>/; folders 0700, files 0600)."""
    notice_image_max_mb: int = 5
    """The largest image accepted with a notice, in MB; a larger one is refused, not shrunk."""

    @property
    def media_root(self) -> Path:
        """The media directory as a path."""
        return Path(self.notice_media_dir)

    @property
    def image_max_bytes(self) -> int:
        """The image cap in bytes."""
        return self.notice_image_max_mb * 1024 * 1024

    @field_validator("notice_followups")
    @classmethod
    def _valid(cls, value: list[str]) -> list[str]:
        for spec in value:
            FollowUp.parse(spec)
        return value

    def plan(self) -> tuple[FollowUp, ...]:
        """The follow-up times as the domain takes them."""
        return tuple(FollowUp.parse(spec) for spec in self.notice_followups)
