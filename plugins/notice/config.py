"""Notice settings (keys in .env: NOTICE_FOLLOWUPS, NOTICE_OPEN_DAYS)."""

from pydantic import BaseModel, field_validator

from domain.notices import FollowUp


class Config(BaseModel):
    """When follow-ups go out, and which notices a bare 收到 answers."""

    notice_followups: list[str] = ["1d09:00"]
    """Follow-up times after a notice, Beijing time: days after the notice's day and a clock time
    (`1d09:00` = the next morning at 9). Each one @s the members not yet reached, once."""
    notice_open_days: int = 7
    """A bare 收到 answers the notices of the last this many days (收到 #N answers any)."""

    @field_validator("notice_followups")
    @classmethod
    def _valid(cls, value: list[str]) -> list[str]:
        for spec in value:
            FollowUp.parse(spec)
        return value

    def plan(self) -> tuple[FollowUp, ...]:
        """The follow-up times as the domain takes them."""
        return tuple(FollowUp.parse(spec) for spec in self.notice_followups)
