"""Excel ledgers (导出) and the web dashboard (后台) for branch secretaries and the county office."""

import nonebot
from fastapi import FastAPI
from nonebot import logger
from nonebot.adapters import Bot, Event
from nonebot.drivers import ASGIMixin
from nonebot.plugin import PluginMetadata

from bot.chat import plain
from bot.commands import CommandDoc, command
from bot.deps import Arg, CallerDep, Secretary, SessionDep, replies_errors
from core.errors import PermissionDenied
from core.roles import Role
from db.engine import read_session_factory
from plugins.report import delivery, exports, web
from plugins.report import texts as t
from plugins.report.config import Config
from plugins.report.periods import parse_period

__plugin_meta__ = PluginMetadata(
    name="台账与后台",
    description="导出学习签到、积分、志愿服务、建言献策台账；网页后台",
    usage=t.EX_EXPORT,
    config=Config,
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

export_cmd = command("导出", "导出台账")


@export_cmd.handle()
@replies_errors
async def handle_export(bot: Bot, event: Event, session: SessionDep, caller: Secretary,
                        arg: Arg) -> None:
    """Secretary: build a ledger and send it as a group file, or as a download link."""
    kind, period_text = exports.split_kind(arg.extract_plain_text())
    period = parse_period(period_text)
    await session.commit()  # end the role check's transaction: the build must not hold the write lock
    async with read_session_factory()() as reader:
        export = await exports.build_export(reader, caller.branch, kind, period)
    reply = await delivery.deliver(bot, session, caller, export)
    await export_cmd.finish(plain(event, reply))


admin_cmd = command("后台", "管理后台", "网页后台", bare=True)


@admin_cmd.handle()
@replies_errors
async def handle_admin(session: SessionDep, caller: CallerDep) -> None:
    """Secretary or superuser, in private chat: a one-time dashboard login link."""
    if not caller.ctx.is_private:
        await admin_cmd.finish(t.PRIVATE_ONLY)
    if caller.role < Role.SECRETARY:
        raise PermissionDenied(t.NOT_SECRETARY)
    url = await delivery.login_url(session, caller)
    await session.commit()
    await admin_cmd.finish(t.login_link(url, web.config.report_link_minutes))
