"""Reading what the secretary and members type after a suggestion command: numbers and statuses."""

import re

from core.errors import InvalidInput
from core.textparse import parse_id
from db.models import SuggestionStatus
from plugins.suggestion import texts as t

_LEADING_ID = re.compile(
    r"\s*(?P<mark>[#＃]|第)?\s*(?P<n>[0-9０-９]+|[零〇一二两三四五六七八九十百]+)\s*(?P<unit>号|条)?")
_SEPARATOR = " \t\n\u3000:：,，"


LOOKS_LIKE_ID = re.compile(r"(?:#|第)?\s*([0-9]+|[零〇一二两三四五六七八九十百]+)\s*(?:号|条)?")


def parse_suggestion_id(text: str, example: str) -> int:
    """'#3', '3号', '＃３', '三号' → 3; a missing number is asked for."""
    if not text.strip():
        raise InvalidInput("请写上建议编号。", example)
    return parse_id(text, "建议编号", example)


def split_id_raw(text: str, example: str) -> tuple[int, str]:
    """Leading suggestion number and the rest exactly as written: '#3 好的，马上办' → (3, '好的，马上办').

    Unlike core.textparse.split_id the rest is not normalised, so replies keep their punctuation.
    A bare number must be set apart ('3 好的', '#3好的', '3号好的'): in '一定尽快办' or '3天内修好'
    the secretary forgot the number, and reading 一/3 would send the rest to the wrong author.
    """
    match = _LEADING_ID.match(text)
    rest = text[match.end():] if match else ""
    if not match or not (match["mark"] or match["unit"] or not rest or rest[0] in _SEPARATOR):
        raise InvalidInput("请写上建议编号。", example)
    return parse_id(match.group(0), "建议编号", example), rest.strip(_SEPARATOR)


def parse_status(word: str) -> SuggestionStatus | None:
    """'待处理' / '已答复' / '已采纳' / '已转交' (with or without 已) → status; '全部' → None (all)."""
    if word.strip() in ("全部", "所有", "全部建议"):
        return None
    status = t.STATUS_WORDS.get(word.strip())
    if status is None:
        raise InvalidInput(f"没有“{word.strip()}”这种状态，可选：待处理、已答复、已采纳、已转交、全部。",
                           t.EX_LIST)
    return status
