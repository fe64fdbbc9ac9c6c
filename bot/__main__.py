"""Entrypoint: `python -m bot` (what `make run` and `make console` start)."""

import os
import socket
import sys
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
    _refuse_taken_port(str(config.host), config.port)
    nonebot.load_plugin("bot.runtime")
    nonebot.load_plugins("plugins")
    nonebot.run()


def _refuse_taken_port(host: str, port: int) -> None:
    """Exit with a plain message when the port is taken (another bot, `make run` still running).

    Otherwise uvicorn's bind error lands in the console's hidden log and `make console` shows a
    blank terminal for ever; the QQ bot would log it but keep the scheduler running without a door."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            sys.exit(f"端口 {host}:{port} 已被占用（可能已有一个机器人在运行）。请先停止它，"
                     f"或设置另一个端口再试，例如：PORT={port + 1} make console\n"
                     f"Port {host}:{port} is in use ({error.strerror}).")


if __name__ == "__main__":
    main()
