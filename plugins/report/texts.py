"""Chinese replies of the report plugin."""

EX_EXPORT = "导出 签到 2026Q4"
UNITS = {"signin": "次学习", "points": "人", "volunteer": "项服务", "suggestion": "条建议"}
LINK_FALLBACK = "请私聊我发送“后台”，在网页的“导出”里下载。"
EXPORT_FAILED = "抱歉，导出时出错了。请稍后再试，或私聊我发送“后台”，在网页的“导出”里下载。"


def login_link(url: str, minutes: int) -> str:
    """Reply to 后台 (private chat only)."""
    return f"后台登录链接（{minutes}分钟内有效，只能用一次）：\n{url}\n请勿转发给他人。"


def exported(title: str, period: str, count: int, unit: str) -> str:
    """First line of the reply to 导出."""
    return f"已导出{title}（{period}，共{count}{unit}）。"


def uploaded(filename: str) -> str:
    """The file reached the group."""
    return f"文件已上传到群文件：{filename}"


def download_link(url: str, minutes: int) -> str:
    """The file is offered as a link instead (private chat)."""
    return f"下载链接（{minutes}分钟内有效，只能用一次）：\n{url}"


SENT_PRIVATELY = "群文件上传没有成功，下载链接已私聊发给您。"
