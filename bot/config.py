"""Process-wide settings, read by NoneBot from .env and the environment."""

from pydantic import BaseModel

from db.engine import DEFAULT_URL


class Settings(BaseModel):
    """Settings every plugin may read (plugin-specific ones live in the plugin's config.py)."""

    database_url: str = DEFAULT_URL
    """SQLAlchemy async URL: SQLite by default; postgresql+asyncpg://… in production."""
    timezone: str = "Asia/Shanghai"
    """Zone in which days, quarters and clock times are meant and shown."""
    yinling_adapter: str = "onebot"
    """onebot (QQ through NapCat/Lagrange, reverse WebSocket) or console (a local terminal trial)."""
    yinling_dedupe_hours: int = 48
    """How long processed message ids are remembered to drop duplicate deliveries."""
    yinling_max_argument_chars: int = 2000
    """The longest text a command accepts after its word; longer is refused with the reason."""
