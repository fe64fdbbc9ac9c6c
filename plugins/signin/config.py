"""Sign-in settings: the window around a session's start (read once when the plugin loads)."""

from pydantic import BaseModel


class Config(BaseModel):
    """Keys in .env: SIGNIN_OPEN_BEFORE_MINUTES and so on."""

    signin_open_before_minutes: int = 30
    """Sign-in opens this many minutes before the session starts."""
    signin_late_after_minutes: int = 15
    """A sign-in more than this many minutes after the start counts as late (迟到)."""
    signin_close_after_minutes: int = 60
    """Sign-in closes this many minutes after the start; later only by 补签."""
