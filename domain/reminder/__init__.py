"""Reminders: rows, not memory. The engine (claiming, pacing, sending once), the rows' commands,
and the registry through which capabilities contribute their own reminders.

The public API other code uses; the modules behind it are this package's own:
- lifecycle.py — a reminder is never sent twice: every state change of a row (the invariant)
- dispatch.py — one tick: claim, render, send through the caller's callback, mark
- registry.py — sources (scanners of a capability's own tables) and renderers per row kind
- outbox.py — the send callback's contract (Delivery, DeliveryFailed)
- pacing.py — spacing sends so QQ does not throttle the account
- scanning.py — the plan job's body: every source materialises its rows ahead
- rows.py — 提醒 / 提醒列表 / 取消提醒, notices to a branch's group
- targets.py — where a branch's reminders go; settings.py — a branch's reminder choices
"""

from domain.reminder.dispatch import EngineConfig, Platform, TickResult, deliver, run_due
from domain.reminder.lifecycle import add, claim
from domain.reminder.outbox import Accounts, Delivery, DeliveryFailed, Send, Verify
from domain.reminder.pacing import Pacer, target_key
from domain.reminder.registry import (
    Kind,
    Label,
    Registry,
    Rendered,
    Renderer,
    Scanner,
    Skip,
    Source,
)
from domain.reminder.rows import (
    EX_ONEOFF,
    Listing,
    add_oneoff,
    any_sent,
    cancel,
    cancel_pending,
    drop_pending,
    listing,
    notify_group,
)
from domain.reminder.scanning import scan_sources
from domain.reminder.settings import BranchDefaults, choose, settings_of
from domain.reminder.targets import Target, branch_target, chat_ids, sync_targets
from domain.reminder.words import lead

__all__ = [
    "EX_ONEOFF",
    "Accounts",
    "BranchDefaults",
    "Delivery",
    "DeliveryFailed",
    "EngineConfig",
    "Kind",
    "Label",
    "Listing",
    "Pacer",
    "Platform",
    "Registry",
    "Rendered",
    "Renderer",
    "Scanner",
    "Send",
    "Skip",
    "Source",
    "Target",
    "TickResult",
    "Verify",
    "add",
    "add_oneoff",
    "any_sent",
    "branch_target",
    "cancel",
    "cancel_pending",
    "chat_ids",
    "choose",
    "claim",
    "deliver",
    "drop_pending",
    "lead",
    "listing",
    "notify_group",
    "run_due",
    "scan_sources",
    "settings_of",
    "sync_targets",
    "target_key",
]
