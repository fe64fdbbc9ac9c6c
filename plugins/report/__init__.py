"""Excel ledgers (导出) and the web dashboard (后台) for branch secretaries and the county office."""

from functools import partial

import nonebot
from fastapi import FastAPI
from nonebot import logger
from nonebot.adapters import Bot, Event
from nonebot.drivers import ASGIMixin
from nonebot.plugin import PluginMetadata

from bot.commands import CommandDoc, command
from bot.deps import Arg, CallerDep, SessionDep
from bot.pipeline import Reply, handle
from domain import county
from plugins.report import delivery, web
from plugins.report import texts as t
from plugins.report.config import Config
from plugins.report.parse import parse_export

__plugin_meta__ = PluginMetadata(
    name="台账与后台",
    description="导出学习签到、积分、志愿服务、建言献策台账；网页后台",
    usage=t.EX_EXPORT,
    type="application",
    homepage="https://github.com/yinling/yinling",
    config=Config,
    supported_adapters={"~onebot.v11", "~console"},
    extra={"commands": [
        CommandDoc("导出", "导出 Excel 台账（签到、积分、志愿、建议），默认本季度", t.EX_EXPORT, "导出 <签到|积分|志愿|建议> [2026Q4|2026]"),
        CommandDoc("后台", "私聊获取网页后台登录链接（10分钟有效，只能用一次）", "后台", "后台"),
        CommandDoc("全县情况", "全县各支部汇总和预警（县级管理员）", t.EX_COUNTY, "全县情况 [本月|上月|本季度|今年|2026-11|2026Q4]", details=("不写时间为本月。只有数字，不含任何人的姓名和健康情况。",)),
        CommandDoc("导出全县", "全县报表 Excel 下载链接（县级管理员）", t.EX_COUNTY_EXPORT, "导出全县 [本月|本季度|今年|2026Q4]", details=("也可写“导出 全县 本季度”。不写时间为本月。每项指标一张表，按片区小计，有全县合计，可直接横向打印。",)),
    ]},
)

web.configure(nonebot.get_plugin_config(Config))
_app = nonebot.get_app() if isinstance(nonebot.get_driver(), ASGIMixin) else None
if isinstance(_app, FastAPI):
    _app.include_router(web.router)
    _app.add_exception_handler(web.PageError, web.page_error)
else:  # pragma: no cover  (another driver: the chat commands still work, links do not)
    logger.warning("report: the driver has no FastAPI app; the web dashboard is not served")

export_cmd = command("导出")


@handle(export_cmd)
async def handle_export(bot: Bot, event: Event, caller: CallerDep, arg: Arg) -> Reply:
    """A ledger, built once the command's transaction has ended, sent as a group file or a link."""
    kind, period = parse_export(arg.extract_plain_text())
    return Reply(after=[partial(delivery.export, bot, event, caller, kind, period)])


admin_cmd = command("后台", bare=True)


@handle(admin_cmd)
async def handle_admin(db: SessionDep, caller: CallerDep) -> str:
    """A one-time dashboard login link, in private chat (committed before it is sent)."""
    return t.login_link(await delivery.login_url(db, caller), web.config.report_link_minutes)


county_cmd = command("全县情况", "全县概况")


@handle(county_cmd)
async def handle_county(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """County staff: the county's figures and alerts for a period, on one phone screen."""
    period = county.parse_county_period(arg.extract_plain_text())
    return t.county_summary(await county.county_overview(db, period=period))


county_export_cmd = command("导出全县", ("导出", "全县"))


@handle(county_export_cmd)
async def handle_county_export(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """County staff: a one-time link that downloads the county workbook of a period."""
    period = county.parse_county_period(arg.extract_plain_text())
    next_path = f"{web.PREFIX}/county/export?period={period.key}"
    url = await delivery.login_url(db, caller, next_path)
    return t.county_export_link(period.label, url, web.config.report_link_minutes)
