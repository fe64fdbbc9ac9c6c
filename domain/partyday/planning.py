"""主题党日: the branch's rule and its materialised occurrences (each with a meeting and reminders).

Occurrences are materialised `horizon` days ahead: each gets a meeting to sign in to (through
domain.meetings) and one reminder row per offset (through domain.reminder), keyed
partyday:<rule>:<nominal date>:-<offset>. Reminder words are rendered when sent, so a theme set
later is still in them.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import NotFound
from db.models import SessionKind, StudySession
from db.models.reminder import (
    HolidayOverride,
    HolidayPolicy,
    PartydayOccurrence,
    PartydayRule,
    TargetKind,
)
from db.sql import insert_or_ignore
from domain import meetings, reminder
from domain.partyday.calendar import Overrides, Planned, month_dates, plan, year_known
from domain.partyday.words import EX_RULE, moved_notice, render

TITLE = "主题党日"


@dataclass(frozen=True)
class RuleSpec:
    """A parsed 设置主题党日 argument."""

    month_day: int | None
    nth: int | None
    weekday: int | None
    hour: int
    minute: int
    place: str | None


@dataclass(frozen=True)
class PlanConfig:
    """Defaults from the plugin settings."""

    day_time: time = time(9, 0)
    offsets: str = "3d,1d,1h"
    horizon_days: int = 45


_config = PlanConfig()


def configure(config: PlanConfig) -> None:
    """Set once when the plugin loads."""
    global _config
    _config = config


def offset_due(code: str, day: date, starts_at: datetime) -> datetime:
    """When an offset's reminder is due: N days before at the day-reminder time, or N h/min before."""
    n, unit = int(code[:-1]), code[-1]
    if unit == "d":
        return timeutil.at_local(day - timedelta(days=n), _config.day_time)
    return starts_at - timedelta(hours=n) if unit == "h" else starts_at - timedelta(minutes=n)


# ---- rule and materialisation -----------------------------------------------------------------

async def active_rule(db: AsyncSession, branch_id: int, *,
                      lock: bool = False) -> PartydayRule | None:
    """The branch's current rule (lock: held until commit, so the planner and an edit take turns)."""
    stmt = (select(PartydayRule).where(PartydayRule.branch_id == branch_id, col(PartydayRule.active))
            .order_by(col(PartydayRule.id).desc()))
    return (await db.exec(stmt.with_for_update() if lock else stmt)).first()


async def rule_or_fail(db: AsyncSession, branch_id: int) -> PartydayRule:
    rule = await active_rule(db, branch_id)
    if rule is None:
        raise NotFound("本支部还没有设置主题党日。", EX_RULE)
    return rule


async def overrides(db: AsyncSession) -> Overrides:
    """Superuser-entered holiday and 调休 days."""
    return {o.day: o.is_holiday for o in (await db.exec(select(HolidayOverride))).all()}


async def set_rule(db: AsyncSession, *, branch_id: int, spec: RuleSpec, now: datetime,
                   created_by: int | None = None) -> PartydayRule:
    """Replace the branch's rule (offsets, holiday choice and a theme set carry over); plan ahead."""
    old = await active_rule(db, branch_id, lock=True)
    theme = None
    if old is not None:
        upcoming = [o for o in await _future_occurrences(db, old, now) if not o.cancelled]
        theme = upcoming[0].theme if upcoming else None
        await retire(db, old, now, "主题党日时间已修改")
    rule = PartydayRule(
        branch_id=branch_id, month_day=spec.month_day, nth=spec.nth, weekday=spec.weekday,
        hour=spec.hour, minute=spec.minute, place=spec.place, created_by=created_by,
        offsets=old.offsets if old else _config.offsets,
        holiday_policy=old.holiday_policy if old else HolidayPolicy.POSTPONE,
    )
    db.add(rule)
    await db.flush()
    await materialise(db, rule, now)
    first = [o for o in await _future_occurrences(db, rule, now) if not o.cancelled]
    if theme and first:
        await apply_theme(db, first[0], theme)
    return rule


async def _future_occurrences(db: AsyncSession, rule: PartydayRule,
                              now: datetime) -> list[PartydayOccurrence]:
    return list((await db.exec(
        select(PartydayOccurrence).where(PartydayOccurrence.rule_id == rule.id,
                                         PartydayOccurrence.starts_at > now)
        .order_by(col(PartydayOccurrence.starts_at))
    )).all())


async def drop_plan(db: AsyncSession, occ: PartydayOccurrence, *, study: bool = True) -> None:
    """Pending reminders of an occurrence go (never sent, nothing to keep); its meeting is cancelled."""
    await reminder.drop_pending(db, ref=f"occurrence:{occ.id}")
    if study and occ.session_id is not None:
        meeting = await db.get(StudySession, occ.session_id)
        if meeting is not None:
            meeting.cancelled = True
            db.add(meeting)


async def retire(db: AsyncSession, rule: PartydayRule, now: datetime, reason: str) -> None:
    """Deactivate a rule and take back its future occurrences."""
    rule.active = False
    db.add(rule)
    for occ in await _future_occurrences(db, rule, now):
        await drop_plan(db, occ)
        occ.cancelled, occ.cancel_reason = True, reason
        db.add(occ)
    await db.flush()


def _due_dates(rule: PartydayRule, now: datetime, known: Overrides,
               extra_days: int = 0) -> list[tuple[date, Planned, datetime]]:
    """The rule's dates within the horizon whose (holiday-adjusted) start is still ahead."""
    today = timeutil.local_date(now)
    result = []
    # Start a little back: a date moved forward by a holiday may still be ahead.
    for nominal in month_dates(today - timedelta(days=15),
                               today + timedelta(days=_config.horizon_days + extra_days),
                               month_day=rule.month_day, nth=rule.nth, weekday=rule.weekday):
        planned = plan(nominal, rule.holiday_policy, known)
        starts_at = timeutil.at_local(planned.day, time(rule.hour, rule.minute))
        if starts_at > now:
            result.append((nominal, planned, starts_at))
    return result


async def rules_to_plan(db: AsyncSession, now: datetime) -> list[int]:
    """Active rules with a date not yet materialised or planned with holidays since learnt.

    One read for all branches, so the every-minute job opens a write transaction only when needed.
    """
    known = await overrides(db)
    rules = (await db.exec(select(PartydayRule).where(col(PartydayRule.active)))).all()
    since = timeutil.local_date(now) - timedelta(days=15)
    occs = (await db.exec(select(PartydayOccurrence).where(
        PartydayOccurrence.nominal_date >= since))).all()
    have = {(o.rule_id, o.nominal_date) for o in occs}
    stale = {o.rule_id for o in occs if o.holiday_unknown and not o.cancelled and o.starts_at > now
             and year_known(timeutil.local_date(o.starts_at).year, known)}
    return [r.id for r in rules if r.id is not None and (r.id in stale or any(
        (r.id, nominal) not in have for nominal, _, _ in _due_dates(r, now, known)))]


async def materialise(db: AsyncSession, rule: PartydayRule, now: datetime,
                      extra_days: int = 0) -> int:
    """Create the occurrences (meeting + reminders) of the next `horizon` days; returns how many."""
    known = await overrides(db)
    created = 0
    for nominal, planned, starts_at in _due_dates(rule, now, known, extra_days):
        result = await db.exec(insert_or_ignore(
            db, PartydayOccurrence, index_elements=["rule_id", "nominal_date"],
            rule_id=rule.id, branch_id=rule.branch_id, nominal_date=nominal, starts_at=starts_at,
            place=rule.place, moved_note=planned.note, holiday_unknown=planned.unknown,
            cancelled=False, created_at=timeutil.now()))
        if not result.rowcount:
            continue  # already planned (by us earlier or by another process)
        occ = (await db.exec(select(PartydayOccurrence).where(
            PartydayOccurrence.rule_id == rule.id, PartydayOccurrence.nominal_date == nominal))).one()
        await _open(db, rule, occ, now)
        created += 1
    await db.flush()
    return created


async def _open(db: AsyncSession, rule: PartydayRule, occ: PartydayOccurrence,
                now: datetime, *, study: bool = True) -> None:
    """The occurrence's meeting (to sign in to) and reminder rows."""
    if study:
        title = f"{TITLE}：{occ.theme}" if occ.theme else TITLE
        opened = await meetings.schedule_meeting(db, branch_id=rule.branch_id, starts_at=occ.starts_at,
                                                 title=title, place=occ.place, kind=SessionKind.PARTYDAY)
        occ.session_id = opened.id
        db.add(occ)
    target = await reminder.branch_target(db, rule.branch_id)
    if target is None:
        return
    day = timeutil.local_date(occ.starts_at)
    for code in rule.offsets.split(","):
        await reminder.add(
            db, dedupe_key=f"partyday:{rule.id}:{occ.nominal_date}:-{code}",
            due_at=(due := offset_due(code, day, occ.starts_at)), text=render(occ, due),
            kind="partyday", ref=f"occurrence:{occ.id}", target_kind=TargetKind.GROUP,
            platform=target.platform, target_id=target.group_id, self_id=target.self_id,
            branch_id=rule.branch_id, now=now)


async def stale_unknown(db: AsyncSession, rule: PartydayRule, now: datetime) -> bool:
    """A party day planned while its year's holidays were unknown, now known (package update)."""
    known = await overrides(db)
    return any(o.holiday_unknown and not o.cancelled
               and year_known(timeutil.local_date(o.starts_at).year, known)
               for o in await _future_occurrences(db, rule, now))


async def replan(db: AsyncSession, rule: PartydayRule, now: datetime) -> int:
    """Re-apply holiday choice and offsets to the future occurrences; returns how many moved."""
    known = await overrides(db)
    moved = 0
    for occ in await _future_occurrences(db, rule, now):
        if occ.cancelled:
            continue
        planned = plan(occ.nominal_date, rule.holiday_policy, known)
        starts_at = timeutil.at_local(planned.day, time(rule.hour, rule.minute))
        same, old = starts_at == occ.starts_at, occ.starts_at
        moved += not same
        await drop_plan(db, occ, study=not same)
        occ.starts_at, occ.moved_note, occ.holiday_unknown = starts_at, planned.note, planned.unknown
        if starts_at > now:
            await _open(db, rule, occ, now, study=not same)
        else:
            occ.cancelled, occ.cancel_reason = True, "节假日调整后的日期已过"
            db.add(occ)
        if not same:
            await _announce_move(db, occ, old, now)
    await materialise(db, rule, now)
    return moved


async def _announce_move(db: AsyncSession, occ: PartydayOccurrence, old: datetime,
                         now: datetime) -> None:
    """Members already told the old date hear of the change at once, not only in the next reminder."""
    if await reminder.any_sent(db, ref=f"occurrence:{occ.id}"):
        await reminder.notify_group(db, branch_id=occ.branch_id, text=moved_notice(occ, old),
                                     key=f"partyday:moved:{occ.id}:{occ.starts_at:%Y%m%d%H%M}", now=now)


# ---- commands ---------------------------------------------------------------------------------

async def next_occurrence(db: AsyncSession, branch_id: int,
                          now: datetime) -> PartydayOccurrence | None:
    """The next party day that will take place (materialising further ahead if needed)."""
    rule = await rule_or_fail(db, branch_id)
    for _ in range(2):
        for occ in await _future_occurrences(db, rule, now):
            if not occ.cancelled:
                return occ
        # All planned ones are cancelled: plan one month further and look again.
        await materialise(db, rule, now, extra_days=31)
    return None


async def apply_theme(db: AsyncSession, occ: PartydayOccurrence, theme: str) -> None:
    """The occurrence's theme (its reminders render it when sent), also in its meeting's title."""
    occ.theme = theme[:300]
    db.add(occ)
    if occ.session_id is not None and (meeting := await db.get(StudySession, occ.session_id)):
        meeting.title = f"{TITLE}：{theme}"[:200]
        db.add(meeting)
    await db.flush()
