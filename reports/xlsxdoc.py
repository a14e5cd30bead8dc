"""Office-looking Excel workbooks written fast (openpyxl write-only mode).

Each sheet: the issuer row (commune), a bold title, a subtitle/date line, a blank row, then
a bold, bordered, frozen header row repeated on every printed page; Times New Roman;
column widths; A4 landscape fitted to the page width; numbers as numbers, dates as dates;
text that begins with "=" is stored as text, never as a formula.

    write_workbook(path, [SheetSpec(title="Khen thưởng", heading="DANH SÁCH …",
                   columns=[Column("STT", 6, "int"), Column("Họ và tên", 30)], rows=rows)],
                   commune=settings.commune(), progress=cb)
"""
import datetime
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from models.errors import Cancelled

FONT_NAME = "Times New Roman"
HEADER_ROWS = 4                    # issuer, title, subtitle, blank; header row is 5
NUMBER_FORMATS = {
    "int": "#,##0",
    "money": "#,##0",
    "decimal": "#,##0.00",
    "percent": "0.00",
    "date": "dd/mm/yyyy",
    "year": "0",
}


@dataclass
class Column:
    header: str
    width: float = 15
    kind: str = "text"             # text | int | money | decimal | percent | date | year
    wrap: bool = False


@dataclass
class SheetSpec:
    title: str                     # sheet tab name (≤ 31 characters)
    heading: str                   # big title on the sheet
    columns: list
    rows: object                   # iterable of lists (may be a generator)
    subtitle: str = ""             # e.g. "Năm 2026"; the date line is added automatically
    total_rows: int = None         # for progress when rows is a generator
    footer: list = field(default_factory=list)   # lines written after the table


class _Styles:
    """Named styles shared by every cell (cheap in write-only mode)."""

    def __init__(self, wb):
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
        thin = Side(style="thin", color="000000")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.names = {}

        def add(name, **kw):
            st = NamedStyle(name=name, **kw)
            wb.add_named_style(st)
            self.names[name] = name

        add("tdkt_issuer", font=Font(name=FONT_NAME, size=12, bold=True))
        add("tdkt_title", font=Font(name=FONT_NAME, size=14, bold=True),
            alignment=Alignment(horizontal="center"))
        add("tdkt_subtitle", font=Font(name=FONT_NAME, size=12, italic=True),
            alignment=Alignment(horizontal="center"))
        add("tdkt_header", font=Font(name=FONT_NAME, size=12, bold=True), border=border,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
        for kind, fmt in [("text", "General")] + list(NUMBER_FORMATS.items()):
            add(f"tdkt_{kind}", font=Font(name=FONT_NAME, size=12), border=border,
                number_format=fmt,
                alignment=Alignment(vertical="center", horizontal="left" if kind == "text"
                                    else ("center" if kind in ("date", "year") else "right")))
            add(f"tdkt_{kind}_wrap", font=Font(name=FONT_NAME, size=12), border=border,
                number_format=fmt, alignment=Alignment(vertical="center", wrap_text=True))
        add("tdkt_footer", font=Font(name=FONT_NAME, size=12))


def _nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def cell_value(value, kind):
    """Python value for a cell of ``kind``: numbers stay numbers, Decimals exact enough."""
    if value is None or value == "":
        return None
    if kind in ("int", "money", "year"):
        return int(value) if not isinstance(value, str) else _nfc(value)
    if kind in ("decimal", "percent"):
        if isinstance(value, Decimal):
            return float(value)
        return value
    if kind == "date":
        return value
    if isinstance(value, (int, float, Decimal, datetime.date)):
        return value
    return _nfc(str(value))


def _cell(ws, value, style_name):
    from openpyxl.cell import WriteOnlyCell
    c = WriteOnlyCell(ws, value=value)
    c.style = style_name
    if isinstance(value, str) and value.startswith("="):
        c.data_type = "s"          # formula-looking text stays text
    return c


def _cells_to_row(cells, row_idx):
    for cell in cells:
        cell.row = row_idx
        yield cell


def _reused_cell_class():
    from openpyxl.cell.cell import Cell

    class ReusedCell(Cell):
        """A body cell whose style id is fixed for the whole column."""
        __slots__ = ("_sid",)

        @property
        def style_id(self):
            return self._sid
    return ReusedCell


def _letter(index):
    from openpyxl.utils import get_column_letter
    return get_column_letter(index)


def _write_sheet(wb, styles, spec, commune, progress, done_before, grand_total):
    ws = wb.create_sheet(title=_safe_title(spec.title))
    ncols = len(spec.columns)
    for i, col in enumerate(spec.columns, start=1):
        ws.column_dimensions[_letter(i)].width = col.width
    header_row = HEADER_ROWS + 1
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9                      # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "Trang &P / &N"
    last = _letter(ncols)
    issuer = commune.issuer if commune is not None else ""
    ws.append([_cell(ws, _nfc(issuer), "tdkt_issuer")])
    ws.append([_cell(ws, _nfc(spec.heading), "tdkt_title")])
    ws.merged_cells.add(f"A2:{last}2")
    ws.append([_cell(ws, _nfc(_subtitle(spec, commune)), "tdkt_subtitle")])
    ws.merged_cells.add(f"A3:{last}3")
    ws.append([])
    ws.append([_cell(ws, _nfc(c.header), "tdkt_header") for c in spec.columns])
    style_names = [f"tdkt_{c.kind}{'_wrap' if c.wrap else ''}" for c in spec.columns]
    kinds = [c.kind for c in spec.columns]
    done = done_before
    # One styled cell per column, reused row after row (write-only mode writes each row as
    # soon as it is appended): the style id is resolved once per column, not per cell, and
    # the cells go straight to the writer (no per-cell try/except in openpyxl's append).
    _ReusedCell = _reused_cell_class()
    reuse = []
    for i, s in enumerate(style_names, 1):
        c = _ReusedCell(ws, row=1, column=i)
        c.style = s
        c._sid = ws.parent._cell_styles.add(c._style)
        reuse.append(c)
    ws._values_to_row = _cells_to_row
    for row in spec.rows:
        for c, v, k in zip(reuse, row, kinds):
            v = cell_value(v, k)
            c.value = v
            if v.__class__ is str and v[:1] == "=":
                c.data_type = "s"
        ws.append(reuse)
        done += 1
        if progress is not None and done % 500 == 0 and progress(done, grand_total) is False:
            raise Cancelled()
    del ws._values_to_row
    if spec.footer:
        ws.append([])
        for line in spec.footer:
            ws.append([_cell(ws, _nfc(line), "tdkt_footer")])
    return done


def _subtitle(spec, commune):
    from models import vntext
    date_line = vntext.format_date_long(datetime.date.today(),
                                        commune.place_name if commune is not None else None)
    return f"{spec.subtitle} — {date_line}" if spec.subtitle else date_line


def _safe_title(title):
    bad = '[]:*?/\\'
    clean = "".join("-" if ch in bad else ch for ch in _nfc(title))
    return clean[:31] or "Trang 1"


def write_workbook(path, sheets, *, commune=None, progress=None):
    """Write ``sheets`` (SheetSpec list) to ``path`` safely; returns ``path``.

    ``progress(done, total)`` is called every 500 rows; returning False cancels and leaves
    no file behind.
    """
    from openpyxl import Workbook
    from .safefile import atomic_output
    if commune is None:
        from models import settings
        commune = settings.commune()
    total = 0
    for spec in sheets:
        if spec.total_rows is None and isinstance(spec.rows, (list, tuple)):
            spec.total_rows = len(spec.rows)
        total += spec.total_rows or 0
    with atomic_output(path) as tmp:
        wb = Workbook(write_only=True)
        styles = _Styles(wb)
        done = 0
        try:
            for spec in sheets:
                done = _write_sheet(wb, styles, spec, commune, progress, done, total)
        except BaseException:
            for ws in wb.worksheets:      # close the streaming writers before the file goes
                try:
                    ws.close()
                except Exception:  # noqa: BLE001 - already failing; the temp file is removed
                    pass
            raise
        wb.save(tmp)
    if progress is not None:
        progress(total, total)
    return path
