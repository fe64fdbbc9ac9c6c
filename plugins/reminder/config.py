"""Reminder engine settings (keys in .env: REMINDER_TICK_SECONDS and so on)."""

from pydantic import BaseModel


class Config(BaseModel):
    """Pacing, retries, catch-up and branch defaults of the reminder engine."""

    reminder_tick_seconds: float = 2.0
    """How often the scheduler looks for due reminders (a reminder goes out within this + pacing)."""
    reminder_grace_hours: float = 6.0
    """A reminder missed while the bot was down is sent late within this window, else skipped."""
    reminder_rate_per_second: float = 5.0
    """At most this many messages per second from one process overall (0 = unlimited)."""
    reminder_target_interval_seconds: float = 1.0
    """At least this many seconds between two messages to the same group or person (0 = none)."""
    reminder_max_attempts: int = 5
    """A send that fails is tried this many times in all, then marked failed."""
    reminder_retry_seconds: float = 15.0
    """Wait before the first retry; doubles on each further failure."""
    reminder_lease_seconds: float = 20.0
    """A claim on due reminders lasts this long unless its process renews it (it does every third
    of it while sending): a crashed process's reminders are sent by another, or after a restart,
    within this plus one tick."""
    reminder_late_seconds: float = 60.0
    """A reminder already this many seconds overdue when a dispatch begins (the bot or its account
    was down) is sent marked late (补发); waiting its turn in a long paced fan-out is not late."""
    reminder_plan_minutes: float = 1.0
    """How often study sessions and volunteer needs are scanned for new reminders."""
    reminder_study_absent_default: bool = True
    """Default for new branches: @-mention who has not signed in 10 minutes after a study starts."""
    reminder_volunteer_private_default: bool = True
    """Default for new branches: remind volunteer claimants privately (False: in the group)."""
