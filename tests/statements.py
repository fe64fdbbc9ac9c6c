"""Which statements a piece of code runs: the session's own and db.prepared's alike."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from db import engine as db_engine
from db.prepared import Prepared


@contextmanager
def statements() -> Iterator[list[str]]:
    """The first word of each statement run inside the block, in order ("SELECT", "INSERT", "WITH").

    The session's go through the engine (before_cursor_execute; SQLite's BEGIN IMMEDIATE is the
    transaction, not work, and is left out); db.prepared's bypass it on the driver connection and
    are seen as `run` takes their form (once per execution)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.startswith("BEGIN"):
            seen.append(statement.split()[0])

    original = Prepared.form

    def form(self: Prepared, dialect: Any) -> Any:
        found = original(self, dialect)
        seen.append(found.sql.split()[0])
        return found

    sync_engine = db_engine.get_engine().sync_engine
    event.listen(sync_engine, "before_cursor_execute", record)
    Prepared.form = form  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        Prepared.form = original  # type: ignore[method-assign]
        event.remove(sync_engine, "before_cursor_execute", record)
