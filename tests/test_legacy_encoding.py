"""Tests for TCVN3 / VNI conversion, detection (models.legacy_encoding, re-exported by vntext)."""

import re
import unicodedata

import pytest
from hypothesis import assume, given, strategies as st

from models import legacy_encoding as legacy
from models import vntext
from models.legacy_encoding import (
    detect_legacy, looks_like_vietnamese_word, tcvn3_to_unicode, to_unicode,
    unicode_to_tcvn3, unicode_to_vni, vni_to_unicode,
)

TONES = "\u0300\u0309\u0303\u0301\u0323"   # huyền, hỏi, ngã, sắc, nặng
BASES = "aăâeêioôơuưy"
LOWER = [unicodedata.normalize("NFC", b + t) for b in BASES for t in [""] + list(TONES)]
LOWER_MARKED = [c for c in LOWER if not c.isascii()] + ["đ"]          # 67 letters
ALL_MARKED = LOWER_MARKED + [c.upper() for c in LOWER_MARKED]          # 134 letters
TCVN3_UPPER = ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"]
VIETNAMESE_ALPHABET = "".join(ALL_MARKED) + "aeiouybcdghklmnpqrstvx" + "AEIOUYBCDGHKLMNPQRSTVX"

PHRASES = [
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "Nguyễn Thị Hằng",
    "Thôn Đồng Tâm",
    "Ủy ban nhân dân xã Tân Lập",
    "Giấy khen của Chủ tịch UBND huyện về thành tích xuất sắc trong phong trào thi đua",
    "Gia đình văn hóa tiêu biểu năm 2025",
    "Khuyết tật, người cao tuổi, quyết định khen thưởng",
]
# Real words for property tests (each a valid syllable).
WORDS = """
    cộng hòa xã hội chủ nghĩa việt nam độc lập tự do hạnh phúc nguyễn thị hằng thôn đồng tâm
    ủy ban nhân dân tân lập giấy khen thưởng thi đua chiến sĩ tiên tiến lao động xuất sắc
    huyện tỉnh quyết định trưởng phó bí thư chi bộ hội phụ nữ cựu chiến binh nông dân đoàn
    thanh niên mặt trận tổ quốc người cao tuổi khuyến học gia đình văn hóa khu dân cư yên
    bình trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đức anh ánh ân
    hương ngọc tuấn quý yến khuya nguyện ướt ươu hoạt thuở giữa gì quyền
""".split()


# ---------------------------------------------------------------- anchors ---

@pytest.mark.parametrize("legacy, unicode", [
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("NguyÔn", "Nguyễn"),
    ("®", "đ"),
    ("§", "Đ"),
    ("¡ ¢ £ ¤ ¥ ¦ §", "Ă Â Ê Ô Ơ Ư Đ"),
    ("¨ © ª « ¬ \u00ad ®", "ă â ê ô ơ ư đ"),
])
def test_tcvn3_anchors(legacy, unicode):
    assert tcvn3_to_unicode(legacy) == unicode


@pytest.mark.parametrize("legacy, unicode", [
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("Vieät Nam", "Việt Nam"),
    ("Nguyeãn", "Nguyễn"),
    ("ñ", "đ"),
    ("Ñ", "Đ"),
    ("NGUYEÃN THÒ HAÈNG", "NGUYỄN THỊ HẰNG"),
    ("Ngöôøi", "Người"),
])
def test_vni_anchors(legacy, unicode):
    assert vni_to_unicode(legacy) == unicode


def test_none_passes_through():
    assert tcvn3_to_unicode(None) is None
    assert vni_to_unicode(None) is None
    assert to_unicode(None) is None
    assert detect_legacy(None) is None


# ---------------------------------------------------------------- tables ---

def test_there_are_134_marked_letters():
    assert len(set(ALL_MARKED)) == 134


def test_tcvn3_uses_one_distinct_high_byte_per_letter():
    letters = LOWER_MARKED + TCVN3_UPPER
    codes = [unicode_to_tcvn3(c) for c in letters]
    assert all(len(code) == 1 and 0xA1 <= ord(code) <= 0xFE for code in codes)
    assert len(set(codes)) == len(letters) == 74
    assert all(code.encode("latin-1") for code in codes)


@pytest.mark.parametrize("letter", LOWER_MARKED + TCVN3_UPPER)
def test_tcvn3_round_trip(letter):
    assert tcvn3_to_unicode(unicode_to_tcvn3(letter)) == letter


TCVN3_TONED_CAPITALS = [c.upper() for c in LOWER_MARKED if c.upper() not in TCVN3_UPPER]


@pytest.mark.parametrize("letter", TCVN3_TONED_CAPITALS)
def test_tcvn3_toned_capitals_use_lowercase_codes_and_h_fonts(letter):
    code = unicode_to_tcvn3(letter)
    assert code == unicode_to_tcvn3(letter.lower())
    assert tcvn3_to_unicode(code, uppercase=True) == letter
    assert to_unicode(code, font_name=".VnTimeH") == letter


@pytest.mark.parametrize("letter", ALL_MARKED)
def test_vni_round_trip(letter):
    encoded = unicode_to_vni(letter)
    assert all(0x20 < ord(c) <= 0xFF for c in encoded)
    assert vni_to_unicode(encoded) == letter


def test_only_i_grave_and_acute_look_the_same_in_vni():
    assert [c for c in ALL_MARKED if unicode_to_vni(c) == c] == ["ì", "í", "Ì", "Í"]


@pytest.mark.parametrize("letter, tcvn3, vni", [
    ("ặ", "Æ", "aë"), ("ẳ", "¼", "aú"), ("ẵ", "½", "aü"), ("ậ", "Ë", "aä"), ("ẩ", "È", "aå"),
    ("ẻ", "Î", "eû"), ("ệ", "Ö", "eä"), ("ỉ", "Ø", "æ"), ("ĩ", "Ü", "ó"), ("ị", "Þ", "ò"),
    ("ỏ", "á", "oû"), ("õ", "â", "oõ"), ("ọ", "ä", "oï"), ("ờ", "ê", "ôø"), ("ợ", "î", "ôï"),
    ("ủ", "ñ", "uû"), ("ũ", "ò", "uõ"), ("ừ", "õ", "öø"), ("ữ", "÷", "öõ"), ("ỳ", "ú", "yø"),
    ("ỷ", "û", "yû"), ("ỹ", "ü", "yõ"), ("ỵ", "þ", "î"), ("ư", "\u00ad", "ö"), ("ơ", "¬", "ô"),
    ("Ỵ", "þ", "Î"), ("Ắ", "¾", "AÉ"), ("Ư", "¦", "Ö"), ("Ơ", "¥", "Ô"), ("Ĩ", "Ü", "Ó"),
])
def test_known_code_points(letter, tcvn3, vni):
    assert unicode_to_tcvn3(letter) == tcvn3
    assert unicode_to_vni(letter) == vni


def test_cp1252_punctuation_is_not_touched():
    text = "\u201cA\u201d \u2013 \u2026 \u20ac 5"
    assert tcvn3_to_unicode(text) == text
    assert vni_to_unicode(text) == text


def test_vni_spellings_are_distinct():
    spellings = [unicode_to_vni(c) for c in ALL_MARKED]
    assert len(set(spellings)) == 134


@pytest.mark.parametrize("phrase", PHRASES)
def test_phrases_round_trip(phrase):
    assert tcvn3_to_unicode(unicode_to_tcvn3(phrase.lower())) == phrase.lower()
    assert tcvn3_to_unicode(unicode_to_tcvn3(phrase), uppercase=True) == phrase.upper()
    assert vni_to_unicode(unicode_to_vni(phrase)) == phrase


@given(st.text(alphabet=VIETNAMESE_ALPHABET + " 0123456789-,.", max_size=40))
def test_random_vietnamese_round_trips(text):
    assert vni_to_unicode(unicode_to_vni(text)) == text
    assert tcvn3_to_unicode(unicode_to_tcvn3(text.lower())) == text.lower()
    assert tcvn3_to_unicode(unicode_to_tcvn3(text), uppercase=True) == text.upper()


def test_converters_output_nfc():
    assert vni_to_unicode("Vieät") == unicodedata.normalize("NFC", "Việt")
    assert unicode_to_vni(unicodedata.normalize("NFD", "Việt")) == "Vieät"
    assert unicode_to_tcvn3(unicodedata.normalize("NFD", "Việt")) == "ViÖt"


# ------------------------------------------------------------- detection ---

@pytest.mark.parametrize("phrase", PHRASES)
def test_detects_encoded_phrases(phrase):
    tcvn3 = unicode_to_tcvn3(phrase.lower())
    vni = unicode_to_vni(phrase)
    assert detect_legacy(tcvn3) == "tcvn3"
    assert detect_legacy(vni) == "vni"
    assert to_unicode(tcvn3) == phrase.lower()
    assert to_unicode(vni) == phrase


def test_vni_with_only_unicode_lookalike_letters():
    # "Nguyeãn Thò Haèng" has no character Unicode Vietnamese lacks, but two of its
    # words are Vietnamese only after conversion.
    assert detect_legacy("Nguyeãn Thò Haèng") == "vni"
    assert detect_legacy("tuaán phoù xuaát daân taân") == "vni"


def test_one_proving_word_is_not_enough_without_legacy_only_characters():
    # "Haèng" is only Vietnamese as VNI, "Thò" is fine either way: too little to act on.
    assert detect_legacy("Thò Haèng") is None
    assert detect_legacy("Thò Haèng Nguyeãn") == "vni"


def test_mostly_foreign_text_with_few_coincidences_is_left_alone():
    text = "Hµ Néi Müller Straße Jörg Björk Tromsø"
    assert detect_legacy("Hµ Néi") == "tcvn3"
    assert detect_legacy(text) is None
    assert to_unicode(text) == text


def test_short_cells_need_font_or_whole_column():
    cell = unicode_to_vni("Hằng")
    assert cell == "Haèng"
    assert detect_legacy(cell) is None
    assert to_unicode(cell) == cell
    assert to_unicode(cell, "VNI-Times") == "Hằng"
    column = "\n".join([cell, unicode_to_vni("Hương"), unicode_to_vni("Lan")])
    assert detect_legacy(column) == "vni"
    assert vni_to_unicode(cell) == "Hằng"


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=10).map(" ".join),
       st.sampled_from([str.lower, str.title, str.upper]))
def test_real_unicode_sentences_are_never_changed(sentence, case):
    sentence = case(sentence)
    assert detect_legacy(sentence) is None
    assert to_unicode(sentence) == sentence


@pytest.mark.parametrize("text, font, expected", [
    ("NguyÔn V¨n An", ".VnTime", "Nguyễn Văn An"),
    ("nguyÔn v¨n an", ".VnTimeH", "NGUYỄN VĂN AN"),
    ("bé tæng", ".VnArialH", "BỘ TỔNG"),
    ("Hµ", ".VnArial", "Hà"),
    ("Hµ", " .VnArial Narrow ", "Hà"),
    ("Haø", "VNI-Times", "Hà"),
    ("Haø", "vni-helve", "Hà"),
    ("N÷", None, "Nữ"),
    ("Haø", None, "Hà"),
    ("plain text", ".VnTime", "plain text"),
])
def test_to_unicode_with_font_names(text, font, expected):
    assert to_unicode(text, font) == expected


def test_font_name_decides_first():
    assert detect_legacy("Tô Lê", ".VnTime") == "tcvn3"     # what the .VnTime font shows
    assert detect_legacy("Tô Lê") is None
    assert detect_legacy("Tô Lê", "Times New Roman") is None
    assert detect_legacy("abc", "VNI-Times") == "vni"


@pytest.mark.parametrize("font", [".VnTime", ".VnTimeH", "VNI-Times", None, "Arial"])
def test_unicode_vietnamese_is_never_converted_even_with_legacy_font(font):
    for phrase in PHRASES:
        assert detect_legacy(phrase, font) is None
        assert to_unicode(phrase, font) == phrase
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn An")
    assert to_unicode(decomposed, font) == "Nguyễn Văn An"


@pytest.mark.parametrize("text", [
    "café", "naïve", "café au lait, crème brûlée", "Müller Straße", "El Niño año",
    "Björk Guðmundsdóttir", "Noël à Paris", "São Paulo", "Zoë Søren Åse", "Tromsø",
    "naïve café résumé", "© 2025 ABC®", "Tô Lê", "Hà Tĩnh", "Ông An", "Tốt lớn",
    "Jörg Müller für Straße", "façade", "garçon", "Peña señor mañana",
])
def test_western_and_unicode_text_is_left_alone(text):
    assert detect_legacy(text) is None
    assert to_unicode(text) == text


@given(st.text(alphabet=VIETNAMESE_ALPHABET + " 0123456789", max_size=60))
def test_unicode_vietnamese_is_never_changed(text):
    assert detect_legacy(text) is None
    assert to_unicode(text) == text


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_is_never_changed(text):
    assert detect_legacy(text) is None
    assert to_unicode(text) == text


@given(st.text(alphabet=st.characters(min_codepoint=0xA0, max_codepoint=0x24F), max_size=30))
def test_to_unicode_always_returns_nfc(text):
    assert unicodedata.is_normalized("NFC", to_unicode(text))


sentences = st.lists(st.sampled_from(WORDS), min_size=2, max_size=8).map(" ".join)
_UNICODE_LOOKALIKES = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")


def _distinguishable(sentence, encoded):
    """The encoding altered 2+ words and used a character Unicode Vietnamese never uses."""
    altered = [a for a, b in zip(sentence.split(), encoded.split()) if a != b]
    return len(altered) >= 2 and any(not c.isascii() and c not in _UNICODE_LOOKALIKES
                                     for c in encoded)


@given(sentences)
def test_tcvn3_sentences_are_detected_and_converted(sentence):
    encoded = unicode_to_tcvn3(sentence)
    assume(_distinguishable(sentence, encoded))
    assert detect_legacy(encoded) == "tcvn3"
    assert to_unicode(encoded) == sentence


_VNI_VOWEL_AND_MARK = re.compile("[aeouyôöAEOUYÔÖ][øûïäåëüØÛÏÄÅËÜ]")


@given(sentences, st.sampled_from([str.lower, str.title, str.upper]))
def test_vni_sentences_are_detected_and_converted(sentence, case):
    sentence = case(sentence)
    encoded = unicode_to_vni(sentence)
    # "thö thö" is "thư thư" in VNI and "thử thử" in TCVN3: only a vowel followed by a
    # VNI mark tells them apart. Pairs that Western names also write ("aë" in Raphaël,
    # "oï" in Loïc) are no evidence without a font name: two such words may stay
    # unconverted ("tænh ñaëng"), as the detector documents.
    pairs = [m.group() for m in _VNI_VOWEL_AND_MARK.finditer(encoded)]
    assume(_distinguishable(sentence, encoded)
           and any(p.lower() not in legacy._WESTERN_PAIRS for p in pairs))
    assert detect_legacy(encoded) == "vni"
    assert to_unicode(encoded) == sentence


@pytest.mark.parametrize("word", WORDS + ["gì", "quyết", "khuya", "người",
                                    "y", "ý", "kỳ", "quy", "Thy", "mỹ", "lý", "hy"])
def test_real_words_look_vietnamese(word):
    assert looks_like_vietnamese_word(word)
    assert looks_like_vietnamese_word(word.title() + ",")
    assert looks_like_vietnamese_word("(" + word.upper() + ")")


@pytest.mark.parametrize("word", ["HĐND", "UBND", "THCS", "UBND-HĐND"])
def test_acronyms_look_vietnamese(word):
    assert looks_like_vietnamese_word(word)


@pytest.mark.parametrize("word", ["Vieọt", "hoưa", "xaừ", "cafộ", "naùve", "Mỹller", "chđ",
                                  "hoàà", "straòe", "", "123", "tèt", "hỏc", "lãp", "Hđnd",
                                  "đy", "gỹ", "ynh", "taõm", "luơn", "caun", "tiê", "ơnh",
                                  "ing", "ă"])
def test_garbage_does_not_look_vietnamese(word):
    assert not looks_like_vietnamese_word(word)


def test_vntext_reexports_legacy_api():
    for name in ("tcvn3_to_unicode", "vni_to_unicode", "detect_legacy", "to_unicode",
                 "unicode_to_tcvn3", "unicode_to_vni"):
        assert getattr(vntext, name) is globals()[name]


# ------------------------------- Latin-1 names are not VNI without a font name ---

@pytest.mark.parametrize("text", [
    "Loïc", "Ñu", "Loïc Ñu", "Ñu Loïc", "LOÏC", "ÑU", "Loïc Dupont", "José Ñu",
    "Raphaël Loïc où", "Anaïs", "Noël Loïc", "goût", "Saül", "Moïse Loïc", "Peña Ñu",
    "Zoë Loïc", "Citroën", "Eloïse", "Björn Ñu",
])
def test_latin1_names_are_never_converted_without_a_font(text):
    """One plausible word ("Loïc" -> "Lọc", "Ñu" -> "Đu") is no evidence of VNI."""
    assert detect_legacy(text) is None
    assert to_unicode(text) == text
    # With the font name the clerk's file declares, it is VNI after all.
    assert detect_legacy(text, "VNI-Times") == "vni"


@pytest.mark.parametrize("legacy, unicode", [
    ("Haø", "Hà"),                       # ø after a vowel: no Western language writes it
    ("Chuû tòch", "Chủ tịch"),
    ("hoïc haïnh", "học hạnh"),          # two proving words each with a vowel-and-mark pair
    ("Loïc Loïc Ñu", "Lọc Lọc Đu"),      # three proving words
    ("Ñoäc laäp", "Độc lập"),
])
def test_vni_still_found_with_strong_evidence(legacy, unicode):
    assert detect_legacy(legacy) == "vni"
    assert to_unicode(legacy) == unicode


western_words = st.sampled_from("Loïc Anaïs Noël Raphaël Ñu Peña José Zoë Björn Saül Moïse "
                                "Eloïse Héloïse Thaïs Citroën naïve goût où Jörg Müller "
                                "Søren Åse Dupont Martin".split())


@given(st.lists(western_words, min_size=1, max_size=2, unique=True).map(" ".join))
def test_one_or_two_western_names_are_left_alone(text):
    assert to_unicode(text) == text
