"""The Chinese words meetings' refusals need: examples and how a meeting is named."""

from core import timeutil
from db.models import SessionKind, StudySession

EX_PUBLISH = "发布学习 明天上午9点 学习党章 党员活动室"
EX_PROXY = "代签 张三 李四"
EX_MAKEUP = "补签 #3 张三 当时忘记签到"
EX_LEAVE = "请假 去医院复查"
EX_REPORT = "签到情况 #3"
EX_LEAVE_N = "请假 #12 住院"
EX_PROXY_LEAVE = "代请假 张三 住院"
EX_MINUTES = "会议记录 #12 传达了县委组织部文件，讨论了发展党员工作"
EX_RHYTHM = "三会一课情况 本季度"
EX_RECORD_OF = "学习记录 张三"


def kind(meeting: StudySession) -> str:
    """学习 / 主题党日."""
    return SessionKind(meeting.kind).label


def describe(meeting: StudySession) -> str:
    """'#3 学习「学习党章」11月25日（周三）09:30'."""
    return f"#{meeting.id} {kind(meeting)}「{meeting.title}」{timeutil.fmt_dt_week(meeting.starts_at)}"


def not_your_name(own: str, other: str) -> str:
    """签到 <another member's name>."""
    return f"“签到”只为您自己（{own}）签到。替{other}签到请支委委员或书记发送代签。"


def no_open_meeting(upcoming: StudySession | None) -> str:
    """签到 with nothing open: say when the next one is."""
    if upcoming is None:
        return "现在没有进行中的签到，近期也没有安排学习。"
    return (f"现在没有进行中的签到。下一次：{describe(upcoming)}，"
            f"{timeutil.fmt_dt(upcoming.opens_at)}起可以签到。")
