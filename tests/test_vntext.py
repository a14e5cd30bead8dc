"""Tests for models.vntext: normalising, folding, collation, dates, numbers and names."""

import ast
import datetime
import sys
import time
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from models import legacy_encoding, vntext
from models.errors import ValidationError
from models.vntext import (
    clean_text, fold, format_date, format_date_long, format_decimal, format_int, format_money,
    is_nfc, money_in_words, name_sort_key, nfc, number_to_words, parse_date, parse_number,
    parse_number_with_unit, text_sort_key, validate_name,
)

TONES = "\u0300\u0309\u0303\u0301\u0323"   # huyền, hỏi, ngã, sắc, nặng
BASES = "aăâeêioôơuưy"
LOWER_LETTERS = [unicodedata.normalize("NFC", b + t) for b in BASES for t in [""] + list(TONES)]
ALL_LETTERS = LOWER_LETTERS + [c.upper() for c in LOWER_LETTERS] + ["đ", "Đ"]
VIETNAMESE_ALPHABET = "".join(ALL_LETTERS) + "bcdghklmnpqrstvxBCDGHKLMNPQRSTVX"

vietnamese_text = st.text(alphabet=VIETNAMESE_ALPHABET + " 0123456789", max_size=40)


# ------------------------------------------------------------ normalising ---

def test_nfc_normalises_and_keeps_none_and_spaces():
    decomposed = unicodedata.normalize("NFD", " Nguyễn  Văn ")
    assert decomposed != " Nguyễn  Văn "
    assert nfc(decomposed) == " Nguyễn  Văn "
    assert nfc(None) is None


def test_is_nfc():
    assert is_nfc("Việt")
    assert not is_nfc(unicodedata.normalize("NFD", "Việt"))


@pytest.mark.parametrize("raw, expected", [
    (None, ""),
    ("", ""),
    ("  Nguyễn \t Văn\n\nAn  ", "Nguyễn Văn An"),
    ("Trần\u00a0Thị", "Trần Thị"),
    (unicodedata.normalize("NFD", "Đồng  Tâm"), "Đồng Tâm"),
    (1600, "1600"),
])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


# ------------------------------------------------------------------ fold ---

@pytest.mark.parametrize("raw, expected", [
    ("Nguyễn Văn An", "nguyen van an"),
    ("Đức", "duc"),
    ("  ĐẶNG   thị\tHẰNG ", "dang thi hang"),
    (unicodedata.normalize("NFD", "Phạm Văn Ánh"), "pham van anh"),
    ("Thôn 3, xã Tân Lập", "thon 3, xa tan lap"),
    ("", ""),
    (None, ""),
    ("Ủy ban nhân dân", "uy ban nhan dan"),
    ("Café Noël", "cafe noel"),
])
def test_fold_examples(raw, expected):
    assert fold(raw) == expected


def test_fold_lets_plain_d_find_d_stroke():
    assert fold("d") in fold("Đoàn Thị Dung")
    assert fold("nguyen van an") in fold("Ông Nguyễn Văn An")


@given(vietnamese_text)
def test_fold_of_vietnamese_is_ascii_lowercase_and_stable(text):
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert fold(folded) == folded
    assert fold(unicodedata.normalize("NFD", text)) == folded
    assert fold(text.upper()) == folded
    assert "  " not in folded and folded == folded.strip()


@given(st.text(max_size=30))
def test_fold_never_leaves_combining_marks(text):
    assert not any(unicodedata.combining(c) for c in fold(text))


def test_fold_is_fast_enough_for_20000_names():
    families = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương".split()
    middles = "Văn Thị Đức Minh Quang Hữu Thanh Ngọc Xuân Thu".split()
    givens = "An Anh Ánh Ân Bình Cường Dũng Hằng Hương Lan Linh Phúc Quý Sơn Tâm Yến".split()
    names = [f"{families[i % 15]} {middles[i % 10]} {givens[i % 16]}" for i in range(20000)]
    best = min(_time(fold, names) for _ in range(5))
    # The bare minimum any fold must do; lets the check survive a busy test machine.
    floor = min(_time(lambda name: " ".join(name.lower().split()), names) for _ in range(5))
    assert best < 0.050 or best < 5 * floor, \
        f"fold of 20,000 names took {best * 1000:.1f} ms ({best / floor:.1f}x lower/split/join)"


def _time(function, names):
    start = time.perf_counter()
    for name in names:
        function(name)
    return time.perf_counter() - start


# -------------------------------------------------------------- collation ---

def test_name_sort_example_from_brief():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Đức Anh", "Phạm Văn Ánh", "Hoàng Ân"]
    assert sorted(names, key=name_sort_key) == [
        "Nguyễn Thị An", "Lê Đức Anh", "Phạm Văn Ánh", "Hoàng Ân", "Trần Văn Bình"]


def test_given_name_then_middle_then_family():
    names = ["Nguyễn Văn An", "Lê Văn An", "Lê Thị An", "Bùi An", "Ánh"]
    assert sorted(names, key=name_sort_key) == [
        "Bùi An", "Lê Thị An", "Lê Văn An", "Nguyễn Văn An", "Ánh"]


def test_tones_order_none_huyen_hoi_nga_sac_nang():
    words = ["mạ", "má", "mã", "mả", "mà", "ma"]
    assert sorted(words, key=name_sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_letters_of_whole_word_before_tones():
    # "Ánh" < "Ao": letters a-n-h < a-o decide, the tone on "Á" does not.
    assert name_sort_key("Ánh") < name_sort_key("Ao")
    assert name_sort_key("Anh") < name_sort_key("Ánh") < name_sort_key("Ân")
    assert name_sort_key("An") < name_sort_key("Anh")


def test_vietnamese_alphabet_order():
    letters = list("aăâbcdđeêghiklmnoôơpqrstuưvxy")
    shuffled = letters[::-1]
    assert sorted(shuffled, key=text_sort_key) == letters
    assert text_sort_key("z") > text_sort_key("y")
    assert text_sort_key("f") < text_sort_key("g")
    assert text_sort_key("w") < text_sort_key("x")
    assert text_sort_key("Dương") < text_sort_key("Đào")
    assert text_sort_key("Ơn") > text_sort_key("Ôn") > text_sort_key("On")
    assert text_sort_key("Ưng") > text_sort_key("Uyên")


def test_sort_key_is_case_insensitive_but_total():
    assert name_sort_key("nguyễn văn an")[:3] == name_sort_key("NGUYỄN VĂN AN")[:3]
    assert name_sort_key("nguyễn văn an") != name_sort_key("NGUYỄN VĂN AN")
    assert name_sort_key("  Nguyễn   Văn An ") == name_sort_key("Nguyễn Văn An")


def test_sort_key_ignores_decomposed_form():
    nfd = unicodedata.normalize("NFD", "Phạm Thị Ánh")
    assert name_sort_key(nfd) == name_sort_key("Phạm Thị Ánh")


def test_text_sort_key_normal_word_order_and_numbers():
    units = ["Thôn 10", "Thôn 2", "Thôn Đông", "Ban Chỉ huy Quân sự", "Hội Phụ nữ", "Thôn 1"]
    assert sorted(units, key=text_sort_key) == [
        "Ban Chỉ huy Quân sự", "Hội Phụ nữ", "Thôn 1", "Thôn 2", "Thôn 10", "Thôn Đông"]
    assert text_sort_key("Thôn") < text_sort_key("Thôn Đông")


def test_sort_keys_handle_empty_values():
    assert sorted(["Bình", "", None], key=name_sort_key) == ["", None, "Bình"]
    assert name_sort_key(None) == name_sort_key("")
    assert text_sort_key(None) == text_sort_key("  ")


@given(st.lists(st.text(alphabet=VIETNAMESE_ALPHABET + " ", max_size=20), max_size=8))
def test_sorting_is_consistent(names):
    forward = [name_sort_key(n) for n in sorted(names, key=name_sort_key)]
    backward = [name_sort_key(n) for n in sorted(reversed(names), key=name_sort_key)]
    assert forward == backward
    assert all(a <= b for a, b in zip(forward, forward[1:]))


# ------------------------------------------------------------------ dates ---

def test_format_date():
    assert format_date(datetime.date(2026, 2, 5)) == "05/02/2026"
    assert format_date(datetime.datetime(1975, 12, 30, 8, 15)) == "30/12/1975"
    assert format_date(None) == ""


@pytest.mark.parametrize("d, expected", [
    (datetime.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
    (datetime.date(2026, 1, 31), "ngày 31 tháng 01 năm 2026"),
    (datetime.date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
    (datetime.date(2026, 12, 15), "ngày 15 tháng 12 năm 2026"),
    (datetime.date(2026, 10, 9), "ngày 09 tháng 10 năm 2026"),
])
def test_format_date_long(d, expected):
    assert format_date_long(d) == expected


def test_format_date_long_with_place():
    assert format_date_long(datetime.date(2026, 2, 5), place="Tân Lập") == \
        "Tân Lập, ngày 05 tháng 02 năm 2026"
    assert format_date_long(datetime.date(2026, 2, 5), place="  ") == "ngày 05 tháng 02 năm 2026"
    assert format_date_long(datetime.datetime(2026, 4, 1, 9, 0), "Xã  Tân Lập") == \
        "Xã Tân Lập, ngày 01 tháng 4 năm 2026"
    assert format_date_long(None) == ""


@pytest.mark.parametrize("text", [
    "05/02/1975", "5/2/1975", "05-02-1975", "1975-02-05", " 5 / 2 / 1975 ", "05.02.1975",
    datetime.date(1975, 2, 5), datetime.datetime(1975, 2, 5, 23, 59),
])
def test_parse_date_accepts(text):
    assert parse_date(text) == datetime.date(1975, 2, 5)


@pytest.mark.parametrize("text", [
    "31/02/2026", "05/13/2026", "05/02/26", "2026/02/05", "5-2/1975", "hôm nay", "05022026",
    "1975-13-01",
])
def test_parse_date_rejects_with_vietnamese_message(text):
    with pytest.raises(ValidationError) as info:
        parse_date(text, field="ngay_sinh")
    assert f"Ngày '{text}' không hợp lệ" in str(info.value)
    assert "ví dụ 05/02/2026" in str(info.value)
    assert info.value.field == "ngay_sinh"


@pytest.mark.parametrize("text", [None, "", "   "])
def test_parse_date_empty(text):
    with pytest.raises(ValidationError, match="ngày/tháng/năm"):
        parse_date(text)


@given(st.dates(min_value=datetime.date(1000, 1, 1)))
def test_parse_date_reads_format_date(d):
    assert parse_date(format_date(d)) == d


# ---------------------------------------------------------------- numbers ---

@pytest.mark.parametrize("value, expected", [
    (0, "0"), (7, "7"), (999, "999"), (1000, "1.000"), (1600, "1.600"), (-1600, "-1.600"),
    (1234567, "1.234.567"), (Decimal("1600"), "1.600"), (-999, "-999"), (100000, "100.000"),
])
def test_format_int(value, expected):
    assert format_int(value) == expected


@pytest.mark.parametrize("value, places, expected", [
    (Decimal("85.50"), None, "85,5"),
    (Decimal("90.00"), None, "90"),
    (Decimal("85.5"), 2, "85,50"),
    (Decimal("9.485"), 2, "9,49"),
    (Decimal("1234567.891"), None, "1.234.567,891"),
    (Decimal("-1234.5"), None, "-1.234,5"),
    (85.5, None, "85,5"),
    (0.1, None, "0,1"),
    (100, None, "100"),
    (Decimal("100"), 1, "100,0"),
    (Decimal("-0.001"), 2, "0,00"),
    (Decimal("1E+3"), None, "1.000"),
    (Decimal("2.5"), 0, "3"),
])
def test_format_decimal(value, places, expected):
    assert format_decimal(value, places) == expected


def test_format_money():
    assert format_money(710000) == "710.000 đồng"
    assert format_money(Decimal("1500000")) == "1.500.000 đồng"
    assert format_money(0) == "0 đồng"
    assert format_money(None) == ""


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3,
                   min_value=-10**12, max_value=10**12))
def test_parse_number_reads_format_decimal(value):
    assert parse_number(format_decimal(value)) == value


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_parse_number_reads_format_int(value):
    assert parse_number(format_int(value)) == value


NUMBER_WORDS = [
    (0, "không"),
    (1, "một"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (55, "năm mươi lăm"),
    (100, "một trăm"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (115, "một trăm mười lăm"),
    (1001, "một nghìn không trăm linh một"),
    (1010, "một nghìn không trăm mười"),
    (1100, "một nghìn một trăm"),
    (702000, "bảy trăm linh hai nghìn"),
    (710000, "bảy trăm mười nghìn"),
    (1005000, "một triệu không trăm linh năm nghìn"),
    (2340000, "hai triệu ba trăm bốn mươi nghìn"),
    (1000000000, "một tỷ"),
    (1000000005, "một tỷ không trăm linh năm"),
    (1000000000000, "một nghìn tỷ"),
    (5000000000021, "năm nghìn tỷ không trăm hai mươi mốt"),
    (10**18, "một tỷ tỷ"),
]


@pytest.mark.parametrize("n, words", NUMBER_WORDS)
def test_number_to_words_table(n, words):
    assert number_to_words(n) == words


def test_money_in_words():
    assert money_in_words(710000) == "Bảy trăm mười nghìn đồng"
    assert money_in_words(0) == "Không đồng"
    assert money_in_words(Decimal("1005000")) == "Một triệu không trăm linh năm nghìn đồng"


@pytest.mark.parametrize("bad", [-1, Decimal("-5"), Decimal("1.5"), 2.5])
def test_words_refuse_negative_and_fractions(bad):
    with pytest.raises(ValueError):
        number_to_words(bad)
    with pytest.raises(ValueError):
        money_in_words(bad)


_DIGITS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5,
           "lăm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}


def _words_to_number(words):
    """Independent reader of Vietnamese number words, used to check number_to_words."""
    for scale, size in (("tỷ", 10**9), ("triệu", 10**6), ("nghìn", 1000)):
        if scale in words:
            cut = len(words) - 1 - words[::-1].index(scale)
            return _words_to_number(words[:cut]) * size + _words_to_number(words[cut + 1:])
    value = 0
    if "trăm" in words:
        value = _DIGITS[words[0]] * 100
        assert words[1] == "trăm"
        words = words[2:]
    if words[:1] == ["linh"]:
        assert len(words) == 2 and words[1] not in ("mốt", "tư", "lăm")
        return value + _DIGITS[words[1]]
    if words[:1] == ["mười"]:
        assert words[1:] not in (["mốt"], ["tư"], ["năm"])
        return value + 10 + (_DIGITS[words[1]] if len(words) > 1 else 0)
    if len(words) >= 2 and words[1] == "mươi":
        assert words[2:] not in (["một"], ["bốn"], ["năm"])
        return value + _DIGITS[words[0]] * 10 + (_DIGITS[words[2]] if len(words) > 2 else 0)
    if words:
        assert len(words) == 1 and words[0] not in ("mốt", "tư", "lăm")
        return value + _DIGITS[words[0]]
    return value


@given(st.integers(min_value=1, max_value=10**15))
def test_number_to_words_reads_back(n):
    words = number_to_words(n)
    assert words == words.strip() and "  " not in words
    assert _words_to_number(words.split()) == n


@pytest.mark.parametrize("text, expected", [
    ("85%", Decimal("85")),
    ("85 %", Decimal("85")),
    ("1.600", Decimal("1600")),
    ("1.600 người", Decimal("1600")),
    ("khoảng 9,48%", Decimal("9.48")),
    ("8,5", Decimal("8.5")),
    ("8.5", Decimal("8.5")),
    ("44 triệu", Decimal("44000000")),
    ("44 triệu đồng", Decimal("44000000")),
    ("3 nghìn", Decimal("3000")),
    ("2 ngàn", Decimal("2000")),
    ("1,5 tỷ", Decimal("1500000000")),
    ("12%", Decimal("12")),
    ("-3", Decimal("-3")),
    ("\u22123", Decimal("-3")),
    ("+7", Decimal("7")),
    ("1.234.567,89", Decimal("1234567.89")),
    ("1234,5", Decimal("1234.5")),
    ("1.234.567", Decimal("1234567")),
    ("12.3456", Decimal("12.3456")),
    ("0", Decimal("0")),
    (Decimal("8.50"), Decimal("8.50")),
    (12, Decimal("12")),
    (0.1, Decimal("0.1")),
])
def test_parse_number(text, expected):
    result = parse_number(text)
    assert isinstance(result, Decimal)
    assert result == expected


def test_parse_number_float_goes_through_str():
    assert str(parse_number(0.1)) == "0.1"


@pytest.mark.parametrize("text", [
    "", "   ", None, "abc", "1,2,3", "1.2.3", "12.34,5", "5 - 10", "1/2", "12.", "%",
    float("nan"), Decimal("Infinity"), True, "1,234,567",
])
def test_parse_number_rejects(text):
    with pytest.raises(ValidationError) as info:
        parse_number(text, field="so_luong")
    assert "không phải là số" in str(info.value)
    assert info.value.field == "so_luong"


@pytest.mark.parametrize("text, value, unit", [
    ("85%", Decimal("85"), "%"),
    ("1.600 người", Decimal("1600"), "người"),
    ("44 triệu đồng", Decimal("44"), "triệu đồng"),
    ("khoảng 9,48 %", Decimal("9.48"), "%"),
    ("  12   hộ  gia đình ", Decimal("12"), "hộ gia đình"),
    ("7", Decimal("7"), ""),
    (Decimal("7.5"), Decimal("7.5"), ""),
])
def test_parse_number_with_unit(text, value, unit):
    assert parse_number_with_unit(text) == (value, unit)


# ------------------------------------------------------------- validation ---

def test_validate_name_cleans():
    assert validate_name("  Nguyễn \t Văn  An ", label="Họ và tên") == "Nguyễn Văn An"
    nfd = unicodedata.normalize("NFD", "Đặng Thị Hằng")
    assert validate_name(nfd, label="Họ và tên") == "Đặng Thị Hằng"


@pytest.mark.parametrize("empty", [None, "", "  \t "])
def test_validate_name_required(empty):
    with pytest.raises(ValidationError) as info:
        validate_name(empty, label="Họ và tên")
    assert str(info.value) == "Họ và tên không được để trống."
    assert info.value.field == "Họ và tên"


def test_validate_name_optional_empty():
    assert validate_name("  ", label="Ghi chú", required=False) == ""


def test_validate_name_too_long_states_limit_and_length():
    with pytest.raises(ValidationError) as info:
        validate_name("a" * 31, label="Tên thôn", max_len=30, field="ten")
    message = str(info.value)
    assert "Tên thôn" in message and "30" in message and "31" in message
    assert info.value.field == "ten"
    assert validate_name("a" * 30, label="Tên thôn", max_len=30) == "a" * 30


@pytest.mark.parametrize("bad", ["Nguyễn\u200bVăn", "\ufeffAn", "An\x00", "Bình\u00ad", "A\u202eB"])
def test_validate_name_refuses_invisible_characters(bad):
    with pytest.raises(ValidationError) as info:
        validate_name(bad, label="Họ và tên")
    assert "ký tự điều khiển" in str(info.value)
    assert "gõ lại" in str(info.value)


@given(st.text(alphabet=VIETNAMESE_ALPHABET + " ", min_size=1, max_size=50))
def test_validate_name_accepts_any_vietnamese(text):
    cleaned = clean_text(text)
    if cleaned:
        assert validate_name(text, label="Tên") == cleaned


@pytest.mark.parametrize("module", [vntext, legacy_encoding])
def test_modules_import_only_stdlib_and_models(module):
    source = open(module.__file__, encoding="utf-8").read()
    assert source.startswith('"""') and source.splitlines()[0].endswith('"""')
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or top == "models", name


@given(st.text(max_size=20))
def test_clean_text_is_idempotent(text):
    assert clean_text(clean_text(text)) == clean_text(text)


# ---------------------------------------- found against outside references ---

LOOKALIKE_D = "\u00d0"          # Ð (Icelandic eth), typed or left by old converters for Đ


@pytest.mark.parametrize("typed, expected", [
    ("\u00d0ặng Thị Hằng", "Đặng Thị Hằng"),
    ("Thôn \u00d0ồng Tâm", "Thôn Đồng Tâm"),
    ("\u00f0ường làng", "đường làng"),
    (unicodedata.normalize("NFD", "\u00d0ỗ Văn \u00d0ức"), "Đỗ Văn Đức"),
])
def test_lookalike_eth_becomes_vietnamese_d(typed, expected):
    assert clean_text(typed) == expected
    assert nfc(typed) == expected
    assert validate_name(typed, label="Họ và tên") == expected
    assert fold(typed) == fold(expected)
    assert name_sort_key(typed) == name_sort_key(expected)
    assert text_sort_key(typed) == text_sort_key(expected)


def test_lookalike_eth_is_found_by_search_and_sorts_with_d():
    assert fold("\u00d0ức") == "duc"
    names = ["\u00d0ỗ Văn \u00d0ức", "Lê Văn Dũng", "Trần Văn Ê"]
    # Đ sorts after D and before E in the Vietnamese alphabet (Ð used to sort after z).
    assert [n.split()[-1] for n in sorted(names, key=name_sort_key)] == [
        "Dũng", "\u00d0ức", "Ê"]


@given(st.text(alphabet=VIETNAMESE_ALPHABET + LOOKALIKE_D + "\u00f0 ", max_size=30))
def test_text_never_keeps_a_lookalike_d(text):
    cleaned = clean_text(text)
    assert "\u00d0" not in cleaned and "\u00f0" not in cleaned
    assert fold(text) == fold(text.replace("\u00d0", "Đ").replace("\u00f0", "đ"))


@pytest.mark.parametrize("text, value, unit", [
    (",5", Decimal("0.5"), ""),
    (".5", Decimal("0.5"), ""),
    (",75%", Decimal("0.75"), "%"),
    (",75 %", Decimal("0.75"), "%"),
    ("-,5", Decimal("-0.5"), ""),
    ("khoảng ,5 ha", Decimal("0.5"), "ha"),
    ("Tr. 5", Decimal("5"), ""),
])
def test_leading_decimal_mark_is_a_fraction(text, value, unit):
    assert parse_number_with_unit(text) == (value, unit)
    assert parse_number(text) == value


@pytest.mark.parametrize("text", [",5,5", ".,5", ",", ".", ",%"])
def test_leading_decimal_mark_never_shifts_the_number(text):
    with pytest.raises(ValidationError):
        parse_number(text)


@given(st.integers(min_value=1, max_value=99), st.sampled_from(["", "%", " %", " ha"]),
       st.sampled_from([",", "."]))
def test_fraction_without_leading_zero_reads_like_with_it(digits, unit, mark):
    fraction = f"{digits:02d}".rstrip("0")
    with_zero = parse_number_with_unit(f"0,{fraction}{unit}")
    assert parse_number_with_unit(f"{mark}{fraction}{unit}") == with_zero
    assert with_zero[0] < 1


def test_hyphenated_names_sort_by_syllable():
    names = ["Nguyễn Hải-Vân", "Nguyễn Hà-Khoa", "Lê Hà", "Trần Hà Khoa"]
    assert sorted(names, key=name_sort_key) == [
        "Lê Hà", "Nguyễn Hà-Khoa", "Nguyễn Hải-Vân", "Trần Hà Khoa"]
    assert sorted(["Hải-Vân", "Hà-Khoa"], key=text_sort_key) == ["Hà-Khoa", "Hải-Vân"]
    # Each syllable keeps the letters-then-tones rule: Ha-Khoa < Hà-Khoa.
    assert name_sort_key("Ha-Khoa") < name_sort_key("Hà-Khoa") < name_sort_key("Hải")


syllable = st.text(alphabet=VIETNAMESE_ALPHABET, min_size=1, max_size=6)


@given(st.lists(syllable, min_size=2, max_size=3), st.lists(syllable, min_size=2, max_size=3))
def test_hyphenated_words_compare_like_their_syllables(a, b):
    """A hyphenated word orders as its syllables would as separate words of a text."""
    expected = text_sort_key(" ".join(a))[0] < text_sort_key(" ".join(b))[0]
    assert (text_sort_key("-".join(a))[0] < text_sort_key("-".join(b))[0]) == expected
