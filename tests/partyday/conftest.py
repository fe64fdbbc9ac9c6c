"""The e2e fixtures (a fresh migrated SQLite file for the real bot) for the reminder restart tests."""

from tests.e2e.conftest import bot_database, e2e_template

__all__ = ["bot_database", "e2e_template"]
