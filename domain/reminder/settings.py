"""A branch's reminder choices (缺勤提醒 开/关, 志愿提醒 私聊/群里), with defaults from settings."""

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.reminder import ReminderSetting


@dataclass(frozen=True)
class BranchDefaults:
    """What a branch that has not chosen gets (the plugin passes its settings)."""

    study_absent: bool = True
    volunteer_private: bool = True


async def settings_of(db: AsyncSession, branch_id: int,
                      defaults: BranchDefaults = BranchDefaults()) -> ReminderSetting:  # noqa: B008  (frozen)
    """The branch's choices (a detached default row when it has none)."""
    row = await db.get(ReminderSetting, branch_id)
    return row or ReminderSetting(branch_id=branch_id, study_absent=defaults.study_absent,
                                  volunteer_private=defaults.volunteer_private)


async def choose(db: AsyncSession, branch_id: int, *, defaults: BranchDefaults = BranchDefaults(),  # noqa: B008
                 study_absent: bool | None = None,
                 volunteer_private: bool | None = None) -> ReminderSetting:
    """缺勤提醒 开/关, 志愿提醒 私聊/群里 (the caller commits)."""
    row = await settings_of(db, branch_id, defaults)
    if study_absent is not None:
        row.study_absent = study_absent
    if volunteer_private is not None:
        row.volunteer_private = volunteer_private
    db.add(row)
    await db.flush()
    return row
