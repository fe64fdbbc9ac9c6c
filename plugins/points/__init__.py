"""Points (积分, 时间银行): 积分, 积分明细, 积分排行, 加分/扣分, 批准/驳回, 冲正, 积分规则, 积分公示, 兑换."""

from contextlib import suppress

from nonebot import get_plugin_config
from nonebot.adapters import Bot, Message
from nonebot.plugin import PluginMetadata

from bot.chat import arg_text, parse_targets
from bot.commands import CommandDoc, command
from bot.deps import Arg, Caller, CallerDep, SessionDep
from bot.pipeline import AfterSend, Reply, handle
from bot.send import DeliveryError, send_private
from core import timeutil
from core.errors import InvalidInput
from core.textparse import normalize, parse_id, split_id
from db.models import LedgerEntry, PointsProposal
from domain import points
from domain.roster import resolve_member
from plugins.points import texts as t
from plugins.points.config import Config
from plugins.points.parse import parse_amount_reason, parse_quarter, parse_rule_changes

config = get_plugin_config(Config)

__plugin_meta__ = PluginMetadata(
    name="积分管理",
    description="积分余额与排名、明细、加分扣分、冲正、积分规则、季度公示、积分兑换",
    usage="积分",
    type="application",
    homepage="https://github.com/yinling/yinling",
    config=Config,
    supported_adapters={"~onebot.v11", "~console"},
    extra={"commands": [
        CommandDoc("积分", "本年度积分、各项构成和支部排名", "积分", "积分 [姓名或@]", details=("委员以上写姓名或@可查别人（如没有QQ的成员）；在群里问时私聊回复，成员数据不进群。",)),
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
        CommandDoc("我的兑换", "我兑换过的物品和是否已发放", "我的兑换"),
        CommandDoc("兑换记录", "待发放的兑换订单", "兑换记录"),
        CommandDoc("发放", "兑换的物品已交给成员", t.EX_DELIVER, "发放 <订单号>"),
    ]},
)

mine_cmd = command("积分")


@handle(mine_cmd)
async def handle_mine(db: SessionDep, caller: CallerDep, arg: Arg) -> str | Reply:
    """This cycle's balance, breakdown and place in the branch; 委员 and up may name a member
    (answered privately when asked in a group: member data)."""
    targets, _ = parse_targets(arg)
    if not targets:
        return t.standing(caller.me.name, await points.standing(db, caller.me))
    member, standing = await points.standing_of(
        db, branch_id=caller.branch_id, platform=caller.ctx.platform, ref=targets[0], role=caller.role)
    return Reply(t.standing(member.name, standing), private=not caller.ctx.is_private)


history_cmd = command("积分明细", bare=True)


@handle(history_cmd)
async def handle_history(db: SessionDep, caller: CallerDep) -> str:
    """The member's latest entries with 流水号."""
    entries = await points.history(db, caller.me.id or 0, config.points_history_size)
    return t.history(caller.me.name, entries)


rank_cmd = command("积分排行")


@handle(rank_cmd)
async def handle_rank(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Top places this year (or this quarter) and the caller's own."""
    word = normalize(arg.extract_plain_text())
    if word not in ("", "本年", "本年度", "今年", "本季度", "本季"):
        raise InvalidInput(f"没看懂“{word}”，可写“本季度”或“本年”。", t.EX_RANK)
    moment = timeutil.now()
    if word.startswith("本季"):
        quarter = timeutil.quarter_of(moment)
        title, places = quarter, await points.quarter_ranking(db, caller.branch_id, quarter)
    else:
        cycle = timeutil.cycle_of(moment)
        title, places = f"{cycle}年", await points.cycle_ranking(db, caller.branch_id, cycle)
    me = caller.member.id if caller.member else None
    return t.ranking(title, places, config.points_rank_top, me)


def _tell(bot: Bot, user_ids: list[str], text: str) -> AfterSend:
    """After the commit: tell each of them privately (best effort: QQ only delivers private
    messages to friends; the proposal waits in 批准 anyway)."""

    async def send() -> None:
        for user_id in user_ids:
            with suppress(DeliveryError):
                await send_private(bot, user_id, text)

    return send


async def _adjust(bot: Bot, db: SessionDep, caller: Caller, arg: Message, sign: int,
                  example: str) -> str | Reply:
    """加分/扣分: an entry now, or a proposal the approvers are told of once it is committed."""
    targets, rest = parse_targets(arg)
    if not targets:
        raise InvalidInput("请写上成员姓名（或@他）、分数和原因。", example)
    if len(targets) > 1:
        raise InvalidInput("一次只能给一位成员加分或扣分，请分开发送。", example)
    amount, reason = parse_amount_reason(
        rest, low=config.points_entry_min, high=config.points_entry_max, example=example)
    member = await resolve_member(db, branch_id=caller.branch_id, platform=caller.ctx.platform,
                                  ref=targets[0], example=example)
    done = await points.adjust(db, member=member, delta=amount * sign, reason=reason,
                               role=caller.role, operator=caller.member,
                               operator_name=caller.operator_name)
    if isinstance(done, LedgerEntry):
        return t.adjusted(member.name, done, await points.balance(db, member.id or 0))
    return await _proposed(bot, db, caller, member.name, done)


async def _proposed(bot: Bot, db: SessionDep, caller: Caller, name: str,
                    proposal: PointsProposal) -> Reply:
    approvers = await points.approver_accounts(db, caller.branch_id, caller.ctx.platform)
    return Reply(t.proposed(name, proposal),
                 after=[_tell(bot, approvers, t.proposal_notice(name, proposal))])


bonus_cmd = command("加分")


@handle(bonus_cmd)
async def handle_bonus(bot: Bot, db: SessionDep, caller: CallerDep, arg: Arg) -> str | Reply:
    """An approver adds now; below that role it is a proposal (the approvers are told privately)."""
    return await _adjust(bot, db, caller, arg, 1, t.EX_BONUS)


penalty_cmd = command("扣分")


@handle(penalty_cmd)
async def handle_penalty(bot: Bot, db: SessionDep, caller: CallerDep, arg: Arg) -> str | Reply:
    """An approver deducts now; below that role it is a proposal (the approvers are told privately)."""
    return await _adjust(bot, db, caller, arg, -1, t.EX_PENALTY)


approve_cmd = command("批准")


@handle(approve_cmd)
async def handle_approve(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """批准 #3; without a number, list what waits."""
    text = arg_text(arg)
    if not text:
        return t.pending(await points.pending(db, caller.branch_id))
    proposal, member = await points.approve(
        db, branch_id=caller.branch_id, proposal_id=parse_id(text, "申请编号", t.EX_APPROVE),
        operator=caller.member, operator_name=caller.operator_name)
    return t.approved(proposal, member.name, await points.balance(db, member.id or 0))


reject_cmd = command("驳回")


@handle(reject_cmd)
async def handle_reject(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """驳回 #3 原因."""
    proposal_id, reason = split_id(arg.extract_plain_text(), "申请编号", t.EX_REJECT)
    proposal, member = await points.reject(db, branch_id=caller.branch_id, proposal_id=proposal_id,
                                           reason=reason, operator_name=caller.operator_name)
    return t.rejected(proposal, member.name)


reverse_cmd = command("冲正")


@handle(reverse_cmd)
async def handle_reverse(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """冲正 #12 原因: a reversing entry, never an edit."""
    entry_id, reason = split_id(arg.extract_plain_text(), "流水号", t.EX_REVERSE)
    original, entry = await points.reverse(
        db, branch_id=caller.branch_id, entry_id=entry_id, reason=reason,
        operator=caller.member, operator_name=caller.operator_name)
    name, total = await points.name_and_balance(db, original.member_id)
    return t.reversed_(name, original, entry, total)


rules_cmd = command("积分规则", bare=True)


@handle(rules_cmd)
async def handle_rules(db: SessionDep, caller: CallerDep) -> str:
    """Each rule's points in this branch."""
    return t.rules(await points.rules(db, caller.branch_id))


set_rules_cmd = command("设置积分规则")


@handle(set_rules_cmd)
async def handle_set_rules(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Change one or more rules (0 turns one off)."""
    changes = parse_rule_changes(arg.extract_plain_text())
    await points.set_rules(db, caller.branch_id, changes, caller.operator_name)
    return t.rules_set(changes)


publish_cmd = command("积分公示")


@handle(publish_cmd)
async def handle_publish(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """In the group (the table says so): the quarter's list and the objection deadline."""
    quarter = parse_quarter(arg.extract_plain_text())
    pub = await points.publish(db, branch_id=caller.branch_id, quarter=quarter,
                               by=caller.operator_name, objection_days=config.points_objection_days)
    return t.publication(caller.branch.name if caller.branch else "", pub)


from plugins.points import redemption  # noqa: E402,F401  (兑换列表, 上架, 下架, 兑换, 兑换记录, 发放)
