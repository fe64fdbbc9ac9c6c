"""Caring for members: 入党日期 and birthdays, 政治生日 and birthday greetings, care tags,
走访慰问 records, the care list and the secretary's care reminders.

The public API other code uses; the modules behind it are this package's own:
- calendar.py — on which solar day a yearly day falls (solar, lunar, 29 Feb, leap months)
- dates.py — what 入党日期 / 出生日期 are accepted (not future, joined at 18 or older)
- tags.py — care tags, health data: read and written only there
- visits.py — visit records and the care list (overdue after a per-tag interval)
- reminders.py — the reminder engine source: greetings once a year, the secretary's reminders
- settings.py — the plugin's settings and a branch's choice of birthday greetings
"""

from domain.care.anniversaries import Anniversary, anniversaries
from domain.care.calendar import (
    Occurrence,
    festivals_in,
    lunar_in_year,
    lunar_of,
    next_lunar,
    next_solar,
    solar_in_year,
)
from domain.care.dates import (
    EX_BIRTH,
    EX_LUNAR,
    EX_PARTY,
    Birthday,
    birthday_of,
    check_dates,
    fmt_day,
    parse_birthday,
    parse_party_date,
    set_birthday,
    set_birthday_greeting,
    set_dates,
    set_party_date,
    years_between,
)
from domain.care.reminders import (
    care_lines,
    care_reminders,
    render_birthday,
    render_festival,
    render_overdue,
    render_party,
    scan_care,
)
from domain.care.settings import CareConfig, configure, current, set_birthday_greetings, setting_of
from domain.care.tags import EX_TAGS, parse_tags, set_tags, tagged_members, tags_of
from domain.care.visits import (
    EX_VISIT,
    CareEntry,
    Recorded,
    branch_visits,
    care_list,
    parse_visit,
    record_visit,
    visits_of,
)
from domain.care.words import birthday_greeting, honour, party_greeting

__all__ = [
    "EX_BIRTH",
    "EX_LUNAR",
    "EX_PARTY",
    "EX_TAGS",
    "EX_VISIT",
    "Anniversary",
    "Birthday",
    "CareConfig",
    "CareEntry",
    "Occurrence",
    "Recorded",
    "anniversaries",
    "birthday_greeting",
    "birthday_of",
    "branch_visits",
    "care_lines",
    "care_list",
    "care_reminders",
    "check_dates",
    "configure",
    "current",
    "festivals_in",
    "fmt_day",
    "honour",
    "lunar_in_year",
    "lunar_of",
    "next_lunar",
    "next_solar",
    "parse_birthday",
    "parse_party_date",
    "parse_tags",
    "parse_visit",
    "party_greeting",
    "record_visit",
    "render_birthday",
    "render_festival",
    "render_overdue",
    "render_party",
    "scan_care",
    "set_birthday",
    "set_birthday_greeting",
    "set_birthday_greetings",
    "set_dates",
    "set_party_date",
    "set_tags",
    "setting_of",
    "solar_in_year",
    "tagged_members",
    "tags_of",
    "visits_of",
    "years_between",
]
