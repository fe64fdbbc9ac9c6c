"""Excel ledgers (导出) and the web dashboard (后台) for branch secretaries and the county office."""

from nonebot.plugin import PluginMetadata

__plugin_meta__ = PluginMetadata(
    name="台账与后台",
    description="导出学习签到、积分、志愿服务、建言献策台账；网页后台",
    usage="导出 签到 2026Q4",
)
