"""Reading the commune's targets as a plan writes them: "(10) Giải quyết việc làm: 1.600 người".

Pure text parsing (no database): numbers, units, direction and group guesses, and the
line-by-line reader used when a clerk pastes the targets of a plan.
"""
import re
from dataclasses import dataclass
from decimal import Decimal

from .errors import ValidationError
from . import vntext

_NUMBER = re.compile(r"\d[\d.,]*")
_CODE = re.compile(r"^(?:\((?P<a>\d{1,3}|[a-zđ])\)|(?P<b>\d{1,3})[.)](?=\s)|(?P<c>[a-zđ])\))\s*")
_TRAILING = re.compile(
    r"^(?P<name>.*?[^\W\d_].*?)\s+(?P<value>(?:[≥≤><]=?|khoảng|trên|dưới|tối thiểu|tối đa|"
    r"ít nhất|không quá|đạt)?\s*\d[\d.,]*\s*[^\d;]{0,30})$", re.IGNORECASE)
_QUALIFIERS = {"khoang", "dat", "tren", "duoi", "toi thieu", "toi da", "it nhat", "khong qua",
               "vuot", "dat tren", "dat it nhat", "dat khoang"}
_LOWER_WORDS = ("≤", "<", "dưới", "không quá", "tối đa")
_HIGHER_WORDS = ("≥", ">", "trên", "tối thiểu", "ít nhất", "vượt")
_LOWER_NAMES = ("suy dinh duong", "tai nan", "tang dan so", "toi pham", "o nhiem",
                "sinh con thu 3", "ty le ho ngheo", "ho ngheo con", "ty le ngheo")
_GROUP_WORDS = [
    ("Môi trường", ("moi truong", "che phu rung", "chat thai", "rac thai", "cay xanh",
                    "nuoc sach", "nuoc hop ve sinh", "nghia trang")),
    ("Quốc phòng - an ninh", ("quoc phong", "an ninh", "trat tu", "tai nan giao thong",
                              "toi pham", "giao quan", "khieu nai", "to cao", "ma tuy")),
    ("Văn hóa - xã hội", ("van hoa", "truong dat chuan", "truong hoc", "giao duc", "viec lam", "lao dong",
                          "ho ngheo", "dan so", "tre em", "y te", "bao hiem", "suc khoe",
                          "the thao", "hoc sinh", "dao tao", "ngheo")),
    ("Kinh tế", ("kinh te", "san xuat", "tang truong", "ngan sach", "thu nhap", "dau tu",
                 "nong thon moi", "do thi", "san luong", "co cau", "quyen su dung dat",
                 "qsdd")),
]


def guess_group(name):
    """The group whose keyword appears first in the name (the head noun decides)."""
    key = vntext.fold(name)
    best = (len(key) + 1, "Khác")
    for group, words in _GROUP_WORDS:
        for w in words:
            m = re.search(r"\b" + w + r"\b", key)
            if m and m.start() < best[0]:
                best = (m.start(), group)
    return best[1]


def guess_direction(name, value_text=""):
    vt = vntext.clean_text(value_text).lower()
    if vt.startswith(_LOWER_WORDS):
        return "lower"
    if vt.startswith(_HIGHER_WORDS):
        return "higher"
    key = vntext.fold(name)
    if any(w in key for w in _LOWER_NAMES) and "giam" not in key.split():
        return "lower"
    return "higher"


def parse_value(value, *, label="Giá trị", field="value"):
    """A target value or actual as a Decimal: "85%", "1.600", "khoảng 9,48%", "≥ 100 %"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise ValidationError(f"{label}: '{value}' không phải là số.", field=field)
        return number
    text = vntext.clean_text(str(value)).replace("≥", "").replace("≤", "")
    text = re.sub(r"^[<>]=?", "", text).strip()
    try:
        number, _unit = vntext.parse_number_with_unit(text, field=field)
    except ValidationError:
        raise ValidationError(f"{label}: '{value}' không phải là số; hãy nhập như 85%, 1.600 "
                              "hoặc 9,48.", field=field) from None
    return number


@dataclass
class LineProblem:
    line_no: int
    text: str
    message: str

    def __str__(self):
        return f"Dòng {self.line_no}: {self.message} — «{self.text}»"


def _clean_line(line):
    text = vntext.clean_text(line)
    text = text.replace("\\geq", "≥").replace("\\leq", "≤").replace("$", "")
    text = text.replace("&gt;", ">").replace("&lt;", "<")
    text = re.sub(r"<sup>\s*2\s*</sup>", "²", text)
    text = re.sub(r"<sup>\s*3\s*</sup>", "³", text)
    text = re.sub(r"</?\w+[^>]*>", "", text)
    text = re.sub(r"^[-–•*+·]+\s*", "", text)
    text = re.sub(r"\*+", "", text)
    return vntext.clean_text(text).rstrip(";.,").strip()


def _split(body):
    """(name, value_text) of a target line's body, or None when it has no recognisable form."""
    colon = re.search(r"(?<!\d):|:(?!\d)", body)
    if colon:
        return body[:colon.start()].strip(), body[colon.end():].strip()
    m = _TRAILING.match(body)
    if m:
        return m.group("name").strip(), m.group("value").strip()
    return None


def parse_target_line(line):
    """One line -> a row dict, or raises ValueError with the reason (Vietnamese)."""
    text = _clean_line(line)
    m = _CODE.match(text)
    code = ""
    if m:
        code = m.group("a") or m.group("b") or m.group("c")
        text = text[m.end():].strip()
    if not text:
        raise ValueError("dòng chỉ có số thứ tự, không có tên chỉ tiêu")
    split = _split(text)
    warning = ""
    if split is None:
        if not code:
            raise ValueError("không nhận ra chỉ tiêu; hãy viết dạng 'Tên chỉ tiêu: giá trị'")
        name, value_text = text, ""
    else:
        name, value_text = split
    if ";" in name:                       # "A đạt 35,58%; B: 8 m²/người": several targets
        first = name.split(";")[0].strip()
        t = _TRAILING.match(first)
        name = t.group("name") if t else first
        value_text = text[len(name):].strip(" ;:")
    if not re.search(r"[^\W\d_]", name):
        raise ValueError("thiếu tên chỉ tiêu")
    if len(name) > 1000:
        raise ValueError("tên chỉ tiêu dài quá 1.000 ký tự")
    value, measure = None, ""
    plain = vntext.clean_text(re.sub(r"\([^)]*\)", "", value_text))
    numbers = _NUMBER.findall(value_text)
    prefix = vntext.fold(re.split(r"[\d≥≤<>]", plain, maxsplit=1)[0]).strip()
    worded = bool(prefix) and prefix not in _QUALIFIERS
    if worded:
        plain = ""                        # "Giảm tai nạn cả 3 tiêu chí": words, not a number
    if plain and ";" not in text[len(name):]:
        try:
            value = parse_value(plain)
            measure = vntext.parse_number_with_unit(
                re.sub(r"^(?:[≥≤><]=?)", "", plain).strip())[1]
        except ValidationError:
            if len(numbers) == 1 and len(_NUMBER.findall(plain)) == 1:
                raise ValueError(f"giá trị '{value_text}' không đọc được thành số") from None
            value = None
    if value is None and numbers and not (worded and len(numbers) == 1):
        warning = ("Nhiều giá trị trong một chỉ tiêu: giữ nguyên văn; tách thành nhiều chỉ "
                   "tiêu nếu cần theo dõi bằng số.")
    elif value is None:
        warning = "Chỉ tiêu định tính (không có số): đánh giá đạt/không đạt."
    if len(measure) > 60 or re.search(r"\d", measure):
        measure, value = "", None
        warning = warning or "Không tách được đơn vị tính: hãy kiểm tra."
    measure = measure.lstrip(" /") if measure.startswith("/") else measure
    return dict(code=code, name=name, value=value, measure=measure.strip(),
                value_text=value_text, direction=guess_direction(name, value_text),
                group=guess_group(name), warning=warning)


def parse_target_lines(text):
    """Pasted lines -> (rows, problems). Blank lines and headings are skipped silently.

    Each row: line_no, code, name, value (Decimal or None), measure, value_text, direction,
    group, warning. Each problem: LineProblem(line_no, text, message); the rows that parsed
    are kept for the user to confirm.
    """
    rows, problems = [], []
    for line_no, line in enumerate((text or "").splitlines(), 1):
        stripped = vntext.clean_text(line)
        if not stripped or stripped.startswith("#") or re.fullmatch(r"[-=_*| ]+", stripped):
            continue
        try:
            row = parse_target_line(stripped)
        except ValueError as err:
            problems.append(LineProblem(line_no, stripped, str(err)))
            continue
        row["line_no"] = line_no
        rows.append(row)
    return rows, problems
