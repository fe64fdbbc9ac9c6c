"""Send pacing: QQ throttles (and may ban) an account that bursts, so sends are spaced."""

from asyncio import sleep
from time import monotonic

from db.models.reminder import Reminder, TargetKind


class Pacer:
    """Spaces sends: at most `rate` per second overall, `interval` seconds apart per target.

    Nothing is held back until a slot is taken, so a branch's few reminders go out within a second
    or two; only a large fan-out (many groups at the same minute) is spread out at `rate`.
    """

    def __init__(self, rate: float = 0.0, interval: float = 0.0) -> None:
        self.rate = rate
        self.interval = interval
        self._next_any = 0.0
        self._next_target: dict[str, float] = {}

    async def wait(self, target: str) -> None:
        """Sleep until this target may be sent to, then book the slot."""
        now = monotonic()
        slot = max(now, self._next_any, self._next_target.get(target, 0.0))
        if slot > now:
            await sleep(slot - now)
        if self.rate > 0:
            self._next_any = slot + 1.0 / self.rate
        if self.interval > 0:
            if len(self._next_target) > 10_000:  # forget targets whose slot has passed
                self._next_target = {k: v for k, v in self._next_target.items() if v > slot}
            self._next_target[target] = slot + self.interval


def target_key(reminder: Reminder) -> str:
    """The pacing key: one group, or one person."""
    kind = "g" if reminder.target_kind == TargetKind.GROUP else "p"
    return f"{reminder.platform}:{kind}:{reminder.target_id}"
