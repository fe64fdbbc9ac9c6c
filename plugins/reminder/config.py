"""Reminder and 主题党日 settings (keys in .env: PARTYDAY_TICK_SECONDS and so on)."""

from pydantic import BaseModel


class Config(BaseModel):
    """Pacing, retries, catch-up and defaults of the reminder engine."""

    partyday_tick_seconds: float = 2.0
    """How often the scheduler looks for due reminders (a reminder goes out within this + pacing)."""
    partyday_grace_hours: float = 6.0
    """A reminder missed while the bot was down is sent late within this window, else skipped."""
    partyday_rate_per_second: float = 5.0
    """At most this many messages per second from one process overall (0 = unlimited)."""
    partyday_target_interval_seconds: float = 1.0
    """At least this many seconds between two messages to the same group or person (0 = none)."""
    partyday_max_attempts: int = 5
    """A send that fails is tried this many times in all, then marked failed."""
    partyday_retry_seconds: float = 15.0
    """Wait before the first retry; doubles on each further failure."""
    partyday_late_seconds: float = 60.0
    """A reminder already this many seconds overdue when a dispatch begins (the bot or its account
    was down) is sent marked late (补发); waiting its turn in a long paced fan-out is not late."""
    partyday_day_reminder_time: str = "09:00"
    """Clock time (local) of the 'N days before' party-day reminders."""
    partyday_default_offsets: str = "3d,1d,1h"
    """Default party-day reminders: 3 days and 1 day before (at the time above), 1 hour before."""
    partyday_horizon_days: int = 45
    """Party days are materialised (sign-in session + reminder rows) this many days ahead."""
    partyday_plan_minutes: float = 1.0
    """How often study sessions, volunteer needs and party-day rules are scanned for new reminders."""
    partyday_study_absent_default: bool = True
    """Default for new branches: @-mention who has not signed in 10 minutes after a study starts."""
    partyday_volunteer_private_default: bool = True
    """Default for new branches: remind volunteer claimants privately (False: in the group)."""
