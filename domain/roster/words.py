"""What a member may be called and the words for the three health categories."""

import re

from core.errors import InvalidInput
from core.textparse import normalize
from db.models import HealthCategory

CATEGORY_WORDS = {
    "正常活动": HealthCategory.NORMAL, "正常": HealthCategory.NORMAL,
    "适当参加活动": HealthCategory.LIMITED, "适当参加": HealthCategory.LIMITED,
    "适当": HealthCategory.LIMITED,
    "不能参加活动": HealthCategory.UNABLE, "不能参加": HealthCategory.UNABLE,
    "不能": HealthCategory.UNABLE,
}
NAME_MAX = 16
# Letters (any script), digits, the middle dot of minority names and brackets to tell
# namesakes apart (李四(水利局)); no punctuation that could be markup or a command.
_NAME = re.compile(r"^(?:[^\W_]|[·()])+$")


def parse_category(word: str, example: str) -> HealthCategory:
    """'正常活动' / '适当参加' / '不能参加' (and 活动 suffix variants) → HealthCategory."""
    category = CATEGORY_WORDS.get(normalize(word))
    if category is None:
        raise InvalidInput(f"类别“{word}”不对，只能是：正常活动、适当参加、不能参加。", example)
    return category


def check_name(name: str, example: str) -> str:
    """A member name: 1–16 characters, no spaces or @."""
    name = normalize(name)
    if not name or len(name) > NAME_MAX or not _NAME.match(name) or name.isdigit():
        raise InvalidInput(f"姓名“{name}”不合适：应为1到{NAME_MAX}个字，不含空格和符号。", example)
    return name
