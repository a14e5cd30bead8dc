"""Vietnamese text helpers: normalising, search keys, collation, dates, numbers, money in words."""

import datetime
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation, ROUND_HALF_UP

from models.errors import ValidationError

# Re-exported from models.legacy_encoding on first use (its tables cost start-up time).
_LEGACY = frozenset({"detect_legacy", "looks_like_vietnamese_word", "tcvn3_to_unicode",
                     "to_unicode", "unicode_to_tcvn3", "unicode_to_vni", "vni_to_unicode"})


def __getattr__(name):
    if name in _LEGACY:
        from models import legacy_encoding
        return getattr(legacy_encoding, name)
    raise AttributeError(f"module 'models.vntext' has no attribute '{name}'")

__all__ = [
    "nfc", "is_nfc", "clean_text", "fold", "name_sort_key", "text_sort_key",
    "format_date", "format_date_long", "parse_date",
    "format_int", "format_decimal", "format_money", "number_to_words", "money_in_words",
    "parse_number", "parse_number_with_unit", "validate_name",
    "tcvn3_to_unicode", "vni_to_unicode", "unicode_to_tcvn3", "unicode_to_vni",
    "detect_legacy", "to_unicode", "looks_like_vietnamese_word",
]


# ------------------------------------------------------------ normalising ---

# Look-alike letters typed (or left by old converters) instead of Vietnamese ones:
# "Ð" U+00D0 (Icelandic eth) for "Đ" U+0110, and its lowercase "ð" for "đ".  They look
# the same on screen but never match in search or sort.
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})


def nfc(text):
    """NFC-normalise ``text`` and replace look-alike letters ("Ð" -> "Đ"); None stays None."""
    if text is None:
        return None
    return unicodedata.normalize("NFC", text).translate(_LOOKALIKES)


def is_nfc(text):
    """True when ``text`` is already in NFC form."""
    return unicodedata.is_normalized("NFC", text)


def is_stored_form(text):
    """True when ``nfc(text)`` would return ``text`` unchanged (NFC, no look-alike letters):
    cheaper than normalising and comparing (models/bulk.py ``column_db_values``)."""
    return text.isascii() or (unicodedata.is_normalized("NFC", text)
                              and "\u00d0" not in text and "\u00f0" not in text)


def clean_text(text):
    """NFC, look-alike letters replaced ("Ð" -> "Đ"), stripped, every run of whitespace
    collapsed to one space; None gives ""."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    return " ".join(nfc(text).split())


def _build_fold_table():
    table = {cp: None for cp in range(0x300, 0x370)}     # stray combining marks
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(cp))[0]
        if base != chr(cp) and base.isascii():
            table[cp] = base.lower()
    for letter in "đĐðÐ":                   # ð/Ð: look-alikes of đ/Đ (see _LOOKALIKES)
        table[ord(letter)] = "d"
    # every other character a Vietnamese text holds maps to itself: str.translate raises
    # and clears a KeyError inside for each character its table lacks, which made the
    # ASCII letters of a mixed text cost more than the marked ones (2.3x the time)
    for cp in list(range(0x250)) + list(range(0x1E00, 0x1F00)) + list(range(0x2000, 0x2070)):
        table.setdefault(cp, cp)
    return table


_FOLD_TABLE = _build_fold_table()


MAX_SEARCH = 200


def search_key(text):
    """``fold`` of a search text typed or passed by a user; ValidationError when it is
    longer than any name (a 100,000-character search would only burn time)."""
    text = "" if text is None else str(text)
    if len(text) > MAX_SEARCH:
        raise ValidationError(
            f"Chuỗi tìm kiếm dài {len(text):,} ký tự; hãy nhập tối đa {MAX_SEARCH} ký tự "
            "(một phần tên là đủ).".replace(",", "."), field="search")
    return fold(text)


def fold(text):
    """Accent-insensitive search key: "Nguyễn  Văn Đức" -> "nguyen van duc"; None gives "".

    NFC, lowercase, then one precomputed ``str.translate`` table maps Latin letters
    with diacritics to their ASCII base, đ (and its look-alike ð) to d, and deletes
    stray combining marks;
    whitespace runs collapse.  Other characters (digits, other scripts) are kept.
    About 1 µs per name: 20,000 names fold in roughly 20 ms.
    """
    if not text:
        return ""
    if text.isascii():
        return " ".join(text.lower().split())
    folded = unicodedata.normalize("NFC", text).lower().translate(_FOLD_TABLE)
    if not folded.isascii() and any(unicodedata.combining(ch)
                                    for ch in set(_NON_ASCII.findall(folded))):
        # marks of other scripts the first table does not list (a "•" or "–" left in a
        # key does not send every row through this per-character loop)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(folded.split())


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


# -------------------------------------------------------------- collation ---

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SHAPE_MARKS = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
                ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}


@functools.lru_cache(maxsize=2048)
def _letter_info(char):
    """(rank, tone) of one lowercase letter: rank in Vietnamese alphabet order, tone 0..5."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    tone = 0
    for mark in marks:
        base = _SHAPE_MARKS.get((base, mark), base)
        tone = _TONE_RANK.get(mark, tone)
    rank = _LETTER_RANK.get(base, len(_ALPHABET) + ord(base))
    return rank, tone


_SYLLABLE_BREAK = re.compile("[-\u2010-\u2015]+")      # hyphens and dashes


@functools.lru_cache(maxsize=65536)        # names repeat their words: Nguyễn, Văn, Thị …
def _word_key(word):
    """One (letters, tones) pair per syllable of a word; hyphens separate syllables, so
    "Hà-Khoa" compares like "Hà Khoa" (before "Hải-Vân")."""
    return tuple(_syllable_key(part) for part in _SYLLABLE_BREAK.split(word) if part)


def _syllable_key(word):
    """(letters, tones) of one syllable; digit runs compare as numbers before letters.

    Punctuation and symbols are ignored here (the full text breaks final ties).
    """
    letters, tones = [], []
    for token in re.findall(r"\d+|[^\W\d_]", word.lower()):
        if token.isdigit():
            letters.append((0, int(token)))
        else:
            rank, tone = _letter_info(token)
            letters.append((1, rank))
            tones.append(tone)
    return tuple(letters), tuple(tones)


def _words(text):
    return clean_text(text).split()


def name_sort_key(full_name):
    """Sort key for a person's full name in Vietnamese list order.

    Rule: compare the given name (last word) first, then the middle names word by
    word, then the family name (first word); a one-word name is only a given name.
    Each word is compared case-insensitively in two passes: first its letters in
    Vietnamese alphabet order (a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t
    u ư v w x y z, other letters after z, digit runs as numbers before letters,
    punctuation ignored; a prefix sorts first), and only if all letters are equal,
    its tones letter by letter: none < huyền < hỏi < ngã < sắc < nặng.  So
    An < Anh < Ánh < Ân < Bình.  A hyphenated word is compared syllable by
    syllable, each syllable with that rule: Hà-Khoa < Hải-Vân.  Remaining ties fall back to the lowercased, then
    exact, NFC text, so the order is total and stable.
    """
    words = _words(full_name)
    if not words:
        return (), (), (), "", ""
    given = _word_key(words[-1])
    middle = tuple(_word_key(word) for word in words[1:-1])
    family = _word_key(words[0]) if len(words) > 1 else ()
    text = " ".join(words)
    return given, middle, family, text.lower(), text


def text_sort_key(text):
    """Sort key for any text (unit names, titles): words in normal order, same rule as names.

    Words are compared one by one with the letter-then-tone rule of ``name_sort_key``;
    "Thôn 2" sorts before "Thôn 10".  Ties fall back to the lowercased, then exact, text.
    """
    words = _words(text)
    cleaned = " ".join(words)
    return tuple(_word_key(word) for word in words), cleaned.lower(), cleaned


# ------------------------------------------------------------------ dates ---

_DATE_HINT = "hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/02/2026"
_DMY = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _as_date(d):
    return d.date() if isinstance(d, datetime.datetime) else d


def format_date(d):
    """date -> "05/02/2026"; None gives ""."""
    if d is None:
        return ""
    d = _as_date(d)
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_date_long(d, place=None):
    """date -> "ngày 05 tháng 02 năm 2026", or "Tân Lập, ngày 05 tháng 3 năm 2026" with a place.

    Decree 30/2020/NĐ-CP: days below 10 and months 1 and 2 take a leading zero.
    None gives "".
    """
    if d is None:
        return ""
    d = _as_date(d)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    text = f"ngày {d.day:02d} tháng {month} năm {d.year}"
    place = clean_text(place)
    return f"{place}, {text}" if place else text


def form_date(value, *, label, field=None, required=True):
    """A date field of a form: "Hãy nhập {label}." when empty (None when not required),
    else ``parse_date``."""
    if value is None or value == "":
        if required:
            raise ValidationError(f"Hãy nhập {label}.", field=field)
        return None
    return parse_date(value, field=field)


def parse_date(text, *, field=None):
    """Read a date from "05/02/1975", "5/2/1975", "05-02-1975", "05.02.1975", "1975-02-05",
    a date or a datetime; anything else raises ValidationError with a Vietnamese message."""
    if isinstance(text, datetime.datetime):
        return text.date()
    if isinstance(text, datetime.date):
        return text
    raw = clean_text(text)
    if not raw:
        raise ValidationError(f"Chưa nhập ngày, {_DATE_HINT}.", field=field)
    match = _DMY.fullmatch(raw)
    iso = _ISO.fullmatch(raw)
    try:
        if match:
            day, _, month, year = match.groups()
            return datetime.date(int(year), int(month), int(day))
        if iso:
            year, month, day = iso.groups()
            return datetime.date(int(year), int(month), int(day))
    except ValueError:
        pass
    raise ValidationError(f"Ngày '{raw}' không hợp lệ, {_DATE_HINT}.", field=field)


# ---------------------------------------------------------------- numbers ---

def _to_decimal(value):
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


def _group_thousands(digits):
    """"1234567" -> "1.234.567"."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return ".".join(groups)


def format_decimal(value, places=None):
    """Number -> Vietnamese text: "1.234,5". places=None drops trailing zeros; places=n keeps n.

    Rounds half up.  None gives "".
    """
    if value is None:
        return ""
    number = _to_decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(number, "f")
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    if places is None:
        fraction = fraction.rstrip("0")
    if not (whole.strip("0") or fraction.strip("0")):
        sign = ""
    result = sign + _group_thousands(whole)
    return f"{result},{fraction}" if fraction else result


def format_int(n):
    """Whole number with dot thousands separators: 1600 -> "1.600", -1600 -> "-1.600"."""
    return format_decimal(n, places=0)


def format_money(n):
    """Amount in đồng: 710000 -> "710.000 đồng" (rounded to whole đồng); None gives ""."""
    if n is None:
        return ""
    return f"{format_int(n)} đồng"


_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _read_tens_units(tens, units, after_hundreds):
    """Words for the last two digits of a three-digit group."""
    if tens == 0:
        if units == 0:
            return []
        return ["linh", _DIGIT_WORDS[units]] if after_hundreds else [_DIGIT_WORDS[units]]
    words = ["mười"] if tens == 1 else [_DIGIT_WORDS[tens], "mươi"]
    if units == 5:
        words.append("lăm")
    elif units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 4 and tens >= 2:
        words.append("tư")
    elif units:
        words.append(_DIGIT_WORDS[units])
    return words


def _read_group(number, full):
    """Words for 1..999; ``full`` reads the hundreds even when zero ("không trăm linh năm")."""
    hundreds, rest = divmod(number, 100)
    words = []
    if hundreds or full:
        words = [_DIGIT_WORDS[hundreds], "trăm"]
    return words + _read_tens_units(rest // 10, rest % 10, bool(words))


def _read_below_billion(number, full):
    words = []
    for scale, name in ((10**6, "triệu"), (1000, "nghìn"), (1, "")):
        group, number = divmod(number, scale)
        if group:
            words += _read_group(group, full) + ([name] if name else [])
            full = True
    return words


def _read_number(number, full=False):
    billions, rest = divmod(number, 10**9)
    words = []
    if billions:
        words = _read_number(billions, full) + ["tỷ"]
        full = True
    return words + _read_below_billion(rest, full)


def _whole_amount(n):
    number = _to_decimal(n)
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"Chỉ đọc được số nguyên, không đọc được {n!r}.")
    if number < 0:
        raise ValueError(f"Không đọc được số âm {n!r} thành chữ.")
    return int(number)


def number_to_words(n):
    """Whole number >= 0 in Vietnamese words: 1005000 -> "một triệu không trăm linh năm nghìn".

    Uses "linh" for a zero tens digit, "mười"/"mươi", "mốt", "tư", "lăm", skips zero
    groups, and repeats "tỷ" above 999 tỷ ("một nghìn tỷ").  Negative or fractional
    values raise ValueError.
    """
    number = _whole_amount(n)
    if number == 0:
        return "không"
    return " ".join(_read_number(number))


def money_in_words(n):
    """Amount in words for documents: 710000 -> "Bảy trăm mười nghìn đồng"."""
    words = number_to_words(n)
    return f"{words[0].upper()}{words[1:]} đồng"


_MULTIPLIERS = {"nghìn": 1000, "ngàn": 1000, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}
_NUMBER_TEXT = re.compile(
    r"(?P<prefix>[^\d+\-\u2212]*?)\s*(?P<sign>[-+\u2212])?\s*"
    r"(?<![.,])(?P<number>\d+(?:[.,]\d+)*|[.,]\d+)\s*(?P<unit>\D*)")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _not_a_number(text, field):
    return ValidationError(
        f"'{text}' không phải là số hợp lệ; hãy nhập số như 1.600 hoặc 85,5.", field=field)


def _read_digits(number):
    """Vietnamese digits to a plain "1234.5" string, or None if ambiguous."""
    if "," in number:
        whole, _, fraction = number.partition(",")
        if "," in fraction or ("." in whole and not _THOUSANDS.fullmatch(whole)):
            return None
        return whole.replace(".", "") + "." + fraction
    if _THOUSANDS.fullmatch(number):
        return number.replace(".", "")
    return number if number.count(".") <= 1 else None


def parse_number_with_unit(text, *, field=None):
    """Read "1.600 người" -> (Decimal('1600'), 'người'); "44 triệu đồng" -> (44, 'triệu đồng').

    Comma present: it is the decimal mark and dots group thousands ("1.234.567,89").
    Only dots: "1.600" / "1.234.567" are thousands, a single other dot is decimal
    ("8.5").  A leading decimal mark is a fraction: ",5" -> 0.5, ",75%" -> (0.75, '%').  Leading words ("khoảng 9,48%") are dropped; the trailing text is the unit.
    Multiplier words stay in the unit here (``parse_number`` applies them).
    Decimal/int/float inputs come back with unit "".
    """
    if isinstance(text, (Decimal, int, float)) and not isinstance(text, bool):
        number = _to_decimal(text)
        if number.is_finite():
            return number, ""
        raise _not_a_number(text, field)
    raw = clean_text(text) if isinstance(text, str) else ""
    match = _NUMBER_TEXT.fullmatch(raw)
    digits = _read_digits(match.group("number")) if match else None
    if digits is None or match.group("unit")[:1] in (".", ","):
        raise _not_a_number(raw if isinstance(text, str) else text, field)
    sign = "-" if match.group("sign") in ("-", "\u2212") else ""
    try:
        value = Decimal(sign + digits)
    except InvalidOperation:
        raise _not_a_number(raw, field) from None
    return value, match.group("unit").strip()


def parse_number(text, *, field=None):
    """Read a Vietnamese number ("85%", "1.600 người", "8,5", "44 triệu") as a Decimal.

    Same rules as ``parse_number_with_unit``; leading multiplier words of the unit
    (nghìn/ngàn, triệu, tỷ/tỉ) are applied: "44 triệu" -> Decimal('44000000').
    """
    value, unit = parse_number_with_unit(text, field=field)
    for word in unit.lower().split():
        if word not in _MULTIPLIERS:
            break
        value *= _MULTIPLIERS[word]
    return value


# ------------------------------------------------------------- validation ---

def _has_control_characters(text):
    return any(unicodedata.category(char) in ("Cc", "Cf") for char in text)


def validate_name(text, *, label, max_len=200, required=True, field=None):
    """Clean a name-like input and check it; returns the cleaned text or raises ValidationError.

    Tabs and line breaks become single spaces; other invisible control/format
    characters (zero-width space, BOM, NUL, soft hyphen...) are refused.  ``field``
    defaults to ``label``.
    """
    field = label if field is None else field
    cleaned = clean_text(text)
    if not cleaned:
        if required:
            raise ValidationError(f"{label} không được để trống.", field=field)
        return ""
    if _has_control_characters(cleaned):
        raise ValidationError(
            f"{label} có chứa ký tự điều khiển không nhìn thấy được "
            "(thường do sao chép từ nơi khác); hãy xoá và gõ lại.", field=field)
    if len(cleaned) > max_len:
        raise ValidationError(
            f"{label} quá dài: tối đa {max_len} ký tự, hiện có {len(cleaned)} ký tự.",
            field=field)
    return cleaned
