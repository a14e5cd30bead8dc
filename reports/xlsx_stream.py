"""Streaming a worksheet's XML (lxml): one row at a time with each cell's value and style id.

Cells are typed the way Excel and LibreOffice store them: shared strings (``t="s"``, looked
up in the workbook's own table — see ``xlsx_zip.Workbook``), inline strings with rich-text
runs, numbers (dates when the style's number format is a date), booleans, ISO dates, error
values (#N/A …) and the cached result of a formula; a formula with no cached result is
marked. Rows are yielded as they are parsed and the parsed elements freed, so memory does
not grow with the sheet; more than ``MAX_ROWS`` rows with content raise ``TooManyRows``.
"""
import datetime
import re

from lxml import etree

from .xlsx_zip import ExcelFileError, RichText, _unescape

MAX_ROWS = 200_000
_REF = re.compile(r"([A-Z]+)(\d*)")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]+\d+)(?::([A-Za-z]+\d+))?\"")
MAX_MERGES = 100_000
_DIGITS = "0123456789"


class TooManyRows(ExcelFileError):
    """A sheet with more rows than one import may hold."""


def too_many_rows(sheet_name):
    limit = f"{MAX_ROWS:,}".replace(",", ".")
    return TooManyRows(
        f"Trang tính '{sheet_name}': tệp có hơn {limit} dòng; hãy chia nhỏ tệp (mỗi tệp dưới "
        f"{limit} dòng) rồi nhập từng phần.")


def column_index(letters, cache={}):  # noqa: B006 - a deliberate module-level cache
    index = cache.get(letters)
    if index is None:
        index = 0
        for ch in letters.upper():
            index = index * 26 + (ord(ch) - 64)
        if len(cache) < 20000:
            cache[letters] = index
    return index


def _cell_ref(ref):
    m = _REF.match(ref)
    return int(m.group(2)), column_index(m.group(1))


def scan_sheet(book, sheet):
    """(merged ranges [(min_row, min_col, max_row, max_col)], number of rows) of a sheet, by a
    quick scan of the inflated XML: merges are written after the rows, but the reader needs
    them first; the row count (rows with or without content) drives the progress bar."""
    out = []
    tail = b""
    rows = 0
    with book.zip.open(sheet.path) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            rows += chunk.count(b"<row ") + chunk.count(b":row ")
            data = tail + chunk
            if b"mergeCell" in data:
                last = 0
                for m in _MERGE.finditer(data):
                    r1, c1 = _cell_ref(m.group(1).decode())
                    r2, c2 = _cell_ref(m.group(2).decode()) if m.group(2) else (r1, c1)
                    out.append((r1, c1, r2, c2))
                    last = m.end()
                    if len(out) >= MAX_MERGES:
                        return out, rows
                data = data[last:]
            tail = data[-400:]
    return out, rows


def _from_serial(number, date1904):
    if date1904:
        base = datetime.datetime(1904, 1, 1)
    else:
        # Excel counts 29/02/1900, a day that never was: serials before it are one day off.
        base = datetime.datetime(1899, 12, 31 if number < 60 else 30)
    return base + datetime.timedelta(days=number)


def _runs_text(node, ns):
    """Text of an <is> (inline string) node; a RichText when its runs name fonts."""
    t, r = ns + "t", ns + "r"
    parts, runs = [], []
    for child in node:
        if child.tag == t:
            parts.append(child.text or "")
        elif child.tag == r:
            text = child.findtext(t) or ""
            font = child.find(f"{ns}rPr/{ns}rFont")
            runs.append((_unescape(text), font.get("val") if font is not None else None))
            parts.append(text)
    text = _unescape("".join(parts))
    if runs and any(f for _t, f in runs):
        text = RichText(text)
        text.runs = runs
    return text


class _StyleIds(dict):
    """Style attribute text → int (a sheet uses a few dozen styles on 100,000 cells)."""

    def __missing__(self, text):
        value = self[text] = int(text)
        return value


def iter_rows(book, sheet, *, formula_no_value, formula_error):
    """Yield (row number, hidden, {column: (value, style id)}) for rows with content."""
    ns = book.ns
    ROW, CELL, VALUE, FORMULA, INLINE = (ns + "row", ns + "c", ns + "v", ns + "f", ns + "is")
    shared = book.shared_strings
    n_shared = len(shared)
    date_styles = book.date_styles
    date1904 = book.date1904
    counter = 0
    yielded = 0
    styles = _StyleIds()
    with book.zip.open(sheet.path) as src:
        # huge_tree off: libxml2's own limits (10 MB per text node, nesting depth) stay on;
        # a real cell holds at most 32,767 characters.
        for _event, el in etree.iterparse(src, events=("end",), tag=ROW,
                                          resolve_entities=False):
            r = el.get("r")
            counter = int(r) if r else counter + 1
            values = {}
            col = 0
            for c in el:
                if c.tag != CELL:
                    continue
                get = c.get
                ref = get("r")
                if ref:
                    col = column_index(ref.rstrip(_DIGITS))
                else:
                    col += 1
                t = get("t", "n")
                s = get("s")
                style = styles[s] if s else 0
                if t == "inlineStr":
                    node = c.find(INLINE)
                    v = _runs_text(node, ns) if node is not None else None
                    if v:
                        values[col] = (v, style)
                    continue
                # Children are <f>? <v>? (and <is>, <extLst> rarely): the value is usually first.
                v = None
                has_formula = False
                for child in c:
                    tag = child.tag
                    if tag == VALUE:
                        v = child.text
                        break
                    if tag == FORMULA:
                        has_formula = True
                if v is None or v == "":
                    if has_formula:
                        values[col] = (formula_no_value, style)
                    continue
                if t == "s":
                    i = int(v)
                    v = shared[i] if 0 <= i < n_shared else None
                    if not v:
                        continue
                elif t == "n":
                    number = float(v) if ("." in v or "E" in v or "e" in v) else int(v)
                    if style in date_styles:
                        try:
                            v = _from_serial(number, date1904)
                        except (OverflowError, ValueError):
                            v = formula_error("#VALUE!")
                    elif isinstance(number, float) and number.is_integer() and \
                            abs(number) < 1e15:
                        v = int(number)
                    else:
                        v = number
                elif t == "b":
                    v = v.strip() in ("1", "true")
                elif t == "e":
                    v = formula_error(v)
                elif t == "d":
                    try:
                        v = datetime.datetime.fromisoformat(v.replace("Z", ""))
                    except ValueError:
                        v = formula_error("#VALUE!")
                else:                       # "str": a formula's text result
                    v = _unescape(v)
                values[col] = (v, style)
            hidden = el.get("hidden") in ("1", "true")
            el.clear()
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]
            if values:
                yielded += 1
                if yielded > MAX_ROWS:
                    raise too_many_rows(sheet.name)
                yield counter, hidden, values
