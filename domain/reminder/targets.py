"""Reminders for study sessions and volunteer needs, found by scanning their rows. No nonebot here.

Sign-in and volunteer never call into this plugin: a job scans StudySession and Need/Claim rows and
inserts reminder rows (insert-ignore on the dedupe key, never one already past). The words, and who
is @-mentioned, are decided when the reminder is sent, so later changes are respected.
"""

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import (
    Attendance,
    ChatAccount,
    Claim,
    ClaimStatus,
    GroupBinding,
    Member,
    Need,
    NeedStatus,
    SessionKind,
    StudySession,
)
from db.models.reminder import Reminder, ReminderSetting, ReminderState, TargetKind
from plugins.partyday import reminders
from plugins.partyday.engine import Rendered, Skip, renderer
from plugins.partyday.words import lead
from plugins.signin.records import expected_filter

AHEAD = timedelta(days=2)
ABSENT_AFTER = timedelta(minutes=10)
_defaults = ReminderSetting(branch_id=0)


def configure(*, study_absent: bool, volunteer_private: bool) -> None:
    """Defaults for branches that have not chosen (plugin settings)."""
    global _defaults
    _defaults = ReminderSetting(branch_id=0, study_absent=study_absent,
                                volunteer_private=volunteer_private)


async def settings_of(session: AsyncSession, branch_id: int) -> ReminderSetting:
    """The branch's choices (a detached default row when it has none)."""
    row = await session.get(ReminderSetting, branch_id)
    return row or ReminderSetting(branch_id=branch_id, study_absent=_defaults.study_absent,
                                  volunteer_private=_defaults.volunteer_private)


async def choose(session: AsyncSession, branch_id: int, **values: bool) -> ReminderSetting:
    """缺勤提醒 开/关, 志愿提醒 私聊/群里 (the caller commits)."""
    row = await session.get(ReminderSetting, branch_id) or await settings_of(session, branch_id)
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    await session.flush()
    return row


async def _chat_ids(session: AsyncSession, member_ids: list[int], platform: str) -> dict[int, str]:
    if not member_ids:
        return {}
    rows = (await session.exec(select(ChatAccount).where(
        col(ChatAccount.member_id).in_(member_ids), ChatAccount.platform == platform,
        col(ChatAccount.in_group)))).all()
    return {a.member_id: a.user_id for a in rows}


# ---- group bindings ---------------------------------------------------------------------------

async def sync_targets(session: AsyncSession) -> int:
    """Pending group reminders follow the bindings; returns how many rows changed.

    A group re-bound to another branch (绑定支部 … 确认) stops getting the old branch's reminders
    (they go to the branch's other group, or are cancelled); a group now served by another bot
    account gets them through that account (a row waits for the account it names).
    """
    bindings = (await session.exec(select(GroupBinding).order_by(col(GroupBinding.id)))).all()
    bound = {(b.platform, b.group_id): b for b in bindings}
    first: dict[int, GroupBinding] = {}
    for binding in bindings:
        first.setdefault(binding.branch_id, binding)
    pending = (Reminder.state == ReminderState.PENDING, Reminder.target_kind == TargetKind.GROUP)
    targets = (await session.exec(select(  # type: ignore[call-overload]
        Reminder.branch_id, Reminder.platform, Reminder.target_id, Reminder.self_id,
    ).where(*pending, col(Reminder.branch_id).is_not(None)).distinct())).all()
    changed = 0
    for branch_id, platform, group_id, self_id in targets:
        binding = bound.get((platform, group_id))
        if binding is None or binding.branch_id != branch_id:
            binding = first.get(branch_id)
        if binding is None:
            values: dict = {"state": ReminderState.CANCELLED, "last_error": "本支部已不再绑定这个群"}
        elif (binding.platform, binding.group_id, binding.self_id) != (platform, group_id, self_id):
            values = {"platform": binding.platform, "target_id": binding.group_id,
                      "self_id": binding.self_id}
        else:
            continue
        result = await session.exec(update(Reminder).where(  # type: ignore[call-overload]
            *pending, Reminder.branch_id == branch_id, Reminder.platform == platform,
            Reminder.target_id == group_id).values(**values).execution_options(synchronize_session=False))
        changed += result.rowcount
    return changed


async def prune(session: AsyncSession, now: datetime) -> int:
    """Pending rows of a cancelled session or a closed need are cancelled now (not only when due),
    so 提醒列表 does not show them; returns how many. (A given-up claim is left to the renderer:
    the member may claim again.)"""
    studies = (await session.exec(select(StudySession.id).where(
        col(StudySession.cancelled), StudySession.starts_at > now - ABSENT_AFTER,
        StudySession.starts_at <= now + AHEAD))).all()
    needs = (await session.exec(select(Need.id).where(
        Need.status != NeedStatus.OPEN, Need.starts_at > now, Need.starts_at <= now + AHEAD))).all()
    done = 0
    for prefix, reason in [*((f"study:{i}:", "学习已取消") for i in studies),
                           *((f"need:{i}:", "需求已取消或已完成") for i in needs)]:
        done += await reminders.cancel_pending(session, key_prefix=prefix, reason=reason)
    return done


# ---- study sessions ---------------------------------------------------------------------------

def study_text(study: StudySession, lead: str) -> str:
    """'【学习提醒】明天学习：…'."""
    lines = [f"【学习提醒】{lead}学习：{study.title}", f"时间：{timeutil.fmt_dt_week(study.starts_at)}"]
    if study.place:
        lines.append(f"地点：{study.place}")
    lines.append("请准时参加，到场后发“签到”；不能参加请发“请假 原因”。")
    return "\n".join(lines)


async def scan_study(session: AsyncSession, now: datetime) -> int:
    """Reminder rows for study sessions starting within two days; returns how many were new."""
    rows = (await session.exec(select(StudySession).where(
        StudySession.kind == SessionKind.STUDY, col(StudySession.cancelled).is_(False),
        StudySession.starts_at > now - ABSENT_AFTER, StudySession.starts_at <= now + AHEAD))).all()
    added = 0
    for study in rows:
        target = await reminders.branch_target(session, study.branch_id)
        if target is None:
            continue
        day, hour = study.starts_at - timedelta(days=1), study.starts_at - timedelta(hours=1)
        plans = [("-1d", day, "study", study_text(study, lead(study.starts_at, day))),
                 ("-1h", hour, "study", study_text(study, lead(study.starts_at, hour)))]
        if (await settings_of(session, study.branch_id)).study_absent:
            plans.append(("+10m", study.starts_at + ABSENT_AFTER, "study_absent", "（开始10分钟后提醒未签到的同志）"))
        for code, due, kind, text in plans:
            added += await reminders.add(
                session, dedupe_key=f"study:{study.id}:{code}", due_at=due, text=text, kind=kind,
                ref=f"session:{study.id}", target_kind=TargetKind.GROUP, platform=target.platform,
                target_id=target.group_id, self_id=target.self_id, branch_id=study.branch_id, now=now)
    return added


async def _study_of(session: AsyncSession, reminder: Reminder) -> StudySession | str:
    study = await session.get(StudySession, int((reminder.ref or "session:0").split(":")[1]))
    if study is None or study.cancelled:
        return "学习已取消"
    return study


@renderer("study")
async def render_study(session: AsyncSession, reminder: Reminder) -> Rendered | str:
    """Current title, place and time of the session."""
    study = await _study_of(session, reminder)
    if isinstance(study, str):
        return study
    now = timeutil.now()
    if now >= study.starts_at:
        return Skip("学习已开始，提醒不再补发")
    return Rendered(study_text(study, lead(study.starts_at, now)))


@renderer("study_absent")
async def render_absent(session: AsyncSession, reminder: Reminder) -> Rendered | str:
    """@ everyone with a chat account who has neither signed in nor asked for leave."""
    study = await _study_of(session, reminder)
    if isinstance(study, str):
        return study
    if not (await settings_of(session, study.branch_id)).study_absent:
        return "本支部已关闭未签到提醒"
    if study.closes_at <= timeutil.now():  # 结束签到 early: 签到 would be refused
        return "签到已结束"
    answered = select(Attendance.member_id).where(Attendance.session_id == study.id)
    members = (await session.exec(select(Member.id).where(  # expected as 签到情况 counts them
        Member.branch_id == study.branch_id, expected_filter(),
        col(Member.id).not_in(answered)))).all()
    ids = await _chat_ids(session, [m for m in members if m is not None], reminder.platform)
    if not ids:
        return "全部已签到或请假"
    return Rendered(f"学习“{study.title}”已开始10分钟，以上{len(ids)}位同志还没有签到。"
                    "请发“签到”；不能参加请发“请假 原因”。", sorted(ids.values()))


# ---- volunteer needs --------------------------------------------------------------------------

def need_text(need: Need, now: datetime) -> str:
    """'【志愿服务提醒】明天有您认领的志愿服务：…'."""
    lines = [f"【志愿服务提醒】{lead(need.starts_at, now)}有您认领的志愿服务：{need.title}（#{need.id}）",
             f"时间：{timeutil.fmt_dt_week(need.starts_at)}"]
    if need.place:
        lines.append(f"地点：{need.place}")
    lines.append(f"如不能参加，请发“取消认领 #{need.id}”。")
    return "\n".join(lines)


async def scan_needs(session: AsyncSession, now: datetime) -> int:
    """Claimants of needs starting within two days get a reminder 1 day before; returns new rows."""
    needs = (await session.exec(select(Need).where(
        Need.status == NeedStatus.OPEN, Need.starts_at > now, Need.starts_at <= now + AHEAD))).all()
    added = 0
    for need in needs:
        target = await reminders.branch_target(session, need.branch_id)
        if target is None:
            continue
        due = need.starts_at - timedelta(days=1)
        common = dict(due_at=due, text=need_text(need, due), platform=target.platform,
                      self_id=target.self_id, branch_id=need.branch_id, now=now)
        if not (await settings_of(session, need.branch_id)).volunteer_private:
            added += await reminders.add(session, dedupe_key=f"need:{need.id}:-1d", kind="need_group",
                                         ref=f"need:{need.id}", target_kind=TargetKind.GROUP,
                                         target_id=target.group_id, **common)  # type: ignore[arg-type]
            continue
        claims = (await session.exec(select(Claim).where(
            Claim.need_id == need.id, Claim.status == ClaimStatus.CLAIMED))).all()
        ids = await _chat_ids(session, [c.member_id for c in claims], target.platform)
        for member_id, user_id in ids.items():
            added += await reminders.add(
                session, dedupe_key=f"need:{need.id}:member:{member_id}:-1d", kind="need_private",
                ref=f"need:{need.id}:member:{member_id}", target_kind=TargetKind.PRIVATE,
                target_id=user_id, **common)  # type: ignore[arg-type]
    return added


async def _open_need(session: AsyncSession, reminder: Reminder) -> Need | str:
    need = await session.get(Need, int((reminder.ref or "need:0").split(":")[1]))
    if need is None or need.status != NeedStatus.OPEN:
        return "需求已取消或已完成"
    private = (await settings_of(session, need.branch_id)).volunteer_private
    if private != (reminder.kind == "need_private"):  # 志愿提醒 switched after the rows were made
        return "本支部已改为私聊提醒" if private else "本支部已改为群里提醒"
    return need


@renderer("need_private")
async def render_need_private(session: AsyncSession, reminder: Reminder) -> Rendered | str:
    """Only while the claim still holds a place."""
    need = await _open_need(session, reminder)
    if isinstance(need, str):
        return need
    if timeutil.now() >= need.starts_at:
        return Skip("服务已开始，提醒不再补发")
    member_id = int((reminder.ref or "").split(":")[3])
    claim = (await session.exec(select(Claim).where(
        Claim.need_id == need.id, Claim.member_id == member_id))).first()
    if claim is None or claim.status != ClaimStatus.CLAIMED:
        return "已取消认领"
    return Rendered(need_text(need, timeutil.now()))


@renderer("need_group")
async def render_need_group(session: AsyncSession, reminder: Reminder) -> Rendered | str:
    """One group message @-mentioning the current claimants."""
    need = await _open_need(session, reminder)
    if isinstance(need, str):
        return need
    if timeutil.now() >= need.starts_at:
        return Skip("服务已开始，提醒不再补发")
    claims = (await session.exec(select(Claim).where(
        Claim.need_id == need.id, Claim.status == ClaimStatus.CLAIMED))).all()
    ids = await _chat_ids(session, [c.member_id for c in claims], reminder.platform)
    if not claims:
        return "没有人认领"
    return Rendered(need_text(need, timeutil.now()).replace("有您认领的", "有大家认领的"),
                    sorted(ids.values()))
