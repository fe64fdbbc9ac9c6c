"""The words the engine sends for notices (posts and follow-ups), decided in the domain because
rows are made here; the command replies live in plugins/notice/texts.py."""

from db.models.notice import Notice
from domain.notices.reach import Person

FOLLOWUP_TEXT_MAX = 300


def post_text(notice: Notice, *, county: bool = False, images: int = 0) -> str:
    """The notice as posted in the group: number, the text exactly as written, how to answer."""
    head = f"【通知 #{notice.number}】" + ("县里的通知" if county else f"{notice.created_by_name}发布")
    pictures = f"\n（附图片{images}张，见下）" if images else ""
    return f"{head}\n{notice.text}{pictures}\n——看到后请回复：收到"


def _body(notice: Notice) -> str:
    text = notice.text
    return text if len(text) <= FOLLOWUP_TEXT_MAX else text[:FOLLOWUP_TEXT_MAX] + "…（全文请看群里的通知）"


def followup_group(notice: Notice) -> str:
    """One @-message for the members with QQ who have not answered yet."""
    return (f"【通知提醒】以上几位还没有回复通知 #{notice.number}：\n{_body(notice)}\n"
            f"——看到后请回复：收到 #{notice.number}")


def followup_private(notice: Notice) -> str:
    """The same, to one member privately."""
    return (f"【通知提醒】支部通知 #{notice.number} 您还没有回复：\n{_body(notice)}\n"
            f"——看到后请回复：收到 #{notice.number}")


def offline_list(notice: Notice, people: list[Person]) -> str:
    """To the secretary: members without QQ not reached yet, by name."""
    names = "、".join(p.name for p in people)
    first = people[0].name
    return (f"【通知传达】通知 #{notice.number} 还有{len(people)}位没有QQ的成员未传达：{names}\n"
            f"电话或上门告知后请发：已传达 #{notice.number} {first} 电话")
