"""会议记录: a meeting's minutes, appended to or corrected with every revision kept; its photos."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput
from db.models import MeetingMinutes, MeetingPhoto, Member, MinutesAction, StudySession
from domain import media
from domain.meetings import texts as t
from domain.meetings.meetings import meeting_by_id

MINUTES_MAX = 5000
"""The longest minutes kept (all revisions' text is the full minutes, so this caps each row)."""
CORRECT_WORDS = ("更正", "修改", "改为")
APPEND_WORDS = ("补充", "追加")
PHOTOS_MAX = 30
"""Photos kept per meeting."""


_media_root = Path("data/media")


def configure_media(root: Path) -> None:
    """Where photos are stored (the meetings plugin, once at load, from MEETINGS_MEDIA_DIR); the
    dashboard reads them back from there."""
    global _media_root
    _media_root = root


def media_root() -> Path:
    """The configured photo directory."""
    return _media_root


MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}


async def photo_file(db: AsyncSession, *, branch_id: int, photo_id: int) -> tuple[Path, str] | None:
    """The file and media type of one of this branch's meeting photos (None: not this branch's,
    or gone from the disk)."""
    photo = await photo_by_id(db, branch_id=branch_id, photo_id=photo_id)
    if photo is None:
        return None
    path = media.media_path(_media_root, photo.relpath)
    return (path, MEDIA_TYPES[photo.media_type]) if path.is_file() else None


@dataclass(frozen=True)
class Minutes:
    """A meeting's current minutes, its revisions (oldest first) and photos."""

    meeting: StudySession
    revisions: list[MeetingMinutes]
    photos: list[MeetingPhoto]

    @property
    def text(self) -> str | None:
        """The latest revision's text; None without minutes."""
        return self.revisions[-1].text if self.revisions else None


def split_action(text: str) -> tuple[MinutesAction | None, str]:
    """'更正 …' → (CORRECT, '…'), '补充 …' → (APPEND, '…'), else (None, text)."""
    for words, action in ((CORRECT_WORDS, MinutesAction.CORRECT), (APPEND_WORDS, MinutesAction.APPEND)):
        for word in words:
            if text.startswith(word):
                return action, text[len(word):].lstrip(" ：:，,")
    return None, text


async def write_minutes(
    db: AsyncSession, *, branch_id: int, meeting_id: int, text: str, author: Member | None,
    author_name: str, photos: int = 0,
) -> MeetingMinutes | None:
    """会议记录 #N <text>: the first text writes the minutes, later ones are appended; '更正 …'
    replaces them. Every revision is a new row (history kept). None when only photos came."""
    meeting = await meeting_by_id(db, branch_id=branch_id, meeting_id=meeting_id)
    action, change = split_action(text.strip())
    if not change:
        if photos and action is None:
            return None
        raise InvalidInput("请在编号后写上会议记录的内容。", t.EX_MINUTES)
    if meeting.cancelled:
        raise Conflict(f"{t.describe(meeting)} 已取消，不能写会议记录。")
    if meeting.starts_at > timeutil.now():
        raise Conflict(f"{t.describe(meeting)} 还没开，开完后再写会议记录。")
    last = await _latest(db, meeting_id)
    if last is None:
        action, full = MinutesAction.WRITE, change
    elif action is MinutesAction.CORRECT:
        full = change
    else:
        action, full = MinutesAction.APPEND, f"{last.text}\n{change}"
    if len(full) > MINUTES_MAX:
        raise InvalidInput(f"会议记录太长（{len(full)}字），最多{MINUTES_MAX}字，可用“更正”精简。",
                           t.EX_MINUTES)
    row = MeetingMinutes(meeting_id=meeting_id, revision=(last.revision if last else 0) + 1,
                         action=action, text=full, change=change, author_id=author.id if author else None,
                         author_name=author_name)
    db.add(row)
    await db.flush()
    return row


async def _latest(db: AsyncSession, meeting_id: int) -> MeetingMinutes | None:
    stmt = (select(MeetingMinutes).where(MeetingMinutes.meeting_id == meeting_id)
            .order_by(col(MeetingMinutes.revision).desc()).limit(1))
    return (await db.exec(stmt)).first()


async def add_photo(
    db: AsyncSession, *, branch_id: int, meeting_id: int, data: bytes, root: Path,
    max_bytes: int = media.MAX_IMAGE_BYTES, uploaded_by: Member | None = None,
) -> MeetingPhoto:
    """Keep a photo of the meeting (domain.media's checks; the same photo twice is kept once)."""
    meeting = await meeting_by_id(db, branch_id=branch_id, meeting_id=meeting_id)
    count = (await db.exec(select(func.count()).select_from(MeetingPhoto)
                           .where(MeetingPhoto.meeting_id == meeting_id))).one()
    stored = media.store_image(data, root=root, folder=f"meetings/{meeting.id}", max_bytes=max_bytes,
                               example=t.EX_MINUTES)
    found = (await db.exec(select(MeetingPhoto).where(MeetingPhoto.meeting_id == meeting_id,
                                                      MeetingPhoto.sha256 == stored.sha256))).first()
    if found is not None:
        return found
    if count >= PHOTOS_MAX:
        raise Conflict(f"每次会议最多保存{PHOTOS_MAX}张照片。")
    photo = MeetingPhoto(meeting_id=meeting_id, relpath=stored.relpath, media_type=stored.kind,
                         size=stored.size, sha256=stored.sha256,
                         uploaded_by=uploaded_by.id if uploaded_by else None)
    db.add(photo)
    await db.flush()
    return photo


async def minutes_of(db: AsyncSession, *, branch_id: int, meeting_id: int) -> Minutes:
    """The meeting's minutes with history and photos."""
    meeting = await meeting_by_id(db, branch_id=branch_id, meeting_id=meeting_id)
    revisions = (await db.exec(select(MeetingMinutes).where(MeetingMinutes.meeting_id == meeting_id)
                               .order_by(col(MeetingMinutes.revision)))).all()
    photos = (await db.exec(select(MeetingPhoto).where(MeetingPhoto.meeting_id == meeting_id)
                            .order_by(col(MeetingPhoto.id)))).all()
    return Minutes(meeting, list(revisions), list(photos))


async def minutes_summary(db: AsyncSession, meeting_ids: list[int]) -> dict[int, tuple[str | None, int]]:
    """meeting id → (current minutes text or None, photo count), for every id given."""
    if not meeting_ids:
        return {}
    latest = (select(MeetingMinutes.meeting_id, func.max(MeetingMinutes.revision).label("rev"))
              .where(col(MeetingMinutes.meeting_id).in_(meeting_ids))
              .group_by(col(MeetingMinutes.meeting_id)).subquery())
    texts = dict((await db.exec(select(MeetingMinutes.meeting_id, MeetingMinutes.text).join(
        latest, (col(MeetingMinutes.meeting_id) == latest.c.meeting_id)
        & (col(MeetingMinutes.revision) == latest.c.rev)))).all())
    photos = dict((await db.exec(select(MeetingPhoto.meeting_id, func.count())
                                 .where(col(MeetingPhoto.meeting_id).in_(meeting_ids))
                                 .group_by(col(MeetingPhoto.meeting_id)))).all())
    return {mid: (texts.get(mid), int(photos.get(mid, 0))) for mid in meeting_ids}


async def photos_of(db: AsyncSession, meeting_ids: list[int]) -> dict[int, list[MeetingPhoto]]:
    """meeting id → its photos (for the dashboard)."""
    if not meeting_ids:
        return {}
    out: dict[int, list[MeetingPhoto]] = {}
    for photo in (await db.exec(select(MeetingPhoto).where(col(MeetingPhoto.meeting_id).in_(meeting_ids))
                                .order_by(col(MeetingPhoto.id)))).all():
        out.setdefault(photo.meeting_id, []).append(photo)
    return out


async def photo_by_id(db: AsyncSession, *, branch_id: int, photo_id: int) -> MeetingPhoto | None:
    """A photo of one of this branch's meetings (None otherwise: never another branch's)."""
    stmt = (select(MeetingPhoto).join(StudySession, col(StudySession.id) == col(MeetingPhoto.meeting_id))
            .where(MeetingPhoto.id == photo_id, StudySession.branch_id == branch_id))
    return (await db.exec(stmt)).first()
