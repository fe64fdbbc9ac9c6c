"""Care reminders, a source for the reminder engine (domain.reminder).

- 政治生日 and (when the branch turns them on) birthdays: a greeting in the branch's group on
  the morning of the day. The dedupe key names the member and the year the day counts for
  (`care:party:7:2027`, a lunar birthday by its lunar year `care:birthday:7:L2026`), so each
  member is greeted once a year whatever restarts or second processes do.
- The secretary, privately: a week before 春节, 重阳节 and 七一 the care list to visit; every
  Monday the overdue visits. Their words (health data) are rendered when sent, never stored.

Whether to greet is asked again when the row is sent: a member 停用 since, a date changed or
cleared, a branch that turned birthdays off or a member who opted out is not greeted.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.roles import Role
from db.models import Branch, ChatAccount, Member, MemberStatus
from db.models.reminder import Reminder, TargetKind
from domain import reminder
from domain.care import words
from domain.care.calendar import Occurrence, festivals_in, next_lunar, next_solar
from domain.care.dates import birthday_of, years_between
from domain.care.settings import current, setting_of
from domain.care.visits import CareEntry, care_list

PARTY, BIRTHDAY, FESTIVAL, OVERDUE = "care_party", "care_birthday", "care_festival", "care_overdue"
LATEST = time(20, 0)
"""A greeting whose morning time has passed is still sent the same day, but not after this hour."""
PENDING_TEXT = "【关爱提醒】"
"""What a private reminder row stores: its words (names, tags) are made when it is sent."""


def party_occurrence(member: Member, today: date) -> Occurrence | None:
    """The member's next 政治生日 (today or later), or None without an 入党日期."""
    joined = member.joined_party_on
    return next_solar(joined.month, joined.day, today) if joined else None


def birthday_occurrence(member: Member, today: date) -> Occurrence | None:
    """The member's next birthday (today or later), solar or lunar; None when unknown."""
    birthday = birthday_of(member)
    if birthday is None:
        return None
    if birthday.lunar is not None:
        return next_lunar(birthday.lunar, today)
    assert birthday.solar is not None
    return next_solar(birthday.solar.month, birthday.solar.day, today)


async def _members(db: AsyncSession, branch_id: int) -> list[Member]:
    return list((await db.exec(select(Member).where(
        Member.branch_id == branch_id, Member.status == MemberStatus.ACTIVE,
        or_(col(Member.joined_party_on).is_not(None), col(Member.birth_month).is_not(None)),
    ).order_by(col(Member.id)))).all())


async def _greetings(db: AsyncSession, branch_id: int, now: datetime,
                     target: reminder.Target) -> int:
    config, today = current(), timeutil.local_date(now)
    birthdays_on = (await setting_of(db, branch_id)).birthday_greetings
    horizon = today + timedelta(days=config.horizon_days)
    added = 0
    for member in await _members(db, branch_id):
        wanted = [(PARTY, party_occurrence(member, today))]
        if birthdays_on and member.birthday_greeting:
            wanted.append((BIRTHDAY, birthday_occurrence(member, today)))
        for kind, occurrence in wanted:
            if occurrence is None or occurrence.on >= horizon:
                continue
            if kind == PARTY and _party_years(member, occurrence.on) < 1:
                continue
            due = timeutil.at_local(occurrence.on, config.greeting_time)
            if occurrence.on == today and due <= now and timeutil.to_local(now).time() < LATEST:
                # The bot started after the greeting time, or the date was entered today: greet
                # now rather than not at all this year (the dedupe key still allows one).
                due = now + timedelta(seconds=1)
            added += await reminder.add(
                db, dedupe_key=f"{kind.replace('_', ':')}:{member.id}:{occurrence.year_key}",
                kind=kind, ref=f"member:{member.id}:{occurrence.on.isoformat()}",
                target_kind=TargetKind.GROUP, target_id=target.group_id, platform=target.platform,
                self_id=target.self_id, branch_id=branch_id, now=now,
                due_at=due,
                text=f"【{'政治生日' if kind == PARTY else '生日祝福'}】{member.name}")
    return added


def _party_years(member: Member, on: date) -> int:
    return years_between(member.joined_party_on, on) if member.joined_party_on else 0


async def secretary_account(db: AsyncSession, branch_id: int, platform: str) -> str | None:
    """The chat id of the branch's secretary (active, with an account on this platform)."""
    return (await db.exec(select(ChatAccount.user_id)
                          .join(Member, col(Member.id) == col(ChatAccount.member_id))
                          .where(Member.branch_id == branch_id, Member.role == int(Role.SECRETARY),
                                 Member.status == MemberStatus.ACTIVE,
                                 ChatAccount.platform == platform)
                          .order_by(col(Member.id)))).first()


async def _secretary(db: AsyncSession, branch_id: int, now: datetime,
                     target: reminder.Target) -> int:
    config, today = current(), timeutil.local_date(now)
    user_id = await secretary_account(db, branch_id, target.platform)
    if user_id is None:
        return 0
    due_days: list[tuple[str, str, date]] = [
        (FESTIVAL, f"{name}:{day.isoformat()}", day - timedelta(days=config.festival_days_before))
        for name, day in festivals_in(today + timedelta(days=config.festival_days_before),
                                      config.horizon_days)]
    monday = today + timedelta(days=-today.weekday() % 7)
    while monday < today + timedelta(days=config.horizon_days):
        year, week, _ = monday.isocalendar()
        due_days.append((OVERDUE, f"{year}W{week:02d}", monday))
        monday += timedelta(weeks=1)
    added = 0
    for kind, what, day in due_days:
        added += await reminder.add(
            db, dedupe_key=f"{kind.replace('_', ':')}:{branch_id}:{what}", kind=kind,
            ref=f"branch:{branch_id}:{what}", target_kind=TargetKind.PRIVATE, target_id=user_id,
            platform=target.platform, self_id=target.self_id, branch_id=branch_id, now=now,
            due_at=timeutil.at_local(day, config.secretary_time), text=PENDING_TEXT)
    return added


async def scan_care(db: AsyncSession, now: datetime) -> int:
    """Materialise greetings and the secretary's reminders due within the horizon; new rows."""
    added = 0
    for branch_id in (await db.exec(select(Branch.id))).all():
        if branch_id is None or (target := await reminder.branch_target(db, branch_id)) is None:
            continue
        added += await _greetings(db, branch_id, now, target)
        added += await _secretary(db, branch_id, now, target)
    return added


async def _greeted_member(db: AsyncSession, row: Reminder) -> tuple[Member, date] | str:
    _, member_id, day = (row.ref or "member:0:2000-01-01").split(":")
    member = await db.get(Member, int(member_id))
    if member is None or member.status != MemberStatus.ACTIVE:
        return "成员已停用"
    return member, date.fromisoformat(day)


async def render_party(db: AsyncSession, row: Reminder) -> reminder.Rendered | str:
    """The 政治生日 greeting, if the member and their date still call for it today."""
    found = await _greeted_member(db, row)
    if isinstance(found, str):
        return found
    member, day = found
    occurrence = party_occurrence(member, day)
    if occurrence is None or occurrence.on != day:
        return "入党日期已更改"
    return reminder.Rendered(words.party_greeting(member.name, _party_years(member, day)))


async def render_birthday(db: AsyncSession, row: Reminder) -> reminder.Rendered | str:
    """The birthday greeting, if the branch still greets birthdays and the member wants it."""
    found = await _greeted_member(db, row)
    if isinstance(found, str):
        return found
    member, day = found
    if not (await setting_of(db, member.branch_id)).birthday_greetings:
        return "本支部已关闭生日祝福"
    if not member.birthday_greeting:
        return "本人不要生日祝福"
    occurrence = birthday_occurrence(member, day)
    birthday = birthday_of(member)
    if occurrence is None or occurrence.on != day or birthday is None:
        return "生日已更改"
    born = birthday.born_on()
    age = years_between(born, day) if born and birthday.solar else (
        int(occurrence.year_key[1:]) - birthday.lunar.year
        if birthday.lunar and birthday.lunar.year else None)
    return reminder.Rendered(words.birthday_greeting(member.name, age, birthday.lunar))


async def _still_secretary(db: AsyncSession, row: Reminder) -> int | str:
    branch_id = int((row.ref or "branch:0").split(":")[1])
    if await secretary_account(db, branch_id, row.platform) != row.target_id:
        return "书记已更换"
    return branch_id


def care_lines(entries: list[CareEntry]) -> list[str]:
    """One line per member of the care list: name, tags, last visit, days since (⚠ overdue)."""
    lines = []
    for number, entry in enumerate(entries, 1):
        last = (f"上次走访{entry.last_visit.month}月{entry.last_visit.day}日（{entry.days_since}天前）"
                if entry.last_visit else "还没有走访记录")
        lines.append(f"{number}. {'⚠' if entry.overdue else ''}{entry.member.name}"
                     f"（{'、'.join(entry.tags)}）{last}")
    return lines


async def render_festival(db: AsyncSession, row: Reminder) -> reminder.Rendered | str:
    """A week before the festival: the whole care list to the secretary."""
    branch_id = await _still_secretary(db, row)
    if isinstance(branch_id, str):
        return branch_id
    _, _, name, day = (row.ref or "").split(":")
    on = date.fromisoformat(day)
    entries = await care_list(db, branch_id=branch_id, today=timeutil.local_date(timeutil.now()),
                              config=current())
    if not entries:
        return "没有登记关爱对象"
    head = f"【节日走访提醒】{on.month}月{on.day}日是{name}，请安排走访慰问（共{len(entries)}人）："
    tail = "走访后请私聊发送：走访 姓名 方式 情况"
    return reminder.Rendered("\n".join([head, *care_lines(entries), tail]))


async def render_overdue(db: AsyncSession, row: Reminder) -> reminder.Rendered | str:
    """Monday: the members whose visit is overdue, to the secretary."""
    branch_id = await _still_secretary(db, row)
    if isinstance(branch_id, str):
        return branch_id
    entries = [e for e in await care_list(db, branch_id=branch_id,
                                          today=timeutil.local_date(timeutil.now()),
                                          config=current()) if e.overdue]
    if not entries:
        return "没有逾期未走访的成员"
    head = f"【走访提醒】以下{len(entries)}位成员该走访了："
    return reminder.Rendered("\n".join([head, *care_lines(entries), "走访后请私聊发送：走访 姓名 方式 情况"]))


def care_reminders() -> reminder.Source:
    """The care reminder source, for the plugin wiring to register with the engine."""
    return reminder.Source("care", (
        reminder.Kind(PARTY, "政治生日祝贺", render_party),
        reminder.Kind(BIRTHDAY, "生日祝福", render_birthday),
        reminder.Kind(FESTIVAL, "节日走访提醒（私聊书记）", render_festival),
        reminder.Kind(OVERDUE, "逾期走访提醒（私聊书记）", render_overdue),
    ), scan=scan_care)
