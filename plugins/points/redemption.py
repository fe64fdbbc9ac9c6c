"""Matchers of the redemption catalogue (以币换物): 兑换列表, 上架, 下架, 兑换, 我的兑换, 兑换记录, 发放."""

from bot.commands import command
from bot.deps import Arg, Caller, CallerDep, SessionDep
from bot.pipeline import handle
from core.textparse import normalize, parse_id
from domain import points
from plugins.points import texts as t
from plugins.points.parse import parse_listing

list_cmd = command("兑换列表", bare=True)


async def _catalogue(db: SessionDep, caller: Caller) -> str:
    items = await points.catalogue(db, caller.branch_id)
    mine = await points.balance(db, caller.member.id or 0) if caller.member else None
    return t.catalogue(items, mine)


@handle(list_cmd)
async def handle_list(db: SessionDep, caller: CallerDep) -> str:
    """Items on offer, and the caller's balance when they are a member."""
    return await _catalogue(db, caller)


add_cmd = command("上架")


@handle(add_cmd)
async def handle_add(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Offer an item or service for points."""
    name, cost, stock = parse_listing(arg.extract_plain_text())
    item = await points.add_item(db, branch_id=caller.branch_id, name=name, cost=cost, stock=stock)
    return f"已上架 {t.item_line(item)}。"


remove_cmd = command("下架")


@handle(remove_cmd)
async def handle_remove(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Withdraw an item; orders already placed stay. Alone: the list, to pick from."""
    if not normalize(arg.extract_plain_text()):
        items = await points.catalogue(db, caller.branch_id)
        hint = f"\n下架请发送：{t.EX_UNLIST}" if items else ""
        return t.catalogue(items, None) + hint
    item_id = parse_id(arg.extract_plain_text(), "物品编号", t.EX_UNLIST)
    item = await points.remove_item(db, branch_id=caller.branch_id, item_id=item_id)
    return f"已下架 #{item.id} {item.name}。已兑换的订单照常发放。"


redeem_cmd = command("兑换")


@handle(redeem_cmd)
async def handle_redeem(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """A member spends points on an item: balance and stock are checked by the database."""
    if normalize(arg.extract_plain_text()) in ("", "列表"):  # `兑换` alone, `兑换 列表` with a space
        return await _catalogue(db, caller)
    item_id = parse_id(arg.extract_plain_text(), "物品编号", t.EX_REDEEM)
    order, item, left = await points.redeem(db, member=caller.me, item_id=item_id)
    return t.redeemed(order, item, left)


mine_cmd = command("我的兑换", bare=True)


@handle(mine_cmd)
async def handle_mine(db: SessionDep, caller: CallerDep) -> str:
    """A member's own orders: what was redeemed and whether it was handed over."""
    return t.my_orders(caller.me.name, await points.member_orders(db, caller.me.id or 0))


orders_cmd = command("兑换记录", bare=True)


@handle(orders_cmd)
async def handle_orders(db: SessionDep, caller: CallerDep) -> str:
    """Orders waiting to be handed over."""
    return t.orders(await points.pending_orders(db, caller.branch_id))


deliver_cmd = command("发放")


@handle(deliver_cmd)
async def handle_deliver(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """An order was handed over. Alone: the pending orders, to pick from."""
    if not normalize(arg.extract_plain_text()):
        return t.orders(await points.pending_orders(db, caller.branch_id))
    order_id = parse_id(arg.extract_plain_text(), "订单号", t.EX_DELIVER)
    order, member = await points.deliver(db, branch_id=caller.branch_id, order_id=order_id,
                                         by=caller.operator_name)
    return f"订单#{order.id} 已发放：{member.name} {order.item_name}。"
