"""Volunteer service: needs, 认领 with a waitlist, 修改名额, completion with points.

The public API other code uses; the modules behind it are this package's own:
- needs.py — posting, listing, who a need suits, whether it is open, cancelling
- capacity.py — capacity never exceeded: places taken and given back, the waitlist (the invariant)
- claims.py — 认领 / 取消认领 / 我的认领 / 修改名额
- completion.py — 完成需求 (points through domain.points) and 缺勤
- contacts.py — where a notice reaches members (the group, chat accounts)
- reminders.py — the reminder source the engine (domain.reminder) is given by the plugin wiring
"""

from domain.volunteer.capacity import ACTIVE, claims_of, members_of
from domain.volunteer.claims import (
    CancelResult,
    CapacityResult,
    ClaimResult,
    MyClaim,
    Promotion,
    cancel_claim,
    claim_need,
    my_claims,
    set_capacity,
)
from domain.volunteer.completion import (
    POINTS_SOURCE,
    Completion,
    complete_need,
    default_hours,
    mark_absent,
    points_source,
)
from domain.volunteer.contacts import accounts_of, group_of
from domain.volunteer.needs import (
    CAPACITY_MAX,
    LIST_GRACE,
    NeedDraft,
    NeedPeople,
    cancel_need,
    ensure_open,
    open_needs,
    post_need,
    started,
    suits,
)
from domain.volunteer.reminders import need_reminders

__all__ = [
    "ACTIVE",
    "CAPACITY_MAX",
    "LIST_GRACE",
    "POINTS_SOURCE",
    "CancelResult",
    "CapacityResult",
    "ClaimResult",
    "Completion",
    "MyClaim",
    "NeedDraft",
    "NeedPeople",
    "Promotion",
    "accounts_of",
    "cancel_claim",
    "cancel_need",
    "claim_need",
    "claims_of",
    "complete_need",
    "default_hours",
    "ensure_open",
    "group_of",
    "mark_absent",
    "members_of",
    "my_claims",
    "need_reminders",
    "open_needs",
    "points_source",
    "post_need",
    "set_capacity",
    "started",
    "suits",
]
