"""Forgiving parsing of what elderly members type: full-width digits, '#7', '7号', '七号', '5分'."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from core.errors import InvalidInput

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def normalize(text: str) -> str:
    """NFKC (full-width to ASCII), unify spaces, strip."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", " ", text).strip()


_FINAL = frozenset("。．.！!～~…,，、")
"""Sentence-final marks members add after a command (`签到。`, `签到！`); not ? or ？: a question
about a command is not the command."""
_OPENERS = frozenset("【「『[（(“\"《")
_CLOSERS = {"】": "【", "」": "「", "』": "『", "]": "[", "）": "（", ")": "(", "”": "“", "\"": "\"",
            "》": "《"}


def _ornament(ch: str) -> bool:
    """An emoji, symbol, joiner, variation selector or space: never part of a command."""
    return ch.isspace() or unicodedata.category(ch) in ("So", "Sk", "Cf", "Mn", "Me", "Cs")


def strip_decoration(text: str, *, leading: bool = True, trailing: bool = True) -> str:
    """Emoji, QQ-style symbols, brackets and final punctuation around a message, removed:
    `签到🌹` → `签到`, `【签到】` → `签到`, `👍签到。` → `签到`. A closing bracket whose
    opener is still in the text stays (`学习《党章》`); `？` stays (`请假？` is a question)."""
    start, end = 0, len(text)
    while leading and start < end and (_ornament(text[start]) or text[start] in _OPENERS
                           or text[start] in _FINAL):
        start += 1
    while trailing and end > start:
        last = text[end - 1]
        opener = _CLOSERS.get(last)
        if _ornament(last) or last in _FINAL or (opener is not None
                                                 and opener not in text[start:end - 1]):
            end -= 1
        else:
            break
    return text[start:end]


def cn_int(text: str) -> int | None:
    """Small Chinese numerals up to 999 ('十二', '二十', '三百零五'); None if not one."""
    if not text or any(ch not in _CN_DIGITS and ch not in "十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            unit = 10 if ch == "十" else 100
            total += (current or 1) * unit
            current = 0
    return total + current


def to_int(text: str) -> int | None:
    """'3', '３', '三' → 3; None otherwise."""
    text = normalize(text)
    if text.isdigit():
        return int(text)
    return cn_int(text)


ID_MAX = 2**31 - 1
"""IDs are INTEGER columns (PostgreSQL int4): a longer number typed in is simply not found."""

_ID_RE = re.compile(r"^(?:#|No\.?|第)?\s*([0-9]+|[零〇一二两三四五六七八九十百]+)\s*(?:号|条|个)?$", re.I)


def parse_id(text: str, what: str = "编号", example: str | None = None) -> int:
    """'#7', '7', '7号', '＃７', '七号', '第7条' → 7; InvalidInput otherwise."""
    match = _ID_RE.match(normalize(text))
    value = to_int(match.group(1)) if match else None
    if not value:
        raise InvalidInput(f"没看懂{what}“{text.strip()}”，请写数字编号。", example)
    return value


def split_id(text: str, what: str = "编号", example: str | None = None) -> tuple[int, str]:
    """Leading ID and the rest: '#7 张三 原因' → (7, '张三 原因'); '认领3号' tails too."""
    text = normalize(text)
    match = re.match(r"^(?:#|第)?\s*([0-9]+|[零〇一二两三四五六七八九十百]+)\s*(?:号|条)?(?=\s|$)", text)
    if not match:
        raise InvalidInput(f"请写上{what}。", example)
    return parse_id(match.group(0), what, example), text[match.end():].strip()


_AMOUNT_RE = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(?:分)?$")


def parse_points(text: str, *, low: Decimal, high: Decimal, example: str) -> Decimal:
    """A points amount: positive, a multiple of 0.5, within [low, high]."""
    raw = normalize(text)
    match = _AMOUNT_RE.match(raw)
    value: Decimal | None = None
    if match:
        try:
            value = Decimal(match.group(1))
        except InvalidOperation:
            value = None
    elif (n := cn_int(raw.removesuffix("分"))) is not None:
        value = Decimal(n)
    if value is None:
        raise InvalidInput(f"分数“{text.strip()}”不是数字。", example)
    if value <= 0:
        raise InvalidInput("分数要大于0。", example)
    if (value * 2) != (value * 2).to_integral_value():
        raise InvalidInput("分数最小单位是0.5分。", example)
    if not low <= value <= high:
        raise InvalidInput(f"每次分数须在{fmt_points(low)}到{fmt_points(high)}分之间。", example)
    return value


def fmt_points(value: Decimal | float | int) -> str:
    """12 → '12', 12.5 → '12.5', -3 → '-3'."""
    dec = Decimal(str(value)).quantize(Decimal("0.1"))
    return f"{dec:f}".removesuffix(".0")


def fmt_delta(value: Decimal | float | int) -> str:
    """Signed: '+2', '-1.5'."""
    text = fmt_points(value)
    return text if text.startswith("-") else f"+{text}"


def split_words(text: str) -> list[str]:
    """Split on spaces and Chinese/ASCII commas: '张三，李四 王五' → three names."""
    return [w for w in re.split(r"[\s,，、;；]+", normalize(text)) if w]


_QUESTION_WORDS = ("怎么", "怎样", "咋", "如何", "什么", "啥", "哪", "谁", "为何", "多少", "几点", "几号",
                   "几时", "几天", "多久", "能不能", "可不可以", "是不是", "有没有", "要不要", "行不行",
                   "会不会", "可以吗")
_QUESTION_ENDINGS = ("吗", "呢", "嘛", "么", "不", "没", "没有")


def is_question(text: str) -> bool:
    """`要找谁？`, `怎么请`, `可以吗`, `扣分不`: a question mark, a question word, or a final
    question particle. A question about a command is not the command."""
    text = strip_decoration(normalize(text))
    return ("?" in text or any(w in text for w in _QUESTION_WORDS)
            or text.endswith(_QUESTION_ENDINGS))
