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
