"""County office: county staff (县级管理员) and branch grouping by 片区 and 行业."""

from datetime import UTC, datetime, timedelta

from nonebot import require
from nonebot.plugin import PluginMetadata

require("nonebot_plugin_apscheduler")
from nonebot_plugin_apscheduler import scheduler  # noqa: E402

from bot.commands import CommandDoc, command  # noqa: E402
from bot.deps import Arg, Caller, CallerDep, SessionDep  # noqa: E402
from bot.pipeline import handle  # noqa: E402
from core.textparse import normalize, parse_id  # noqa: E402
from db.engine import session_factory  # noqa: E402
from domain import county  # noqa: E402
from domain.report import parse_period  # noqa: E402
from plugins.county import texts as t  # noqa: E402
from plugins.county.parse import staff_targets  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="县级管理",
    description="县级管理员（只看统计、不在支部里操作），支部按片区、行业分组",
    usage=t.EX_ADD,
    type="application",
    homepage="https://github.com/yinling/yinling",
    supported_adapters={"~onebot.v11", "~console"},
    extra={"commands": [
        CommandDoc("设置县级", "设置县级管理员（看全县统计、导出全县报表）", t.EX_ADD, "设置县级 <@某人或QQ号> [名字]", details=("县级管理员能看各支部的统计和网页、导出全县报表、发县通知；不能加分、代签、改名册，也看不到匿名建议的作者和个人健康情况。",)),
        CommandDoc("取消县级", "取消县级管理员", t.EX_REMOVE, "取消县级 <@某人或QQ号>"),
        CommandDoc("县级名单", "列出县级管理员", "县级名单", "县级名单"),
        CommandDoc("设置片区", "设置支部所属片区（乡镇、街道）", t.EX_AREA, "设置片区 <支部> <片区>", details=("片区写“无”即清除。支部名可只写能认出的一部分。",)),
        CommandDoc("设置行业", "设置支部所属行业（系统、类别）", t.EX_SECTOR, "设置行业 <支部> <行业>", details=("行业写“无”即清除。",)),
        CommandDoc("支部评分", "给支部加分或扣分（银领先锋考评）", t.EX_SCORE, "支部评分 <支部> <+分|-分> <事由>", details=("记入本季度；记错了用“支部评分冲正 #编号”，不能改、不能删。",)),
        CommandDoc("支部评分冲正", "冲正一条支部评分（只能一次）", t.EX_REVERSE, "支部评分冲正 #编号"),
        CommandDoc("支部排名", "支部评分季度排名", t.EX_RANKING, "支部排名 [2026Q4|本季度]"),
    ]},
)



@scheduler.scheduled_job("interval", minutes=10, id="county.seal", max_instances=1, coalesce=True,
                         next_run_time=datetime.now(UTC) + timedelta(seconds=30))
async def seal_job() -> None:
    """Seal closed meetings' 应到/实到 and ended months' points sums, which county figures read."""
    await county.seal_figures(session_factory())


add_cmd = command("设置县级")


@handle(add_cmd)
async def handle_add(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Superuser: make accounts county staff."""
    ids, name = staff_targets(arg, t.EX_ADD)
    rows = [await county.add_staff(db, platform=caller.ctx.platform, user_id=uid, name=name,
                                   by=caller.ctx.user_id) for uid in ids]
    return t.added(rows)


remove_cmd = command("取消县级")


@handle(remove_cmd)
async def handle_remove(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Superuser: county staff no more (their dashboard sessions end)."""
    ids, _ = staff_targets(arg, t.EX_REMOVE)
    return t.removed([await county.remove_staff(db, platform=caller.ctx.platform, user_id=uid)
                      for uid in ids])


list_cmd = command("县级名单", bare=True)


@handle(list_cmd)
async def handle_list(db: SessionDep, caller: CallerDep) -> str:
    """Superuser: who is county staff."""
    return t.staff_list(await county.list_staff(db))


area_cmd = command("设置片区")


@handle(area_cmd)
async def handle_area(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Superuser: a branch's 片区."""
    name, area = county.split_branch_and_group(arg.extract_plain_text(), t.EX_AREA)
    branch = await county.find_branch(db, name, t.EX_AREA)
    return t.area_set(await county.set_area(db, branch=branch, area=area))


sector_cmd = command("设置行业")


@handle(sector_cmd)
async def handle_sector(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Superuser: a branch's 行业."""
    name, sector = county.split_branch_and_group(arg.extract_plain_text(), t.EX_SECTOR)
    branch = await county.find_branch(db, name, t.EX_SECTOR)
    return t.sector_set(await county.set_sector(db, branch=branch, sector=sector))


score_cmd = command("支部评分")


@handle(score_cmd)
async def handle_score(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """County: a score for a branch, in this quarter's assessment ledger."""
    entry, branch = await county.score(db, text=arg.extract_plain_text(), operator=_who(caller))
    return t.scored(entry, branch, await county.branch_total(
        db, branch_id=entry.branch_id, quarter=entry.quarter))


reverse_cmd = command("支部评分冲正")


@handle(reverse_cmd)
async def handle_reverse(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """County: reverse one score entry (once)."""
    entry_id = parse_id(arg.extract_plain_text(), "编号", t.EX_REVERSE)
    entry, branch = await county.reverse(db, entry_id=entry_id, operator=_who(caller))
    return t.scored(entry, branch, await county.branch_total(
        db, branch_id=entry.branch_id, quarter=entry.quarter))


ranking_cmd = command("支部排名")


@handle(ranking_cmd)
async def handle_ranking(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """County: the quarter's ranking."""
    period = parse_period(normalize(arg.extract_plain_text()))
    return t.ranking(period.label, await county.ranking(db, quarter=period.key))


def _who(caller: Caller) -> str:
    staff = caller.county_staff
    return (staff.name or staff.user_id) if staff else caller.operator_name
