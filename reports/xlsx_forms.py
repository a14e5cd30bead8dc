"""Forms as commune offices make them: what around and inside a list is not data.

- a totals row ("Tổng cộng", "Cộng: 25 hộ") and the signature block under the table
  ("Người lập biểu", "TM. ỦY BAN NHÂN DÂN", "Tân Lập, ngày 05 tháng 3 năm 2026", names
  under the signatures) are recognised, reported, and not imported;
- gender given by which of two columns "Nam" / "Nữ" holds the birth date (or year, or "x");
- a header row repeated inside the data, and two columns with the same header, are found.
"""
import re
import unicodedata

from .xlsx_cells import fold_header

# On the text with its accents (lower case, punctuation dropped): "Tổng" is not "Tống", and
# "Công" is a middle name ("Tống Công Minh"), so folded text would drop real rows.
_TOTAL = re.compile(r"(tổng cộng|tổng số|tổng hợp|tong cong|tong so)( .*)?|"
                    r"(cộng|tổng|cộng số)( \d.*)?")
_PUNCT = re.compile(r"[^\w\s]+")
# Words that open a signature block; position words ("Chủ tịch", "Kế toán") alone do not
# (they are ordinary values of a "Chức vụ" column), but rows after an opening are the block.
_SIGNATURE = re.compile(
    r"^(nguoi lap( bieu| danh sach)?|lap bieu|ky ghi ro( ho ten)?|ky ten|ky va ghi ro|"
    r"ky dong dau|xac nhan cua|tm|t m|kt|thay mat)( |$)|(^| )ky ghi ro ho ten( |$)")
_DATE_LINE = re.compile(r"ngay( \d+)? thang( \d+)? nam( \d+)?")
MARKS = {"x", "v", "1", "co", "ok", "\u2713", "\u2714", "\u00d7"}


def is_total_text(text):
    """True for "Tổng cộng", "Cộng: 25 hộ", "TỔNG SỐ" …, never for a name like "Tống Văn An"."""
    text = " ".join(_PUNCT.sub(" ", unicodedata.normalize("NFC", text).lower()).split())
    return bool(_TOTAL.fullmatch(text))


def footer_kind(values, required_cols):
    """"total", "signature" or None for a row that lacks some required value."""
    if all(c in values for c in required_cols):
        return None
    for _col, (v, _s) in sorted(values.items()):
        if not isinstance(v, str):
            continue
        if is_total_text(v):
            return "total"
        text = fold_header(v)
        if _SIGNATURE.search(text) or _DATE_LINE.search(text):
            return "signature"
    return None


def gender_pair(texts, sub_texts=None):
    """(column "Nam", column "Nữ") when a header row has both as whole labels, else None."""
    for row in (sub_texts or {}, texts):
        nam = [c for c, t in row.items() if t == "nam"]
        nu = [c for c, t in row.items() if t == "nu"]
        if len(nam) == 1 and len(nu) == 1:
            return nam[0], nu[0]
    return None


def duplicate_columns(texts, columns, specs):
    """[(field, first column, second column)] when another header cell of the same row names
    the same field exactly ("Họ và tên" twice): the reader cannot tell which one to use."""
    exact = {}
    for spec in specs:
        for n in spec.names():
            exact.setdefault(fold_header(n), spec.field)
    out = []
    for fld, col in columns.items():
        own = texts.get(col)
        if own is None or exact.get(own) != fld:
            continue
        for c, t in sorted(texts.items()):
            if c != col and c not in columns.values() and exact.get(t) == fld:
                out.append((fld, min(col, c), max(col, c)))
                break
    return out


def is_repeated_header(values, header_raw, header_texts):
    """True when a data row repeats the header labels (a list pasted twice, a page header).

    ``header_raw``: column → the header cell's text as stored; a repeated header is a copy,
    so a row is compared (folded) only when one of its cells equals a header cell exactly.
    """
    get = values.get
    for col, raw in header_raw.items():        # a plain loop: this runs on every data row
        cell = get(col)
        if (cell[0] if cell is not None else None) == raw:
            break
    else:
        return False
    same = 0
    for col, text in header_texts.items():
        v = values.get(col)
        if v is not None and isinstance(v[0], str) and fold_header(v[0]) == text:
            same += 1
    return same >= max(2, (len(header_texts) + 1) // 2)


def ranges(numbers):
    """'5, 7–9' for [5, 7, 8, 9]."""
    out = []
    for n in numbers:
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in out)
