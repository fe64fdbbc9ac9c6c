"""Wording of the volunteer group notices (pure functions, no database)."""

from datetime import UTC, datetime

from db.models import Member, Need
from domain.volunteer import CapacityResult
from plugins.volunteer import texts as t

START = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def _need() -> Need:
    return Need(id=1, branch_id=1, title="文明劝导", starts_at=START, ends_at=START, place="社区",
                capacity=1, claimed=1)


def test_capacity_notice_names_each_moved_member_when_several():
    """Two moved back (one without a chat account): each named with their waitlist place."""
    li, zhao = Member(id=2, branch_id=1, name="李四"), Member(id=3, branch_id=1, name="赵六")
    result = CapacityResult(_need(), old_capacity=3, demoted=[(li, 1), (zhao, 2)])
    assert t.capacity_notice(result, [zhao]) == (
        "#1 文明劝导 名额减为1人，最后认领的转为候补：李四（候补第1位）、赵六（候补第2位）。"
        "有空位时按顺序递补并通知。")


def test_promoted_notice_names_only_those_without_an_account():
    """@'d members are not named again; 赵六 (no account) is."""
    zhao = Member(id=3, branch_id=1, name="赵六")
    result = CapacityResult(_need(), promoted=[Member(id=2, branch_id=1, name="李四"), zhao])
    assert t.promoted(result, [zhao]).startswith("赵六：#1 文明劝导 有空位了")
    assert t.promoted(result, []).startswith("#1 文明劝导 有空位了")
