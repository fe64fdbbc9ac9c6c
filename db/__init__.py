"""Database: engine and sessions, SQLModel tables (one module per aggregate), Alembic migrations."""
