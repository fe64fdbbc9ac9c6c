"""Matchers of the redemption catalogue (以币换物): 兑换列表, 上架, 下架, 兑换, 兑换记录, 发放."""

from nonebot.adapters import Event

from bot.chat import plain
from bot.commands import command
from bot.deps import Anyone, Arg, Registered, Secretary, SessionDep, replies_errors
from core.textparse import normalize, parse_id
from plugins.points import service, shop
from plugins.points import texts as t

list_cmd = command("兑换列表", "积分兑换", bare=True)


@list_cmd.handle()
async def handle_list(event: Event, session: SessionDep, caller: Anyone) -> None:
    """Items on offer, and the caller's balance when they are a member."""
    items = await shop.catalogue(session, caller.branch_id)
    mine = await service.balance(session, caller.member.id or 0) if caller.member else None
    await session.commit()  # end the read before sending: on SQLite it holds the write lock
    await list_cmd.finish(plain(event, t.catalogue(items, mine)))


add_cmd = command("上架")


@add_cmd.handle()
@replies_errors
async def handle_add(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary: offer an item or service for points."""
    name, cost, stock = shop.parse_listing(arg.extract_plain_text())
    item = await shop.add_item(session, branch_id=caller.branch_id, name=name, cost=cost,
                               stock=stock)
    await session.commit()
    await add_cmd.finish(plain(event, f"已上架 {t.item_line(item)}。"))


remove_cmd = command("下架")


@remove_cmd.handle()
@replies_errors
async def handle_remove(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary: withdraw an item; orders already placed stay. Alone: the list, to pick from."""
    if not normalize(arg.extract_plain_text()):
        items = await shop.catalogue(session, caller.branch_id)
        await session.commit()  # end the read before sending
        hint = f"\n下架请发送：{t.EX_UNLIST}" if items else ""
        await remove_cmd.finish(plain(event, t.catalogue(items, None) + hint))
    item_id = parse_id(arg.extract_plain_text(), "物品编号", t.EX_UNLIST)
    item = await shop.remove_item(session, branch_id=caller.branch_id, item_id=item_id)
    await session.commit()
    await remove_cmd.finish(plain(event, f"已下架 #{item.id} {item.name}。已兑换的订单照常发放。"))


redeem_cmd = command("兑换")


@redeem_cmd.handle()
@replies_errors
async def handle_redeem(event: Event, session: SessionDep, caller: Registered, arg: Arg) -> None:
    """A member spends points on an item: balance and stock are checked by the database."""
    if normalize(arg.extract_plain_text()) in ("", "列表"):  # `兑换` alone, `兑换 列表` with a space
        await handle_list(event, session, caller)
    item_id = parse_id(arg.extract_plain_text(), "物品编号", t.EX_REDEEM)
    order, item, left = await shop.redeem(session, member=caller.me, item_id=item_id)
    await session.commit()
    await redeem_cmd.finish(plain(event, t.redeemed(order, item, left)))


mine_cmd = command("我的兑换", "我的订单", bare=True)


@mine_cmd.handle()
async def handle_mine(event: Event, session: SessionDep, caller: Registered) -> None:
    """A member's own orders: what was redeemed and whether it was handed over."""
    rows = await shop.member_orders(session, caller.me.id or 0)
    await session.commit()  # end the read before sending
    await mine_cmd.finish(plain(event, t.my_orders(caller.me.name, rows)))


orders_cmd = command("兑换记录", bare=True)


@orders_cmd.handle()
@replies_errors
async def handle_orders(event: Event, session: SessionDep, caller: Secretary) -> None:
    """Secretary: orders waiting to be handed over."""
    rows = await shop.pending_orders(session, caller.branch_id)
    await session.commit()  # end the read before sending
    await orders_cmd.finish(plain(event, t.orders(rows)))


deliver_cmd = command("发放")


@deliver_cmd.handle()
@replies_errors
async def handle_deliver(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary: an order was handed over. Alone: the pending orders, to pick from."""
    if not normalize(arg.extract_plain_text()):
        await handle_orders(event, session, caller)
    order_id = parse_id(arg.extract_plain_text(), "订单号", t.EX_DELIVER)
    order, member = await shop.deliver(session, branch_id=caller.branch_id, order_id=order_id,
                                       by=caller.operator_name)
    await session.commit()
    await deliver_cmd.finish(plain(event, f"订单#{order.id} 已发放：{member.name} {order.item_name}。"))
