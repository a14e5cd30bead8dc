"""Convert Vietnamese text in the legacy TCVN3 (ABC) and VNI-Windows encodings to Unicode."""

# Old Excel and Word files keep Vietnamese in 8-bit fonts: ".VnTime" and friends
# (TCVN3, also called ABC) or "VNI-Times" and friends (VNI-Windows).  Read with a
# Unicode-aware library, such text shows the cp1252 / latin-1 characters of those
# bytes: "Céng hoµ x· héi chñ nghÜa ViÖt Nam" (TCVN3) or
# "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam" (VNI).
#
# TCVN3 maps each Vietnamese letter to one byte, but has no codes for uppercase
# letters that carry a tone mark: the ".VnTimeH" family of fonts draws the
# lowercase codes as capitals.  So text in a font whose name ends in "H" is
# converted and then upper-cased.
#
# VNI-Windows writes a base letter followed by a mark character ("a" + "ø" = "à",
# "e" + "ä" = "ệ"); ơ, ư, đ and the toned i / ỵ are single characters.
#
# Detection (``detect_legacy``) trusts the font name first, then the content: it
# needs characters that proper Unicode Vietnamese never uses and needs the
# converted words to look like Vietnamese syllables, so it leaves Unicode
# Vietnamese, plain ASCII and ordinary Western text ("café", "naïve") alone.

import re
import unicodedata

__all__ = [
    "tcvn3_to_unicode", "vni_to_unicode", "unicode_to_tcvn3", "unicode_to_vni",
    "detect_legacy", "to_unicode", "looks_like_vietnamese_word",
]

# Vowels that carry tones, and tone marks in the order: huyền, hỏi, ngã, sắc, nặng.
_BASES = "aăâeêioôơuưy"
_TONE_MARKS = "\u0300\u0309\u0303\u0301\u0323"


def _with_tone(base, tone_index):
    """The NFC letter for ``base`` with tone ``tone_index`` (0 = no tone, 1..5 as _TONE_MARKS)."""
    if tone_index == 0:
        return base
    return unicodedata.normalize("NFC", base + _TONE_MARKS[tone_index - 1])


# ---------------------------------------------------------------- TCVN3 ---

# Byte codes per base vowel: no tone, huyền, hỏi, ngã, sắc, nặng (lowercase letters).
_TCVN3_CODES = {
    "a": ("a", 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": ("e", 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": ("i", 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": ("o", 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": ("u", 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": ("y", 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
# The only uppercase letters TCVN3 has codes for.
_TCVN3_UPPER = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}


def _build_tcvn3_tables():
    encode = {"đ": chr(0xAE)}
    for letter, code in _TCVN3_UPPER.items():
        encode[letter] = chr(code)
    for base, codes in _TCVN3_CODES.items():
        for tone, code in enumerate(codes):
            if isinstance(code, int):
                letter = _with_tone(base, tone)
                encode[letter] = chr(code)
                upper = letter.upper()
                # Uppercase toned letters share the lowercase code (drawn as capitals by "H" fonts).
                encode.setdefault(upper, chr(code))
    decode = {ord(code): letter for letter, code in encode.items()
              if not (letter.isupper() and letter not in _TCVN3_UPPER)}
    return str.maketrans(encode), decode


_TCVN3_ENCODE, _TCVN3_DECODE = _build_tcvn3_tables()
_TCVN3_ONLY = frozenset(chr(c) for c in _TCVN3_DECODE) - frozenset(
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
# TCVN3 codes that are symbols in cp1252; real text almost never has them next to letters.
_TCVN3_SYMBOLS = frozenset(c for c in _TCVN3_ONLY if 0xA1 <= ord(c) <= 0xBE or c in "×÷")


def tcvn3_to_unicode(text, *, uppercase=False):
    """Convert TCVN3 (ABC, ".VnTime") text to Unicode; ``uppercase`` for ".VnTimeH"-style fonts."""
    if text is None:
        return None
    result = unicodedata.normalize("NFC", text.translate(_TCVN3_DECODE))
    return result.upper() if uppercase else result


def unicode_to_tcvn3(text):
    """Encode Unicode Vietnamese as TCVN3; toned capitals become the lowercase code (lossy)."""
    return unicodedata.normalize("NFC", text).translate(_TCVN3_ENCODE)


# ------------------------------------------------------------------ VNI ---

def _vni_row(base, marks):
    return tuple(base + mark for mark in marks)


_VNI_TONES = ("", "ø", "û", "õ", "ù", "ï")   # none, huyền, hỏi, ngã, sắc, nặng
_VNI_CIRCUMFLEX = tuple("âàåãáä")           # the same tones on â ê ô
_VNI_BREVE = tuple("êèúüéë")                # the same tones on ă
# VNI spelling of each base vowel with tones 0..5 (i and ỵ are single characters).
_VNI_ROWS = {
    "a": _vni_row("a", _VNI_TONES), "ă": _vni_row("a", _VNI_BREVE),
    "â": _vni_row("a", _VNI_CIRCUMFLEX), "e": _vni_row("e", _VNI_TONES),
    "ê": _vni_row("e", _VNI_CIRCUMFLEX), "i": tuple("iìæóíò"),
    "o": _vni_row("o", _VNI_TONES), "ô": _vni_row("o", _VNI_CIRCUMFLEX),
    "ơ": _vni_row("ô", _VNI_TONES), "u": _vni_row("u", _VNI_TONES),
    "ư": _vni_row("ö", _VNI_TONES), "y": _vni_row("y", _VNI_TONES)[:5] + ("î",),
}


def _build_vni_tables():
    encode = {}
    for base, row in _VNI_ROWS.items():
        for tone, spelling in enumerate(row):
            letter = _with_tone(base, tone)
            if spelling != letter:
                encode[letter] = spelling
                encode[letter.upper()] = spelling.upper()
    encode["đ"], encode["Đ"] = "ñ", "Ñ"
    decode = {}
    for letter, spelling in encode.items():
        decode[spelling] = letter
        if len(spelling) == 2:   # accept a mark whose case differs from its base letter
            decode.setdefault(spelling[0] + spelling[1].swapcase(), letter)
    return encode, decode


_VNI_ENCODE, _VNI_DECODE = _build_vni_tables()
_VNI_PATTERN = re.compile("|".join(
    re.escape(key) for key in sorted(_VNI_DECODE, key=len, reverse=True)))
_VNI_ONLY = frozenset("øûïäåëüîöñæ" + "øûïäåëüîöñæ".upper())
# A vowel followed by a VNI mark ("aø" = à, "eä" = ệ, "öø" = ừ).  French and German put
# some of these pairs in ordinary words (Loïc, Raphaël, goût, où, eût, Saül): those are
# weak evidence; every other pair is characteristic of VNI.
_VNI_PAIRS = sorted(key for key in _VNI_DECODE if len(key) == 2)
_WESTERN_PAIRS = frozenset("aï eï oï uï aë aü oû eû où".split())
_VNI_PAIR = re.compile("|".join(map(re.escape, (
    pair for pair in _VNI_PAIRS if pair[1] in _VNI_ONLY))))
_VNI_STRONG_PAIR = re.compile("|".join(
    re.escape(pair) for pair in _VNI_PAIRS if pair.lower() not in _WESTERN_PAIRS))


def vni_to_unicode(text):
    """Convert VNI-Windows text ("Vieät Nam") to Unicode ("Việt Nam")."""
    if text is None:
        return None
    converted = _VNI_PATTERN.sub(lambda match: _VNI_DECODE[match.group()], text)
    return unicodedata.normalize("NFC", converted)


def unicode_to_vni(text):
    """Encode Unicode Vietnamese as VNI-Windows (the reverse of ``vni_to_unicode``)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(_VNI_ENCODE.get(char, char) for char in text)


# ------------------------------------------------------------ detection ---

_VOWEL_GROUPS = sorted("""
    a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê
    ui uô uơ ưa ưi ưu ươ uy yê iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu
""".split(), key=len, reverse=True)
_SYLLABLE = re.compile(
    "(?P<onset>ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?"
    "(?P<vowels>" + "|".join(_VOWEL_GROUPS) + ")"
    "(?P<coda>ch|ng|nh|c|m|n|p|t)?")
_ONSETS_BEFORE_LONE_Y = {None, "h", "k", "l", "m", "qu", "s", "t", "th", "v"}   # ý, kỳ, quy, thy
# Vowel groups ending in a glide take no final consonant; these others need one.
_OPEN_ONLY = frozenset("""
    ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu iêu yêu oai oay oao oeo uây uôi
    ươi ươu uya uyu uơ y
""".split())
_NEED_CODA = frozenset("ă â iê yê uô ươ uyê oă uâ".split())
_BEFORE_NH_CH = frozenset("a ê i oa uy uê".split())     # anh, ếch, tính, oanh, huynh, khuếch
_NOT_BEFORE_NG_C = frozenset("ê i y uy".split())         # those take nh / ch instead
_ACRONYM = re.compile("[A-ZĐ]{2,8}")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_EDGE_PUNCTUATION = re.compile(r"^[\s\"'(\[{<«“‘]+|[\s\"')\]}>»”’.,;:!?…]+$")
_WORD_PARTS = re.compile(r"[-–/.,;:+&]+")
_UNICODE_VIETNAMESE = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9\u0300-\u036f]")


def looks_like_vietnamese_word(word):
    """True when ``word`` is Vietnamese syllables or acronyms (HĐND) joined by - / . , etc.

    Punctuation around the word is ignored; a symbol inside a part ("®Æng") fails.
    """
    parts = [part for part in _WORD_PARTS.split(_EDGE_PUNCTUATION.sub("", word)) if part]
    return not all(part.isdigit() for part in parts) and all(
        part.isdigit() or (_LETTER_RUN.fullmatch(part) and _is_syllable(part)) for part in parts)


def _is_syllable(run):
    if _ACRONYM.fullmatch(run):
        return True
    decomposed = unicodedata.normalize("NFD", run.lower())
    tones = [mark for mark in decomposed if mark in _TONE_MARKS]
    toneless = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    parts = _SYLLABLE.fullmatch(toneless)
    if len(tones) > 1 or not parts:
        return False
    vowels, coda = parts["vowels"], parts["coda"]
    if (vowels in _OPEN_ONLY and coda) or (vowels in _NEED_CODA and not coda):
        return False
    if vowels == "y" and parts["onset"] not in _ONSETS_BEFORE_LONE_Y:
        return False
    if coda in ("nh", "ch") and vowels not in _BEFORE_NH_CH:
        return False
    if coda in ("ng", "c") and vowels in _NOT_BEFORE_NG_C:
        return False
    # Syllables ending in p, t, c, ch only take the sắc or nặng tone.
    checked = toneless.endswith(("p", "t", "c", "ch"))
    return not (checked and tones and tones[0] in "\u0300\u0309\u0303")


def _score(text, convert, legacy_only, strong, leftovers, paired=None):
    """(improved, neutral, invalid, strong, paired) counts of the words ``convert`` changes.

    A changed word is *improved* when only the converted form looks Vietnamese,
    *neutral* when both forms do (the word has no ``legacy_only`` character and
    passes the syllable test as it stands, so it proves nothing), and *invalid*
    when the converted form does not look Vietnamese or keeps ``leftovers``
    (legacy characters that should have been consumed).  *strong* counts the
    improved words for which ``strong(word)`` is true (a pattern typical of the
    encoding) with 2+ letters after conversion; *paired* the improved words for
    which ``paired(word)`` is true (weaker patterns; None: none counted).
    """
    improved = neutral = invalid = strong_words = paired_words = 0
    for word in text.split():
        converted = convert(word)
        if converted == word:
            continue
        if not looks_like_vietnamese_word(converted) or leftovers.intersection(converted):
            invalid += 1
        elif looks_like_vietnamese_word(word) and not legacy_only.intersection(word):
            neutral += 1
        else:
            improved += 1
            longest_run = max(len(run) for run in _LETTER_RUN.findall(converted))
            strong_words += bool(strong(word)) and longest_run >= 2
            paired_words += paired is not None and bool(paired(word))
    return improved, neutral, invalid, strong_words, paired_words


def _accepts(score, has_legacy_only):
    """Is the TCVN3 score convincing?  With characters only the encoding produces: two
    Vietnamese-looking words (one proving it) or one convincing word, and at most one
    changed word in five failing.  Without them: two proving words, at least as many
    proving as neutral ones, and no failing word at all."""
    improved, neutral, invalid, strong_words, _ = score
    if not has_legacy_only:
        return improved >= 2 and improved >= neutral and invalid == 0
    enough = improved >= 1 and (improved + neutral >= 2 or strong_words >= 1)
    return enough and invalid * 5 <= improved + neutral + invalid


def _accepts_vni(score, has_legacy_only):
    """Is the VNI score convincing?  VNI's characters are Latin-1 letters that French,
    Spanish, German or Nordic names use ("Loïc" reads as "Lọc", "Ñu" as "Đu"), so one
    plausible word is not evidence: it needs a vowel-and-mark pair those languages never
    write ("aø", "eä", "öï"), or two proving words that each hold a vowel and a VNI-only
    mark ("hoïc haïnh"; so "Loïc où" stays), or three proving words; and at most one
    changed word in five failing."""
    improved, neutral, invalid, strong_words, paired_words = score
    if not has_legacy_only:
        return improved >= 2 and improved >= neutral and invalid == 0
    enough = strong_words >= 1 or paired_words >= 2 or improved >= 3
    return enough and invalid * 5 <= improved + neutral + invalid


def _font_encoding(font_name):
    name = (font_name or "").strip().lower()
    if name.startswith(".vn"):
        return "tcvn3"
    if name.startswith("vni-"):
        return "vni"
    return None


def detect_legacy(text, font_name=None):
    """Return 'tcvn3', 'vni' or None for ``text`` (font name decides first, then the content).

    Text that already holds Unicode Vietnamese letters (ộ, ư, đ, combining marks) is
    never legacy, whatever its font.  By content, each word the conversion changes
    is *proving* (only the converted form is a Vietnamese syllable), *neutral*
    (both forms are, e.g. "Tô" / "Tụ") or *failing* (the converted form is not).
    Proper Unicode Vietnamese words are never proving, so Unicode text is left
    alone.  A guess needs, if the text has characters only the encoding produces
    (TCVN3 "§", "µ", "ö"...; VNI "ø", "ä", "ñ"...): a proving word plus a second
    Vietnamese-looking one (or one proving word with a TCVN3 symbol code or a VNI
    mark after a vowel), with at most one changed word in five failing; otherwise:
    two proving words, no fewer proving than neutral ones and none failing.  If both
    encodings pass, more proving words win, then fewer failing, then more proving
    words with typical patterns, then TCVN3 (the usual one in government offices).
    Short cells can be undecidable: detect once on a whole column joined with
    newlines, or pass the font name.
    """
    if not text or _UNICODE_VIETNAMESE.search(text):
        return None
    by_font = _font_encoding(font_name)
    if by_font or text.isascii():
        return by_font
    candidates = []
    for encoding, convert, legacy_only, strong, paired, leftovers, accepts, preference in (
            ("tcvn3", tcvn3_to_unicode, _TCVN3_ONLY, _TCVN3_SYMBOLS.intersection, None,
             frozenset(), _accepts, 1),
            ("vni", vni_to_unicode, _VNI_ONLY, _VNI_STRONG_PAIR.search, _VNI_PAIR.search,
             _VNI_ONLY, _accepts_vni, 0)):
        score = _score(text, convert, legacy_only, strong, leftovers, paired)
        if accepts(score, bool(legacy_only.intersection(text))):
            improved, _, invalid, strong_words, _ = score
            candidates.append(((improved, -invalid, strong_words, preference), encoding))
    return max(candidates)[1] if candidates else None


def to_unicode(text, font_name=None):
    """Convert ``text`` to NFC Unicode if it is in TCVN3 or VNI; leave Unicode and ASCII alone."""
    if text is None:
        return None
    encoding = detect_legacy(text, font_name)
    if encoding == "tcvn3":
        return tcvn3_to_unicode(text, uppercase=(font_name or "").rstrip().endswith("H"))
    if encoding == "vni":
        return vni_to_unicode(text)
    return unicodedata.normalize("NFC", text)
