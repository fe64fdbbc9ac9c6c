"""Chinese replies of the county plugin."""

from db.models import Branch, CountyStaff
from domain import county

EX_ADD = county.EX_ADD
EX_REMOVE = county.EX_REMOVE
EX_AREA = county.EX_AREA
EX_SECTOR = county.EX_SECTOR


def _who(row: CountyStaff) -> str:
    return f"{row.name}（{row.user_id}）" if row.name else row.user_id


def added(rows: list[CountyStaff]) -> str:
    """Reply to 设置县级."""
    names = "、".join(_who(r) for r in rows)
    return (f"已设置县级管理员：{names}。\n"
            "可查看各支部统计、导出全县报表；不能在支部里加分、代签、改名册。请他私聊我发送“后台”。")


def removed(rows: list[CountyStaff]) -> str:
    """Reply to 取消县级."""
    return f"已取消县级管理员：{'、'.join(_who(r) for r in rows)}。后台登录随即失效。"


def staff_list(rows: list[CountyStaff]) -> str:
    """Reply to 县级名单."""
    if not rows:
        return f"还没有县级管理员。设置方法：{EX_ADD}"
    lines = [f"县级管理员（{len(rows)}人）："]
    lines += [f"{i}. {_who(r)}" for i, r in enumerate(rows, 1)]
    return "\n".join(lines)


def area_set(branch: Branch) -> str:
    """Reply to 设置片区."""
    return f"“{branch.name}”的片区：{county.area_of(branch)}。"


def sector_set(branch: Branch) -> str:
    """Reply to 设置行业."""
    return f"“{branch.name}”的行业：{county.sector_of(branch)}。"
