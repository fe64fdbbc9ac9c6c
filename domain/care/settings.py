"""The care capability's settings (from the plugin's config) and a branch's own choices."""

from dataclasses import dataclass, field
from datetime import time

from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.care import CareSetting, CareTagKind

CLOSE_TAGS = frozenset({CareTagKind.ALONE, CareTagKind.WIDOWED, CareTagKind.DISABLED})
"""Members with these tags are visited more often (默认30天一次; others 60)."""


@dataclass(frozen=True)
class CareConfig:
    """When greetings and the secretary's reminders go out, and how often members are visited."""

    greeting_time: time = time(8, 30)
    secretary_time: time = time(9, 0)
    close_days: int = 30
    other_days: int = 60
    festival_days_before: int = 7
    horizon_days: int = 2
    close_tags: frozenset[CareTagKind] = field(default=CLOSE_TAGS)

    def interval(self, tags: list[CareTagKind]) -> int:
        """Days between visits for a member with these tags (the shortest applies)."""
        return self.close_days if any(t in self.close_tags for t in tags) else self.other_days


_config = CareConfig()


def configure(config: CareConfig) -> None:
    """Set once when the plugin loads."""
    global _config
    _config = config


def current() -> CareConfig:
    """The settings in force."""
    return _config


async def setting_of(db: AsyncSession, branch_id: int) -> CareSetting:
    """The branch's care choices (a detached default row when it has none)."""
    return await db.get(CareSetting, branch_id) or CareSetting(branch_id=branch_id)


async def set_birthday_greetings(db: AsyncSession, *, branch_id: int, on: bool) -> CareSetting:
    """生日祝福 开/关; the caller commits."""
    row = await setting_of(db, branch_id)
    row.birthday_greetings = on
    db.add(row)
    await db.flush()
    return row
