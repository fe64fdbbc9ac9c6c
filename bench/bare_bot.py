"""A bare NoneBot2 bot with one plugin that only replies: the baseline bench_signin compares against.

Same driver, adapter and command settings as `python -m bot`, no database, no dependencies. Its one
matcher answers 签到, 积分, 认领, 帮助, 支部信息, 报到, 请假 and 收到 with a fixed reply shaped like the real bot's, the
sender (and for 认领 / 报到 the words after the command) filled in.
Run as `python -m bench.bare_bot` with HOST, PORT and ONEBOT_ACCESS_TOKEN in the environment.
"""

import nonebot
from nonebot.adapters.onebot.v11 import Adapter, MessageEvent

REPLIES = {
    "签到": "党员{uid} 签到成功（第1位，09:28）",
    "积分": "党员{uid} 2026年度积分：12分\n其中：学习+4，加分+8\n支部排名：第3名/共250人",
    "认领": "党员{uid} 认领成功：{arg} 社区文明劝导（1/250）\n时间：11月28日 09:00-11:00\n地点：枣行社区",
    "帮助": "【可用命令】您的身份：党员\n签到 — 例：签到\n请假 — 例：请假 住院\n积分 — 例：积分\n"
            "认领 — 例：认领 #3\n更多功能请发送“帮助 功能名”：\n学习签到、志愿服务、积分管理\n"
            "看命令说明请发送“帮助 命令名”，例如：帮助 报到",
    "支部信息": "【基准测试支部】\n书记：未设置\n委员：未设置\n在册党员：250人（正常活动250人）",
    "报到": "{arg} 报到成功，已加入“基准测试支部”。发送“帮助”可查看能用的命令。",
    "请假": "党员{uid} 已请假：12月3日 09:00 学习（原因：{arg}）。",
    "收到": "党员{uid} 已收到通知 #3「明天上午九点开会」（12/250人）",
}


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

    # One matcher for every word, as the bare bot had for 签到 alone: NoneBot checks each matcher
    # of a priority for every event (a task group and the rule's injection per matcher, ~1.6 ms
    # of CPU each here), so a matcher per command would triple the baseline's cost.
    WORDS = sorted(REPLIES, key=len, reverse=True)
    bare = on_command("签到", aliases=set(REPLIES) - {"签到"}, priority=10, block=True)

    @bare.handle()
    async def reply(event: MessageEvent) -> None:
        """Answer like the real command would, without doing it."""
        text = event.get_plaintext().strip().removeprefix("/")
        word = next(w for w in WORDS if text.startswith(w))
        arg = text.removeprefix(word).strip()
        await bare.finish(REPLIES[word].format(uid=event.get_user_id(), arg=arg))
