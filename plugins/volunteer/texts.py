"""Chinese replies of the volunteer plugin."""

from decimal import Decimal

from core.textparse import fmt_points
from core.timeutil import fmt_dt_week, fmt_hm, now, to_local
from db.models import Member, Need, Suitability
from domain.volunteer import (
    CancelResult,
    CapacityResult,
    ClaimResult,
    Completion,
    MyClaim,
    NeedPeople,
    Promotion,
    started,
    suits,
)
from plugins.volunteer.parse import EX_ONE_LINE

EX_POST = EX_ONE_LINE
EX_CLAIM = "认领 #3"
EX_PROXY = "代认领 #3 李四"
EX_UNCLAIM = "取消认领 #3"
EX_CAPACITY = "修改名额 #3 8"
EX_CANCEL = "取消需求 #3 天气原因"
EX_COMPLETE = "完成需求 #3 2小时"
EX_ABSENT = "缺勤 #3 王五"


def when(need: Need) -> str:
    """'11月28日（周六）09:00-11:00' (the end date too when it is another day)."""
    start, end = to_local(need.starts_at), to_local(need.ends_at)
    tail = fmt_hm(need.ends_at) if start.date() == end.date() else f"{end.month}月{end.day}日 {fmt_hm(need.ends_at)}"
    return f"{fmt_dt_week(need.starts_at)}-{tail}"


def points(need: Need) -> str:
    """'每人2分' or '每小时1分'."""
    if need.points_per_hour is not None:
        return f"每小时{fmt_points(need.points_per_hour)}分"
    return f"每人{fmt_points(need.points_per_person or 0)}分"


def posted(need: Need) -> str:
    """Reply to 发布需求."""
    lines = [
        f"已发布志愿服务需求 #{need.id}",
        f"{need.title}",
        f"时间：{when(need)}",
        f"地点：{need.place}",
        f"名额：{need.capacity}人，{points(need)}，适合{Suitability(need.suits).label}",
    ]
    if need.description:
        lines.append(f"说明：{need.description}")
    lines.append(f"认领请发送：认领 #{need.id}")
    return "\n".join(lines)


def need_list(needs: list[Need], member: Member | None) -> str:
    """Reply to 需求列表; ★ marks the needs that suit the caller's category."""
    if not needs:
        return "目前没有开放的志愿服务需求。"
    head = "【志愿服务需求】" + ("★为适合您的" if member is not None else "")
    lines = [head]
    moment = now()
    for need in needs:
        star = " ★" if member is not None and suits(need, member.category) else ""
        state = "（已开始，停止认领）" if started(need, moment) else ""
        lines.append(f"#{need.id} {need.title}{star}{state}")
        lines.append(f"  {when(need)}，{need.place}")
        lines.append(f"  已认领{need.claimed}/{need.capacity}人，适合{Suitability(need.suits).label}，"
                     f"{points(need)}")
    lines.append(f"认领请发送：认领 #{needs[0].id}")
    return "\n".join(lines)


def claimed(result: ClaimResult, proxy: bool = False) -> str:
    """Reply to 认领 / 代认领."""
    need, name = result.need, result.member.name
    who = f"已为 {name} " if proxy else f"{name} "
    count = f"{need.claimed}/{need.capacity}"
    if result.already:
        if result.position is None:
            return f"{name} 已经认领了#{need.id} {need.title}，无需重复认领（{count}）。"
        return f"{name} 已在#{need.id} {need.title}的候补名单上，现为候补第{result.position}位。"
    if result.position is None:
        verb = "认领" if proxy else "认领成功："
        return (f"{who}{verb}#{need.id} {need.title}（{count}）\n"
                f"时间：{when(need)}\n地点：{need.place}")
    whom = f" {name} " if proxy else "您"
    tail = "有人取消时会按顺序递补。" if proxy else "有人取消时会按顺序递补并@通知您。"
    return f"#{need.id} {need.title} 名额已满（{count}），已为{whom}登记候补第{result.position}位。{tail}"


def my_claims(name: str, rows: list[MyClaim]) -> str:
    """Reply to 我的认领."""
    if not rows:
        return f"{name} 目前没有认领的志愿服务。发送“需求列表”可查看。"
    lines = [f"【{name}的认领】"]
    for row in rows:
        state = "已认领" if row.position is None else f"候补第{row.position}位"
        lines.append(f"#{row.need.id} {row.need.title}（{state}）")
        lines.append(f"  {when(row.need)}，{row.need.place}")
    return "\n".join(lines)


def unclaimed(name: str, result: CancelResult) -> str:
    """Reply to 取消认领."""
    need = result.need
    what = "认领" if result.had_place else "候补"
    return f"已取消 {name} 对#{need.id} {need.title}的{what}（现{need.claimed}/{need.capacity}）。"


def _names(members: list[Member]) -> str:
    """'赵六、钱七：' addressing members no @ reaches (those with a chat account are @'d instead)."""
    return "、".join(m.name for m in members) + "：" if members else ""


def promoted(result: Promotion, unreached: list[Member]) -> str:
    """Group notice for those moved up from the waitlist (@'d before this text, or named in it)."""
    need = result.need
    return (f"{_names(unreached)}#{need.id} {need.title} 有空位了，已从候补转为认领。\n"
            f"时间：{when(need)}\n地点：{need.place}")


def capacity_changed(result: CapacityResult) -> str:
    """Reply to 修改名额."""
    need = result.need
    lines = [f"已将#{need.id} {need.title}的名额从{result.old_capacity}人改为{need.capacity}人"
             f"（现{need.claimed}/{need.capacity}）。"]
    if result.demoted:
        moved = "、".join(f"{m.name}（候补第{pos}位）" for m, pos in result.demoted)
        lines.append(f"超出名额的{len(result.demoted)}人转为候补：{moved}")
    if result.promoted:
        lines.append(f"候补递补{len(result.promoted)}人：{'、'.join(m.name for m in result.promoted)}")
    return "\n".join(lines)


def capacity_notice(result: CapacityResult, unreached: list[Member]) -> str:
    """Group notice after 修改名额: who moved up, or who went back to the waitlist."""
    if result.promoted:
        return promoted(result, unreached)
    need = result.need
    head = f"#{need.id} {need.title} 名额减为{need.capacity}人，"
    tail = "有空位时按顺序递补并通知。"
    if len(result.demoted) == 1 and not unreached:  # the one @'d needs no name
        return f"{head}您转为候补第{result.demoted[0][1]}位。{tail}"
    moved = "、".join(f"{m.name}（候补第{pos}位）" for m, pos in result.demoted)
    return f"{head}最后认领的转为候补：{moved}。{tail}"


def need_cancelled(people: NeedPeople) -> str:
    """Reply to 取消需求."""
    need = people.need
    text = f"已取消需求#{need.id} {need.title}。"
    if people.claimed or people.waiting:
        text += f"已通知认领的{len(people.claimed)}人" + (
            f"、候补{len(people.waiting)}人。" if people.waiting else "。")
    return text


def need_cancelled_notice(people: NeedPeople, unreached: list[Member]) -> str:
    """Group notice to the claimants of a cancelled need (those without a chat account named)."""
    need = people.need
    reason = f"原因：{need.status_reason}。" if need.status_reason else ""
    return (f"{_names(unreached) or '通知：'}#{need.id} {need.title}（{when(need)}）已取消。{reason}"
            "已认领和候补的同志不用前往了，谢谢大家！")


def hours_text(hours: Decimal) -> str:
    """'2小时' / '1.5小时'."""
    return f"{fmt_points(hours)}小时"


def completed(result: Completion) -> str:
    """Reply to 完成需求: 人数, 时长, 积分."""
    need = result.need
    lines = [f"#{need.id} {need.title} 已完成。",
             f"参加{len(result.people)}人，时长{hours_text(result.hours)}，"
             f"每人{fmt_points(result.each)}分，共{fmt_points(result.total)}分。"]
    if result.people:
        lines.append(f"参加：{'、'.join(m.name for m in result.people)}")
    if result.absent:
        lines.append(f"缺勤（不计分）：{'、'.join(m.name for m in result.absent)}")
    return "\n".join(lines)


def absent(name: str, result: Promotion) -> str:
    """Reply to 缺勤."""
    need = result.need
    return (f"已登记 {name} 在#{need.id} {need.title}缺勤，完成时不计积分"
            f"（现{need.claimed}/{need.capacity}）。")

