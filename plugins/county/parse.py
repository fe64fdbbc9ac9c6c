"""The words of 设置县级 / 取消县级: who (@ or QQ numbers) and, for one person, a name."""

from nonebot.adapters import Message

from bot.chat import parse_targets
from core.errors import InvalidInput
from core.textparse import normalize


def staff_targets(arg: Message, example: str) -> tuple[list[str], str | None]:
    """QQ ids (from @mentions and written numbers) and the name after them (one person only)."""
    mentioned, rest = parse_targets(arg)
    ids = [ref.user_id for ref in mentioned if ref.user_id is not None]
    words = normalize(" ".join([ref.name for ref in mentioned if ref.name] + [rest])).split()
    ids += [w for w in words if w.isdigit()]
    names = [w for w in words if not w.isdigit()]
    if not ids:
        raise InvalidInput("请@这个人，或写他的QQ号。", example)
    if names and len(ids) > 1:
        raise InvalidInput("一次设置多人时不写名字。", example)
    return list(dict.fromkeys(ids)), (" ".join(names) or None)
