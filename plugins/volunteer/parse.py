"""Chat words → domain values: a 发布需求 post (one line or the multi-line form), a 完成需求
duration, a 修改名额 count. Pure text; the rules they feed are in domain.volunteer."""

import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from core import timeutil
from core.errors import InvalidInput
from core.textparse import cn_int, normalize, parse_points, to_int
from core.timeparse import TimeParseError, parse_time_range, split_leading_range
from db.models import Suitability
from domain.volunteer import CAPACITY_MAX, NeedDraft

EX_ONE_LINE = "发布需求 文明劝导 11月28日9:00-11:00 枣行社区 5人 2分"
EX_FORM = {
    "标题": "标题：社区文明劝导",
    "时间": "时间：11月28日 9:00-11:00",
    "地点": "地点：枣行社区",
    "名额": "名额：5",
    "积分": "积分：2（每人）或 积分：每小时1分",
    "适合": "适合：正常活动（或 适当参加、不限）",
    "说明": "说明：穿红马甲，8:50到社区门口集合",
}
FORM_KEYS = {
    "标题": "标题", "名称": "标题", "项目": "标题", "内容": "标题",
    "时间": "时间", "日期": "时间",
    "地点": "地点", "地址": "地点",
    "名额": "名额", "人数": "名额",
    "积分": "积分", "分值": "积分",
    "适合": "适合", "适合人群": "适合", "类别": "适合",
    "说明": "说明", "备注": "说明", "要求": "说明",
}  # fmt: skip
SUITS_WORDS = {
    "正常活动": Suitability.NORMAL, "正常": Suitability.NORMAL,
    "适当参加活动": Suitability.LIMITED, "适当参加": Suitability.LIMITED, "适当": Suitability.LIMITED,
    "不限": Suitability.ANY, "都可以": Suitability.ANY, "均可": Suitability.ANY,
}  # fmt: skip
TITLE_MAX, PLACE_MAX, NOTE_MAX = 30, 50, 300
_LINE_RE = re.compile(r"^(" + "|".join(sorted(FORM_KEYS, key=len, reverse=True)) + r")\s*[:：]\s*(.*)$")
_NUM = r"(\d+|[零〇一二两三四五六七八九十百]+)"
_CAPACITY_RE = re.compile(rf"^(?:名额|限)?{_NUM}(?:人|名|位)$|^名额{_NUM}$")
_PER_HOUR_RE = re.compile(r"^每(?:个)?小时(.*?)分?$")
_PER_PERSON_RE = re.compile(r"^(?:每人)?(\d+(?:\.\d+)?|[零一二两三四五六七八九十]+)分$")


def parse_need(text: str, now: datetime) -> NeedDraft:
    """A need from the text after 发布需求: the form when a line starts with a field name."""
    # Lines keep the writer's own punctuation (NFKC would turn ， into ,); fields are normalized later.
    lines = [re.sub(r"\s+", " ", line).strip() for line in (text or "").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise InvalidInput("请写上需求内容。可以一行写完，也可以分行填写“标题：…”“时间：…”等。",
                           EX_ONE_LINE)
    if any(_LINE_RE.match(line) for line in lines):
        return _parse_form(lines, now)
    return _parse_one_line(normalize(" ".join(lines)), now)


def _parse_form(lines: list[str], now: datetime) -> NeedDraft:
    fields: dict[str, str] = {}
    for line in lines:
        match = _LINE_RE.match(line)
        if match is None:
            raise InvalidInput(f"这一行没看懂：“{line}”。每行请以字段名开头。", EX_FORM["地点"])
        fields[FORM_KEYS[match.group(1)]] = match.group(2).strip()
    for key in ("标题", "时间", "地点", "名额"):
        if not fields.get(key):
            raise InvalidInput(f"缺少“{key}”，请补上这一行。", EX_FORM[key])
    starts_at, ends_at = _time_range(fields["时间"], now, EX_FORM["时间"])
    draft = NeedDraft(
        title=_text(fields["标题"], "标题", TITLE_MAX, EX_FORM["标题"]),
        starts_at=starts_at, ends_at=ends_at,
        place=_text(fields["地点"], "地点", PLACE_MAX, EX_FORM["地点"]),
        capacity=_capacity(fields["名额"], EX_FORM["名额"]),
    )
    if fields.get("积分"):
        _set_points(draft, fields["积分"], EX_FORM["积分"])
    if fields.get("适合"):
        draft.suits = _suits(fields["适合"], EX_FORM["适合"])
    if fields.get("说明"):
        draft.description = _text(fields["说明"], "说明", NOTE_MAX, EX_FORM["说明"])
    return draft


def _parse_one_line(text: str, now: datetime) -> NeedDraft:
    title, _, rest = text.partition(" ")
    if not rest:
        raise InvalidInput("缺少时间、地点和名额。", EX_ONE_LINE)
    try:
        (starts_at, ends_at), rest = split_leading_range(rest, now, timeutil.local_tz())
    except TimeParseError as error:
        raise InvalidInput(f"时间没看懂：{_reason(error)}。时间写在标题后面。", EX_ONE_LINE) from None
    _check_future(starts_at, now, EX_ONE_LINE)
    capacity: int | None = None
    draft = NeedDraft(title=_text(title, "标题", TITLE_MAX, EX_ONE_LINE), starts_at=starts_at,
                      ends_at=ends_at, place="", capacity=0)
    place: list[str] = []
    for word in rest.split(" "):
        if _CAPACITY_RE.match(word):
            capacity = _capacity(word, EX_ONE_LINE)
        elif _PER_HOUR_RE.match(word) or _PER_PERSON_RE.match(word):
            _set_points(draft, word, EX_ONE_LINE)
        elif word.removeprefix("适合") in SUITS_WORDS:
            draft.suits = SUITS_WORDS[word.removeprefix("适合")]
        elif word:
            place.append(word)
    if not place:
        raise InvalidInput("缺少地点，地点写在时间后面。", EX_ONE_LINE)
    if capacity is None:
        raise InvalidInput("缺少名额，请写上几人。", EX_ONE_LINE)
    draft.place = _text(" ".join(place), "地点", PLACE_MAX, EX_ONE_LINE)
    draft.capacity = capacity
    return draft


def _reason(error: TimeParseError) -> str:
    return str(error).split("，例如")[0]


def _check_future(starts_at: datetime, now: datetime, example: str) -> None:
    if starts_at <= now:
        raise InvalidInput("开始时间已经过去了，请写以后的时间。", example)


def _time_range(text: str, now: datetime, example: str) -> tuple[datetime, datetime]:
    try:
        starts_at, ends_at = parse_time_range(text, now, timeutil.local_tz())
    except TimeParseError as error:
        raise InvalidInput(f"“时间”没看懂：{_reason(error)}。", example) from None
    _check_future(starts_at, now, example)
    return starts_at, ends_at


def _text(value: str, field: str, limit: int, example: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(f"缺少“{field}”。", example)
    if len(value) > limit:
        raise InvalidInput(f"“{field}”太长了，请控制在{limit}字以内。", example)
    return value


def _capacity(text: str, example: str) -> int:
    match = re.search(_NUM, normalize(text))
    value = None
    if match:
        value = int(match.group(1)) if match.group(1).isdigit() else cn_int(match.group(1))
    if not value or value > CAPACITY_MAX:
        raise InvalidInput(f"“名额”要写1到{CAPACITY_MAX}之间的人数。", example)
    return value


def _set_points(draft: NeedDraft, text: str, example: str) -> None:
    text = normalize(text).replace(" ", "").removeprefix("每人")
    low, high = Decimal("0.5"), Decimal("50")
    if match := _PER_HOUR_RE.match(text):
        draft.hourly, draft.points_per_person = True, None
        draft.points_per_hour = parse_points(match.group(1), low=low, high=high,
                                             example=example) if match.group(1) else None
    else:
        amount = re.sub(r"[（(]?每人[)）]?$", "", text)
        draft.points_per_person = parse_points(amount, low=low, high=high, example=example)
        draft.points_per_hour, draft.hourly = None, False


def _suits(text: str, example: str) -> Suitability:
    word = normalize(text).removeprefix("适合")
    if word not in SUITS_WORDS:
        raise InvalidInput(f"“适合”只能填：正常活动、适当参加、不限。您写的是“{text}”。", example)
    return SUITS_WORDS[word]


_HALF, _DAY = Decimal("0.5"), Decimal(24)


def parse_hours(text: str, example: str) -> Decimal:
    """完成需求 duration: '2', '2小时', '1.5小时', '两个半小时', '半小时', '90分钟' → hours (0.5 steps)."""
    raw = normalize(text).replace(" ", "")
    value: Decimal | None = None
    if match := re.fullmatch(r"(\d+)分钟", raw):
        value = Decimal(match.group(1)) / 60
    elif raw in ("半小时", "半个小时", "半个钟头"):
        value = _HALF
    elif match := re.fullmatch(r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)(个半)?(?:个)?(?:小时|钟头|h)?", raw, re.I):
        number = match.group(1)
        value = Decimal(number) if number[0].isdigit() else Decimal(cn_int(number) or 0)
        value += _HALF if match.group(2) else 0
    if value is None or value <= 0:
        raise InvalidInput(f"时长“{text.strip()}”没看懂，请写几小时。", example)
    # Check the range before rounding: a 40-digit number is past what quantize can hold.
    hours = (min(value, _DAY + 1) / _HALF).quantize(Decimal(1), rounding=ROUND_HALF_UP) * _HALF
    if not _HALF <= hours <= _DAY:
        raise InvalidInput("时长要在半小时到24小时之间。", example)
    return hours


def parse_capacity(text: str, example: str) -> int:
    """修改名额 count: '8', '8人', '８名' → 8 (1 to CAPACITY_MAX)."""
    capacity = to_int(normalize(text).removesuffix("人").removesuffix("名"))
    if not capacity or capacity > CAPACITY_MAX:
        raise InvalidInput(f"请写1到{CAPACITY_MAX}之间的人数。", example)
    return capacity
