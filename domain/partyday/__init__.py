"""Party days (主题党日): a branch's monthly rule, its occurrences moved off statutory holidays,
each with a meeting to sign in to and reminders, and the changes made to them once planned.

The public API other code uses; the modules behind it are this package's own:
- calendar.py — the rule's dates and holiday shifts (chinesecalendar plus superuser overrides)
- planning.py — the rule, materialising occurrences ahead, re-planning
- plan_changes.py — 本月主题, 取消本次党日, 党日提醒, 党日节假日, 节假日
- reminders.py — the plan job's body, and the renderer of party-day reminders
- words.py — what 主题党日 and the reminders say
"""

from domain.partyday.calendar import Overrides, Planned, md, month_dates, plan
from domain.partyday.plan_changes import (
    add_override,
    cancel_next,
    set_offsets,
    set_policy,
    set_theme,
)
from domain.partyday.planning import (
    TITLE,
    PlanConfig,
    RuleSpec,
    active_rule,
    configure,
    materialise,
    next_occurrence,
    offset_due,
    rules_to_plan,
    set_rule,
)
from domain.partyday.reminders import partyday_reminders, plan_party_days, render_due
from domain.partyday.words import (
    EX_OFFSETS,
    EX_RULE,
    day_cancelled,
    describe,
    describe_rule,
    moved_notice,
    offset_label,
    render,
)

__all__ = [
    "EX_OFFSETS",
    "EX_RULE",
    "TITLE",
    "Overrides",
    "PlanConfig",
    "Planned",
    "RuleSpec",
    "active_rule",
    "add_override",
    "cancel_next",
    "configure",
    "day_cancelled",
    "describe",
    "describe_rule",
    "materialise",
    "md",
    "month_dates",
    "moved_notice",
    "next_occurrence",
    "offset_due",
    "offset_label",
    "partyday_reminders",
    "plan",
    "plan_party_days",
    "render",
    "render_due",
    "rules_to_plan",
    "set_offsets",
    "set_policy",
    "set_rule",
    "set_theme",
]
