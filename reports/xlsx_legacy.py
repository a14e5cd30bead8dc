"""Old Vietnamese text in workbooks: TCVN3 (.VnTime) and VNI cells found by font or content.

A cell's font comes from its style; a rich-text cell (part bold, part in another font) has
a font per run, and only the runs typed in a legacy font are converted. Text whose font
says nothing is judged by its content, once per sheet for a sample of a column's cells.
"""
import re
import unicodedata

from models import vntext

from .xlsx_header import MAX_HEADER_SCAN

ENCODING_FONT = {"tcvn3": ".VnTime", "vni": "VNI-Times"}
ENCODING_NAME = {"tcvn3": "TCVN3", "vni": "VNI"}


def legacy_font(font_name):
    """The font name to convert with when ``font_name`` is a TCVN3/VNI font, else None.

    ".VnTime", ".VnTimeH" (upper case), ".VnArial" → TCVN3; "VNI-Times" → VNI.
    """
    if not font_name:
        return None
    name = font_name.strip()
    low = name.lower()
    if low.startswith(".vn"):
        return name
    if low.startswith("vni"):
        return name if low.startswith("vni-") else "VNI-Times"
    if "tcvn" in low or low.startswith("vn3"):
        return ".VnTime"
    return None


# Letters of proper Vietnamese (and plain Western accents) that legacy text can also show;
# any other character from Latin-1/Latin Extended or cp1252's extra symbols ("¨", "µ", "ø",
# "§", "Ò" in a word…) makes a cell worth a content check of its own.
_VIET_LETTERS = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝăĂđĐĩĨũŨơƠưƯ")
SUSPECT = re.compile("[" + "".join(
    re.escape(chr(c)) for c in list(range(0x80, 0x250)) + [
        0x152, 0x153, 0x160, 0x161, 0x178, 0x17D, 0x17E, 0x192, 0x2C6, 0x2DC, 0x2013, 0x2014,
        0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2020, 0x2021, 0x2022, 0x2026,
        0x2030, 0x2039, 0x203A, 0x20AC, 0x2122]
    if chr(c) not in _VIET_LETTERS) + "]")


def encoding_of_font(font):
    return "VNI" if font.lower().startswith("vni") else "TCVN3"


def _by_content(text):
    if SUSPECT.search(text):
        found = vntext.detect_legacy(text)
        return ENCODING_FONT.get(found) if found else None
    return None


def convert(value, cell_font, sheet_font=None):
    """(text in Unicode, encoding name or None) for a cell's text.

    ``cell_font``: the legacy font of the cell's style (or None); ``sheet_font``: the legacy
    font the sheet's content suggests. Rich-text runs with their own font are converted run
    by run; runs without one take the cell's font.
    """
    runs = getattr(value, "runs", None)
    if runs:
        parts, enc = [], None
        for text, font in runs:
            font = legacy_font(font) if font else cell_font
            font = font or sheet_font
            if font is None and not text.isascii():
                font = _by_content(text)
            if font is not None and not text.isascii():
                new = vntext.to_unicode(text, font)
                if new != unicodedata.normalize("NFC", text):
                    enc = encoding_of_font(font)
                text = new
            parts.append(text)
        return "".join(parts), enc
    if value.isascii():
        return value, None
    font = cell_font or sheet_font or _by_content(value)
    if font is None:
        return value, None
    new = vntext.to_unicode(value, font)
    if new != unicodedata.normalize("NFC", value):
        return new, encoding_of_font(font)
    return new, None


def converted_head(head_rows, fonts):
    """The first rows with titles and headers typed in .VnTime/VNI fonts converted, so that
    headers can match (a copy: data rows are converted, and reported, later)."""
    out = []
    n_fonts = len(fonts)
    for idx, hidden, values in head_rows[:MAX_HEADER_SCAN + 2]:
        values = dict(values)
        out.append((idx, hidden, values))
        for col, (v, style_id) in list(values.items()):
            if isinstance(v, str) and (not v.isascii() or getattr(v, "runs", None)):
                font = legacy_font(fonts[style_id] if style_id < n_fonts else None)
                values[col] = (convert(v, font)[0], style_id)
    return out


def sheet_content_font(rows, text_cols, fonts, sample=300):
    """A legacy font name when the sheet's text (fonts unknown) reads as TCVN3/VNI by content.

    Short cells say little on their own, so a sample of the column text is judged at once,
    as ``vntext.detect_legacy`` advises; Unicode Vietnamese anywhere in it means no.
    """
    texts = []
    n_fonts = len(fonts)
    for _idx, _hidden, values in rows:
        for c in text_cols:
            cell = values.get(c)
            if cell is None or not isinstance(cell[0], str) or cell[0].isascii():
                continue
            if getattr(cell[0], "runs", None):
                continue
            if legacy_font(fonts[cell[1]] if cell[1] < n_fonts else None):
                continue
            texts.append(cell[0])
        if len(texts) >= sample:
            break
    if not texts:
        return None
    found = vntext.detect_legacy("\n".join(texts))
    return ENCODING_FONT.get(found) if found else None
