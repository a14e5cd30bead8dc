"""Text that always fits its box: fonts with Vietnamese letters, shrink then wrap, never overflow.

reportlab is imported inside functions (start-up speed).
"""
import os
import re
import unicodedata
from dataclasses import dataclass

from models.errors import ValidationError

from . import pdfdoc

LEADING = 1.17            # line spacing, × font size
HARD_MIN = 4.0            # below the field's floor only as a last resort, then "…"
VIETNAMESE_LETTERS = ("ĂÂĐÊÔƠƯăâđêôơư"
                      "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
                      "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


def nfc(text):
    return unicodedata.normalize("NFC", "" if text is None else str(text))


# --------------------------------------------------------------------------- fonts

class Fonts:
    """Font names for the four faces plus ascent/descent (fractions of the size)."""

    def __init__(self, template=None):
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont, TTFError
        if template is not None and template.font_family:
            faces = installed_family(template.font_family, where=f"Mẫu «{template.name}»")
            base = "TDKTFamily-" + re.sub(r"[^A-Za-z0-9]", "", template.font_family)[:40]
            self.faces = {}
            for (bold, italic), face in (((False, False), "regular"), ((True, False), "bold"),
                                         ((False, True), "italic"), ((True, True), "bolditalic")):
                name = f"{base}-{face}"
                if name not in pdfmetrics.getRegisteredFontNames():
                    try:
                        pdfmetrics.registerFont(TTFont(name, faces[face]))
                    except (TTFError, OSError, ValueError) as exc:
                        raise ValidationError(
                            f"Phông chữ «{template.font_family}» không dùng được: "
                            f"{str(exc)[:200]}", field="font_family") from None
                check_vietnamese_font(name, label=template.font_family)
                self.faces[(bold, italic)] = name
        else:
            pdfdoc.register_fonts()
            check_vietnamese_font(pdfdoc.FONT, label="Times New Roman / Liberation Serif")
            self.faces = {(False, False): pdfdoc.FONT, (True, False): pdfdoc.FONT_BOLD,
                          (False, True): pdfdoc.FONT_ITALIC, (True, True): pdfdoc.FONT_BOLD_ITALIC}
        self.metrics = {}
        for fname in set(self.faces.values()):
            face = pdfmetrics.getFont(fname).face
            self.metrics[fname] = (face.ascent / 1000.0, -face.descent / 1000.0)

    def name(self, bold=False, italic=False):
        return self.faces[(bool(bold), bool(italic))]


def installed_family(family, *, where="Mẫu giấy khen"):
    """{face: path} of an installed font family; ValidationError naming it when missing."""
    from models.templates import check_font_name
    check_font_name(family, where)
    faces = pdfdoc.family_faces(family)
    if faces is None:
        raise ValidationError(
            f"{where}: máy này không có phông chữ «{family}». Hãy cài phông đó, hoặc để "
            "trống ô phông chữ để dùng Times New Roman.", field="font_family")
    return faces


_checked_fonts = set()


def check_vietnamese_font(font_name, *, label=None):
    """ValidationError when the registered TTF font lacks some Vietnamese letters."""
    if font_name in _checked_fonts:
        return
    from reportlab.pdfbase import pdfmetrics
    cmap = getattr(pdfmetrics.getFont(font_name).face, "charToGlyph", {})
    missing = [ch for ch in VIETNAMESE_LETTERS if ord(ch) not in cmap]
    if missing:
        raise ValidationError(
            f"Phông chữ {label or font_name} thiếu {len(missing)} chữ tiếng Việt (ví dụ: "
            f"{' '.join(missing[:8])}). Hãy dùng Times New Roman hoặc Liberation Serif.",
            field="font_family")
    _checked_fonts.add(font_name)


# --------------------------------------------------------------------------- text fitting

@dataclass
class Fitted:
    size: float
    lines: list
    widths: list
    truncated: bool = False


class TextFitter:
    """Shrinks, then wraps text into a box; never leaves the box. Caches word widths."""

    def __init__(self):
        from reportlab.pdfbase.pdfmetrics import stringWidth
        self._sw = stringWidth
        self._cache = {}

    def unit_width(self, text, font):
        key = (font, text)
        w = self._cache.get(key)
        if w is None:
            w = self._sw(text, font, 1.0)
            if len(self._cache) > 200000:
                self._cache.clear()
            self._cache[key] = w
        return w

    def fit(self, text, font, size, min_size, w, h, fit="shrink_wrap", metrics=(0.9, 0.22)):
        """Fitted lines for ``text`` in a w × h box (points); "\n" starts a new line."""
        asc, desc = metrics
        paragraphs = [" ".join(p.split()) for p in nfc(text).split("\n")]
        paragraphs = [p for p in paragraphs if p]
        if not paragraphs:
            return Fitted(size, [], [])
        if fit in ("shrink", "shrink_wrap") and len(paragraphs) == 1:
            text = paragraphs[0]
            one = self.unit_width(text, font)
            s = min(size, w / one if one else size, h / (asc + desc))
            if s >= min_size or (fit == "shrink" and s >= HARD_MIN):
                s = _floor(s)
                return Fitted(s, [text], [one * s])
            if fit == "shrink":
                return self._truncate([[text]], font, HARD_MIN, w, h, asc, desc, max_lines=1)
        s = _floor(min(size, h / (asc + desc)))
        words = [p.split(" ") for p in paragraphs]
        while s >= HARD_MIN:
            lines = [line for ws in words for line in self.wrap(ws, font, s, w)]
            if (len(lines) - 1) * s * LEADING + s * (asc + desc) <= h:
                return Fitted(s, [t for t, _ in lines], [lw for _, lw in lines])
            s = round(s - (0.5 if s > 8 else 0.25), 2)
        return self._truncate(words, font, HARD_MIN, w, h, asc, desc)

    def wrap(self, words, font, s, w):
        """Greedy wrap at size s: [(line, width)]; over-long words are split by letters."""
        space = self.unit_width(" ", font) * s
        lines, cur, cur_w = [], [], 0.0
        for word in words:
            ww = self.unit_width(word, font) * s
            if ww > w:
                pieces = self._split_word(word, font, s, w)
                for piece, pw in pieces[:-1]:
                    if cur:
                        lines.append((" ".join(cur), cur_w))
                        cur, cur_w = [], 0.0
                    lines.append((piece, pw))
                word, ww = pieces[-1]
            if cur and cur_w + space + ww <= w:
                cur.append(word)
                cur_w += space + ww
            else:
                if cur:
                    lines.append((" ".join(cur), cur_w))
                cur, cur_w = [word], ww
        if cur:
            lines.append((" ".join(cur), cur_w))
        return lines

    def _split_word(self, word, font, s, w):
        pieces, cur = [], ""
        for ch in word:
            if cur and self._sw(cur + ch, font, s) > w:
                pieces.append((cur, self._sw(cur, font, s)))
                cur = ch
            else:
                cur += ch
        pieces.append((cur, self._sw(cur, font, s)))
        return pieces

    def _truncate(self, words, font, s, w, h, asc, desc, max_lines=None):
        lines = [line for ws in words for line in self.wrap(ws, font, s, w)]
        if max_lines is None:
            max_lines = max(1, int((h - s * (asc + desc)) // (s * LEADING)) + 1)
        kept = lines[:max_lines]
        last = kept[-1][0]
        while last and self._sw(last + "…", font, s) > w:
            last = last[:-1].rstrip()
        kept[-1] = (last + "…", self._sw(last + "…", font, s))
        return Fitted(s, [t for t, _ in kept], [lw for _, lw in kept], truncated=True)


def _floor(s):
    return int(s * 4) / 4.0
