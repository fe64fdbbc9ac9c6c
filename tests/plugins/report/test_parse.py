"""The words of 导出: which ledger (the period words are domain.report's, tested there)."""

import pytest

from core.errors import InvalidInput
from domain.report import ExportKind
from plugins.report.parse import parse_kind


def test_parse_kind():
    """建议 and 建言献策台账 name the same ledger; an unknown word gets the reason and an example."""
    assert parse_kind("建议") == parse_kind("建言献策台账") == ExportKind.SUGGESTION
    with pytest.raises(InvalidInput):
        parse_kind("工资")
