"""Getting an export to the secretary: a group file where OneBot allows it, else a login link."""

from pathlib import Path

from nonebot import logger
from nonebot.adapters import Bot
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.chat import platform_of
from bot.deps import Caller
from bot.send import DeliveryError, send_private
from core.roles import Role
from plugins.report import auth, web
from plugins.report import texts as t
from plugins.report.exports import Export


def save(export: Export, branch_id: int, directory: str) -> Path:
    """Write the workbook under <directory>/<branch id>/ and return its absolute path."""
    folder = Path(directory).resolve() / str(branch_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / export.filename
    path.write_bytes(export.content)
    return path


async def login_url(session: AsyncSession, caller: Caller, next_path: str | None = None) -> str:
    """A one-time link for this caller: every branch for a superuser, else their own branch."""
    cfg = web.config
    token = await auth.issue_link_token(
        session, platform=caller.ctx.platform, user_id=caller.ctx.user_id,
        member_id=caller.member.id if caller.member else None,
        branch_id=None if caller.role == Role.SUPERUSER else caller.branch_id,
        secret=cfg.report_secret, minutes=cfg.report_link_minutes, next_path=next_path)
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


async def deliver(bot: Bot, session: AsyncSession, caller: Caller, export: Export) -> str:
    """Send the file or a link; returns the reply for where the command was sent.

    Commits the link's token before sending it: it must exist when it arrives, and no transaction
    (SQLite: the write lock) stays open across a network send.
    """
    head = t.exported(export.kind.title, export.period.label, export.count,
                      t.UNITS[export.kind.value])
    group_id = caller.ctx.group_id
    if group_id is not None:
        path = save(export, caller.branch_id, web.config.report_export_dir)
        if await upload_group_file(bot, group_id, path, export.filename):
            return f"{head}\n{t.uploaded(export.filename)}"
    next_path = (f"{web.PREFIX}/b/{caller.branch_id}/export/{export.kind.value}"
                 f"?period={export.period.key}")
    link = t.download_link(await login_url(session, caller, next_path), web.config.report_link_minutes)
    await session.commit()
    if group_id is None:
        return f"{head}\n{link}"
    try:
        await send_private(bot, caller.ctx.user_id, f"{head}\n{link}")
    except DeliveryError:
        return f"{head}\n{t.LINK_FALLBACK}"
    return f"{head}\n{t.SENT_PRIVATELY}"
