"""Chinese replies of the points plugin."""

from datetime import datetime, timedelta
from decimal import Decimal

from core import timeutil
from core.textparse import fmt_delta, fmt_points
from db.models import (
    CatalogueItem,
    LedgerEntry,
    LedgerKind,
    OrderStatus,
    PointsProposal,
    RedemptionOrder,
)
from domain.points import Place, Publication, Standing, rule_label

EX_BONUS = "加分 张三 5 协助社区清扫"
EX_PENALTY = "扣分 张三 2 无故缺席学习"
EX_REVERSE = "冲正 #12 重复录入"
EX_APPROVE = "批准 #3"
EX_REJECT = "驳回 #3 已在上次计分"
EX_RULES = "设置积分规则 按时签到 3 迟到 1"
EX_LIST = "上架 保温杯 30 5"
EX_UNLIST = "下架 #3"
EX_REDEEM = "兑换 #3"
EX_DELIVER = "发放 #5"
EX_RANK = "积分排行 本季度"
EX_PUBLISH = "积分公示 2026Q4"
KIND_ORDER = (LedgerKind.STUDY, LedgerKind.VOLUNTEER, LedgerKind.SUGGESTION, LedgerKind.BONUS,
              LedgerKind.PENALTY, LedgerKind.REDEEM)


def pts(value: Decimal) -> str:
    """'12分'."""
    return f"{fmt_points(value)}分"


def day(moment: datetime) -> str:
    """'11月20日' (with the year when not this year)."""
    local = timeutil.to_local(moment)
    head = "" if local.year == timeutil.to_local(timeutil.now()).year else f"{local.year}年"
    return f"{head}{local.month}月{local.day}日"


def standing(name: str, s: Standing) -> str:
    """积分 / 我的积分."""
    parts = [f"{k.label}{fmt_delta(s.by_kind[k])}" for k in KIND_ORDER if k in s.by_kind]
    lines = [f"{name} {s.cycle}年度积分：{pts(s.total)}"]
    if parts:
        lines.append("其中：" + "，".join(parts))
    lines.append(f"支部排名：第{s.rank}名/共{s.of}人")
    return "\n".join(lines)


def history(name: str, entries: list[LedgerEntry]) -> str:
    """积分明细."""
    if not entries:
        return f"{name} 还没有积分记录。参加学习、志愿服务、提建议都能得积分。"
    lines = [f"【{name} 积分明细】最近{len(entries)}条"]
    lines += [f"#{e.id} {day(e.created_at)} {fmt_delta(e.delta)} {e.reason}" for e in entries]
    lines.append("有疑问请找支部书记，说明流水号（如 #12）。")
    return "\n".join(lines)


def ranking(title: str, places: list[Place], top: int, me: int | None) -> str:
    """积分排行: the top places and the caller's own."""
    if not places:
        return "本支部还没有成员。"
    lines = [f"【积分排行·{title}】共{len(places)}人"]
    lines += [f"{p.rank}. {p.name} {pts(p.total)}" for p in places[:top]]
    mine = next((p for p in places if p.member_id == me), None)
    if mine is not None and places.index(mine) >= top:
        lines.append(f"……\n您：第{mine.rank}名 {pts(mine.total)}")
    return "\n".join(lines)


def adjusted(name: str, entry: LedgerEntry, total: Decimal) -> str:
    """加分/扣分 done by the secretary."""
    return (f"已为 {name} {LedgerKind(entry.kind).label}{fmt_points(abs(entry.delta))}分"
            f"（{entry.reason}），流水号#{entry.id}。{name} 本年度积分{pts(total)}。")


def approved(p: PointsProposal, name: str, total: Decimal) -> str:
    """批准."""
    what = "加分" if p.delta > 0 else "扣分"
    return (f"已批准申请#{p.id}：{name} {what}{fmt_points(abs(p.delta))}分（{p.reason}），"
            f"流水号#{p.entry_id}。{name} 本年度积分{pts(total)}。")


def rejected(p: PointsProposal, name: str) -> str:
    """驳回."""
    what = "加分" if p.delta > 0 else "扣分"
    return f"已驳回申请#{p.id}（{name} {what}{fmt_points(abs(p.delta))}分）：{p.decision_reason}。"


def reversed_(name: str, original: LedgerEntry, entry: LedgerEntry, total: Decimal) -> str:
    """冲正."""
    return (f"已冲正#{original.id}（{name} {fmt_delta(original.delta)} {original.reason}），"
            f"新流水号#{entry.id} {fmt_delta(entry.delta)}，记入{entry.quarter}。"
            f"{name} 本年度积分{pts(total)}。")


def rules_set(changes: dict[str, Decimal]) -> str:
    """设置积分规则."""
    parts = [f"{rule_label(k)} {pts(v) if v else '0分（不再计分）'}" for k, v in changes.items()]
    return "已修改积分规则：" + "，".join(parts) + "。"


def proposed(name: str, p: PointsProposal) -> str:
    """A committee member's proposal."""
    what = "加分" if p.delta > 0 else "扣分"
    return (f"已提交申请#{p.id}：为 {name} {what}{fmt_points(abs(p.delta))}分（{p.reason}）。\n"
            f"等待支部书记发送“批准 #{p.id}”或“驳回 #{p.id} 原因”。")


def proposal_notice(name: str, p: PointsProposal) -> str:
    """To the secretary, privately: a committee member's proposal waits."""
    what = "加分" if p.delta > 0 else "扣分"
    return (f"【待批积分申请#{p.id}】{p.proposer_name}提议为 {name} {what}{fmt_points(abs(p.delta))}分"
            f"（{p.reason}）。\n批准请发送：批准 #{p.id}\n驳回请发送：驳回 #{p.id} 原因")


def pending(rows: list[tuple[PointsProposal, str]]) -> str:
    """批准 without a number: what waits."""
    if not rows:
        return "目前没有待批准的积分申请。"
    lines = [f"【待批积分申请】共{len(rows)}条"]
    lines += [f"#{p.id} {n} {fmt_delta(p.delta)}分 {p.reason}（{p.proposer_name}提议）"
              for p, n in rows]
    lines.append(f"批准：{EX_APPROVE}　驳回：{EX_REJECT}")
    return "\n".join(lines)


def rules(values: dict[str, tuple[Decimal, bool]]) -> str:
    """积分规则."""
    lines = ["【本支部积分规则】"]
    lines += [f"{rule_label(k)}：{pts(v)}{'（已调整）' if changed else ''}"
              for k, (v, changed) in values.items()]
    lines.append(f"书记可修改，例如：{EX_RULES}")
    return "\n".join(lines)


def publication(branch: str, pub: Publication) -> str:
    """积分公示."""
    lines = [f"【{pub.quarter} 积分公示】{branch}"]
    lines += [f"{p.rank}. {p.name} {pts(p.total)}" for p in pub.places] or ["（本支部还没有成员）"]
    last = timeutil.to_local(pub.deadline - timedelta(seconds=1))
    if pub.closed:
        lines.append(f"异议期已于{last.month}月{last.day}日结束，本季度已结算，结果不再更改。")
    else:
        lines.append(f"如有异议，请于{last.month}月{last.day}日24时前向支部书记提出；"
                     "逾期本季度结算，不再更改。")
    return "\n".join(lines)


def item_line(item: CatalogueItem) -> str:
    """'#3 保温杯 30分（剩5件）'."""
    left = "不限量" if item.stock is None else f"剩{item.stock}件" if item.stock else "已兑完"
    return f"#{item.id} {item.name} {pts(item.cost)}（{left}）"


def catalogue(items: list[CatalogueItem], balance: Decimal | None) -> str:
    """兑换列表."""
    if not items:
        return "兑换列表还是空的。书记可以上架物品，例如：上架 保温杯 30 5"
    lines = ["【兑换列表】"] + [item_line(i) for i in items]
    if balance is not None:
        lines.append(f"您本年度积分{pts(balance)}。兑换请发送：{EX_REDEEM}")
    return "\n".join(lines)


def redeemed(order: RedemptionOrder, item: CatalogueItem, left: Decimal) -> str:
    """兑换 done."""
    return (f"兑换成功：{order.item_name}（{pts(order.cost)}），订单#{order.id}。\n"
            f"本年度剩余积分{pts(left)}。请等支部书记发放。")


def orders(rows: list[tuple[RedemptionOrder, str]]) -> str:
    """兑换记录: pending orders."""
    if not rows:
        return "目前没有待发放的兑换订单。"
    lines = [f"【待发放订单】共{len(rows)}单"]
    lines += [f"#{o.id} {n} {o.item_name} {pts(o.cost)} {day(o.created_at)}" for o, n in rows]
    lines.append(f"发放后请发送：{EX_DELIVER}")
    return "\n".join(lines)


def my_orders(name: str, rows: list[RedemptionOrder]) -> str:
    """我的兑换: the member's own orders and whether each was handed over."""
    if not rows:
        return f"{name} 还没有兑换过。发送“兑换列表”看看能换什么。"
    lines = [f"【{name} 的兑换】最近{len(rows)}单"]
    lines += [f"#{o.id} {o.item_name} {pts(o.cost)} {day(o.created_at)} {_state(o)}" for o in rows]
    return "\n".join(lines)


def _state(order: RedemptionOrder) -> str:
    if order.status == OrderStatus.DELIVERED:
        return f"已发放（{day(order.delivered_at)}）" if order.delivered_at else "已发放"
    if order.status == OrderStatus.CANCELLED:
        return "已取消（积分已退回）"
    return "待发放"
