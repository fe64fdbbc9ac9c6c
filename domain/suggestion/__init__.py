"""Suggestions (建言献策): submit, reply, forward, adopt, 实名, and what people may see of them.

- submission.py — 建议 / 匿名建议 within the daily limit
- handling.py   — 回复 / 转交 / 采纳 (points through the points ledger) / 实名
- public.py     — the public read model for chat, exports and the dashboard: no anonymous author
- anonymity.py  — the sealed author table, read there only: an anonymous author is never revealed
- examples.py   — the example each refusal shows
"""

from domain.suggestion.anonymity import Recipient, mine
from domain.suggestion.examples import (
    EX_ADOPT,
    EX_ANON,
    EX_CLAIM,
    EX_FORWARD,
    EX_LIST,
    EX_REPLY,
    EX_SUBMIT,
    EX_VIEW,
)
from domain.suggestion.handling import Outcome, adopt, claim, forward, reply
from domain.suggestion.public import (
    PublicEvent,
    PublicSuggestion,
    SuggestionStats,
    count_for_branch,
    id_of,
    list_for_branch,
    public_view,
    stats,
    stats_by_branch,
    unanswered_by_branch,
    view_for,
)
from domain.suggestion.submission import check_content, submit

__all__ = [
    "EX_ADOPT", "EX_ANON", "EX_CLAIM", "EX_FORWARD", "EX_LIST", "EX_REPLY", "EX_SUBMIT", "EX_VIEW",
    "Outcome", "PublicEvent", "PublicSuggestion", "Recipient", "SuggestionStats", "adopt",
    "check_content", "claim", "count_for_branch", "forward", "id_of", "list_for_branch", "mine", "public_view",
    "reply", "stats", "stats_by_branch", "submit", "unanswered_by_branch", "view_for",
]
