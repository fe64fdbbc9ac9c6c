"""Examples and limits shared by the notice rules and their chat words."""

EX_POST = "通知 本周五上午9点在党员活动室学习，请准时参加。"
EX_ACK = "收到 #3"
EX_OFFLINE = "已传达 #3 李四 王五 电话"
EX_STATUS = "通知情况 #3"
EX_COUNTY = "县通知 12月10日前各支部报送年度学习总结。"
EX_COUNTY_STATUS = "县通知情况 #1"
TEXT_MAX = 2000
"""The longest notice (the pipeline caps a command's argument at about this too)."""
NOTE_MAX = 200


def snippet(text: str, size: int = 12) -> str:
    """The first words of a notice, on one line: '本周五上午9点在党员活动…'."""
    line = " ".join(text.split())
    return line if len(line) <= size else line[:size] + "…"
