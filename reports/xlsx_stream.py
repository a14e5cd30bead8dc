"""One fast pass over a worksheet's XML (lxml): cell values with style ids, hidden rows, merges.

The same values openpyxl's read-only parser gives (cached formula results, shared strings,
dates from date-formatted numbers), without building a dict per cell; formulas that have
no cached result and Excel error values are marked for the reader to report.
"""
import re

from lxml import etree

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL, VALUE, FORMULA = NS + "row", NS + "c", NS + "v", NS + "f"
INLINE, TEXT, RUN, MERGE = NS + "is", NS + "t", NS + "r", NS + "mergeCell"
_REF = re.compile(r"([A-Z]+)(\d+)")


def _column_index(letters, cache={}):  # noqa: B006 - a deliberate module-level cache
    index = cache.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + (ord(ch) - 64)
        cache[letters] = index
    return index


def _inline_text(cell):
    node = cell.find(INLINE)
    if node is None:
        return None
    parts = []
    for child in node:
        if child.tag == TEXT:
            parts.append(child.text or "")
        elif child.tag == RUN:
            parts.append(child.findtext(TEXT) or "")
    return "".join(parts)


def stream_rows(wb, ws, *, formula_no_value, formula_error):
    """([(row, hidden, {column: (value, style id)})], [(min_row, min_col, max_row, max_col)])."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    shared = wb.shared_strings
    date_styles = wb._date_formats
    timedelta_styles = wb._timedelta_formats
    epoch = wb.epoch
    rows, merged = [], []
    counter = 0
    with wb._archive.open(ws._worksheet_path) as src:
        for _event, el in etree.iterparse(src, events=("end",), tag=(ROW, MERGE),
                                          huge_tree=True):
            if el.tag == MERGE:
                min_col, min_row, max_col, max_row = range_boundaries(el.get("ref"))
                merged.append((min_row, min_col, max_row, max_col))
                continue
            r = el.get("r")
            counter = int(r) if r else counter + 1
            hidden = el.get("hidden") in ("1", "true")
            values = {}
            col = 0
            for c in el.iterchildren(CELL):
                ref = c.get("r")
                if ref:
                    m = _REF.match(ref)
                    col = _column_index(m.group(1))
                else:
                    col += 1
                t = c.get("t", "n")
                s = c.get("s")
                style = int(s) if s else 0
                v = c.findtext(VALUE)
                if t == "inlineStr":
                    v = _inline_text(c)
                    if v:
                        values[col] = (v, style)
                    continue
                if v is None or v == "":
                    if c.find(FORMULA) is not None:
                        values[col] = (formula_no_value, style)
                    continue
                if t == "s":
                    v = shared[int(v)]
                    if v == "" or v is None:
                        continue
                elif t == "n":
                    number = float(v) if ("." in v or "E" in v or "e" in v) else int(v)
                    if style in date_styles:
                        try:
                            v = from_excel(number, epoch,
                                           timedelta=style in timedelta_styles)
                        except (OverflowError, ValueError):
                            v = formula_error("#VALUE!")
                    else:
                        v = number
                elif t == "b":
                    v = bool(int(v))
                elif t == "e":
                    v = formula_error(v)
                elif t == "d":
                    v = from_ISO8601(v)
                values[col] = (v, style)     # "str": a formula's text result, as it is
            if values or hidden:
                rows.append((counter, hidden, values))
            el.clear()
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]
    return rows, merged
