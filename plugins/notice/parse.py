"""The words of 收到 and 已传达, forgiving as members write them."""

import re

from core.errors import InvalidInput
from core.refs import PersonRef
from core.textparse import normalize, parse_id, split_words, strip_decoration
from db.models.notice import Channel
from domain.notices import EX_OFFLINE, parse_channel

_THANKS = re.compile(r"^(?:了|啦|啊|呀|哈|喽|谢谢|感谢|多谢|明白|好的|知道|了解|书记|您|大家|你们?)*$")
"""What may follow 收到 and still be a receipt: `收到了，谢谢书记`. `收到快递了` is not one."""
_PUNCT = re.compile(r"[\s，,。.！!～~、…：:；;]+")


def ack_words(text: str) -> tuple[bool, int | None]:
    """Whether the words after 收到 make it a receipt, and the notice number they name.

    `收到` / `收到 #3` / `收到3号` / `收到，谢谢` → a receipt; `收到快递了` → not one.
    """
    text = normalize(strip_decoration(text))
    if not text:
        return True, None
    head, _, rest = text.partition(" ")
    try:
        number = parse_id(head)
    except InvalidInput:
        return bool(_THANKS.match(_PUNCT.sub("", text))), None
    return bool(_THANKS.match(_PUNCT.sub("", rest))), number


def offline(text: str) -> tuple[int | None, list[PersonRef], Channel, str | None]:
    """`已传达 [#3] 李四 王五 电话 [备注]` → (3, [李四, 王五], PHONE, 备注)."""
    words = split_words(normalize(text))
    number = None
    if words:
        try:
            number = parse_id(words[0])
            words = words[1:]
        except InvalidInput:
            pass
    at = next((i for i, w in enumerate(words) if parse_channel(w) is not None), None)
    if at is None:
        raise InvalidInput("请写明怎么传达的：电话、上门或当面。", EX_OFFLINE)
    channel = parse_channel(words[at])
    assert channel is not None
    names = [PersonRef(name=w) for w in words[:at]]
    if not names:
        raise InvalidInput("请写上传达到的成员姓名。", EX_OFFLINE)
    note = " ".join(words[at + 1:]) or None
    return number, names, channel, note


def private_or_group(text: str) -> bool:
    """通知提醒 私聊 → True, 群里 → False."""
    word = normalize(text)
    if word in ("私聊", "私信", "单独"):
        return True
    if word in ("群里", "群", "群内", "在群里"):
        return False
    raise InvalidInput("请写“私聊”或“群里”。", "通知提醒 私聊")
