"""Study sessions and sign-in: 发布学习, 开始签到, 签到, 请假, 代签, 补签, 签到情况, 学习记录."""

from nonebot import get_plugin_config
from nonebot.plugin import PluginMetadata

from plugins.signin import service
from plugins.signin.config import Config

__plugin_meta__ = PluginMetadata(
    name="学习签到",
    description="发布学习、签到、请假、代签、补签、签到情况",
    usage="签到",
    config=Config,
    extra={"commands": []},
)

service.configure(service.Window.from_config(get_plugin_config(Config)))
