"""The kinds of meeting as secretaries type them (发布会议 <kind> …) and what each needs."""

from core.errors import InvalidInput
from core.textparse import normalize
from db.models import MeetingKind

EX_PUBLISH_MEETING = "发布会议 支委会 12月10日上午9点 研究发展党员工作 党员活动室"

KIND_WORDS: dict[str, MeetingKind] = {
    "支部党员大会": MeetingKind.GENERAL, "党员大会": MeetingKind.GENERAL, "支部大会": MeetingKind.GENERAL,
    "支部委员会": MeetingKind.COMMITTEE, "支委会": MeetingKind.COMMITTEE, "支委会议": MeetingKind.COMMITTEE,
    "党小组会": MeetingKind.GROUP, "党小组会议": MeetingKind.GROUP, "小组会": MeetingKind.GROUP,
    "党课": MeetingKind.LECTURE,
    "主题党日": MeetingKind.PARTYDAY, "党日": MeetingKind.PARTYDAY,
    "学习": MeetingKind.STUDY,
    "组织生活会": MeetingKind.LIFE,
}
"""Every word a kind is typed as (the 支部工作条例's name first)."""

THREE_MEETINGS = (MeetingKind.GENERAL, MeetingKind.COMMITTEE, MeetingKind.GROUP, MeetingKind.LECTURE)
"""三会一课."""


def kind_names() -> str:
    """'党员大会、支委会、党小组会、党课、主题党日、学习、组织生活会' (for a refusal)."""
    return "党员大会、支委会、党小组会、党课、主题党日、学习、组织生活会"


def parse_kind(word: str, example: str = EX_PUBLISH_MEETING) -> MeetingKind:
    """A typed kind word → MeetingKind; InvalidInput naming the kinds otherwise."""
    kind = KIND_WORDS.get(normalize(word))
    if kind is None:
        raise InvalidInput(f"会议类型“{normalize(word)}”不认识，可写：{kind_names()}。", example)
    return kind
