"""Office-looking Excel workbooks written fast (openpyxl write-only mode).

Each sheet: the issuer row (commune), a bold title, a subtitle/date line, a blank row, then
a bold, bordered, frozen header row repeated on every printed page; Times New Roman (also
the workbook's default font, so widths mean the same in Excel and LibreOffice); A4
landscape fitted to the page width with body text printing at ≥ 10 pt (text columns
narrowed and wrapped, see ``reports.xlsx_print``); rows as high as their wrapped text;
page numbers in the footer in Times New Roman; numbers as numbers, dates as dates; text
that begins with "=" is stored as text, never as a formula.

    write_workbook(path, [SheetSpec(title="Khen thưởng", heading="DANH SÁCH …",
                   columns=[Column("STT", 6, "stt"), Column("Họ và tên", 30)], rows=rows)],
                   commune=settings.commune(), progress=cb)
"""
import datetime
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from models.errors import Cancelled

from . import xlsx_print

FONT_NAME = "Times New Roman"
HEADER_ROWS = 4                    # issuer, title, subtitle, blank; header row is 5
NUMBER_FORMATS = {
    "int": "#,##0",
    "money": "#,##0",
    "decimal": "#,##0.00",
    "percent": "0.00",
    "date": "dd/mm/yyyy",
    "year": "0",
    "stt": "0",                    # row numbers: whole numbers, centred
}


@dataclass
class Column:
    header: str
    width: float = 15
    kind: str = "text"             # text | int | money | decimal | percent | date | year | stt
    wrap: bool = False             # kept for callers; every printed text column wraps
    printed: bool = True           # False: on screen only, after the print area (last columns)


@dataclass
class SheetSpec:
    title: str                     # sheet tab name (≤ 31 characters)
    heading: str                   # big title on the sheet
    columns: list
    rows: object                   # iterable of lists (may be a generator)
    subtitle: str = ""             # e.g. "Năm 2026"; the date line is added automatically
    total_rows: int = None         # for progress when rows is a generator
    footer: list = field(default_factory=list)   # lines written after the table, or a
    #                              function giving them once the rows are written (totals)
    repeat_columns: int = 2        # columns repeated on each page when a sheet is too wide


class _Styles:
    """Named styles shared by every cell (cheap in write-only mode). ``styles(name)``
    registers a style with the workbook the first time a sheet uses it and returns its name:
    a form of a few dozen cells paid more for the 22 styles it did not use (each added to
    the workbook, then written to styles.xml) than for its cells."""

    _specs = {}                    # name → the style's parts, made once per process

    def __init__(self, wb):
        self.wb = wb
        self.names = {}
        self.order = []            # as added: decides styles.xml (reports/xlsx_stylesheet)
        from .xlsx_stylesheet import mark
        mark(wb, self.order)

    @classmethod
    def _spec(cls, name):
        """The parts of the named style ``name``: built once (openpyxl's style objects are
        values, never changed once made; each workbook adds them to its own tables)."""
        spec = cls._specs.get(name)
        if spec is None:
            spec = cls._specs[name] = cls._make_spec(name)
        return spec

    @staticmethod
    def _make_spec(name):
        from openpyxl.styles import Alignment, Border, Font, Side
        thin = Side(style="thin", color="000000")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        if name == "tdkt_issuer":
            return {"font": Font(name=FONT_NAME, size=12, bold=True)}
        if name == "tdkt_title":
            return {"font": Font(name=FONT_NAME, size=14, bold=True),
                    "alignment": Alignment(horizontal="center", vertical="center",
                                           wrap_text=True)}
        if name == "tdkt_subtitle":
            return {"font": Font(name=FONT_NAME, size=12, italic=True),
                    "alignment": Alignment(horizontal="center", vertical="center",
                                           wrap_text=True)}
        if name == "tdkt_header":
            return {"font": Font(name=FONT_NAME, size=12, bold=True), "border": border,
                    "alignment": Alignment(horizontal="center", vertical="center",
                                           wrap_text=True)}
        if name == "tdkt_footer":
            return {"font": Font(name=FONT_NAME, size=12),
                    "alignment": Alignment(vertical="top", wrap_text=True)}
        kind = name[len("tdkt_"):]
        if kind.endswith("_wrap"):
            kind = kind[:-len("_wrap")]
            alignment = Alignment(vertical="center", wrap_text=True)
        else:
            alignment = Alignment(vertical="center", horizontal="left" if kind == "text"
                                  else ("center" if kind in ("date", "year", "stt")
                                        else "right"))
        fmt = "General" if kind == "text" else NUMBER_FORMATS[kind]
        return {"font": Font(name=FONT_NAME, size=12), "border": border, "number_format": fmt,
                "alignment": alignment}

    def __call__(self, name):
        if name not in self.names:
            from openpyxl.styles import NamedStyle
            self.wb.add_named_style(NamedStyle(name=name, **self._spec(name)))
            self.names[name] = name
            self.order.append(name)
        return name


class _RowAttrs:
    """Stands in for a write-only sheet's row_dimensions: openpyxl's row writer asks it for
    the attributes of the row being written (``get(row_index, {})``); we set them just
    before each append, so no RowDimension object is built per row."""
    __slots__ = ("attrs",)

    def __init__(self):
        self.attrs = None

    def get(self, _row_index, default=None):
        return self.attrs if self.attrs is not None else default

    def keys(self):
        return set()


def _nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


_NFC_KINDS = ("text", "int", "money", "year", "stt")     # a str there: cell_value → NFC


def cell_value(value, kind):
    """Python value for a cell of ``kind``: numbers stay numbers, Decimals exact enough."""
    if value is None or value == "":
        return None
    if kind in ("int", "money", "year", "stt"):
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


def _values_as_is(values, _row_idx):
    """A body row goes to ``xlsx_rowwriter.RowWriter`` as its values."""
    return values


def _letter(index):
    from openpyxl.utils import get_column_letter
    return get_column_letter(index)


def _append(ws, rows_attrs, cells, height=None):
    rows_attrs.attrs = None if height is None else xlsx_print.row_attrs(height)
    ws.append(cells)
    rows_attrs.attrs = None


def _merged_line(ws, rows_attrs, text, style, last, row, width_pt, *, bold=False, size=12):
    """A line merged across the table, wrapped, as high as its text needs."""
    lines = xlsx_print.line_count(text, width_pt - xlsx_print.CELL_PAD_PT, bold, size)
    height = lines * xlsx_print.LINE_PT * size / 12 if lines > 1 or size > 12 else None
    _append(ws, rows_attrs, [_cell(ws, text, style)], height)
    ws.merged_cells.add(f"A{row}:{last}{row}")


def _write_sheet(wb, styles, spec, commune, progress, done_before, grand_total):
    from . import xlsx_rowwriter       # imports openpyxl: only when a workbook is written
    ws = wb.create_sheet(title=_safe_title(spec.title))
    rows_attrs = ws.row_dimensions = _RowAttrs()
    ncols = len(spec.columns)
    printed = [c for c in spec.columns if c.printed]
    if spec.columns[:len(printed)] != printed:
        raise ValueError(f"{spec.title}: columns not printed must come last")
    widths, one_page = xlsx_print.plan_widths(printed)
    widths += [float(c.width) for c in spec.columns[len(printed):]]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[_letter(i)].width = width
    header_row = HEADER_ROWS + 1
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    xlsx_print.page_setup(ws, one_page=one_page,
                          repeat_columns=f"A:{_letter(spec.repeat_columns)}")
    writer = xlsx_rowwriter.start(ws)     # columns, views and page set-up are written
    titled = len(printed) if one_page else xlsx_print.first_page_columns(widths[:len(printed)])
    table_pt = sum(w * xlsx_print.UNIT_PT for w in widths[:titled])   # LibreOffice's
    last = _letter(titled)
    issuer = commune.issuer if commune is not None else ""
    _append(ws, rows_attrs, [_cell(ws, _nfc(issuer), styles("tdkt_issuer"))])
    _merged_line(ws, rows_attrs, _nfc(spec.heading), styles("tdkt_title"), last, 2, table_pt,
                 bold=True, size=14)
    _merged_line(ws, rows_attrs, _nfc(_subtitle(spec, commune)), styles("tdkt_subtitle"), last,
                 3, table_pt)
    ws.append([])
    header_lines = max(xlsx_print.line_count(_nfc(c.header), xlsx_print.usable_pt(w),
                                             bold=True)
                       for c, w in zip(printed, widths))
    header = styles("tdkt_header")
    _append(ws, rows_attrs, [_cell(ws, _nfc(c.header), header) for c in spec.columns],
            header_lines * xlsx_print.LINE_PT if header_lines > 1 else None)
    # Printed text columns wrap (a clipped cell loses words on paper); numbers never do.
    wrapped = [i for i, c in enumerate(spec.columns) if c.kind == "text" and c.printed]
    style_names = [styles(f"tdkt_{c.kind}{'_wrap' if i in wrapped else ''}")
                   for i, c in enumerate(spec.columns)]
    kinds = [c.kind for c in spec.columns]
    heights = xlsx_print.RowHeights(widths, wrapped)
    height_of = heights.height if heights.cells else None
    done = done_before
    # Body rows: one style per column, each row written as XML text as soon as it is
    # appended (reports/xlsx_rowwriter; the rare row it cannot write, openpyxl writes).
    writer.body = xlsx_rowwriter.Body(ws, style_names)
    ws._values_to_row = _values_as_is
    row_attrs = xlsx_print.row_attrs
    # a non-empty text in a text or whole-number column only needs its NFC form
    nfc_kinds = [k in _NFC_KINDS for k in kinds]
    normalize = unicodedata.normalize
    for row in spec.rows:
        values = [normalize("NFC", v) if v.__class__ is str and v and n else cell_value(v, k)
                  for v, k, n in zip(row, kinds, nfc_kinds)]
        if len(values) < ncols:
            values += [None] * (ncols - len(values))
        height = height_of(values) if height_of is not None else None
        rows_attrs.attrs = None if height is None else row_attrs(height)
        ws.append(values)
        done += 1
        if progress is not None and done % 500 == 0 and progress(done, grand_total) is False:
            raise Cancelled()
    rows_attrs.attrs = None
    writer.body = None
    del ws._values_to_row
    footer = spec.footer() if callable(spec.footer) else spec.footer
    row = header_row + (done - done_before)                 # the last row written
    if footer:
        ws.append([])
        row += 1                                            # the blank row
        for line in footer:
            row += 1
            _merged_line(ws, rows_attrs, _nfc(line), styles("tdkt_footer"), last, row, table_pt)
    if len(printed) < ncols:
        # The printed columns of the rows written, not whole columns: LibreOffice saves
        # A1:J1048576 back as $A:$J, a print area openpyxl cannot read (it warns).
        ws.print_area = f"A1:{_letter(len(printed))}{row}"
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
        xlsx_print.use_times_as_default_font(wb)
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
