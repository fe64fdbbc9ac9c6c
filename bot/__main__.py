"""Entrypoint: `python -m bot` (what `make run` and `make console` start)."""

import os
from pathlib import Path

import nonebot
from dotenv import dotenv_values

from bot.config import Settings

# The driver must be chosen before nonebot.init(); the command defaults are bot.runtime's.
DEFAULTS = {"DRIVER": "~fastapi+~httpx+~websockets"}
CONSOLE_USER = "console:user"
"""The console adapter's terminal user (nonebot-adapter-console names it `user`); a superuser in
`make console`, so every command can be tried. tests/e2e/test_console_e2e.py types into the real
console in a pseudo-terminal, so a rename upstream fails a test instead of the first trial."""


def _apply_defaults() -> None:
    """Set DEFAULTS for keys given neither in the environment nor in .env / .env.<ENVIRONMENT>."""
    files = [".env", f".env.{os.environ.get('ENVIRONMENT') or dotenv_values('.env').get('ENVIRONMENT') or 'prod'}"]
    given = {key.upper() for key in os.environ}
    for name in files:
        if Path(name).is_file():
            given |= {key.upper() for key in dotenv_values(name)}
    for key, value in DEFAULTS.items():
        if key not in given:
            os.environ[key] = value


def main() -> None:
    """Initialise NoneBot, register the adapter, load plugins, serve."""
    _apply_defaults()
    nonebot.init()
    driver = nonebot.get_driver()
    config = driver.config
    # get_plugin_config also reads environment variables (config.model_dump() misses them).
    settings = nonebot.get_plugin_config(Settings)
    if settings.yinling_adapter == "console":
        from nonebot.adapters.console import Adapter as ConsoleAdapter

        driver.register_adapter(ConsoleAdapter)
        config.superusers.add(CONSOLE_USER)
    else:
        # Reverse WebSocket only; exits when listening beyond this machine without a strong token.
        from bot.onebot import Adapter as OneBotV11Adapter

        driver.register_adapter(OneBotV11Adapter)
    nonebot.load_plugin("bot.runtime")
    nonebot.load_plugins("plugins")
    nonebot.run()


if __name__ == "__main__":
    main()
