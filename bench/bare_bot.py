"""A bare NoneBot2 bot with one plugin that only replies: the baseline bench_signin compares against.

Same driver, adapter and command settings as `python -m bot`, no database, no dependencies.
Run as `python -m bench.bare_bot` with HOST, PORT and ONEBOT_ACCESS_TOKEN in the environment.
"""

import nonebot
from nonebot.adapters.onebot.v11 import Adapter, MessageEvent


def main() -> None:
    """Serve the OneBot V11 reverse WebSocket with the reply-only plugin loaded."""
    nonebot.init(driver="~fastapi+~httpx+~websockets", command_start={"/", ""}, command_sep={" "})
    nonebot.get_driver().register_adapter(Adapter)
    nonebot.load_plugin("bench.bare_bot")
    nonebot.run()


if __name__ == "__main__":
    main()
else:  # loaded as the plugin
    from nonebot import on_command

    signin = on_command("签到", priority=10, block=True)

    @signin.handle()
    async def reply(event: MessageEvent) -> None:
        """Answer like a sign-in would, without doing one."""
        await signin.finish(f"党员{event.get_user_id()} 签到成功（第1位，09:28）")
