"""Sign-in settings: the window around a meeting's start (read once when the plugin loads)."""

from datetime import timedelta

from pydantic import BaseModel

from domain.meetings import Window


class Config(BaseModel):
    """Keys in .env: SIGNIN_OPEN_BEFORE_MINUTES and so on."""

    signin_open_before_minutes: int = 30
    """Sign-in opens this many minutes before the meeting starts."""
    signin_late_after_minutes: int = 15
    """A sign-in more than this many minutes after the start counts as late (迟到)."""
    signin_close_after_minutes: int = 60
    """Sign-in closes this many minutes after the start; later only by 补签."""

    def window(self) -> Window:
        """The window these settings describe."""
        return Window(
            open_before=timedelta(minutes=self.signin_open_before_minutes),
            late_after=timedelta(minutes=self.signin_late_after_minutes),
            close_after=timedelta(minutes=self.signin_close_after_minutes),
        )
