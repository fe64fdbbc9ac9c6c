"""Reports: the read models behind the Excel ledgers (导出) and the web dashboard (后台).

Every figure is read here once and shared by chat exports and the dashboard; 应到 and 实到 come
from domain.meetings. Nothing here writes, except dashboard logins and the roster import, whose
callers commit. The public API other code uses; import from here, never from the modules inside.
"""

from domain.report.access import (
    DASHBOARD,
    Viewer,
    close_session,
    digest,
    issue_link_token,
    link_scope,
    may_use_dashboard,
    open_session,
    peek,
    redeem,
    sign,
    unsign,
    viewer_of,
)
from domain.report.attendance import MeetingRow, attendance_rows, overall_rate
from domain.report.care_ledger import VisitLine, care_ledger, visit_lines
from domain.report.excel import build as build_workbook
from domain.report.excel import print_on_a4
from domain.report.exports import Export, ExportKind, build_export
from domain.report.members import branch_members, member_names
from domain.report.needs import NeedRow, need_hours, need_rows, volunteer_hours
from domain.report.overview import (
    BranchOverview,
    Series,
    branch_overview,
    monthly_attendance,
    monthly_volunteer_hours,
    points_distribution,
)
from domain.report.periods import EXAMPLE, Period, current_quarter, parse_period
from domain.report.points_ledger import COLUMNS, PointsRow, ledger_entries, points_rows
from domain.report.roster_import import ImportResult, import_members
from domain.report.suggestions import ANONYMOUS, SuggestionRow, status_counts, suggestion_rows

__all__ = [
    "VisitLine",
    "care_ledger",
    "visit_lines",
    "ANONYMOUS",
    "COLUMNS",
    "DASHBOARD",
    "EXAMPLE",
    "BranchOverview",
    "Export",
    "ExportKind",
    "ImportResult",
    "MeetingRow",
    "NeedRow",
    "Period",
    "PointsRow",
    "Series",
    "SuggestionRow",
    "Viewer",
    "attendance_rows",
    "branch_members",
    "branch_overview",
    "build_export",
    "build_workbook",
    "print_on_a4",
    "close_session",
    "current_quarter",
    "digest",
    "import_members",
    "issue_link_token",
    "ledger_entries",
    "link_scope",
    "may_use_dashboard",
    "member_names",
    "monthly_attendance",
    "monthly_volunteer_hours",
    "need_hours",
    "need_rows",
    "open_session",
    "overall_rate",
    "parse_period",
    "peek",
    "points_distribution",
    "points_rows",
    "redeem",
    "sign",
    "status_counts",
    "suggestion_rows",
    "unsign",
    "viewer_of",
    "volunteer_hours",
]
