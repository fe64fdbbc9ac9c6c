"""Bar charts keep a branch's whole name beside its bar (the label column grows with the names),
and a name too long for any column is shortened with … and kept whole in its tooltip."""

import re

from plugins.report import charts


def test_label_column_fits_branch_names():
    """'城关镇第一党支部' (8 characters) fits whole; the bars start after the widest label."""
    svg = charts.bar_chart("各支部出勤率", ["城关镇第一党支部", "东区"], [66.7, None], unit="%")
    labels = re.findall(r'text-anchor="end" fill="#444">([^<]+)</text>', svg)
    assert labels == ["城关镇第一党支部", "东区"]
    bar_x = float(re.findall(r'<rect x="([\d.]+)"', svg)[0])
    assert bar_x >= 8 * charts.FONT + 20 and "无" in svg


def test_a_very_long_name_is_shortened_with_its_tooltip():
    """Past LABEL_MAX the name ends in …; the tooltip has all of it; short charts keep LABEL_W."""
    name = "某某县老干部局离退休干部第十二党支部"
    svg = charts.bar_chart("会议次数", [name], [2.0])
    shown = re.findall(r"</title>([^<]+)</text>", svg)[0]
    assert shown.endswith("…") and name.startswith(shown[:-1]) and f"<title>{name}</title>" in svg
    assert f'<rect x="{charts.LABEL_MAX}"' in svg
    short = charts.bar_chart("预警", ["未开会"], [1.0])
    assert f'<rect x="{charts.LABEL_W}"' in short
