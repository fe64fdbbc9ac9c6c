"""Chinese replies of the care plugin, and its help entries."""

from datetime import date

from bot.commands import CommandDoc
from core import timeutil
from db.models import Member
from db.models.care import CareTagKind, CareVisit
from domain import care

EX_VISITS = "走访记录 张三"

COMMANDS = [
    CommandDoc("政治生日", "本月（或几月）过政治生日的成员", "政治生日 本月", "政治生日 [本月|下月|几月]"),
    CommandDoc("设置入党日期", "登记成员的入党日期，每年当天上午在群里祝贺政治生日", care.EX_PARTY,
               "设置入党日期 <姓名> <日期>",
               details=("日期可写 1965-7-1、1965年7月1日、1965.07.01；写“清除”删除",)),
    CommandDoc("设置生日", "登记成员的出生日期，公历或农历", care.EX_BIRTH, "设置生日 <姓名> <日期>",
               details=("农历写：设置生日 张三 农历八月十五（闰月写 农历闰四月初八）；写“清除”删除",)),
    CommandDoc("生日祝福", "开启或关闭本支部的群里生日祝福（默认关闭）", "生日祝福 开", "生日祝福 开|关"),
    CommandDoc("不要生日祝福", "生日当天不在群里为我祝福", "不要生日祝福"),
    CommandDoc("恢复生日祝福", "生日当天在群里为我祝福（本支部需开启）", "恢复生日祝福"),
    CommandDoc("设置关爱", "登记关爱类别：独居、孤寡、体弱、住院、失能、困难（写“无”清除）", care.EX_TAGS,
               "设置关爱 <姓名> <类别…>", details=("只在私聊回复；群里发的会先撤回",)),
    CommandDoc("走访", "记录一次走访慰问：方式为 上门、电话、医院、节日慰问", care.EX_VISIT,
               "走访 <姓名> <方式> <情况>", details=("只在私聊回复；群里发的会先撤回",)),
    CommandDoc("走访记录", "某位成员最近的走访记录", EX_VISITS, "走访记录 <姓名>"),
    CommandDoc("关爱名单", "关爱对象、上次走访和相隔天数，逾期的在前", "关爱名单"),
]


def party_set(member: Member, today: date) -> str:
    """设置入党日期's confirmation."""
    joined = member.joined_party_on
    if joined is None:
        return f"已清除 {member.name} 的入党日期。"
    years = care.years_between(joined, today)
    return (f"已登记：{member.name} 入党日期 {care.fmt_day(joined)}（党龄{years}年）。\n"
            f"每年{joined.month}月{joined.day}日上午在群里祝贺政治生日。")


def birthday_set(member: Member, today: date, greetings_on: bool) -> str:
    """设置生日's confirmation, with the next birthday (a lunar one as its solar day)."""
    birthday = care.birthday_of(member)
    if birthday is None:
        return f"已清除 {member.name} 的出生日期。"
    line = f"已登记：{member.name} 生日 {birthday.words()}"
    if birthday.lunar is not None:
        nxt = care.next_lunar(birthday.lunar, today).on
        line += f"（下一次是{nxt.year}年{nxt.month}月{nxt.day}日）"
    line += "。"
    if not greetings_on:
        line += "\n本支部还没有开启生日祝福，需要时书记发送：生日祝福 开"
    return line


def month_list(year: int, month: int, found: list[care.Anniversary]) -> str:
    """政治生日 本月."""
    if not found:
        return (f"{month}月没有成员过政治生日。\n"
                f"还没登记入党日期的，书记可发送：{care.EX_PARTY}")
    lines = [f"【{month}月政治生日】共{len(found)}位："]
    for number, each in enumerate(found, 1):
        mark = care.honour(each.years)
        lines.append(f"{number}. {each.on.month}月{each.on.day}日 {each.name} 入党{each.years}周年"
                     + (f"（{mark}）" if mark else ""))
    return "\n".join(lines)


def greetings_switched(on: bool) -> str:
    """生日祝福 开/关."""
    if on:
        return "已开启生日祝福：成员生日当天上午在群里祝福。\n成员本人不想要可发送：不要生日祝福"
    return "已关闭生日祝福，群里不再祝贺生日（政治生日照常祝贺）。"


def own_greeting(wanted: bool) -> str:
    """不要生日祝福 / 恢复生日祝福."""
    if wanted:
        return "好的，生日当天会在群里为您祝福（需本支部开启生日祝福）。"
    return "好的，以后不在群里为您祝贺生日。想恢复请发送：恢复生日祝福"


def tags_set(member: Member, tags: list[CareTagKind]) -> str:
    """设置关爱 (private)."""
    if not tags:
        return f"已清除 {member.name} 的关爱类别。"
    days = care.current().interval(tags)
    return f"已设置：{member.name} 关爱类别 {'、'.join(tags)}（每{days}天至少走访一次）。"


def visit_recorded(member: Member, visit: CareVisit, previous: date | None) -> str:
    """走访 (private)."""
    day = timeutil.local_date(visit.visited_at)
    lines = [f"已记录走访：{member.name} {visit.way}（{day.month}月{day.day}日，走访人 {visit.visitor_name}）"]
    if previous is not None:
        lines.append(f"上次走访：{previous.month}月{previous.day}日（相隔{(day - previous).days}天）")
    return "\n".join(lines)


def visit_list(member: Member, tags: list[CareTagKind], visits: list[CareVisit]) -> str:
    """走访记录 (private)."""
    who = member.name + (f"（{'、'.join(tags)}）" if tags else "")
    if not visits:
        return f"{who} 还没有走访记录。\n走访后请发送：{care.EX_VISIT}"
    lines = [f"【{who} 走访记录】最近{len(visits)}次："]
    for number, visit in enumerate(visits, 1):
        day = timeutil.local_date(visit.visited_at)
        lines.append(f"{number}. {day.year}年{day.month}月{day.day}日 {visit.way} "
                     f"{visit.visitor_name}：{visit.note}")
    return "\n".join(lines)


def care_list(entries: list[care.CareEntry]) -> str:
    """关爱名单 (private)."""
    if not entries:
        return f"还没有登记关爱对象。\n例如：{care.EX_TAGS}"
    overdue = sum(e.overdue for e in entries)
    head = f"【关爱名单】共{len(entries)}人" + (f"，⚠该走访了{overdue}人：" if overdue else "：")
    return "\n".join([head, *care.care_lines(entries)])
