"""Hot-path statements: a Core statement compiled once per dialect, run on the session's own driver
connection, inside the transaction the session already began.

SQLAlchemy's execution of a statement — greenlet hand-off, execution context, result set-up,
cache-key lookup — costs 60–130 µs of CPU per statement here, several times what SQLite takes to
run it. A 签到 runs eight; bench_signin's profile put the database layer at a third of the bot's
CPU per 签到 (issue 19). A `Prepared` keeps SQLAlchemy for what it is good at — writing the SQL for
each dialect from the models, and converting values with the columns' own types (UTCDateTime,
Numeric) — and leaves only the driver call per execution.

Only for statements that run on every hot command; everything else goes through the session.
They run in the session's transaction (begun through the session first when it has not begun).
Like the session's own execute, a statement first flushes what the session holds pending (when
there is something: on the hot path there is not). One rule for callers: on PostgreSQL a
constraint violation aborts the transaction without the session knowing — catch IntegrityError
only inside `db.begin_nested()`, whose savepoint is then rolled back (as
domain/points/corrections.py does), or write `ON CONFLICT DO NOTHING` and read the rows it
returned. A constraint violation is raised as SQLAlchemy's IntegrityError, as a session would
raise it.
"""

import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Numeric, inspect, literal, select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import configure_mappers, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.sql import ClauseElement
from sqlmodel.ext.asyncio.session import AsyncSession

Processor = Callable[[Any], Any] | None
_M = TypeVar("_M")


@dataclass(frozen=True)
class _Form:
    """The statement as one dialect runs it: SQL text, how to fill its parameters, how to read rows."""

    sql: str
    names: tuple[str, ...]
    """The bound parameters, in the order of the SQL's placeholders."""
    constants: dict[str, Any]
    """Values the statement itself carries (the 1 of `count + 1`)."""
    binds: tuple[Processor, ...]
    results: tuple[Processor, ...]


class Prepared:
    """A statement built once (by `build`, given the dialect's name) and compiled once per dialect."""

    def __init__(self, build: Callable[[str], ClauseElement]) -> None:
        self._build = build
        self._forms: dict[str, _Form] = {}

    def form(self, dialect: Dialect) -> _Form:
        """The statement's SQL and processors for this dialect (compiled on first use)."""
        found = self._forms.get(dialect.name)
        if found is None:
            found = self._forms[dialect.name] = _compile(self._build(dialect.name), dialect)
        return found


def _compile(stmt: ClauseElement, dialect: Dialect) -> _Form:
    compiled: Any = stmt.compile(dialect=dialect)
    if "POSTCOMPILE" in compiled.string:  # IN (…) of a list: expanded per execution, not here
        raise ValueError(f"a prepared statement cannot hold an expanding IN: {compiled.string}")
    names = tuple(compiled.positiontup or ())
    binds = compiled.binds
    columns = getattr(stmt, "exported_columns", ())
    return _Form(
        sql=compiled.string, names=names,
        constants={name: binds[name].effective_value for name in names if not binds[name].required},
        binds=tuple(binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names),
        results=tuple(_result_processor(column.type, dialect) for column in columns),
    )


_PG_NUMERIC = 1700
"""PostgreSQL's numeric type (its OID): asyncpg returns it as a Decimal. SQLAlchemy's processor for
a Numeric column is chosen by the type the driver reports, which a row from asyncpg itself does not
carry; the columns here are numeric, so it is named."""


def _result_processor(type_: Any, dialect: Dialect) -> Processor:
    impl = type_.dialect_impl(dialect)
    numeric = dialect.name == "postgresql" and isinstance(impl, Numeric)
    processor: Processor = impl.result_processor(dialect, _PG_NUMERIC if numeric else None)
    return processor


@dataclass(frozen=True)
class Outcome:
    """Rows a statement returned (converted by the columns' types) and how many rows it touched."""

    rows: list[tuple[Any, ...]]
    rowcount: int

    def first(self) -> tuple[Any, ...] | None:
        """The first row, or None."""
        return self.rows[0] if self.rows else None

    def scalar(self) -> Any:
        """The first column of the first row, or None."""
        return self.rows[0][0] if self.rows else None


_PG_STATUS = re.compile(r"(\d+)$")


async def run(db: AsyncSession, stmt: Prepared, params: Mapping[str, Any]) -> Outcome:
    """Run the statement on the session's connection, in its transaction (begun here if need be),
    after flushing the session's pending changes (autoflush, as the session would)."""
    sync = db.sync_session
    if sync.autoflush and (sync.new or sync.dirty or sync.deleted):
        await db.flush()
    connection = await _connection(db)
    dialect = connection.dialect
    form = stmt.form(dialect)
    values = [_bound(form, i, name, params) for i, name in enumerate(form.names)]
    driver: Any = connection.connection.driver_connection
    adapted: Any = connection.connection.dbapi_connection
    try:
        if not _in_transaction(dialect, connection):
            await _begin(db, connection)
        if dialect.name == "sqlite":
            cursor = await driver.execute(form.sql, values)
            raw_rows: Sequence[Any] = await cursor.fetchall()
            rowcount = cursor.rowcount
            await cursor.close()
        elif form.results:
            raw_rows = await driver.fetch(form.sql, *values)
            rowcount = len(raw_rows)
        else:
            raw_rows = []
            match = _PG_STATUS.search(await driver.execute(form.sql, *values) or "")
            rowcount = int(match[1]) if match else 0
    except Exception as error:
        if _is_integrity(error):  # values hidden, as the engine's hide_parameters does
            raise IntegrityError(form.sql, values, error, hide_parameters=True) from error
        # A dead connection (or one a failed BEGIN left in no known state) is given up.
        if connection.invalidated or dialect.is_disconnect(error, adapted, None):  # type: ignore[arg-type]
            if not connection.invalidated:
                await _invalidate(db, error)
            raise DBAPIError(form.sql, values, error, hide_parameters=True,
                             connection_invalidated=True) from error
        raise
    rows = [tuple(process(value) if process else value
                  for process, value in zip(form.results, row, strict=True)) for row in raw_rows]
    return Outcome(rows, len(rows) if form.results and rowcount < 0 else rowcount)


_BEGIN = select(literal(1))


async def _begin(db: AsyncSession, connection: Connection) -> None:
    """Begin the transaction the session has begun in name only. SQLite began it already (the
    engine's BEGIN IMMEDIATE runs when the session takes its connection); SQLAlchemy's asyncpg
    adapter begins it with the first statement it runs itself, so here it is asked to begin
    (BEGIN alone, one round trip) — or, should the adapter not offer that, a `SELECT 1` begins it.
    A BEGIN that fails leaves the connection in no known state: it is given up (invalidated)."""
    adapted: Any = connection.connection.dbapi_connection
    start = getattr(adapted, "_start_transaction", None)
    if start is None or not hasattr(adapted, "_transaction"):
        await (await db.connection()).execute(_BEGIN)
        return
    try:
        async with adapted._execute_mutex:  # noqa: SLF001  (the adapter's own guard)
            await start()
        if adapted._transaction is None:  # noqa: SLF001
            raise RuntimeError("db.prepared: the session's transaction did not begin")
    except Exception as error:
        await _invalidate(db, error)
        raise


async def _invalidate(db: AsyncSession, error: BaseException) -> None:
    """What SQLAlchemy does when a statement finds its connection dead: this connection is
    discarded, and every pooled connection made before it is replaced on its next checkout
    (after a server restart they are all dead: each would otherwise fail one command)."""

    def invalidate(connection: Connection) -> None:
        if not connection.invalidated:
            pooled: Any = connection.connection
            connection.engine.pool._invalidate(pooled, error)  # noqa: SLF001  (as Connection does)
            connection.invalidate(error)

    await (await db.connection()).run_sync(invalidate)


def _in_transaction(dialect: Dialect, connection: Connection) -> bool:
    """Whether the driver's transaction has begun: SQLite's own flag; for asyncpg the adapter's
    (it commits and rolls back only a transaction it began), else the server's status."""
    driver: Any = connection.connection.driver_connection
    if dialect.name == "sqlite":
        return bool(driver.in_transaction)
    adapted: Any = connection.connection.dbapi_connection
    if hasattr(adapted, "_transaction"):
        return adapted._transaction is not None  # noqa: SLF001
    return bool(driver.is_in_transaction())


_HELD = "db.prepared:connection"


async def _connection(db: AsyncSession) -> Connection:
    """The connection of the session's transaction. AsyncSession's `connection()` costs a greenlet
    hand-off per call; it is asked once per transaction and the answer kept in the session's
    `info`, tied to that transaction (a new transaction asks again)."""
    held = db.info.get(_HELD)
    transaction = db.sync_session.get_transaction()
    if held is not None and transaction is not None and held[0] is transaction and not held[1].closed:
        connection: Connection = held[1]
        return connection
    connection = (await db.connection()).sync_connection  # type: ignore[assignment]
    db.info[_HELD] = (db.sync_session.get_transaction(), connection)
    return connection


def loaded(model: type[_M], values: Mapping[str, Any]) -> _M:
    """A detached model instance from a row's values, made as the ORM makes the objects it loads:
    no validation (the values came from the database), each column's value committed. A fifth of
    the cost of calling the model (pydantic validation of every field)."""
    mapper: Any = inspect(model)
    if not mapper.configured:  # a process whose first ORM use this is (a 签到 right after start)
        configure_mappers()
    columns = _COLUMNS.get(model)
    if columns is None:
        columns = _COLUMNS[model] = frozenset(mapper.columns.keys())
    if not values.keys() <= columns:
        raise KeyError(f"not columns of {model.__name__}: {sorted(values.keys() - columns)}")
    instance: _M = mapper.class_manager.new_instance()
    # As SQLAlchemy's loader populates a row's object: the values into its dict; then
    # make_transient_to_detached commits them all and gives it its identity.
    instance_state(instance).dict.update(values)
    make_transient_to_detached(instance)
    return instance


_COLUMNS: dict[type[Any], frozenset[str]] = {}


def adopt(db: AsyncSession, model: type[_M], values: Mapping[str, Any], *,
          refresh: bool = False) -> _M:
    """`loaded`, made part of the session as if the session had loaded it (later changes to it are
    flushed); the session's own instance if it has one already — with `refresh`, given these
    values (as a query with populate_existing would: the row was read under a lock)."""
    mapper: Any = inspect(model)
    key = mapper.identity_key_from_primary_key([values[c.key] for c in mapper.primary_key])
    existing = db.sync_session.identity_map.get(key)
    if existing is not None:
        # Refreshed: every value. Otherwise those the session no longer holds (expired by a
        # rollback), as a query fills them; the session's own values win, as in a query.
        expired = instance_state(existing).expired_attributes
        for name, value in values.items():
            if refresh or name in expired:
                set_committed_value(existing, name, value)
        found: _M = existing
        return found
    instance = loaded(model, values)
    db.add(instance)
    return instance


def model_defaults(model: type[Any]) -> dict[str, Any]:
    """Each column's default as the model would fill it (default factories called now), for an
    INSERT of a new row written without building the model (no validation on the hot path)."""
    values: dict[str, Any] = {}
    for name in model.__table__.columns.keys():
        field = model.model_fields.get(name)
        if field is not None and not field.is_required():
            values[name] = field.get_default(call_default_factory=True)
    return values


def _bound(form: _Form, index: int, name: str, params: Mapping[str, Any]) -> Any:
    value = params[name] if name in params else form.constants[name]
    process = form.binds[index]
    return process(value) if process is not None and value is not None else value


def _is_integrity(error: Exception) -> bool:
    """A constraint violation: sqlite3's IntegrityError, or asyncpg's (by its class, as asyncpg is
    imported by SQLAlchemy's dialect only when PostgreSQL is used)."""
    return isinstance(error, sqlite3.IntegrityError) or any(
        cls.__name__ == "IntegrityConstraintViolationError" for cls in type(error).__mro__)
