"""Chinese replies of the notice plugin (the posts and follow-ups: domain/notices/texts.py)."""

from bot.commands import CommandDoc
from core.timeutil import fmt_dt
from db.models import Member
from db.models.notice import Channel, CountyNotice, Notice
from domain.notices import (
    EX_COUNTY,
    EX_COUNTY_STATUS,
    EX_OFFLINE,
    EX_POST,
    EX_STATUS,
    Ack,
    BranchReach,
    Reach,
    Relayed,
    snippet,
)

EX_SWITCH = "通知提醒 私聊"

COMMANDS = [
    CommandDoc("通知", "在群里发通知，带编号，大家回复“收到”", EX_POST, "通知 <内容>（可多行）"),
    CommandDoc("收到", "回复收到最新的通知（或 收到 #编号，或引用通知回复）", "收到",
               "收到 [#编号]", aliases=("已收到",),
               details=("“我收到快递了”这样的话不算回复通知",)),
    CommandDoc("已传达", "登记电话、上门或当面告知的成员", EX_OFFLINE,
               "已传达 [#编号] <姓名…> 电话|上门|当面 [备注]"),
    CommandDoc("通知情况", "谁已收到、怎么传达的，谁还没有", EX_STATUS, "通知情况 [#编号]"),
    CommandDoc("通知列表", "最近的通知和传达人数", "通知列表"),
    CommandDoc("通知提醒", "没回复的人第二天在群里@提醒，或改为私聊提醒", EX_SWITCH, "通知提醒 群里|私聊"),
    CommandDoc("县通知", "给全县（或一个片区）每个支部发通知", EX_COUNTY, "县通知 [片区] <内容>"),
    CommandDoc("县通知情况", "各支部的传达人数和比例", EX_COUNTY_STATUS, "县通知情况 #编号"),
]


def posted_privately(notice: Notice, expected: int) -> str:
    """The poster's private confirmation (the notice itself goes to the group)."""
    return (f"通知 #{notice.number} 已发到群里，应传达{expected}人。\n"
            f"发送“通知情况 #{notice.number}”可查看谁还没收到。")


def no_group() -> str:
    """A branch without a group has nowhere to post."""
    return "本支部还没有绑定群，通知无处发送。请管理员在支部群里发送：绑定支部 支部名称"


def acknowledged(member: Member, ack: Ack) -> str:
    """收到's answer: which notice, and how many have it now."""
    notice = ack.notice
    if not ack.new:
        when = f"（{fmt_dt(ack.at)}）" if ack.at else ""
        return f"您已经收到过通知 #{notice.number}{when}，谢谢！"
    return (f"{member.name} 已收到通知 #{notice.number}「{snippet(notice.text)}」"
            f"（{ack.reached}/{ack.expected}人）")


def _names(members: list[Member]) -> str:
    return "、".join(m.name for m in members)


def relayed(result: Relayed) -> str:
    """已传达's answer: recorded, already reached, not expected, unknown."""
    number = result.notice.number
    lines = []
    if result.recorded:
        lines.append(f"已登记 通知 #{number}：{_names(result.recorded)}（{result.channel.label}）")
    if result.already:
        lines.append("之前已收到：" + "、".join(f"{m.name}（{c.label}）" for m, c in result.already))
    if result.not_expected:
        lines.append(f"发通知时不在名单里，不用传达：{_names(result.not_expected)}")
    if result.unknown:
        lines.append(f"本支部没有：{'、'.join(result.unknown)}")
    lines.append(f"通知 #{number} 已传达 {result.reached}/{result.expected}人")
    return "\n".join(lines)


_ORDER = (Channel.PHONE, Channel.VISIT, Channel.IN_PERSON, Channel.QQ)


def status(reach: Reach) -> str:
    """通知情况: counts, who is missing (○ = no QQ), who was reached and how."""
    notice, reached, missing = reach.notice, reach.reached, reach.missing
    counts = "、".join(f"{c.label}{n}" for c in _ORDER if (n := len(reach.by_channel(c))))
    lines = [f"通知 #{notice.number}「{snippet(notice.text)}」{fmt_dt(notice.created_at)} "
             f"{notice.created_by_name}发布",
             f"应传达{reach.expected}人，已传达{len(reached)}人" + (f"（{counts}）" if counts else "")
             + f"，未传达{len(missing)}人"]
    if missing:
        lines.append("未传达：" + "、".join(p.name + ("" if p.chat_id else "○") for p in missing))
    for channel in _ORDER:
        if people := reach.by_channel(channel):
            lines.append(f"{channel.label}：" + "、".join(p.name for p in people))
    if any(not p.chat_id for p in missing):
        lines.append(f"○ 没有QQ，请电话或上门告知后发：已传达 #{notice.number} 姓名 电话")
    return "\n".join(lines)


def listing(rows: list[tuple[Notice, int, int]]) -> str:
    """通知列表: newest first, with reached/expected."""
    if not rows:
        return f"本支部还没有发过通知。\n例如：{EX_POST}"
    lines = ["最近的通知："]
    lines.extend(f"#{n.number} {fmt_dt(n.created_at)} {snippet(n.text)}（{r}/{e}人）"
                 for n, r, e in rows)
    lines.append(f"发送“通知情况 #{rows[0][0].number}”可查看谁还没收到。")
    return "\n".join(lines)


def switched(private: bool) -> str:
    """通知提醒's answer."""
    how = "每人私聊提醒" if private else "在群里@提醒"
    return f"已设置：以后发的通知，到时还没回复的成员{how}。没有QQ的成员名单照常私聊发给书记。"


def county_posted(county: CountyNotice, branches: int, area: str | None = None) -> str:
    """县通知's answer."""
    where = f"{area}" if area else ""
    if not branches:
        return f"{where}还没有绑定群的支部，县通知没有发出。"
    return (f"县通知 #{county.id} 已安排发往{where}{branches}个支部的群"
            f"（依次发出，约{max(1, branches // 5)}秒内发完）。\n"
            f"发送“县通知情况 #{county.id}”可查看各支部传达情况。")


def county_status(county: CountyNotice, lines: list[BranchReach]) -> str:
    """县通知情况: totals, then each branch, the least reached first."""
    reached, expected = sum(b.reached for b in lines), sum(b.expected for b in lines)
    rate = f"{reached * 100 // expected}%" if expected else "—"
    out = [f"县通知 #{county.id}「{snippet(county.text)}」{fmt_dt(county.created_at)}",
           f"共{len(lines)}个支部，应传达{expected}人，已传达{reached}人（{rate}）"]
    out.extend(f"{i}. {b.branch} {b.reached}/{b.expected}（{int(b.rate * 100)}%）"
               for i, b in enumerate(lines, 1))
    return "\n".join(out)
