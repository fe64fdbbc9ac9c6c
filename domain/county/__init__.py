"""County: the county office's staff (县级管理员), branch grouping by 片区 and 行业, and the county
figures read across branches.

The public API other code uses; import from here, never from the modules inside.
"""

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
from domain.county.staff import (
    EX_ADD,
    EX_REMOVE,
    add_staff,
    is_county_staff,
    list_staff,
    remove_staff,
    staff_of,
)

__all__ = [
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
