"""Meetings (学习 and 主题党日): scheduling, 签到, 请假, 代签, 补签, and attendance (应到 defined once).

The public API other code uses; import from here, never from the modules inside.
"""

from domain.meetings.attendance import ATTENDED, expected_at, expected_members, is_expected
from domain.meetings.leave import take_leave
from domain.meetings.makeup import make_up
from domain.meetings.meetings import (
    Window,
    configure,
    end_now,
    latest_started,
    meeting_by_id,
    next_meeting,
    open_meeting,
    require_open,
    schedule_meeting,
    start_now,
    window,
)
from domain.meetings.reminders import study_reminders
from domain.meetings.reports import Report, meeting_report, year_record
from domain.meetings.signin import (
    ProxyResult,
    SignIn,
    attendance_row,
    proxy_sign_in,
    sign_in,
    sign_in_to,
)
from domain.meetings.texts import (
    EX_LEAVE,
    EX_MAKEUP,
    EX_PROXY,
    EX_PUBLISH,
    EX_REPORT,
    describe,
    kind,
    no_open_meeting,
)

__all__ = [
    "ATTENDED", "EX_LEAVE", "EX_MAKEUP", "EX_PROXY", "EX_PUBLISH", "EX_REPORT", "ProxyResult",
    "Report", "SignIn", "Window", "attendance_row", "configure", "describe", "end_now",
    "expected_at", "expected_members", "is_expected", "kind", "latest_started", "make_up",
    "meeting_by_id", "meeting_report", "next_meeting", "no_open_meeting", "open_meeting",
    "proxy_sign_in", "require_open", "schedule_meeting", "sign_in", "sign_in_to", "start_now",
    "study_reminders", "take_leave", "window", "year_record",
]
