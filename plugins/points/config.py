"""Points settings (keys in .env: POINTS_ENTRY_MIN and so on)."""

from decimal import Decimal

from pydantic import BaseModel


class Config(BaseModel):
    """Bounds of manual entries, the 公示 objection window and list lengths."""

    points_entry_min: Decimal = Decimal(1)
    """Smallest amount one 加分/扣分 may give or take (multiples of 0.5)."""
    points_entry_max: Decimal = Decimal(20)
    """Largest amount one 加分/扣分 may give or take."""
    points_objection_days: int = 7
    """Days after 积分公示 during which objections are taken; then the quarter is closed."""
    points_rank_top: int = 10
    """How many places 积分排行 lists (the caller's own place is always shown)."""
    points_history_size: int = 10
    """How many entries 积分明细 shows."""
