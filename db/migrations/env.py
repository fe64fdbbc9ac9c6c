"""Alembic environment: async engine, batch mode on SQLite, metadata from db.models."""

import asyncio
import logging.config
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers every table)
from db.engine import configured_url, make_engine

config = context.config
if config.config_file_name and config.attributes.get("configure_logger", True):
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def _url() -> str:
    return config.attributes.get("url") or configured_url()


def _configure(connection: Connection | None = None, **kwargs: Any) -> None:
    is_sqlite = _url().startswith("sqlite")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=is_sqlite,
        compare_type=True,
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    # Foreign keys off: SQLite batch mode rebuilds tables, which FK checks would block.
    engine = make_engine(_url(), sqlite_foreign_keys=False)
    async with engine.connect() as conn:
        await conn.run_sync(_run_sync)
        await conn.commit()
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
elif (given := config.attributes.get("connection")) is not None:
    # Tests hand over a connection so migrations run inside their own engine.
    _run_sync(given)
else:
    asyncio.run(run_migrations_online())
