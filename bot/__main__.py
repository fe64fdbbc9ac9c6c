"""Entrypoint: `python -m bot` (what `make run` and `make console` start)."""

import ipaddress
import os
import sys
from pathlib import Path

import nonebot
from dotenv import dotenv_values

from bot.config import Settings

# NoneBot's own defaults would make "/" mandatory; members type commands without it.
DEFAULTS = {
    "DRIVER": "~fastapi+~httpx+~websockets",
    "COMMAND_START": '["/", ""]',
    "COMMAND_SEP": '[" "]',
}
CONSOLE_USER = "console:console"
"""The console adapter's one user; a superuser in `make console`, so every command can be tried."""


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


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
        from nonebot.adapters.onebot.v11.config import Config as OneBotConfig

        # Read as the adapter reads it: a token given only as an environment variable counts too.
        token = nonebot.get_plugin_config(OneBotConfig).onebot_access_token
        if not _is_loopback(str(config.host)) and not token:
            sys.exit(
                f"拒绝启动：HOST={config.host} 对外开放，但没有设置 ONEBOT_ACCESS_TOKEN。\n"
                "Refusing to listen on a non-loopback address without ONEBOT_ACCESS_TOKEN: "
                "set it in .env (and the same token in NapCat/Lagrange), or use HOST=127.0.0.1."
            )
        from bot.onebot import Adapter as OneBotV11Adapter  # reverse WebSocket only

        driver.register_adapter(OneBotV11Adapter)
    nonebot.load_plugin("bot.runtime")
    nonebot.load_plugins("plugins")
    nonebot.run()


if __name__ == "__main__":
    main()
