"""The branch assessment ledger on a real database: append-only, one reversal, quarterly ranking."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from sqlmodel import select

from core.errors import Conflict, InvalidInput
from db.models import BranchScore
from domain import county
from tests.domain.county.seed import NOW, seed_county


async def test_scores_reversal_and_ranking(db):
    """+5 and −2 for a, +3 for b and c; a's −2 reversed once (a second time is refused by the
    database); a ranks first, b and c share second; the ledger keeps every entry."""
    await seed_county(db)
    with time_machine.travel(NOW, tick=False):
        first, _ = await county.score(db, text="城关镇第一 +5 主题党日有特色", operator="王科长")
        minus, branch = await county.score(db, text="城关镇第一 -2 会议记录不全", operator="王科长")
        await county.score(db, text="城关镇第二 +3 志愿服务", operator="王科长")
        await county.score(db, text="东区 ３ 读报", operator="王科长")
        reversal, _ = await county.reverse(db, entry_id=minus.id or 0, operator="王科长")
        with pytest.raises(Conflict):
            await county.reverse(db, entry_id=minus.id or 0, operator="王科长")
        await db.commit()
        standings = await county.ranking(db, quarter="2026Q4")
    assert branch.name == "城关镇第一党支部" and first.quarter == "2026Q4"
    assert (reversal.delta, reversal.reverses_id) == (Decimal(2), minus.id)
    assert [(s.rank, s.name, s.total) for s in standings] == [
        (1, "城关镇第一党支部", Decimal(5)), (2, "东区街道党支部", Decimal(3)),
        (2, "城关镇第二党支部", Decimal(3))]
    assert len((await db.exec(select(BranchScore))).all()) == 5


async def test_refusals_and_the_quarter_boundary(db):
    """No zero, no word for a number; a score at 00:30 Beijing on 10-01 counts in 2026Q4."""
    await seed_county(db)
    with pytest.raises(InvalidInput):
        await county.score(db, text="城关镇第一 0 无", operator="x")
    with pytest.raises(InvalidInput):
        await county.score(db, text="城关镇第一 五分 好", operator="x")
    with time_machine.travel(datetime(2026, 9, 30, 16, 30, tzinfo=UTC), tick=False):
        entry, _ = await county.score(db, text="东区 +1 早", operator="x")
    assert entry.quarter == "2026Q4"
