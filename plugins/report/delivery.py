"""Getting a ledger to the secretary: a group file where OneBot allows it, else a login link.

Runs after the 导出 command's transaction has ended (the pipeline's after-send work): building a
big workbook must not hold SQLite's write lock, and no transaction stays open across a send.
"""

from pathlib import Path

from nonebot import logger
from nonebot.adapters import Bot, Event
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.chat import plain, platform_of
from bot.deps import Caller
from bot.send import DeliveryError, send_private
from core.roles import Role
from db.engine import read_session_factory, session_scope
from domain import report
from domain.report import Export, ExportKind, Period
from plugins.report import texts as t
from plugins.report import web


def save(export: Export, branch_id: int, directory: str) -> Path:
    """Write the workbook under <directory>/<branch id>/ and return its absolute path."""
    folder = Path(directory).resolve() / str(branch_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / export.filename
    path.write_bytes(export.content)
    return path


async def login_url(db: AsyncSession, caller: Caller, next_path: str | None = None) -> str:
    """A one-time link for this caller: every branch for a superuser or county staff (read-only),
    else their own branch."""
    cfg = web.config
    token = await report.issue_link_token(
        db, platform=caller.ctx.platform, user_id=caller.ctx.user_id,
        member_id=caller.member.id if caller.member else None,
        branch_id=report.link_scope(caller.role, caller.branch.id if caller.branch else None,
                                    county=caller.county),
        secret=cfg.report_secret, minutes=cfg.report_link_minutes, next_path=next_path,
        county_staff_id=caller.county_staff.id if caller.county and caller.role < Role.SUPERUSER
        else None)
    return f"{cfg.report_public_url.rstrip('/')}{web.PREFIX}/login/{token}"


async def upload_group_file(bot: Bot, group_id: str, path: Path, name: str) -> bool:
    """OneBot V11 (NapCat, Lagrange) upload_group_file; False when the platform cannot."""
    if platform_of(bot) != "onebot" or not web.config.report_upload_group_file:
        return False
    try:
        await bot.call_api("upload_group_file", group_id=int(group_id), file=str(path), name=name)
    except Exception as error:  # noqa: BLE001  (the adapter's API errors have no common base)
        logger.warning(f"upload_group_file to {group_id} failed: {error!r}")
        return False
    return True


async def export(bot: Bot, event: Event, caller: Caller, kind: ExportKind, period: Period) -> None:
    """Build the ledger on a read-only session, then send it (or say that it failed)."""
    try:
        async with read_session_factory()() as reader:
            built = await report.build_export(reader, branch=caller.branch, kind=kind, period=period)
        reply = await deliver(bot, caller, built)
    except Exception as error:  # noqa: BLE001  (the command is answered either way)
        logger.exception(f"export {kind} {period.key} failed: {error!r}")
        reply = t.EXPORT_FAILED
    await bot.send(event, plain(event, reply))


async def deliver(bot: Bot, caller: Caller, built: Export) -> str:
    """Send the file or a link; returns the reply for where the command was sent.

    The link's token is committed before the link is sent: it must exist when it arrives.
    """
    head = t.exported(built.kind.label, built.period.label, built.count, t.UNITS[built.kind.value])
    group_id = caller.ctx.group_id
    if group_id is not None:
        path = save(built, caller.branch_id, web.config.report_export_dir)
        if await upload_group_file(bot, group_id, path, built.filename):
            return f"{head}\n{t.uploaded(built.filename)}"
    next_path = f"{web.PREFIX}/b/{caller.branch_id}/export/{built.kind.value}?period={built.period.key}"
    async with session_scope() as db:
        url = await login_url(db, caller, next_path)
    link = t.download_link(url, web.config.report_link_minutes)
    if group_id is None:
        return f"{head}\n{link}"
    try:
        await send_private(bot, caller.ctx.user_id, f"{head}\n{link}")
    except DeliveryError:
        return f"{head}\n{t.LINK_FALLBACK}"
    return f"{head}\n{t.SENT_PRIVATELY}"
