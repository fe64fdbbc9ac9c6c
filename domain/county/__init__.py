"""County: the county office's staff (县级管理员), branch grouping by 片区 and 行业, and the county
figures read across branches.

The public API other code uses; import from here, never from the modules inside.
"""

from domain.county.alerts import KINDS as ALERT_KINDS
from domain.county.alerts import Alert, alerts
from domain.county.assessment import (
    EX_RANKING,
    EX_REVERSE,
    EX_SCORE,
    Standing,
    branch_total,
    ranking,
    reverse,
    score,
)
from domain.county.figures import OVERDUE, BranchLine, Figures, branch_lines, by_area, total
from domain.county.grouping import (
    EX_AREA,
    EX_SECTOR,
    NO_AREA,
    NO_SECTOR,
    area_of,
    find_branch,
    sector_of,
    set_area,
    set_sector,
    split_branch_and_group,
)
from domain.county.overview import CountyOverview, areas, county_overview, sectors
from domain.county.periods import (
    CountyPeriod,
    month,
    parse_county_period,
    quarter,
    this_month,
    year,
)
from domain.county.sealing import seal_figures
from domain.county.staff import (
    EX_ADD,
    EX_REMOVE,
    add_staff,
    is_county_staff,
    list_staff,
    remove_staff,
    staff_of,
)
from domain.county.table import GROUPS, Column, Group, Row, rows
from domain.county.workbook import build_county_workbook, filename

__all__ = [
    "EX_RANKING",
    "EX_REVERSE",
    "EX_SCORE",
    "Standing",
    "branch_total",
    "ranking",
    "reverse",
    "score",
    "CountyOverview",
    "areas",
    "county_overview",
    "sectors",
    "GROUPS",
    "Column",
    "Group",
    "Row",
    "build_county_workbook",
    "filename",
    "rows",
    "seal_figures",
    "ALERT_KINDS",
    "Alert",
    "alerts",
    "OVERDUE",
    "BranchLine",
    "CountyPeriod",
    "Figures",
    "branch_lines",
    "by_area",
    "month",
    "parse_county_period",
    "quarter",
    "this_month",
    "total",
    "year",
    "EX_ADD",
    "EX_AREA",
    "EX_REMOVE",
    "EX_SECTOR",
    "NO_AREA",
    "NO_SECTOR",
    "add_staff",
    "area_of",
    "find_branch",
    "is_county_staff",
    "list_staff",
    "remove_staff",
    "sector_of",
    "set_area",
    "set_sector",
    "split_branch_and_group",
    "staff_of",
]
