"""A small SpreadsheetML writer for the county workbook: text, numbers, a few fixed styles, frozen
header, print setup. openpyxl spends ~10 µs a cell (a cell object, then an lxml element); 1,000
branches on five sheets are ~50,000 cells, over half a second, so the sheets are written as text
here (~1 µs a cell) and openpyxl reads them back in the tests."""

import functools
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot carry: dropped from text."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Text Excel could take for a formula when edited: written with the quote prefix."""

# Cell styles (cellXfs indices in STYLES): plain, percent, title, header, 小计, 小计 %, 合计, 合计 %,
# quoted text.
PLAIN, PERCENT, TITLE, HEADER, AREA, AREA_PERCENT, TOTAL, TOTAL_PERCENT, QUOTED = range(9)
STYLES = f"""{HEAD}<styleSheet xmlns="{MAIN}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>
<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="14"/><name val="Calibri"/></font></fonts>
<fills count="5"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFF2DCDB"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFF2CC"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFCE4D6"/></patternFill></fill></fills>
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"><color rgb="FF999999"/></left><right style="thin"><color rgb="FF999999"/></right><top style="thin"><color rgb="FF999999"/></top><bottom style="thin"><color rgb="FF999999"/></bottom><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="9">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>
<xf numFmtId="0" fontId="1" fillId="3" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/>
<xf numFmtId="164" fontId="1" fillId="3" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1"/>
<xf numFmtId="0" fontId="1" fillId="4" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/>
<xf numFmtId="164" fontId="1" fillId="4" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def _letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


_LETTERS = [_letter(i) for i in range(64)]


def text(value: str) -> str:
    """XML text content: escaped, invalid characters dropped."""
    return escape(_INVALID.sub("", value))


@dataclass
class Sheet:
    """One worksheet: rows of cells, column widths, a frozen corner and print titles."""

    title: str
    widths: Sequence[float]
    freeze: str | None = None
    """The first unfrozen cell ('B4'), or None."""
    title_row: int | None = None
    """The row repeated on every printed page."""
    footer: str = ""
    centered: bool = False
    rows: list[str] = field(default_factory=list)

    def append(self, values: list[Any], styles: list[int] | int = PLAIN) -> None:
        """A row; each value's style, or one style for all (a percent style for rates)."""
        r = len(self.rows) + 1
        cells = []
        for i, value in enumerate(values):
            style = styles if isinstance(styles, int) else styles[i]
            cells.append(_cell(f"{_LETTERS[i]}{r}", value, style))
        self.rows.append(f'<row r="{r}">{"".join(cells)}</row>')

    def xml(self) -> str:
        """The worksheet part."""
        pane = ""
        if self.freeze:
            column = ord(self.freeze[0]) - 65
            row = int(self.freeze[1:]) - 1
            pane = (f'<pane xSplit="{column}" ySplit="{row}" topLeftCell="{self.freeze}" '
                    'activePane="bottomRight" state="frozen"/>')
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(self.widths))
        footer = (f"<headerFooter><oddFooter>{text(self.footer)}</oddFooter></headerFooter>"
                  if self.footer else "")
        centered = '<printOptions horizontalCentered="1"/>' if self.centered else ""
        return (f'{HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">'
                '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
                f'<sheetData>{"".join(self.rows)}</sheetData>{centered}'
                '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
                '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
                f"{footer}</worksheet>")


def _cell(ref: str, value: Any, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if type(value) is int:
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if value is None:
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, str):
        if style == PLAIN and value.startswith(FORMULA_START):
            s = f' s="{QUOTED}"'
        return f'<c r="{ref}" t="inlineStr"{s}><is>{_text_element(value)}</is></c>'
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    return f'<c r="{ref}"{s}><v>{value!r}</v></c>'


@functools.lru_cache(maxsize=4096)
def _text_element(value: str) -> str:
    """<t>…</t> for a string (names repeat on every sheet: made once)."""
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<t{space}>{text(value)}</t>"


def workbook(sheets: list[Sheet]) -> bytes:
    """The .xlsx file of these sheets, in order."""
    n = len(sheets)
    types = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(n))
    names = "".join(f'<sheet name="{text(s.title)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                    for i, s in enumerate(sheets))
    titles = "".join(
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
        f"{text(_quoted(s.title))}!${s.title_row}:${s.title_row}</definedName>"
        for i, s in enumerate(sheets) if s.title_row)
    links = "".join(f'<Relationship Id="rId{i + 1}" Type="{RELS}/worksheet" '
                    f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(n))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                   'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                   'sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/'
                   f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{types}</Types>')
        z.writestr("_rels/.rels", f'{HEAD}<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
                   f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
                   f"{names}</sheets>{f'<definedNames>{titles}</definedNames>' if titles else ''}"
                   "</workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", f'{HEAD}<Relationships xmlns="{PACKAGE}">{links}'
                   f'<Relationship Id="rId{n + 1}" Type="{RELS}/styles" Target="styles.xml"/>'
                   "</Relationships>")
        z.writestr("xl/styles.xml", STYLES)
        for i, sheet in enumerate(sheets):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", sheet.xml())
    return buffer.getvalue()


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"
