"""Follow-ups of a notice, through the reminder engine (domain.reminder): rows made when the
notice is posted, words and recipients decided when each row is sent.

At each follow-up time (default: 09:00 Beijing the morning after the notice) the members with QQ
who have not been reached are @'d once in the group (or, if the branch chose 私聊 before the notice,
each privately), and the secretary privately gets the members without QQ still not reached.
Whoever has been reached by then is left out; a row with nobody left to tell is cancelled, not
sent. The engine sends each row once (domain/reminder/lifecycle.py), across restarts and processes.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.roles import Role
from db.models import ChatAccount, Member, MemberStatus
from db.models.notice import Notice, NoticeReceipt, NoticeRecipient, NoticeSetting
from db.models.reminder import Reminder, TargetKind
from domain import reminder
from domain.notices import texts
from domain.notices.reach import Person, reach_of

GROUP, PRIVATE, OFFLINE, POST = "notice_followup", "notice_private", "notice_offline", "notice_post"


@dataclass(frozen=True)
class FollowUp:
    """A follow-up time: `days` after the notice's Beijing day, at a Beijing clock time."""

    days: int = 1
    at: time = time(9, 0)

    @classmethod
    def parse(cls, spec: str) -> "FollowUp":
        """'1d09:00' → the next morning at 09:00; '0d18:00' → the same evening."""
        match = re.fullmatch(r"\s*(\d+)d\s*(\d{1,2}):(\d{2})\s*", spec)
        if match is None:
            raise ValueError(f"follow-up {spec!r}: write days and a clock time, e.g. '1d09:00'")
        return cls(int(match.group(1)), time(int(match.group(2)), int(match.group(3))))

    def due(self, posted: datetime) -> datetime:
        """The moment this follow-up falls due for a notice posted at `posted`."""
        day = timeutil.local_date(posted) + timedelta(days=self.days)
        return timeutil.at_local(day, self.at)


DEFAULT_PLAN = (FollowUp(),)


async def followup_private(db: AsyncSession, branch_id: int) -> bool:
    """The branch's choice: follow-ups privately (True) or one @-message in the group (default)."""
    row = await db.get(NoticeSetting, branch_id)
    return bool(row and row.followup_private)


async def choose_private(db: AsyncSession, branch_id: int, private: bool) -> None:
    """通知提醒 私聊/群里 (applies to notices posted from now on)."""
    row = await db.get(NoticeSetting, branch_id) or NoticeSetting(branch_id=branch_id)
    row.followup_private = private
    db.add(row)
    await db.flush()


async def _secretary_chat(db: AsyncSession, branch_id: int, platform: str) -> str | None:
    return (await db.exec(select(ChatAccount.user_id).join(
        Member, col(Member.id) == col(ChatAccount.member_id)).where(
        Member.branch_id == branch_id, Member.role == int(Role.SECRETARY),
        Member.status == MemberStatus.ACTIVE, ChatAccount.platform == platform))).first()


async def schedule(db: AsyncSession, notice: Notice, *, plan: tuple[FollowUp, ...] = DEFAULT_PLAN,
                   now: datetime | None = None) -> int:
    """Make the notice's follow-up rows (in the notice's own transaction); returns how many."""
    now = now or timeutil.now()
    target = await reminder.branch_target(db, notice.branch_id)
    if target is None or notice.id is None:
        return 0
    private = await followup_private(db, notice.branch_id)
    reached = select(NoticeReceipt.member_id).where(NoticeReceipt.notice_id == notice.id)
    recipients = list((await db.exec(select(NoticeRecipient.member_id).where(
        NoticeRecipient.notice_id == notice.id,
        col(NoticeRecipient.member_id).not_in(reached)))).all())  # the author has answered
    chats = await reminder.chat_ids(db, recipients, target.platform) if private else {}
    secretary = await _secretary_chat(db, notice.branch_id, target.platform)
    async def add(key: str, due: datetime, kind: str, text: str, ref: str, target_kind: TargetKind,
                  target_id: str) -> int:
        return int(await reminder.add(
            db, dedupe_key=key, due_at=due, kind=kind, text=text, ref=ref, target_kind=target_kind,
            target_id=target_id, platform=target.platform, self_id=target.self_id,
            branch_id=notice.branch_id, now=now))

    added = 0
    for n, step in enumerate(plan):
        due, key, ref = step.due(notice.created_at), f"notice:{notice.id}:f{n}", f"notice:{notice.id}"
        if not private:
            added += await add(f"{key}:group", due, GROUP, texts.followup_group(notice), ref,
                               TargetKind.GROUP, target.group_id)
        for member_id, user_id in chats.items():
            added += await add(f"{key}:m{member_id}", due, PRIVATE, texts.followup_private(notice),
                               f"{ref}:member:{member_id}", TargetKind.PRIVATE, user_id)
        if secretary is not None:
            added += await add(f"{key}:offline", due, OFFLINE, "通知传达情况", ref,
                               TargetKind.PRIVATE, secretary)
    return added


async def _notice(db: AsyncSession, row: Reminder) -> Notice | None:
    return await db.get(Notice, int((row.ref or "notice:0").split(":")[1]))


def _chase(reach_people: list[Person]) -> list[Person]:
    """Not reached and still an active member (a member deactivated since is not chased)."""
    return [p for p in reach_people if not p.reached and p.active]


async def render_group(db: AsyncSession, row: Reminder) -> reminder.Rendered | str:
    """@ each member with QQ who has not been reached yet; nobody left → cancelled."""
    notice = await _notice(db, row)
    if notice is None:
        return "通知已不存在"
    people = _chase((await reach_of(db, notice, platform=row.platform)).people)
    mentions = sorted(p.chat_id for p in people if p.chat_id is not None)
    if not mentions:
        return "有QQ的成员都已收到"
    return reminder.Rendered(texts.followup_group(notice), mentions)


async def render_private(db: AsyncSession, row: Reminder) -> reminder.Rendered | str:
    """One member privately, unless they have been reached (or left) by now."""
    notice = await _notice(db, row)
    if notice is None:
        return "通知已不存在"
    member_id = int((row.ref or "").split(":")[3])
    person = next((p for p in (await reach_of(db, notice, platform=row.platform)).people
                   if p.member_id == member_id), None)
    if person is None or person.reached:
        return "已收到"
    if not person.active:
        return "成员已停用"
    return reminder.Rendered(texts.followup_private(notice))


async def render_offline(db: AsyncSession, row: Reminder) -> reminder.Rendered | str:
    """To the secretary: the members without QQ still not reached; none → cancelled."""
    notice = await _notice(db, row)
    if notice is None:
        return "通知已不存在"
    people = [p for p in _chase((await reach_of(db, notice, platform=row.platform)).people)
              if p.chat_id is None]
    if not people:
        return "没有QQ的成员都已传达"
    return reminder.Rendered(texts.offline_list(notice, people))


def _label(row: Reminder) -> str:
    return {GROUP: "通知提醒（@未收到的）", PRIVATE: "通知提醒（私聊）",
            OFFLINE: "通知传达情况（给书记）", POST: "县通知"}.get(row.kind, "通知")


def notice_reminders() -> reminder.Source:
    """The notice source, for the plugin wiring to register with the engine."""
    return reminder.Source("notices", (
        reminder.Kind(GROUP, _label, render_group),
        reminder.Kind(PRIVATE, _label, render_private),
        reminder.Kind(OFFLINE, _label, render_offline),
        reminder.Kind(POST, _label),
    ))
