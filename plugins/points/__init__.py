"""Points (积分, 时间银行): 积分, 积分明细, 积分排行, 加分/扣分, 批准/驳回, 冲正, 积分规则, 积分公示, 兑换."""

import contextlib

from nonebot import get_plugin_config, require
from nonebot.adapters import Bot, Event
from nonebot.plugin import PluginMetadata

# bot.deps imports plugins.roster.service lazily; loading roster first keeps plugin order irrelevant.
require("plugins.roster")

from bot.chat import parse_targets, plain  # noqa: E402
from bot.commands import CommandDoc, command  # noqa: E402
from bot.deps import (  # noqa: E402
    Anyone,
    Arg,
    Committee,
    Registered,
    Secretary,
    SessionDep,
    replies_errors,
)
from bot.send import DeliveryError, send_private  # noqa: E402
from core import timeutil  # noqa: E402
from core.errors import InvalidInput  # noqa: E402
from core.textparse import normalize, parse_id, split_id  # noqa: E402
from db.models import LedgerEntry  # noqa: E402
from plugins.points import adjust, corrections, publish, service  # noqa: E402
from plugins.points import texts as t  # noqa: E402
from plugins.points.config import Config  # noqa: E402
from plugins.roster.service import resolve_member  # noqa: E402

config = get_plugin_config(Config)

__plugin_meta__ = PluginMetadata(
    name="积分管理",
    description="积分余额与排名、明细、加分扣分、冲正、积分规则、季度公示、积分兑换",
    usage="积分",
    config=Config,
    extra={"commands": [
        CommandDoc("积分", "本年度积分、各项构成和支部排名", "积分", aliases=("我的积分",)),
        CommandDoc("积分明细", "最近10条积分记录（含流水号）", "积分明细"),
        CommandDoc("积分排行", "本年（或本季度）积分前10名和您的名次", t.EX_RANK, "积分排行 [本季度|本年]"),
        CommandDoc("积分规则", "学习、志愿、建言各得多少分", "积分规则"),
        CommandDoc("兑换列表", "可以用积分兑换的物品和服务", "兑换列表"),
        CommandDoc("兑换", "用积分兑换一件物品或服务", t.EX_REDEEM, usage="兑换 <编号>"),
        CommandDoc("加分", "给成员加分（委员提议，书记批准后生效）", t.EX_BONUS, "加分 <姓名或@> <分数> <原因>", details=("每次1到20分，最小0.5分；书记加分立即生效；委员提议时书记会收到私信。",)),
        CommandDoc("扣分", "给成员扣分（委员提议，书记批准后生效）", t.EX_PENALTY, "扣分 <姓名或@> <分数> <原因>"),
        CommandDoc("批准", "批准委员的加分/扣分申请；不写编号时列出待批申请", t.EX_APPROVE, "批准 [编号]"),
        CommandDoc("驳回", "驳回加分/扣分申请并说明原因", t.EX_REJECT, "驳回 <编号> <原因>"),
        CommandDoc("冲正", "录错的积分用一笔反向记录抵消（原记录保留）", t.EX_REVERSE, "冲正 <流水号> <原因>"),
        CommandDoc("设置积分规则", "修改本支部各项得分（0表示不计分）", t.EX_RULES, "设置积分规则 <项目> <分数> [<项目> <分数> ...]", details=("项目：按时签到、迟到、志愿每项、志愿每小时、建议采纳。",)),
        CommandDoc("积分公示", "在群里公示一个季度的积分，异议期后结算", t.EX_PUBLISH, "积分公示 [季度]", details=("不写季度时公示上一季度；也可写“本季度”。异议期默认7天。",)),
        CommandDoc("上架", "把物品或服务加入兑换列表", t.EX_LIST, "上架 <名称> <积分> [库存]", details=("库存不写表示不限量。",)),
        CommandDoc("下架", "从兑换列表撤下", t.EX_UNLIST, "下架 <编号>"),
        CommandDoc("我的兑换", "我兑换过的物品和是否已发放", "我的兑换", aliases=("我的订单",)),
        CommandDoc("兑换记录", "待发放的兑换订单", "兑换记录"),
        CommandDoc("发放", "兑换的物品已交给成员", t.EX_DELIVER, "发放 <订单号>"),
    ]},
)

mine_cmd = command("积分", "我的积分", bare=True)


@mine_cmd.handle()
async def handle_mine(event: Event, session: SessionDep, caller: Registered) -> None:
    """This cycle's balance, breakdown and place in the branch."""
    standing = await service.standing(session, caller.me)
    await session.commit()  # end the read before sending: on SQLite it holds the write lock
    await mine_cmd.finish(plain(event, t.standing(caller.me.name, standing)))


history_cmd = command("积分明细", bare=True)


@history_cmd.handle()
async def handle_history(event: Event, session: SessionDep, caller: Registered) -> None:
    """The member's latest entries with 流水号."""
    entries = await service.history(session, caller.me.id or 0, config.points_history_size)
    await session.commit()  # end the read before sending
    await history_cmd.finish(plain(event, t.history(caller.me.name, entries)))


rank_cmd = command("积分排行", "积分排名")


@rank_cmd.handle()
@replies_errors
async def handle_rank(event: Event, session: SessionDep, caller: Anyone, arg: Arg) -> None:
    """Top places this year (or this quarter) and the caller's own."""
    word = normalize(arg.extract_plain_text())
    if word not in ("", "本年", "本年度", "今年", "本季度", "本季"):
        raise InvalidInput(f"没看懂“{word}”，可写“本季度”或“本年”。", t.EX_RANK)
    moment = timeutil.now()
    if word.startswith("本季"):
        title, places = f"{timeutil.quarter_of(moment)}", await service.quarter_ranking(
            session, caller.branch_id, timeutil.quarter_of(moment))
    else:
        cycle = timeutil.cycle_of(moment)
        title, places = f"{cycle}年", await service.cycle_ranking(session, caller.branch_id, cycle)
    me = caller.member.id if caller.member else None
    await session.commit()  # end the read before sending
    await rank_cmd.finish(plain(event, t.ranking(title, places, config.points_rank_top, me)))


async def _adjust(bot: Bot, session: SessionDep, caller: Committee, arg: Arg, sign: int,
                  example: str) -> str:
    targets, rest = parse_targets(arg)
    if not targets:
        raise InvalidInput("请写上成员姓名（或@他）、分数和原因。", example)
    if len(targets) > 1:
        raise InvalidInput("一次只能给一位成员加分或扣分，请分开发送。", example)
    amount, reason = service.parse_amount_reason(
        rest, low=config.points_entry_min, high=config.points_entry_max, example=example)
    member = await resolve_member(session, caller.branch_id, caller.ctx.platform, targets[0],
                                  example=example)
    done = await adjust.adjust(session, member=member, delta=amount * sign, reason=reason,
                               role=caller.role, operator=caller.member,
                               operator_name=caller.operator_name)
    if isinstance(done, LedgerEntry):
        reply = t.adjusted(member.name, done, await service.balance(session, member.id or 0))
        await session.commit()
        return reply
    secretaries = await adjust.secretary_accounts(session, caller.branch_id, caller.ctx.platform)
    await session.commit()
    await _tell(bot, secretaries, t.proposal_notice(member.name, done))
    return t.proposed(member.name, done)


async def _tell(bot: Bot, user_ids: list[str], text: str) -> None:
    # Best effort: QQ only delivers private messages to friends; the proposal waits in 批准 anyway.
    for user_id in user_ids:
        with contextlib.suppress(DeliveryError):
            await send_private(bot, user_id, text)


bonus_cmd = command("加分")


@bonus_cmd.handle()
@replies_errors
async def handle_bonus(bot: Bot, event: Event, session: SessionDep, caller: Committee,
                       arg: Arg) -> None:
    """Secretary: add now; committee: propose (the secretary is told privately)."""
    await bonus_cmd.finish(plain(event, await _adjust(bot, session, caller, arg, 1, t.EX_BONUS)))


penalty_cmd = command("扣分")


@penalty_cmd.handle()
@replies_errors
async def handle_penalty(bot: Bot, event: Event, session: SessionDep, caller: Committee,
                         arg: Arg) -> None:
    """Secretary: deduct now; committee: propose (the secretary is told privately)."""
    reply = await _adjust(bot, session, caller, arg, -1, t.EX_PENALTY)
    await penalty_cmd.finish(plain(event, reply))


approve_cmd = command("批准")


@approve_cmd.handle()
@replies_errors
async def handle_approve(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """批准 #3; without a number, list what waits."""
    text = arg.extract_plain_text().strip()
    if not text:
        rows = await adjust.pending(session, caller.branch_id)
        await session.commit()  # end the read before sending
        await approve_cmd.finish(plain(event, t.pending(rows)))
    proposal, member = await adjust.approve(
        session, branch_id=caller.branch_id, proposal_id=parse_id(text, "申请编号", t.EX_APPROVE),
        operator=caller.member, operator_name=caller.operator_name)
    total = await service.balance(session, member.id or 0)
    await session.commit()
    await approve_cmd.finish(plain(event, t.approved(proposal, member.name, total)))


reject_cmd = command("驳回")


@reject_cmd.handle()
@replies_errors
async def handle_reject(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """驳回 #3 原因."""
    proposal_id, reason = split_id(arg.extract_plain_text(), "申请编号", t.EX_REJECT)
    proposal, member = await adjust.reject(session, branch_id=caller.branch_id,
                                           proposal_id=proposal_id, reason=reason,
                                           operator_name=caller.operator_name)
    await session.commit()
    await reject_cmd.finish(plain(event, t.rejected(proposal, member.name)))


reverse_cmd = command("冲正")


@reverse_cmd.handle()
@replies_errors
async def handle_reverse(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """冲正 #12 原因: a reversing entry, never an edit."""
    entry_id, reason = split_id(arg.extract_plain_text(), "流水号", t.EX_REVERSE)
    original, entry = await corrections.reverse(
        session, branch_id=caller.branch_id, entry_id=entry_id, reason=reason,
        operator=caller.member, operator_name=caller.operator_name)
    name, total = await service.name_and_balance(session, original.member_id)
    await session.commit()
    await reverse_cmd.finish(plain(event, t.reversed_(name, original, entry, total)))


rules_cmd = command("积分规则", bare=True)


@rules_cmd.handle()
async def handle_rules(event: Event, session: SessionDep, caller: Anyone) -> None:
    """Each rule's points in this branch."""
    values = await service.rules(session, caller.branch_id)
    await session.commit()  # end the read before sending
    await rules_cmd.finish(plain(event, t.rules(values)))


set_rules_cmd = command("设置积分规则", "修改积分规则")


@set_rules_cmd.handle()
@replies_errors
async def handle_set_rules(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary: change one or more rules (0 turns one off)."""
    changes = service.parse_rule_changes(arg.extract_plain_text())
    await service.set_rules(session, caller.branch_id, changes, caller.operator_name)
    await session.commit()
    await set_rules_cmd.finish(plain(event, t.rules_set(changes)))


publish_cmd = command("积分公示")


@publish_cmd.handle()
@replies_errors
async def handle_publish(event: Event, session: SessionDep, caller: Secretary, arg: Arg) -> None:
    """Secretary, in the group: the quarter's list and the objection deadline."""
    if caller.ctx.is_private:
        raise InvalidInput("请在支部群里发送积分公示，让大家都能看到。", t.EX_PUBLISH)
    quarter = publish.parse_quarter(arg.extract_plain_text())
    pub = await publish.publish(session, branch_id=caller.branch_id, quarter=quarter,
                                by=caller.operator_name, objection_days=config.points_objection_days)
    await session.commit()
    await publish_cmd.finish(plain(event, t.publication(caller.branch.name, pub)))


from plugins.points import shop_matchers  # noqa: E402,F401  (兑换列表, 上架, 下架, 兑换, 兑换记录, 发放)
