"""Entrypoint: `python -m bot` (what `make run` and `make console` start)."""

import ipaddress
import sys

import nonebot

from bot.config import Settings


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main() -> None:
    """Initialise NoneBot, register the adapter, load plugins, serve."""
    nonebot.init()
    driver = nonebot.get_driver()
    config = driver.config
    settings = Settings.model_validate(config.model_dump())
    if settings.yinling_adapter == "console":
        from nonebot.adapters.console import Adapter as ConsoleAdapter

        driver.register_adapter(ConsoleAdapter)
    else:
        token = getattr(config, "onebot_access_token", None)
        if not _is_loopback(str(config.host)) and not token:
            sys.exit(
                f"拒绝启动：HOST={config.host} 对外开放，但没有设置 ONEBOT_ACCESS_TOKEN。\n"
                "Refusing to listen on a non-loopback address without ONEBOT_ACCESS_TOKEN: "
                "set it in .env (and the same token in NapCat/Lagrange), or use HOST=127.0.0.1."
            )
        from nonebot.adapters.onebot.v11 import Adapter as OneBotV11Adapter

        driver.register_adapter(OneBotV11Adapter)
    nonebot.load_plugin("bot.runtime")
    nonebot.load_plugins("plugins")
    nonebot.run()


if __name__ == "__main__":
    main()
