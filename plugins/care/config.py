"""Care settings (keys in .env: CARE_GREETING_TIME and so on)."""

from pydantic import BaseModel


class Config(BaseModel):
    """When greetings and the secretary's care reminders go out; how often members are visited."""

    care_greeting_time: str = "08:30"
    """Beijing clock time of the 政治生日 and birthday greetings in the group."""
    care_secretary_time: str = "09:00"
    """Beijing clock time of the secretary's private care reminders (festivals, Monday list)."""
    care_overdue_close_days: int = 30
    """Members tagged 独居, 孤寡 or 失能 are overdue for a visit after this many days."""
    care_overdue_other_days: int = 60
    """Members with other care tags are overdue after this many days."""
    care_festival_days_before: int = 7
    """The secretary gets the care list this many days before 春节, 重阳节 and 七一."""
