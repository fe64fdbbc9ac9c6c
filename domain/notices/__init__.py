"""Notices (通知): passed down to every member, with receipts (收到, 已传达) and follow-ups.

The public API other code uses; the modules behind it are this package's own:
- posting.py — a notice #N and its expected recipients, a snapshot of the active members
- receipts.py — one receipt per member per notice, the first wins (收到, 已传达)
- reach.py — who has been reached and how, who not yet (the one definition every reader uses)
- followups.py — the reminder source: follow-ups that reach only the missing, decided at send time
- county.py — 县通知 to every bound branch, paced through the engine, and each branch's reach
- attachments.py — images sent with a notice, stored by domain.media
- texts.py — the words the engine sends; words.py — examples and limits
"""

from domain.notices.attachments import ATTACHMENTS_MAX, attach, attachments_of, check_images
from domain.notices.county import (
    BranchReach,
    CountyPosted,
    county_reach,
    post_county_notice,
    split_area,
)
from domain.notices.followups import (
    DEFAULT_PLAN,
    FollowUp,
    choose_private,
    followup_private,
    notice_reminders,
    schedule,
)
from domain.notices.posting import (
    Author,
    check_text,
    create_notice,
    notice_by_message,
    notice_by_number,
    recent_notices,
    set_message,
)
from domain.notices.reach import Person, Reach, reach_between, reach_of
from domain.notices.receipts import (
    OPEN_DAYS,
    Ack,
    Relayed,
    acknowledge,
    parse_channel,
    reach_by_branch,
    reach_counts,
    record_offline,
)
from domain.notices.texts import post_text
from domain.notices.words import (
    EX_ACK,
    EX_COUNTY,
    EX_COUNTY_STATUS,
    EX_OFFLINE,
    EX_POST,
    EX_STATUS,
    snippet,
)

__all__ = [
    "ATTACHMENTS_MAX",
    "DEFAULT_PLAN",
    "EX_ACK",
    "EX_COUNTY",
    "EX_COUNTY_STATUS",
    "EX_OFFLINE",
    "EX_POST",
    "EX_STATUS",
    "OPEN_DAYS",
    "Ack",
    "Author",
    "BranchReach",
    "CountyPosted",
    "FollowUp",
    "Person",
    "Reach",
    "Relayed",
    "acknowledge",
    "attach",
    "attachments_of",
    "check_images",
    "check_text",
    "choose_private",
    "county_reach",
    "create_notice",
    "followup_private",
    "notice_by_message",
    "notice_by_number",
    "notice_reminders",
    "parse_channel",
    "post_county_notice",
    "post_text",
    "reach_between",
    "reach_by_branch",
    "reach_counts",
    "reach_of",
    "recent_notices",
    "record_offline",
    "schedule",
    "set_message",
    "snippet",
    "split_area",
]
