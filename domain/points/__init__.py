"""Points (积分, 时间银行): the append-only ledger, balances, rankings, a branch's points rules,
加分/扣分 proposals, 冲正, quarterly 公示 and the redemption catalogue.

Other capabilities award points only through `award`, and read a branch's rules only through
`rule` (or, inside their own statement, `rule_value` + `rule_or_default`).
"""

from domain.points.corrections import reverse
from domain.points.ledger import (
    REASON_MAX,
    append,
    award,
    balance,
    check_reason,
    get_by_id,
    history,
    ledger_balance,
    name_and_balance,
    rebuild_balances,
)
from domain.points.monthly import seal_months, sums_by_branch
from domain.points.proposals import (
    adds_directly,
    adjust,
    approve,
    approver_accounts,
    pending,
    reject,
)
from domain.points.publication import (
    Publication,
    next_quarter,
    previous_quarter,
    publish,
    quarter_closed,
)
from domain.points.ranking import (
    Place,
    Standing,
    breakdown,
    cycle_ranking,
    quarter_ranking,
    standing,
    standing_of,
)
from domain.points.redemption import (
    add_item,
    catalogue,
    deliver,
    member_orders,
    pending_orders,
    redeem,
    remove_item,
)
from domain.points.rules import (
    DEFAULT_RULES,
    KIND_RULE_LABELS,
    RULE_LABELS,
    RULE_MAX,
    kind_rule,
    rule,
    rule_label,
    rule_or_default,
    rule_value,
    rules,
    set_rules,
)

__all__ = [
    "seal_months",
    "sums_by_branch",
    "DEFAULT_RULES",
    "KIND_RULE_LABELS",
    "REASON_MAX",
    "RULE_LABELS",
    "RULE_MAX",
    "Place",
    "Publication",
    "Standing",
    "add_item",
    "adds_directly",
    "adjust",
    "append",
    "approve",
    "award",
    "balance",
    "breakdown",
    "catalogue",
    "check_reason",
    "cycle_ranking",
    "deliver",
    "get_by_id",
    "history",
    "ledger_balance",
    "member_orders",
    "name_and_balance",
    "next_quarter",
    "pending",
    "pending_orders",
    "previous_quarter",
    "publish",
    "quarter_closed",
    "quarter_ranking",
    "rebuild_balances",
    "redeem",
    "reject",
    "remove_item",
    "reverse",
    "kind_rule",
    "rule",
    "rule_label",
    "rule_value",
    "rule_or_default",
    "rules",
    "approver_accounts",
    "set_rules",
    "standing",
    "standing_of",
]
