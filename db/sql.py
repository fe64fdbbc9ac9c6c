"""Small SQL helpers used by every capability: the dialect's INSERT with ON CONFLICT.

SQLite and PostgreSQL both spell it `INSERT … ON CONFLICT`, but SQLAlchemy builds it from each
dialect's own `insert()`; this is the one place that picks it.
"""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

Bindable = AsyncSession | AsyncConnection | AsyncEngine | Connection | Engine
Insert = postgresql.Insert | sqlite.Insert


def dialect_name(bind: Bindable | str) -> str:
    """'sqlite' or 'postgresql' for a session, connection or engine (or that name itself)."""
    if isinstance(bind, str):
        return bind
    if isinstance(bind, AsyncSession):
        return bind.get_bind().dialect.name
    return bind.dialect.name


def upsert_insert(bind: Bindable | str, table: Any) -> Insert:
    """`INSERT INTO table` of the bind's dialect, ready for `.on_conflict_do_nothing/_update`."""
    if dialect_name(bind) == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_or_ignore(bind: Bindable | str, table: Any, *, index_elements: list[str] | None = None,
                     **values: Any) -> Insert:
    """`INSERT … ON CONFLICT DO NOTHING`: one row, or none when a unique key already holds it.

    The result's rowcount says which (1 inserted, 0 ignored) on both backends.
    """
    return upsert_insert(bind, table).values(**values).on_conflict_do_nothing(
        index_elements=index_elements)
