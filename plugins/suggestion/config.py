"""Suggestion settings (read once when the plugin loads)."""

from decimal import Decimal

from pydantic import BaseModel


class Config(BaseModel):
    """Keys in .env: SUGGESTION_MAX_LENGTH and so on."""

    suggestion_max_length: int = 1000
    """Longest suggestion accepted, in characters (as written, spaces included)."""
    suggestion_daily_limit: int = 5
    """Most suggestions one member may send per Beijing day. A named one counts named ones only (its
    refusal, said in the group, must not hint at anonymous ones); an anonymous one counts both."""
    suggestion_max_points: Decimal = Decimal("20")
    """Most points the secretary may give when adopting one suggestion (采纳建议 #N 积分)."""
    suggestion_list_size: int = 20
    """How many suggestions 建议列表 and 我的建议 show at most (newest first)."""
