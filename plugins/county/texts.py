"""Chinese replies of the county plugin."""

from decimal import Decimal

from db.models import Branch, BranchScore, CountyStaff
from domain import county
from domain.county import Standing

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


EX_SCORE = county.EX_SCORE
EX_REVERSE = county.EX_REVERSE
EX_RANKING = county.EX_RANKING


def _number(value: Decimal, sign: str = "") -> str:
    text = f"{value:{sign}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _points(value: Decimal) -> str:
    """+5 / -2 for an entry."""
    return _number(value, "+")


def scored(entry: BranchScore, branch: Branch, total: Decimal) -> str:
    """Reply to 支部评分 / 支部评分冲正."""
    return (f"已记录#{entry.id}：{branch.name} {_points(entry.delta)}分（{entry.reason}），"
            f"{entry.quarter}合计{_number(total)}分。")


def ranking(quarter: str, standings: list[Standing]) -> str:
    """Reply to 支部排名."""
    if not standings:
        return f"{quarter}还没有支部评分。记分方法：{EX_SCORE}"
    lines = [f"【支部评分排名】{quarter}"]
    lines += [f"{s.rank}. {s.name} {_number(s.total)}分（加{_number(s.plus)}，减{_number(-s.minus)}）"
              for s in standings[:30]]
    if len(standings) > 30:
        lines.append(f"……共{len(standings)}个支部，全部见“导出全县”。")
    return "\n".join(lines)
