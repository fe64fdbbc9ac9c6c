"""主题党日 settings (keys in .env: PARTYDAY_DAY_REMINDER_TIME and so on)."""

from pydantic import BaseModel


class Config(BaseModel):
    """Defaults and planning of party days (their reminders are sent by the reminder engine)."""

    partyday_day_reminder_time: str = "09:00"
    """Clock time (local) of the 'N days before' party-day reminders."""
    partyday_default_offsets: str = "3d,1d,1h"
    """Default party-day reminders: 3 days and 1 day before (at the time above), 1 hour before."""
    partyday_horizon_days: int = 45
    """Party days are materialised (meeting + reminder rows) this many days ahead."""
    partyday_plan_minutes: float = 1.0
    """How often party-day rules are checked for occurrences to materialise."""
