"""NoneBot's own log sink, at the configured level instead of behind a filter."""

import sys

import nonebot.log
from nonebot import logger
from nonebot.log import default_filter, default_format


def sink_at_configured_level() -> None:
    """NoneBot adds its stdout sink at level 0 and drops the lines below LOG_LEVEL in a filter, so
    every TRACE and DEBUG line of every event is built first (caller frame, time, the patchers of
    bot/logprivacy.py) and then thrown away: ~16 records per 签到 in bench_signin's profile. The
    same sink at the configured level: loguru builds nothing below it. Kept as it is for the
    console adapter, which finds NoneBot's sink by the id it had at import."""
    level = nonebot.get_driver().config.log_level
    if isinstance(level, str):
        level = level.upper()
    try:
        logger.remove(nonebot.log.logger_id)
    except ValueError:  # already replaced (another init in the same process)
        return
    nonebot.log.logger_id = logger.add(sys.stdout, level=level, diagnose=False,
                                       filter=default_filter, format=default_format)
