"""The words of 导出: which ledger, and the period after it."""

from core.errors import InvalidInput
from core.textparse import normalize
from domain.report import EXAMPLE, ExportKind, Period, parse_period

_WORDS = {
    "签到": ExportKind.SIGNIN, "学习": ExportKind.SIGNIN, "考勤": ExportKind.SIGNIN,
    "积分": ExportKind.POINTS, "时间银行": ExportKind.POINTS,
    "志愿": ExportKind.VOLUNTEER, "志愿服务": ExportKind.VOLUNTEER,
    "建议": ExportKind.SUGGESTION, "建言": ExportKind.SUGGESTION, "建言献策": ExportKind.SUGGESTION,
    "通知": ExportKind.NOTICE, "通知传达": ExportKind.NOTICE, "传达": ExportKind.NOTICE,
    "三会一课": ExportKind.MEETINGS, "会议": ExportKind.MEETINGS,
}
_WHICH = "请写要导出的台账：签到、积分、志愿、建议、通知 或 三会一课。"


def parse_kind(word: str) -> ExportKind:
    """'签到' / '积分' / '志愿' / '建议' / '通知' (and a few synonyms, with or without 台账)."""
    kind = _WORDS.get(normalize(word).removesuffix("台账"))
    if kind is None:
        raise InvalidInput(_WHICH, EXAMPLE)
    return kind


def split_kind(text: str) -> tuple[ExportKind, str]:
    """'签到 2026Q4', '签到台账2026', '积分第四季度' → (kind, the period text after it)."""
    text = normalize(text).strip()
    for word in sorted(_WORDS, key=len, reverse=True):
        if text.startswith(word):
            return _WORDS[word], text[len(word):].removeprefix("台账").strip()
    raise InvalidInput(_WHICH, EXAMPLE)


def parse_export(text: str) -> tuple[ExportKind, Period]:
    """导出's argument: '签到 2026Q4' → (SIGNIN, 2026Q4); no period means this quarter."""
    kind, period_text = split_kind(text)
    return kind, parse_period(period_text)
