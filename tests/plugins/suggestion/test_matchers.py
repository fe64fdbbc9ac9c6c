"""Suggestion commands as members and the secretary type them, through nonebug."""

from decimal import Decimal

from nonebot.adapters.onebot.v11 import ActionFailed, Message, MessageSegment
from nonebug import App
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import InvalidInput
from core.roles import Role
from core.textparse import parse_id
from db.models import LedgerEntry, Member, Suggestion, SuggestionSealedAuthor, SuggestionStatus
from plugins.suggestion import texts as t
from tests.events import group_message, onebot, private_message
from tests.factories import MEMBER_ID, SECRETARY_ID, make_branch, make_member

OTHER_ID = "10003"


def text(value: str) -> Message:
    """A reply as one plain text segment (never parsed as CQ code)."""
    return Message(MessageSegment.text(value))


def typed(value: str) -> Message:
    """What a member typed, CQ-looking text included, as the adapter delivers it: plain text."""
    return Message(MessageSegment.text(value))


def private_api(user_id: str, value: str) -> dict:
    """The send_private_msg call bot.send.send_private makes."""
    return {"user_id": int(user_id), "message": Message(MessageSegment.text(value))}


async def _people(chat_db: AsyncSession) -> tuple[Member, Member]:
    branch = await make_branch(chat_db)
    author = await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    secretary = await make_member(chat_db, branch, "李书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(chat_db, branch, "王五", user_id=OTHER_ID)
    return author, secretary


async def _rows(chat_db: AsyncSession) -> list[Suggestion]:
    stmt = select(Suggestion).order_by(Suggestion.id).execution_options(populate_existing=True)
    rows = list((await chat_db.exec(stmt)).all())
    await chat_db.commit()  # end the read: an open SQLite transaction would block the bot's writes
    return rows


async def test_submit_in_group_and_private(app: App, chat_db: AsyncSession) -> None:
    """建议 in the group (with a space, full-width too, or a colon) and in private chat (glued) are recorded."""
    author, _ = await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        for i, message in enumerate(["建议 东门路灯坏了", "/建议：活动室太冷", "建议\u3000门禁坏了"], 1):
            event = group_message(message)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(t.submitted(i, anonymous=False)), result=None)
        event = private_message("建议楼道里堆了杂物")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(t.submitted(4, anonymous=False)), result=None)
    rows = await _rows(chat_db)
    assert [(r.content, r.author_id, r.anonymous) for r in rows] == [
        ("东门路灯坏了", author.id, False), ("活动室太冷", author.id, False), ("门禁坏了", author.id, False),
        ("楼道里堆了杂物", author.id, False)]


async def test_sentence_in_group_is_not_a_suggestion(app: App, chat_db: AsyncSession) -> None:
    """'建议大家明天早点到' in group chat is conversation: no reply, nothing stored."""
    await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        ctx.receive_event(bot, group_message("建议大家明天早点到"))
        ctx.receive_event(bot, group_message("实名制挺好的"))
    assert await _rows(chat_db) == []


async def test_empty_suggestion_refused_with_example(app: App, chat_db: AsyncSession) -> None:
    """A bare 建议 explains what to write."""
    await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("建议")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(f"请在命令后面写上建议内容。\n例如：{t.EX_SUBMIT}"), result=None)
    assert await _rows(chat_db) == []


async def test_cq_code_stored_as_written_and_echoed_as_text(app: App, chat_db: AsyncSession) -> None:
    """A suggestion containing [CQ:at,qq=all] is stored verbatim and echoed as plain text only."""
    await _people(chat_db)
    content = "[CQ:at,qq=all] 大家都来看看"
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message(typed(f"建议 {content}"))
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(t.submitted(1, anonymous=False)), result=None)
    [row] = await _rows(chat_db)
    listing = (f"【建议】共1条\n#1 待处理 张三 {t.fmt_dt(row.created_at)}：{content}\n"
               f"查看全文：{t.EX_VIEW}")
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("建议列表", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(listing), result=None)
    assert row.content == content
    assert [seg.type for seg in text(listing)] == ["text"]


async def test_anonymous_in_private(app: App, chat_db: AsyncSession) -> None:
    """匿名建议 in private chat: thanks with #N; the row has no author."""
    author, _ = await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("匿名建议 希望活动时间提前半小时")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(t.submitted(1, anonymous=True)), result=None)
    [row] = await _rows(chat_db)
    assert (row.author_id, row.anonymous, row.content) == (None, True, "希望活动时间提前半小时")
    sealed = (await chat_db.exec(select(SuggestionSealedAuthor))).one()
    assert sealed.member_id == author.id


async def test_anonymous_in_group_withdrawn_and_answered_privately(app: App, chat_db: AsyncSession) -> None:
    """In the group: delete_msg, recorded anonymously, the member told privately, the group told nothing."""
    await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        ctx.receive_event(bot, group_message("匿名建议 书记开会总迟到", message_id=4242))
        ctx.should_call_api("delete_msg", {"message_id": 4242}, result=None)
        ctx.should_call_api("send_private_msg", private_api(MEMBER_ID, t.anon_from_group(1, True)),
                            result={"message_id": 1})
    [row] = await _rows(chat_db)
    assert (row.author_id, row.anonymous) == (None, True)


async def test_anonymous_in_group_not_admin(app: App, chat_db: AsyncSession) -> None:
    """When the bot may not withdraw, it still records anonymously and asks the member to withdraw."""
    await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        ctx.receive_event(bot, group_message("匿名建议 书记开会总迟到", message_id=4343))
        ctx.should_call_api("delete_msg", {"message_id": 4343}, result=None,
                            exception=ActionFailed(retcode=100, msg="not admin"))
        ctx.should_call_api("send_private_msg", private_api(MEMBER_ID, t.anon_from_group(1, False)),
                            result={"message_id": 1})
    [row] = await _rows(chat_db)
    assert row.anonymous


async def test_anonymous_in_group_refusal_goes_privately(app: App, chat_db: AsyncSession) -> None:
    """A refused anonymous suggestion in the group is explained privately; the group hears nothing."""
    await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        ctx.receive_event(bot, group_message("匿名建议 " + "长" * 1001, message_id=4444))
        ctx.should_call_api("delete_msg", {"message_id": 4444}, result=None)
        refusal = f"建议太长了（1001字），每条最多1000字，请精简或分几条发送。\n例如：{t.EX_ANON}"
        ctx.should_call_api("send_private_msg", private_api(MEMBER_ID, refusal), result=None)
    assert await _rows(chat_db) == []


async def test_reply_reaches_anonymous_author_privately(app: App, chat_db: AsyncSession) -> None:
    """回复建议 in the group: the anonymous author gets it privately; the group learns no name."""
    await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("匿名建议 希望活动时间提前半小时")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(t.submitted(1, anonymous=True)), result=None)
        event = group_message("回复建议 #1 好的，下月起改为8点半！", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        notice = "您的建议#1（希望活动时间提前半小时）有了答复：\n好的，下月起改为8点半！\n—— 李书记"
        ctx.should_call_api("send_private_msg", private_api(MEMBER_ID, notice), result={"message_id": 2})
        ctx.should_call_send(event, text("已答复建议#1。已私信告知建议人。"), result=None)
    [row] = await _rows(chat_db)
    assert row.status == SuggestionStatus.REPLIED


async def test_reply_delivery_failure_is_reported(app: App, chat_db: AsyncSession) -> None:
    """When the private message cannot be delivered the secretary is told how the author can see it."""
    author, _ = await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("建议 东门路灯坏了")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(t.submitted(1, anonymous=False)), result=None)
        event = private_message("答复建议 1号 已报修", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        notice = "您的建议#1（东门路灯坏了）有了答复：\n已报修\n—— 李书记"
        ctx.should_call_api("send_private_msg", private_api(MEMBER_ID, notice), result=None,
                            exception=ActionFailed(retcode=100, msg="not a friend"))
        ctx.should_call_send(event, text("已答复建议#1。私信未能送达，建议人可发送“我的建议”查看。"),
                             result=None)


async def test_member_may_not_reply_or_list(app: App, chat_db: AsyncSession) -> None:
    """Secretary and committee commands name the role they need."""
    await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("建议列表", user_id=OTHER_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text("这条命令需要支委委员或以上身份，您当前是党员。"), result=None)
        event = group_message("回复建议 #1 好", user_id=OTHER_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text("这条命令需要支部书记或以上身份，您当前是党员。"), result=None)


async def test_adopt_named_awards_points(app: App, chat_db: AsyncSession) -> None:
    """采纳建议 #1 5: the named author gets 5 points through the ledger and is told privately."""
    author, _ = await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("建议 东门路灯坏了")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(t.submitted(1, anonymous=False)), result=None)
        event = group_message("采纳建议 #1 5分", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_api("send_private_msg", private_api(
            MEMBER_ID, "您的建议#1（东门路灯坏了）已被采纳，谢谢您！\n已为您加5分。"), result=None)
        ctx.should_call_send(event, text("已采纳建议#1，张三 +5分（建言）。已私信告知建议人。"), result=None)
    entry = (await chat_db.exec(select(LedgerEntry))).one()
    assert (entry.member_id, entry.delta, entry.source) == (author.id, Decimal(5), "suggestion:1")


async def test_adopt_anonymous_then_claim(app: App, chat_db: AsyncSession) -> None:
    """Anonymous: asked privately; the points reach the ledger only after 实名 #1."""
    author, _ = await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("匿名建议 希望活动时间提前半小时")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(t.submitted(1, anonymous=True)), result=None)
        event = group_message("采纳建议 1", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ask = ("您的建议#1（希望活动时间提前半小时）已被采纳，谢谢您！\n这条建议是匿名提的。"
               "如愿意实名领取3分，请回复：实名 #1\n领取后积分记录会显示您的姓名；不回复则继续保持匿名。")
        ctx.should_call_api("send_private_msg", private_api(MEMBER_ID, ask), result=None)
        ctx.should_call_send(event, text("已采纳建议#1（匿名），已私信询问建议人是否实名领取3分。"),
                             result=None)
    assert (await chat_db.exec(select(LedgerEntry))).all() == []
    await chat_db.commit()
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("实名 #1", user_id=OTHER_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(f"您没有编号为#1的匿名建议。\n例如：{t.EX_CLAIM}"), result=None)
        event = private_message("实名＃１")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text("已实名领取建议#1的积分：+3分（建言）。谢谢您！"), result=None)
    entry = (await chat_db.exec(select(LedgerEntry))).one()
    assert (entry.member_id, entry.delta, entry.source) == (author.id, Decimal(3), "suggestion:1")


async def test_forward_tells_author(app: App, chat_db: AsyncSession) -> None:
    """转交建议 records where it went and tells the author."""
    await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("建议 东门路灯坏了")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(t.submitted(1, anonymous=False)), result=None)
        event = private_message("转交建议 #1 社区居委会", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_api("send_private_msg", private_api(
            MEMBER_ID, "您的建议#1（东门路灯坏了）已转交给社区居委会处理，谢谢您！"), result=None)
        ctx.should_call_send(event, text("已将建议#1 转交给社区居委会。已私信告知建议人。"), result=None)
    [row] = await _rows(chat_db)
    assert (row.status, row.forwarded_to) == (SuggestionStatus.FORWARDED, "社区居委会")


async def test_mine_private_shows_anonymous_group_does_not(app: App, chat_db: AsyncSession) -> None:
    """我的建议 in private lists anonymous ones with replies; in the group it leaves them out."""
    await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        for message, anonymous, i in [("建议 路灯坏了", False, 1), ("匿名建议 开会太长", True, 2)]:
            event = private_message(message)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(t.submitted(i, anonymous=anonymous)), result=None)
    rows = await _rows(chat_db)
    when = [t.fmt_dt(r.created_at) for r in rows]
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("我的建议")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            f"【我的建议】共2条\n#2（匿名） 待处理 {when[1]}\n  开会太长\n#1 待处理 {when[0]}\n  路灯坏了"),
            result=None)
        event = group_message("我的建议")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            f"【我的建议】共1条\n#1 待处理 {when[0]}\n  路灯坏了\n（匿名建议只在私聊中显示）"), result=None)


async def test_view_anonymous_shows_no_author(app: App, chat_db: AsyncSession) -> None:
    """查看建议 of an anonymous suggestion: full text and history, author shown as 匿名."""
    await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("匿名建议 开会太长，建议控制在一小时内")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(t.submitted(1, anonymous=True)), result=None)
    [row] = await _rows(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("查看建议 一号", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            f"【建议#1】待处理\n建议人：匿名\n开会太长，建议控制在一小时内\n—— 经过 ——\n"
            f"{t.fmt_dt(row.created_at)} 提交"), result=None)


async def test_anonymous_in_group_unregistered_answered_privately(app: App, chat_db: AsyncSession) -> None:
    """Someone not 报到'd sends 匿名建议 in the group: withdrawn, told privately, the group hears nothing."""
    await _people(chat_db)
    stranger = "10009"
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        ctx.receive_event(bot, group_message("匿名建议 书记开会总迟到", user_id=stranger, message_id=4646))
        ctx.should_call_api("delete_msg", {"message_id": 4646}, result=None)
        refusal = "您还没有报到。请先发送：报到 您的姓名\n例如：报到 张三"
        ctx.should_call_api("send_private_msg", private_api(stranger, refusal), result=None)
    assert await _rows(chat_db) == []


async def test_anonymous_in_private_unregistered_is_told_to_register(app: App, chat_db: AsyncSession) -> None:
    """In private chat a stranger's 匿名建议 is answered there: 报到 in the group first."""
    await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("匿名建议 书记开会总迟到", user_id="10009")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "请先在支部群里发送“报到 姓名”，之后才能私聊使用。\n例如：报到 张三"), result=None)
    assert await _rows(chat_db) == []


def _past_any_id(typed: str, example: str, ours: str) -> str:
    """core.textparse may refuse a number past any id itself; otherwise the plugin says not found."""
    try:
        parse_id(typed, "建议编号", example)
    except InvalidInput as error:
        return error.reply
    return ours


async def test_huge_or_missing_numbers_answered(app: App, chat_db: AsyncSession) -> None:
    """A number past any id is refused calmly (no overflow); a missing one is asked for, with an example."""
    await _people(chat_db)
    huge = "9" * 20
    missing = f"本支部没有建议#{huge}。可发送“建议列表”查看。\n例如：{t.EX_VIEW}"
    cases = [
        (f"查看建议 #{huge}", _past_any_id(f"#{huge}", t.EX_VIEW, missing)),
        (f"回复建议 #{huge} 好的", _past_any_id(f"#{huge}", t.EX_REPLY, missing)),
        (f"采纳建议 {huge}", _past_any_id(huge, t.EX_ADOPT, missing)),
        (f"实名 #{huge}", _past_any_id(f"#{huge}", t.EX_CLAIM,
                                      f"您没有编号为#{huge}的匿名建议。\n例如：{t.EX_CLAIM}")),
        ("查看建议", f"请写上建议编号。\n例如：{t.EX_VIEW}"),
        ("回复建议", f"请写上建议编号。\n例如：{t.EX_REPLY}"),
        ("回复建议 一定尽快办", f"请写上建议编号。\n例如：{t.EX_REPLY}"),
        ("回复建议 #abc", f"请写上建议编号。\n例如：{t.EX_REPLY}"),
        ("采纳建议 #1 -5", f"分数要大于0。\n例如：{t.EX_ADOPT}"),
        ("采纳建议 #1 1000", f"每次分数须在0.5到20分之间。\n例如：{t.EX_ADOPT}"),
        ("建议列表 已完成", f"没有“已完成”这种状态，可选：待处理、已答复、已采纳、已转交、全部。\n例如：{t.EX_LIST}"),
    ]
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        for message, answer in cases:
            event = private_message(message, user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(answer), result=None)


async def test_claim_in_group_answered_privately(app: App, chat_db: AsyncSession) -> None:
    """实名 #N in the group: withdrawn and answered privately, so the group cannot tell whose #N is."""
    await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("匿名建议 希望活动时间提前半小时")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(t.submitted(1, anonymous=True)), result=None)
        for user_id, answer, message_id in [
            (MEMBER_ID, "建议#1 还没有被采纳，暂无积分可领。", 4747),
            (OTHER_ID, f"您没有编号为#1的匿名建议。\n例如：{t.EX_CLAIM}", 4748),
        ]:
            ctx.receive_event(bot, group_message("实名 #1", user_id=user_id, message_id=message_id))
            ctx.should_call_api("delete_msg", {"message_id": message_id}, result=None)
            ctx.should_call_api("send_private_msg", private_api(user_id, answer), result=None)
    assert (await chat_db.exec(select(LedgerEntry))).all() == []


async def test_full_width_numbers_and_spaces(app: App, chat_db: AsyncSession) -> None:
    """＃１, full-width digits and the ideographic space work in 回复 / 转交 / 采纳."""
    await _people(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("建议 东门路灯坏了")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(t.submitted(1, anonymous=False)), result=None)
        steps = [
            ("回复建议＃１\u3000已报修", "您的建议#1（东门路灯坏了）有了答复：\n已报修\n—— 李书记",
             "已答复建议#1。已私信告知建议人。"),
            ("转交建议 ＃１：社区居委会", "您的建议#1（东门路灯坏了）已转交给社区居委会处理，谢谢您！",
             "已将建议#1 转交给社区居委会。已私信告知建议人。"),
            ("采纳建议 ＃１ ５分", "您的建议#1（东门路灯坏了）已被采纳，谢谢您！\n已为您加5分。",
             "已采纳建议#1，张三 +5分（建言）。已私信告知建议人。"),
        ]
        for message, notice, answer in steps:
            event = private_message(message, user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_api("send_private_msg", private_api(MEMBER_ID, notice), result=None)
            ctx.should_call_send(event, text(answer), result=None)
    [row] = await _rows(chat_db)
    assert (row.status, row.forwarded_to, row.points) == (SuggestionStatus.ADOPTED, "社区居委会", 5)
