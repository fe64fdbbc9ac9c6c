"""The care commands' words: a person and a date, a month, 开/关."""

from datetime import date

from nonebot.adapters import Message

from bot.chat import parse_targets
from core.errors import InvalidInput
from core.refs import PersonRef
from core.textparse import cn_int, normalize
from domain import care

CLEAR = frozenset({"清除", "删除", "不详", "无"})
EX_SWITCH = "生日祝福 开"
EX_MONTH = "政治生日 本月"


def person_and_rest(arg: Message, example: str) -> tuple[PersonRef, str]:
    """`张三 1965-07-01` or `@张三 1965-07-01` → (张三, '1965-07-01')."""
    targets, rest = parse_targets(arg)
    if not targets:
        raise InvalidInput("请写上成员姓名。", example)
    return targets[0], rest


def party_date(text: str) -> date | None:
    """'1965-7-1' → date; '清除' → None."""
    if not text:
        raise InvalidInput("请写上入党日期。", care.EX_PARTY)
    return None if text in CLEAR else care.parse_party_date(text)


def birthday(text: str) -> care.Birthday | None:
    """'1940-03-05' → solar; '农历八月十五' → lunar; '清除' → None."""
    if not text:
        raise InvalidInput("请写上出生日期（农历写“农历八月十五”）。", care.EX_BIRTH)
    return None if text in CLEAR else care.parse_birthday(text)


def switch(text: str) -> bool:
    """开 / 打开 / 开启 → True; 关 / 关闭 → False."""
    word = normalize(text)
    if word in ("开", "打开", "开启", "开始"):
        return True
    if word in ("关", "关闭", "停止", "取消"):
        return False
    raise InvalidInput("请写“开”或“关”。", EX_SWITCH)


def month(text: str, today: date) -> tuple[int, int]:
    """'' / 本月 → this month; 下月 → next; '3月' / '三月' → that month of this year."""
    word = normalize(text).removesuffix("份")
    if word in ("", "本月", "这个月", "当月"):
        return today.year, today.month
    if word in ("下月", "下个月"):
        return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    number = word.removesuffix("月")
    value = int(number) if number.isdigit() else cn_int(number)
    if value is None or not 1 <= value <= 12:
        raise InvalidInput("请写“本月”、“下月”或几月。", EX_MONTH)
    return today.year, value
