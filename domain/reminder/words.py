"""Words every reminder source uses: how far off an event is, as said when the reminder is read."""

from datetime import datetime, timedelta

from core import timeutil


def lead(starts_at: datetime, now: datetime) -> str:
    """How far off the start is, as said at `now`: '3天后', '明天', '1小时后', '45分钟后'.

    Within 6 hours it is counted in hours even across midnight (23:30 for 00:30: '1小时后').
    """
    days = (timeutil.local_date(starts_at) - timeutil.local_date(now)).days
    if days >= 1 and starts_at - now >= timedelta(hours=6):
        return {1: "明天", 2: "后天"}.get(days, f"{days}天后")
    minutes = max(1, -(-int((starts_at - now).total_seconds()) // 60))
    hours, rest = divmod(minutes, 60)
    return f"{hours}小时{rest}分钟后" if hours and rest else f"{hours}小时后" if hours else f"{rest}分钟后"
