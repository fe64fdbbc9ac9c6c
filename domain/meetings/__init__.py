"""Meetings of every kind (三会一课, 主题党日, 学习, 组织生活会): scheduling, 签到, 请假, 代签, 补签,
attendance (应到 defined once, per kind), minutes and photos, and the branch's rhythm.

The public API other code uses; import from here, never from the modules inside.
"""

from domain.meetings.attendance import (
    ATTENDED,
    Facts,
    expected_at,
    expected_members,
    is_expected,
    load_facts,
    role_at,
)
from domain.meetings.kinds import EX_PUBLISH_MEETING, KIND_WORDS, THREE_MEETINGS, parse_kind
from domain.meetings.leave import leave_target, take_leave
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
from domain.meetings.minutes import (
    Minutes,
    add_photo,
    configure_media,
    media_root,
    minutes_of,
    minutes_summary,
    photo_by_id,
    photo_file,
    photos_of,
    split_action,
    write_minutes,
)
from domain.meetings.nudges import Nudge, configure_nudge, nudge_due, render_nudge, scan_nudges
from domain.meetings.publishing import EX_GROUP_MEETING, EX_LECTURE, publish_meeting
from domain.meetings.records import member_for_record
from domain.meetings.reminders import study_reminders
from domain.meetings.reports import Report, meeting_report, year_record
from domain.meetings.review import (
    EX_GRADE,
    EX_OPEN_REVIEW,
    EX_RESULTS,
    GRADE_WORDS,
    ReviewSummary,
    grade_member,
    open_review,
    parse_year,
    review_results,
    review_years,
)
from domain.meetings.rhythm import (
    DEFAULT_RHYTHM,
    EX_SET_RHYTHM,
    PERIOD_WORDS,
    Requirement,
    RhythmReport,
    Slot,
    Span,
    parse_span,
    requirements,
    rhythm_report,
    rhythms,
    set_rhythm,
    span_of,
    unscheduled,
)
from domain.meetings.signin import (
    ProxyResult,
    SignIn,
    attendance_row,
    proxy_sign_in,
    sign_in,
    sign_in_by_name,
    sign_in_to,
)
from domain.meetings.tally import SEAL_AFTER, TALLIED, held, tallies_by_branch
from domain.meetings.tally import seal as seal_tallies
from domain.meetings.texts import (
    EX_LEAVE,
    EX_LEAVE_N,
    EX_MAKEUP,
    EX_MINUTES,
    EX_PROXY,
    EX_PROXY_LEAVE,
    EX_PUBLISH,
    EX_RECORD_OF,
    EX_REPORT,
    EX_RHYTHM,
    describe,
    kind,
    no_open_meeting,
)

__all__ = [
    "DEFAULT_RHYTHM", "EX_GROUP_MEETING", "EX_LEAVE_N", "EX_LECTURE", "EX_MINUTES", "EX_PROXY_LEAVE",
    "EX_PUBLISH_MEETING", "EX_RECORD_OF", "EX_RHYTHM", "KIND_WORDS", "PERIOD_WORDS", "THREE_MEETINGS",
    "Facts", "Minutes", "Requirement", "RhythmReport", "Slot", "Span", "add_photo", "leave_target",
    "load_facts", "member_for_record", "minutes_of", "parse_kind", "parse_span", "publish_meeting",
    "requirements", "rhythm_report", "rhythms", "role_at", "span_of", "split_action", "unscheduled",
    "EX_GRADE", "EX_OPEN_REVIEW", "EX_RESULTS", "GRADE_WORDS", "ReviewSummary", "grade_member",
    "open_review", "parse_year", "review_years", "EX_SET_RHYTHM", "set_rhythm", "review_results",
    "write_minutes", "minutes_summary", "photo_by_id", "photos_of", "configure_media", "media_root", "photo_file", "Nudge", "configure_nudge", "nudge_due", "render_nudge", "scan_nudges",
    "ATTENDED", "EX_LEAVE", "EX_MAKEUP", "EX_PROXY", "EX_PUBLISH", "EX_REPORT", "ProxyResult",
    "Report", "SignIn", "Window", "attendance_row", "configure", "describe", "end_now",
    "expected_at", "expected_members", "is_expected", "kind", "latest_started", "make_up",
    "meeting_by_id", "meeting_report", "next_meeting", "no_open_meeting", "open_meeting",
    "proxy_sign_in", "require_open", "schedule_meeting", "sign_in", "sign_in_by_name", "sign_in_to", "start_now",
    "study_reminders", "take_leave", "window", "year_record",
    "SEAL_AFTER", "TALLIED", "held", "seal_tallies", "tallies_by_branch",
]
