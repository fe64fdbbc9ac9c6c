"""The care capability's greetings and the secretary's reminder texts (Chinese, short)."""

from datetime import date

from core.dateparse import LunarDay

MILESTONE = 50


def honour(years: int) -> str | None:
    """'光荣在党50年' from 50 years on; '光荣在党55年' on each later fifth year."""
    if years < MILESTONE:
        return None
    if years % 5 == 0:
        return f"光荣在党{years}年"
    return f"光荣在党{MILESTONE}年"


def party_greeting(name: str, years: int) -> str:
    """The group's 政治生日 greeting."""
    lines = [f"【政治生日】今天是{name}同志入党{years}周年的政治生日！"]
    mark = honour(years)
    if mark:
        lines.append(f"🎖{mark}，向老党员致敬！")
    lines.append("支部全体同志祝您身体健康、生活幸福！")
    return "\n".join(lines)


def birthday_greeting(name: str, age: int | None, lunar: LunarDay | None) -> str:
    """The group's birthday greeting (the age when the year of birth is known)."""
    which = f"（农历{lunar.month_day()}）" if lunar else ""
    age_words = f"{age}岁" if age and age > 0 else ""
    return (f"【生日祝福】今天{which}是{name}同志的{age_words}生日，"
            "支部全体同志祝您生日快乐、健康长寿！")


def anniversary_line(on: date, name: str, years: int) -> str:
    """'12月3日 王建国 入党56周年（光荣在党50年）'."""
    mark = honour(years)
    return f"{on.month}月{on.day}日 {name} 入党{years}周年" + (f"（{mark}）" if mark else "")
