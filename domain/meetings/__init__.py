"""Meetings (学习 and 主题党日): scheduling, sign-in, leave, proxy and make-up, attendance.

The public API other capabilities use; import from here, never from the modules inside.
"""

from domain.meetings.attendance import ATTENDED, expected_at, expected_members, is_expected

__all__ = ["ATTENDED", "expected_at", "expected_members", "is_expected"]
