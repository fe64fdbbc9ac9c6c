"""The e2e fixtures (a fresh migrated SQLite file for the real bot) for the reminder restart tests,
and an unpaced dispatcher: pacing has its own test; here it would only make tests sleep."""

import pytest

from plugins.partyday import jobs
from plugins.partyday.engine import Pacer
from tests.e2e.conftest import bot_database, e2e_template

__all__ = ["bot_database", "e2e_template"]


@pytest.fixture(autouse=True)
def unpaced(monkeypatch: pytest.MonkeyPatch) -> None:
    """jobs.dispatch_due sends without the 1 s per-group gap (and no state across tests)."""
    monkeypatch.setattr(jobs, "pacer", Pacer())
