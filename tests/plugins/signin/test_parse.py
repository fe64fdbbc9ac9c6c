"""发布学习's words: the time, title and place (the plugin parses; domain.meetings schedules)."""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import InvalidInput
from plugins.signin.parse import parse_publish
from tests.factories import make_branch
from tests.plugins.signin.steps import publish

START = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)  # Wednesday 09:30 Beijing


@time_machine.travel(datetime(2026, 11, 22, 12, 0, tzinfo=UTC), tick=False)
async def test_publish_parses_time_title_and_place(session: AsyncSession) -> None:
    """发布学习 takes the leading time, then the title and the last word as the place."""
    branch = await make_branch(session)
    study = await publish(session, branch_id=branch.id,
                                  text="11月25日9点半 学习党章 第一会议室", created_by=None)
    assert (study.starts_at, study.title, study.place) == (START, "学习党章", "第一会议室")
    with pytest.raises(InvalidInput) as past:
        await publish(session, branch_id=branch.id, text="11月21日9点 学习", created_by=None)
    assert past.value.message == "这个时间（11月21日 09:00）已经过去了，请写以后的时间。"
    with pytest.raises(InvalidInput) as garbled:
        await publish(session, branch_id=branch.id, text="改天 学习", created_by=None)
    assert garbled.value.message.startswith("时间没看懂")
    with pytest.raises(InvalidInput):
        await publish(session, branch_id=branch.id, text="明天上午9点", created_by=None)


@pytest.mark.parametrize(("text", "starts"), [
    ("2026-11-25 09:30 学习党章", START),
    ("11-25 9:30 学习党章", START),
    ("11月25日9点半 学习党章", START),
    ("明天上午9点 学习党章", datetime(2026, 11, 23, 1, 0, tzinfo=UTC)),
    ("下周三14:00 学习党章", datetime(2026, 11, 25, 6, 0, tzinfo=UTC)),
    ("１１月２５日　９：３０　学习党章", START),
])
def test_publish_understands_how_people_write_times(text: str, starts: datetime) -> None:
    """The forms in the issue, read in Beijing time on Sunday 22 November 2026 (20:00)."""
    moment = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert parse_publish(text, moment) == (starts, "学习党章", None)
