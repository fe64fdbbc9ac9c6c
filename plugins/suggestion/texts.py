"""The Chinese wording of the suggestion plugin, in one place. Nothing here names an anonymous author."""

from decimal import Decimal

from core.textparse import fmt_points
from core.timeutil import fmt_dt
from db.models.suggestion import SuggestionEventKind, SuggestionStatus
from domain.suggestion import (
    EX_ADOPT,
    EX_ANON,
    EX_CLAIM,
    EX_FORWARD,
    EX_LIST,
    EX_REPLY,
    EX_SUBMIT,
    EX_VIEW,
    PublicEvent,
    PublicSuggestion,
)

__all__ = [
    "EX_ADOPT", "EX_ANON", "EX_CLAIM", "EX_FORWARD", "EX_LIST", "EX_REPLY", "EX_SUBMIT", "EX_VIEW",
    "fmt_dt",
]

STATUS_WORDS = {
    "待处理": SuggestionStatus.PENDING, "未处理": SuggestionStatus.PENDING,
    "未答复": SuggestionStatus.PENDING, "待答复": SuggestionStatus.PENDING,
    "已答复": SuggestionStatus.REPLIED, "答复": SuggestionStatus.REPLIED,
    "已回复": SuggestionStatus.REPLIED, "回复": SuggestionStatus.REPLIED,
    "已采纳": SuggestionStatus.ADOPTED, "采纳": SuggestionStatus.ADOPTED,
    "已转交": SuggestionStatus.FORWARDED, "转交": SuggestionStatus.FORWARDED,
}

PREVIEW = 30
ANON_LABEL = "匿名"


def preview(content: str, size: int = PREVIEW) -> str:
    """The first words of a suggestion on one line."""
    line = " ".join(content.split())
    return line if len(line) <= size else line[:size] + "…"


def submitted(suggestion_id: int, anonymous: bool) -> str:
    """Thanks, with the number to type back."""
    kind = "匿名建议" if anonymous else "建议"
    return (f"已收到您的{kind}#{suggestion_id}，谢谢您！书记答复后会私信告诉您。\n"
            f"随时发送“我的建议”查看进展。")


def anon_from_group(suggestion_id: int, withdrawn: bool) -> str:
    """Private note to a member who sent 匿名建议 in the group."""
    head = f"已收到您的匿名建议#{suggestion_id}，谢谢您！书记答复后会私信告诉您。\n"
    if withdrawn:
        where = "为保护您的匿名，群里的那条消息已撤回。"
    else:
        where = "我没有权限撤回群里的那条消息，请您长按消息自行撤回。"
    return head + where + f"\n下次请直接私聊我发送，例如：{EX_ANON}"


MINE_IN_GROUP = "（匿名建议只在私聊中显示）"


def status_label(s: PublicSuggestion) -> str:
    """已转交（社区居委会） etc."""
    status = SuggestionStatus(s.status)
    if status == SuggestionStatus.FORWARDED and s.forwarded_to:
        return f"{status.label}（{s.forwarded_to}）"
    return status.label


def _event_line(e: PublicEvent) -> str:
    when = fmt_dt(e.created_at)
    who = e.actor_name or ""
    match e.kind:
        case SuggestionEventKind.SUBMITTED:
            return f"{when} 提交"
        case SuggestionEventKind.REPLIED:
            return f"{when} {who}答复：{e.text}"
        case SuggestionEventKind.ADOPTED:
            extra = f"，积分{fmt_points(e.points)}分" if e.points else ""
            return f"{when} {who}采纳{extra}"
        case SuggestionEventKind.FORWARDED:
            return f"{when} {who}转交：{e.text}"
        case _:
            return f"{when} 建议人已实名领取积分"


def my_list(items: list[PublicSuggestion], limit: int) -> str:
    """我的建议: status and the secretary's replies."""
    if not items:
        return f"您还没有提过建议。有想法请发送，例如：{EX_SUBMIT}"
    lines = [f"【我的建议】最近{len(items)}条" if len(items) >= limit else f"【我的建议】共{len(items)}条"]
    for s in items:
        anon = "（匿名）" if s.anonymous else ""
        lines.append(f"#{s.id}{anon} {status_label(s)} {fmt_dt(s.created_at)}")
        lines.append(f"  {preview(s.content)}")
        lines.extend(f"  答复：{e.text}" for e in s.history if e.kind == SuggestionEventKind.REPLIED)
        if s.anonymous and s.status == SuggestionStatus.ADOPTED and s.points and not s.points_awarded:
            lines.append(f"  可领{fmt_points(s.points)}分，发送“实名 #{s.id}”领取")
    return "\n".join(lines)


def branch_list(items: list[PublicSuggestion], total: int, status: SuggestionStatus | None) -> str:
    """建议列表: numbered, newest first, the author unless anonymous."""
    what = f"{status.label}的建议" if status else "建议"
    if not items:
        return f"目前没有{what}。"
    shown = f"，显示最近{len(items)}条" if total > len(items) else ""
    lines = [f"【{what}】共{total}条{shown}"]
    for s in items:
        lines.append(f"#{s.id} {status_label(s)} {s.author_name or ANON_LABEL} "
                     f"{fmt_dt(s.created_at)}：{preview(s.content)}")
    lines.append(f"查看全文：{EX_VIEW}")
    return "\n".join(lines)


def detail(s: PublicSuggestion) -> str:
    """查看建议: the full text and the history."""
    lines = [f"【建议#{s.id}】{status_label(s)}",
             f"建议人：{s.author_name or ANON_LABEL}", s.content, "—— 经过 ——"]
    lines.extend(_event_line(e) for e in s.history)
    return "\n".join(lines)


def notify_reply(s: PublicSuggestion, text: str, by: str) -> str:
    """Private: the secretary's answer."""
    return f"您的建议#{s.id}（{preview(s.content, 20)}）有了答复：\n{text}\n—— {by}"


def notify_forwarded(s: PublicSuggestion, to: str) -> str:
    """Private: where the suggestion went."""
    return f"您的建议#{s.id}（{preview(s.content, 20)}）已转交给{to}处理，谢谢您！"


def notify_adopted(s: PublicSuggestion, points: Decimal | None, awarded: bool) -> str:
    """Private: adopted; an anonymous author is asked whether to claim the points by name."""
    head = f"您的建议#{s.id}（{preview(s.content, 20)}）已被采纳，谢谢您！"
    if not points:
        return head
    if awarded:
        return head + f"\n已为您加{fmt_points(points)}分。"
    return (head + f"\n这条建议是匿名提的。如愿意实名领取{fmt_points(points)}分，请回复：实名 #{s.id}\n"
            "领取后积分记录会显示您的姓名；不回复则继续保持匿名。")


def replied(suggestion_id: int, delivered: bool) -> str:
    """Secretary confirmation; the same words for named and anonymous suggestions."""
    return f"已答复建议#{suggestion_id}。" + _delivery(delivered)


def forwarded(suggestion_id: int, to: str, delivered: bool) -> str:
    """Secretary confirmation of 转交."""
    return f"已将建议#{suggestion_id} 转交给{to}。" + _delivery(delivered)


def adopted(s: PublicSuggestion, awarded_to: str | None, delivered: bool) -> str:
    """Secretary confirmation of 采纳; names the author only when the suggestion is named."""
    points = fmt_points(s.points) if s.points else "0"
    if awarded_to:
        return f"已采纳建议#{s.id}，{awarded_to} +{points}分（建言）。" + _delivery(delivered)
    if s.anonymous and s.points:
        if delivered:
            return f"已采纳建议#{s.id}（匿名），已私信询问建议人是否实名领取{points}分。"
        return (f"已采纳建议#{s.id}（匿名）。私信未能送达，建议人可发送“我的建议”查看，"
                f"并用“实名 #{s.id}”领取{points}分。")
    return f"已采纳建议#{s.id}。" + _delivery(delivered)


def _delivery(delivered: bool) -> str:
    if delivered:
        return "已私信告知建议人。"
    return "私信未能送达，建议人可发送“我的建议”查看。"


def claimed(suggestion_id: int, points: Decimal) -> str:
    """实名 confirmation."""
    return f"已实名领取建议#{suggestion_id}的积分：+{fmt_points(points)}分（建言）。谢谢您！"
