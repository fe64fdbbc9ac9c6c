"""Roster: branches, the groups bound to them, members, chat accounts (报到) and offices.

The public API other capabilities use; import from here, never from the modules inside.
"""

from domain.roster.groups import (
    GroupChange,
    bind_group,
    binding_of,
    group_member_change,
    mark_in_group,
)
from domain.roster.members import (
    Registration,
    active_members,
    add_member,
    member_by_name,
    member_of_account,
    register,
    resolve_member,
    resolve_members,
    set_category,
    set_status,
)
from domain.roster.party_groups import (
    EX_GROUP_LEADER,
    EX_SET_GROUP,
    GroupSetting,
    GroupView,
    check_group_name,
    group_names,
    party_group_by_name,
    party_groups,
    put_in_group,
    set_group_leader,
    set_party_group,
)
from domain.roster.roles import Appointment, appoint, check_appointment
from domain.roster.summaries import (
    BranchInfo,
    RosterEntry,
    branch_info,
    member_count,
    roster,
)
from domain.roster.words import CATEGORY_WORDS, NAME_MAX, check_name, parse_category

__all__ = [
    "EX_GROUP_LEADER",
    "EX_SET_GROUP",
    "GroupSetting",
    "GroupView",
    "check_group_name",
    "group_names",
    "party_group_by_name",
    "party_groups",
    "put_in_group",
    "set_group_leader",
    "set_party_group",
    "CATEGORY_WORDS",
    "NAME_MAX",
    "Appointment",
    "BranchInfo",
    "GroupChange",
    "Registration",
    "RosterEntry",
    "active_members",
    "add_member",
    "appoint",
    "bind_group",
    "binding_of",
    "branch_info",
    "check_appointment",
    "check_name",
    "group_member_change",
    "mark_in_group",
    "member_by_name",
    "member_count",
    "member_of_account",
    "parse_category",
    "register",
    "resolve_member",
    "resolve_members",
    "roster",
    "set_category",
    "set_status",
]
