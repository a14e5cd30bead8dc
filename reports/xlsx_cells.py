"""Reading one Excel cell as the type a column wants: text, name, number, year, date, gender.

Numbers and dates typed as text ("1.600", "05/02/1975") are understood; every failure is a
``CellError`` whose message is Vietnamese and says what to write instead.
"""
import datetime
import re
import time
import unicodedata
from decimal import Decimal, InvalidOperation

from models import vntext
from models.errors import UserError


def fold_header(text):
    """'Họ và tên chủ hộ (*)' → 'ho va ten chu ho': accents, case, đ and punctuation ignored."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFD", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").lower()
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return " ".join(text.split())


class CellError(ValueError):
    pass


def _as_text(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _clean_text(text):
    """NFC, every run of whitespace (tabs, line breaks, no-break spaces) → one space, stripped."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


# Names made only of letters, digits, spaces and ordinary punctuation need no further check;
# anything else goes through vntext.validate_name (invisible control characters …).
_PLAIN_NAME = re.compile(r"[\w .,;:()'&/+-]*")


def _to_decimal(value):
    if isinstance(value, bool):
        raise CellError("phải là số")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, (datetime.date, datetime.datetime)):
        raise CellError("là ngày tháng, không phải số")
    text = str(value).strip()
    try:
        parsed = vntext.parse_number(text)
    except (UserError, ValueError, InvalidOperation):
        raise CellError(f"'{text[:40]}' không phải là số (hãy ghi như 1.600 hoặc 85,5)")
    return parsed


_SERIAL_LIKE = re.compile(r"\d{5}(\.\d+)?")
_DMY_TEXT = re.compile(r"\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})\s*")


def _serial_shown_as_number(value):
    """A CellError when ``value`` is a date serial (27430) shown as a number or as text: the
    date column was formatted as Number or Text, so Excel shows the number, not the date."""
    text = _as_text(value).strip() if not isinstance(value, bool) else ""
    if _SERIAL_LIKE.fullmatch(text) and 3000 <= float(text) <= 80000:
        return CellError(
            f"ô hiện số {text[:12]} chứ không phải ngày tháng (cột ngày đang định dạng Số hoặc "
            "Chữ); hãy định dạng ô là Ngày (dd/mm/yyyy) trong Excel, hoặc ghi năm sinh như 1975")
    return None


def _date_error(text):
    m = _DMY_TEXT.fullmatch(text)
    if m and int(m.group(2)) > 12 and 1 <= int(m.group(1)) <= 12:
        day, month = m.group(2), m.group(1)
        return CellError(f"'{text[:40]}' không phải là ngày theo kiểu ngày/tháng/năm (có lẽ "
                         f"tháng đang ghi trước ngày); hãy ghi {day}/{month}/{m.group(3)}")
    return CellError(f"'{text[:40]}' không phải là ngày (hãy ghi dạng ngày/tháng/năm, "
                     "ví dụ 05/02/1975)")


def _to_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    serial = _serial_shown_as_number(value)
    if serial is not None:
        raise serial
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(f"{_as_text(value)} không phải là ngày (hãy ghi dạng ngày/tháng/năm, "
                        "ví dụ 05/02/1975)")
    text = str(value).strip()
    try:
        return vntext.parse_date(text)
    except (UserError, ValueError):
        short = _short_year_date(text)
        if short is None:
            raise _date_error(text)
        return short


def _short_year_date(text):
    """'5/2/75' (d/m/yy typed as text): the year in the latest century not in the future."""
    m = _DMY_TEXT.fullmatch(text)
    if not m or len(m.group(3)) != 2:
        return None
    yy = int(m.group(3))
    year = 2000 + yy if 2000 + yy <= _this_year() else 1900 + yy
    try:
        return datetime.date(year, int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


_YEAR = [0, 0.0]


def _this_year():
    """This year, asked of the clock at most once a minute (a list has many birth years)."""
    now = time.monotonic()
    if now - _YEAR[1] > 60 or not _YEAR[0]:
        _YEAR[:] = [datetime.date.today().year, now]
    return _YEAR[0]


def _to_year(value):
    this_year = _this_year()
    if isinstance(value, (datetime.date, datetime.datetime)):
        year = value.year
    elif isinstance(value, str) and re.search(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}",
                                              value):
        year = _to_date(value).year
    else:
        serial = _serial_shown_as_number(value)
        if serial is not None:
            raise serial
        try:
            number = _to_decimal(value)
        except CellError:
            raise CellError(f"'{_as_text(value)[:40]}' không phải là năm (hãy ghi như 1975)")
        if number != number.to_integral_value():
            raise CellError(f"'{_as_text(value)}' không phải là năm")
        year = int(number)
    if year < 1900 or year > this_year:
        raise CellError(f"năm {year} không hợp lệ (phải từ 1900 đến {this_year})")
    return year


def parse_value(spec, value):
    """The typed value of a cell for ``spec``; raises CellError with a Vietnamese reason."""
    kind = spec.kind
    if kind in ("text", "name", "gender"):
        text = value if isinstance(value, str) else _as_text(value)
        text = _clean_text(text)
        if len(text) > spec.max_len:
            raise CellError(f"nội dung quá dài ({vntext.format_int(len(text))} ký tự, tối đa "
                            f"{vntext.format_int(spec.max_len)}); hãy rút gọn")
        if kind == "name":
            if text and _PLAIN_NAME.fullmatch(text):
                return text
            try:
                return vntext.validate_name(text, label=spec.label, max_len=spec.max_len)
            except UserError as err:
                raise CellError(str(err).rstrip("."))
        if kind == "gender":
            key = _GENDERS.get(text) or _GENDERS.get(fold_header(text))
            if key:
                return key
            raise CellError(f"'{text[:20]}' không phải giới tính (hãy ghi Nam hoặc Nữ)")
        return text
    if kind == "year":
        return _to_year(value)
    if kind == "date":
        return _to_date(value)
    number = _to_decimal(value)
    if kind in ("int", "money"):
        if number != number.to_integral_value():
            raise CellError(f"'{_as_text(value)}' phải là số nguyên")
        number = int(number)
        if kind == "money" and number < 0:
            raise CellError("số tiền không được âm")
    return number


_GENDERS = {"Nam": "nam", "Nữ": "nu"}
_GENDERS.update({k: "nam" for k in ("nam", "m", "male", "ong", "trai")})
_GENDERS.update({k: "nu" for k in ("nu", "f", "female", "ba", "gai")})


def capital(text):
    return text[:1].upper() + text[1:]
