"""The body rows of ``xlsxdoc`` sheets written as XML text: the bytes openpyxl's write-only
writer makes for the same cells, without its Python objects per cell (issue 15).

openpyxl turns every cell into a ``Cell``, binds its value (type checks, a regular
expression), builds a dict of attributes and writes ``<c>``, ``<is>``, ``<t>`` through lxml
one element at a time — about 35 µs a cell, most of a 20,000-row export. A body row is one
style per column (``Body``), so its XML is a few joined strings: ``<c r="C6" s="7"
t="inlineStr"><is><t>…</t></is></c>`` for text (inline, as openpyxl writes it; ``&``, ``<``,
``>`` and a carriage return escaped, ``xml:space="preserve"`` when the text has outer
blanks, every non-ASCII letter a character reference, because openpyxl's stream is ASCII),
``t="n"`` with ``%.16g`` for numbers and the Excel serial for dates, an empty styled ``<c>``
for None.

Anything else goes through openpyxl's own writer, row by row: text openpyxl would refuse
(control characters raise ``IllegalCharacterError``, U+FFFE a ``ValueError``: written
without them, as ``docx_xml.xml_text`` does, so one pasted control character does not fail
a whole export), text openpyxl cuts (over 32,767 characters), or types as an error (#N/A …); "" and numbers that are not
finite or beyond 15 digits; booleans, Decimals, datetimes, times, and a date outside a
date column (openpyxl gives that cell a number format of its own). The two kinds of row
share one file: lxml's buffer is flushed before our text is written after it.
"""
import datetime
import re

from openpyxl import LXML
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.compat import safe_string
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import xmlfile

MAX_TEXT = 32767                   # openpyxl cuts longer text: its own writer does that
_SPECIAL = re.compile("[\x00-\x08\x0b-\x1f&<>\ud800-\udfff\ufffe\uffff]")
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BIG = 10 ** 15                    # whole numbers below this: str(n) is "%.16g" % n
_KEPT_DATES = 4096
FAST_ROWS = True                   # False: every body row through openpyxl (tests compare)


class RowWriter(WorksheetWriter):
    """openpyxl's worksheet writer on a file we can write to as well: rows of the sheet's
    ``body`` (when set) as text, every other row through openpyxl."""

    def __init__(self, ws):
        self.body = None
        self.file = None
        self.dirty = True          # lxml holds output not yet in self.file
        super().__init__(ws)

    def get_stream(self):
        # openpyxl's WorksheetWriter.get_stream, on an open file instead of a path
        self.file = open(self.out, "wb")
        with xmlfile(self.file) as xf:
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        el = (yield)
                        if el is True:
                            yield xf
                        elif el is None:
                            continue
                        else:
                            xf.write(el)
                except GeneratorExit:
                    pass

    def write_row(self, xf, row, row_idx):
        body = self.body
        if body is not None:
            data = body.xml(row, row_idx, self.ws.row_dimensions.get(row_idx))
            if data is not None:
                if self.dirty:
                    xf.flush()
                    self.dirty = False
                self.file.write(data)
                return
            row = body.cells(row, row_idx)
        super().write_row(xf, row, row_idx)
        self.dirty = True

    def close(self):
        super().close()
        if self.file is not None:
            self.file.close()


def start(ws):
    """Give the write-only sheet ``ws`` a ``RowWriter`` (what openpyxl's ``_get_writer``
    does with its own): call it once the sheet's views, columns and page set-up are set,
    before the first row."""
    ws._writer = RowWriter(ws)
    ws._writer.write_top()
    return ws._writer


def _reused_cell_class():
    class ReusedCell(Cell):
        """A body cell whose style id is fixed for the whole column."""
        __slots__ = ("_sid",)

        @property
        def style_id(self):
            return self._sid
    return ReusedCell


class Body:
    """The body rows of one sheet: one named style per column. ``xml(values, row, attrs)``
    gives a row's bytes, or None for a row openpyxl must write; ``cells`` gives that row
    as styled cells for it (text beginning with "=" stays text, never a formula)."""

    def __init__(self, ws, style_names):
        fast = LXML and FAST_ROWS
        ReusedCell = _reused_cell_class()
        self.reuse = []
        self.cols = []
        wb = ws.parent
        dates_fast = fast and not wb.iso_dates
        for i, name in enumerate(style_names, 1):
            c = ReusedCell(ws, row=1, column=i)
            c.style = name
            c._sid = wb._cell_styles.add(c._style)
            self.reuse.append(c)
            head = f'<c r="{get_column_letter(i)}'
            self.cols.append((head, f'" s="{c._sid}" t="inlineStr"><is><t>',
                              f'" s="{c._sid}" t="inlineStr"><is><t xml:space="preserve">',
                              f'" s="{c._sid}" t="n"><v>', f'" s="{c._sid}" t="n"></c>',
                              dates_fast and is_date_format(c.number_format)))
        self.fast = fast
        self.epoch = wb.epoch
        self.dates = {}

    def _date(self, day):
        text = self.dates.get(day)
        if text is None:
            if len(self.dates) >= _KEPT_DATES:
                self.dates.clear()
            text = self.dates[day] = safe_string(to_excel(day, self.epoch))
        return text

    def xml(self, values, row_idx, attrs):
        if not self.fast:
            return None
        r = str(row_idx)
        if attrs:
            parts = ['<row r="', r, '"']
            for k, v in attrs.items():
                parts += (" ", k, '="', v, '"')
            parts.append(">")
        else:
            parts = ['<row r="', r, '">']
        date_class = datetime.date
        for (head, text, spaced, num, empty, is_date), v in zip(self.cols, values):
            cls = v.__class__
            if v is None:
                parts += (head, r, empty)
            elif cls is str:
                if not v or len(v) > MAX_TEXT or v in ERROR_CODES:
                    return None
                open_t = spaced if v != v.strip() else text
                if _SPECIAL.search(v) is not None:
                    if _REFUSED.search(v) is not None:
                        return None
                    v = (v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                         .replace("\r", "&#13;"))
                parts += (head, r, open_t, v, "</t></is></c>")
            elif cls is int:
                if not -_BIG < v < _BIG:
                    return None
                parts += (head, r, num, str(v), "</v></c>")
            elif cls is float:
                if v - v != 0.0:             # nan, ±inf
                    return None
                parts += (head, r, num, "%.16g" % v, "</v></c>")
            elif cls is date_class and is_date:
                parts += (head, r, num, self._date(v), "</v></c>")
            else:
                return None
        parts.append("</row>")
        return "".join(parts).encode("ascii", "xmlcharrefreplace")

    def cells(self, values, row_idx):
        for c, v in zip(self.reuse, values):
            if v.__class__ is str and _REFUSED.search(v) is not None:
                # characters an .xlsx cannot hold (openpyxl refuses them, and one bad note
                # would fail the whole export): left out, as in the Word documents
                v = _REFUSED.sub("", v)
            c.value = v
            if v.__class__ is str and v[:1] == "=":
                c.data_type = "s"
            c.row = row_idx
        return self.reuse
