"""Reading the words of points commands: amounts and reasons, rule changes, quarters, listings."""

import re
from decimal import Decimal

from core import timeutil
from core.errors import InvalidInput
from core.textparse import cn_int, normalize, parse_points, to_int
from domain import points
from plugins.points.texts import EX_LIST, EX_PUBLISH, EX_RULES

ZERO = Decimal(0)
COST_MAX = Decimal(10000)
STOCK_MAX = 100000
RULE_WORDS = {
    "按时签到": "signin_on_time", "按时": "signin_on_time", "签到": "signin_on_time",
    "学习按时签到": "signin_on_time", "迟到": "signin_late", "迟到签到": "signin_late",
    "学习迟到签到": "signin_late", "志愿每项": "volunteer_per_need", "每项": "volunteer_per_need",
    "志愿服务每项": "volunteer_per_need", "志愿每小时": "volunteer_per_hour",
    "每小时": "volunteer_per_hour", "志愿服务每小时": "volunteer_per_hour",
    "建议采纳": "suggestion_adopted", "采纳": "suggestion_adopted",
    "建议被采纳": "suggestion_adopted",
}
_KIND_RULE_WORDS = {label: key for key, label in points.KIND_RULE_LABELS.items()} | {
    label.removesuffix("签到"): key for key, label in points.KIND_RULE_LABELS.items()}
"""'支委会按时签到' / '支委会按时' / '支委会迟到' → the per-kind sign-in rule."""
_QUARTER = re.compile(r"^(?:(\d{4})\s*(?:年)?)?\s*(?:Q|第)?\s*([1-4一二三四])\s*(?:季度)?$", re.I)
_STOCK = re.compile(r"^([0-9]+|[零〇一二两三四五六七八九十百]+)\s*(?:件|个|份|张|次)?$")
_NUMBER = re.compile(r"^[+-]?([0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百]+)\s*分?$")


def parse_amount_reason(text: str, *, low: Decimal, high: Decimal, example: str
                        ) -> tuple[Decimal, str]:
    """'5 协助社区清扫' → (5, '协助社区清扫'); amount checked, reason required."""
    amount, _, reason = normalize(text).partition(" ")
    if reason == "分" or reason.startswith("分 "):  # '5 分 原因': the unit typed apart
        reason = reason[1:]
    if not amount:
        raise InvalidInput("请写上分数和原因。", example)
    value = parse_points(amount, low=low, high=high, example=example)
    return value, points.check_reason(reason, example)


def parse_rule_changes(text: str) -> dict[str, Decimal]:
    """'按时签到 3 迟到 1' (also '按时签到=3，迟到：1') → {key: value}."""
    words = normalize(text).replace("=", " ").replace(":", " ").replace(",", " ").split()
    words = [w for w in words if w not in ("分",)]
    if not words or len(words) % 2:
        raise InvalidInput("请写上规则名称和分数，可以写多项。", EX_RULES)
    changes: dict[str, Decimal] = {}
    for name, amount in zip(words[::2], words[1::2], strict=True):
        key = RULE_WORDS.get(name) or _KIND_RULE_WORDS.get(name)
        if key is None:
            names = "、".join(points.RULE_LABELS.values())
            raise InvalidInput(f"没有“{name}”这项规则。可设置：{names}（各类会议也可单独设，如支委会按时签到）。",
                               EX_RULES)
        changes[key] = ZERO if amount.removesuffix("分") in ("0", "0.0") else parse_points(
            amount, low=Decimal("0.5"), high=points.RULE_MAX, example=EX_RULES)
    return changes


def parse_quarter(text: str) -> str:
    """'2026Q4', '2026年第四季度', '本季度', '上季度'; empty: the last quarter that ended."""
    text = normalize(text)
    current = timeutil.quarter_of(timeutil.now())
    if text in ("本季度", "本季"):
        return current
    if text in ("", "上季度", "上季"):
        return points.previous_quarter(current)
    match = _QUARTER.match(text)
    if not match:
        raise InvalidInput(f"没看懂季度“{text}”。", EX_PUBLISH)
    digit = match.group(2)
    year = match.group(1) or current[:4]  # '第三季度' alone: this year's
    quarter = f"{year}Q{digit if digit.isdigit() else cn_int(digit)}"
    if quarter > current:
        raise InvalidInput(f"{quarter} 还没到，不能公示。", EX_PUBLISH)
    return quarter


def _stock(word: str) -> int:
    match = _STOCK.match(word)
    stock = to_int(match.group(1)) if match else None
    if stock is None or not 1 <= stock <= STOCK_MAX:
        raise InvalidInput(f"库存须是1到{STOCK_MAX}之间的整数，不限量可不写。", EX_LIST)
    return stock


def parse_listing(text: str) -> tuple[str, Decimal, int | None]:
    """'保温杯 30 5' → (name, cost, stock); the stock may be left out (unlimited).

    A third number is the stock only when a number stands before it, so '理发 服务 10' is a name
    with a space, and '茶杯 5 1.5' is refused instead of listing “茶杯 5” for 1.5 points.
    """
    words = normalize(text).split(" ")
    if len(words) < 2 or not words[0]:
        raise InvalidInput("请写上名称和所需积分，库存可不写（不限量）。", EX_LIST)
    stock: int | None = None
    if len(words) >= 3 and _NUMBER.match(words[-2]):
        stock, words = _stock(words[-1]), words[:-1]
    cost = parse_points(words[-1], low=Decimal("0.5"), high=COST_MAX, example=EX_LIST)
    name = " ".join(words[:-1])
    if not name or len(name) > 30:
        raise InvalidInput("名称请写在30字以内。", EX_LIST)
    return name, cost, stock
