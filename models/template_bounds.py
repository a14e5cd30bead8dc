"""Bounds for shared certificate template files: size, nesting, types, lengths, fonts, images.

Template files travel between communes; one may be careless or hostile. Everything is
checked before any of it is used: a field of a million characters, JSON nested a hundred
thousand deep, a font "name" that is really a path (``../../etc/passwd``, ``/dev/zero``,
``\\\\host\\share``) or an image that would decode to gigabytes are refused at load with a
message saying which part of the file is wrong.
"""
import re
import struct

from .errors import ValidationError

MAX_FILE_BYTES = 20 * 1024 * 1024      # a scanned blank in base64 included
MAX_DEPTH = 4                          # {template: {fields: [{field}]}} is 3 deep
MAX_FIELDS = 40
MAX_NUMBER = 100_000
TEXT_LIMITS = {"name": 100, "heading": 200, "lead": 200, "issuer": 300, "title_match": 200,
               "subject_kind": 20, "font_family": 300, "font_file": 300, "format": 60}
FIELD_TEXT_LIMITS = {"key": 40, "label": 100, "text": 2000, "align": 10, "fit": 20,
                     "color": 7}
NUMBERS = ("width_mm", "height_mm", "heading_size", "qr_x", "qr_y", "qr_size")
FIELD_NUMBERS = ("x", "y", "w", "h", "size", "min_size")
FIELD_BOOLS = ("bold", "italic", "enabled")
MAX_IMAGE_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 60_000_000                # A4 at 600 dpi is 35 megapixels
MAX_SIDE = 20_000
FONT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _-]{0,63}")


def _n(value):
    return f"{value:,}".replace(",", ".")


def depth(value):
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _text(value, where, limit):
    if value is None:
        return
    if not isinstance(value, str):
        raise ValidationError(f"Tệp mẫu giấy khen: {where} phải là chữ, không phải "
                              f"{_kind(value)}.")
    if len(value) > limit:
        raise ValidationError(f"Tệp mẫu giấy khen: {where} dài {_n(len(value))} ký tự; tối "
                              f"đa {_n(limit)}. Hãy sửa tệp mẫu.")


def _number(value, where):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValidationError(f"Tệp mẫu giấy khen: {where} phải là số, không phải "
                              f"{_kind(value)}.")
    if isinstance(value, str):
        if len(value) > 20:
            raise ValidationError(f"Tệp mẫu giấy khen: {where} không phải là số.")
        return
    if not -MAX_NUMBER <= value <= MAX_NUMBER:
        raise ValidationError(f"Tệp mẫu giấy khen: {where} = {str(value)[:20]} ngoài khoảng "
                              "cho phép.")


def _bool(value, where):
    if not isinstance(value, bool) and value not in (0, 1):
        raise ValidationError(f"Tệp mẫu giấy khen: {where} phải là true hoặc false.")


def _kind(value):
    return {dict: "một đối tượng", list: "một danh sách", bool: "true/false",
            type(None): "null"}.get(type(value), "số" if isinstance(value, (int, float))
                                     else "chữ")


def check_document(data):
    """Raise ValidationError unless parsed template JSON has the expected shape and bounds."""
    if not isinstance(data, dict):
        raise ValidationError("Tệp mẫu giấy khen không đúng định dạng (cần một đối tượng JSON).")
    if depth(data) > MAX_DEPTH:
        raise ValidationError("Tệp mẫu giấy khen lồng nhau quá sâu; đây không phải là mẫu do "
                              "phần mềm tạo ra.")
    for key, limit in TEXT_LIMITS.items():
        _text(data.get(key), f"mục «{key}»", limit)
    for key in NUMBERS:
        if key in data:
            _number(data[key], f"mục «{key}»")
    if "version" in data:
        _number(data["version"], "mục «version»")
    fields = data.get("fields")
    if fields is None:
        return
    if not isinstance(fields, list):
        raise ValidationError("Danh sách ô (fields) trong tệp mẫu phải là một mảng.")
    if len(fields) > MAX_FIELDS:
        raise ValidationError(f"Tệp mẫu có {_n(len(fields))} ô; tối đa {MAX_FIELDS}.")
    for i, raw in enumerate(fields, 1):
        if not isinstance(raw, dict):
            raise ValidationError(f"Ô thứ {i} trong tệp mẫu không đúng định dạng.")
        name = raw.get("key") if isinstance(raw.get("key"), str) else ""
        where = f"ô thứ {i}{' («' + name[:40] + '»)' if name else ''}"
        for key, limit in FIELD_TEXT_LIMITS.items():
            _text(raw.get(key), f"{where}, mục «{key}»", limit)
        for key in FIELD_NUMBERS:
            if key in raw:
                _number(raw[key], f"{where}, mục «{key}»")
        for key in FIELD_BOOLS:
            if key in raw:
                _bool(raw[key], f"{where}, mục «{key}»")


def check_font_name(name, where="Mẫu giấy khen"):
    """A font is named by its family (``Times New Roman``), never by a file path."""
    if not name:
        return ""
    if not FONT_NAME.fullmatch(name):
        shown = name if len(name) <= 60 else name[:60] + "…"
        raise ValidationError(
            f"{where}: phông chữ «{shown}» không hợp lệ. Hãy ghi tên một họ phông đã cài "
            "trong máy (ví dụ: Times New Roman), không ghi đường dẫn tệp.",
            field="font_family")
    return name


# --------------------------------------------------------------------------- images

def image_size(data):
    """(kind, width, height) read from the header only; width/height None when unknown."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return "PNG", w, h
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return "GIF", w, h
    if data.startswith(b"BM") and len(data) >= 26:
        w, h = struct.unpack("<ii", data[18:26])
        return "BMP", abs(w), abs(h)
    if data.startswith(b"\xff\xd8\xff"):
        return ("JPEG",) + _jpeg_size(data)
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return ("TIFF",) + _tiff_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ("WEBP",) + _webp_size(data)
    return None, None, None


def _jpeg_size(data):
    i = 2
    while i + 9 < len(data) and i < 4 * 1024 * 1024:
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            i += 1 if marker == 0xFF else 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + length
    return None, None


def _tiff_size(data):
    end = "<" if data[:2] == b"II" else ">"
    try:
        offset = struct.unpack(end + "I", data[4:8])[0]
        count = struct.unpack(end + "H", data[offset:offset + 2])[0]
        size = {}
        for n in range(min(count, 500)):
            entry = data[offset + 2 + 12 * n: offset + 14 + 12 * n]
            tag, typ = struct.unpack(end + "HH", entry[:4])
            if tag in (256, 257):
                fmt = end + ("H" if typ == 3 else "I")
                size[tag] = struct.unpack(fmt, entry[8:8 + struct.calcsize(fmt)])[0]
        return size.get(256), size.get(257)
    except struct.error:
        return None, None


def _webp_size(data):
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        return (int.from_bytes(data[24:27], "little") + 1,
                int.from_bytes(data[27:30], "little") + 1)
    if chunk == b"VP8 " and len(data) >= 30:
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None, None


def validate_image(data, *, name="ảnh nền"):
    """The kind ("PNG", …) of ``data``; ValidationError unless it is an image of a sane size.

    Only the header is read, before anything decodes the pixels: a small file that would
    decode to gigabytes is refused here.
    """
    if not data:
        raise ValidationError(f"Tệp {name} trống.")
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(f"Tệp {name} lớn {_n(len(data) // 1024 // 1024)} MB; tối đa "
                              f"{MAX_IMAGE_BYTES // 1024 // 1024} MB. Hãy quét ở 300 dpi.")
    kind, w, h = image_size(data)
    if kind is None:
        raise ValidationError(f"Tệp {name} không phải là ảnh (PNG, JPEG, BMP, GIF, TIFF). "
                              "Hãy quét phôi ra ảnh rồi chọn lại.")
    if w is None or h is None:
        raise ValidationError(f"Không đọc được kích thước của {name} ({kind}); hãy lưu ảnh "
                              "dạng PNG hoặc JPEG rồi chọn lại.")
    if not w or not h or w > MAX_SIDE or h > MAX_SIDE or w * h > MAX_PIXELS:
        raise ValidationError(
            f"Ảnh {name} có kích thước {_n(w)} × {_n(h)} điểm ảnh, vượt giới hạn "
            f"{_n(MAX_PIXELS // 1_000_000)} triệu điểm ảnh. Hãy quét ở 300 dpi.")
    return kind
