"""Certificate templates (paper, field boxes, wording), printer offsets and the print log."""
import base64
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields as dc_fields
from decimal import Decimal

from .entities import HOUSEHOLD, PERSON, UNIT, Award, CertTemplate, PrinterOffset, PrintLog
from .errors import ConflictError, NotFound, UserError, ValidationError
from .freeing import one_copy
from .print_log import (CONFIRMED, log_prints, print_history,  # noqa: F401 (used by callers)
                        printed_award_ids)
from .service import audit, service
from .template_bounds import (MAX_FILE_BYTES, check_document, check_font_name,  # noqa: F401
                              validate_image)
from .vntext import fold

FILE_FORMAT = "tdkt-certificate-template"
FILE_VERSION = 1
MAX_OFFSET_MM = 20          # beyond this the clerk must confirm
HARD_OFFSET_MM = 100        # beyond this the value is refused
MIN_FONT, MAX_FONT = 4, 120
ALIGNS = {"left": "trái", "center": "giữa", "right": "phải"}
FITS = {"shrink_wrap": "thu nhỏ rồi xuống dòng", "shrink": "thu nhỏ (một dòng)",
        "wrap": "xuống dòng rồi thu nhỏ"}
MODES = {"full": "In đầy đủ trên giấy trắng", "blank": "In trên phôi (chỉ nội dung)"}

# Placeholders a field's text may use ({name}); values are filled in by reports/certificates.
PLACEHOLDERS = {
    "salutation": "Ông/Bà, Tập thể, Hộ gia đình ông/bà",
    "name": "Họ tên / tên tập thể / chủ hộ",
    "recipient": "Danh xưng và tên (ví dụ: Ông Nguyễn Văn An)",
    "position": "Chức vụ",
    "place": "Đơn vị hoặc địa chỉ",
    "unit_line": "Chức vụ và đơn vị / địa chỉ",
    "achievement": "Thành tích",
    "title": "Danh hiệu / hình thức",
    "year": "Năm của quyết định",
    "decision_number": "Số quyết định (12/QĐ-UBND)",
    "decision_date": "Ngày quyết định (dd/mm/yyyy)",
    "decision_date_long": "ngày … tháng … năm … của quyết định",
    "register_no": "Số sổ vàng",
    "register_year": "Năm của sổ vàng",
    "place_name": "Địa danh ghi ngày tháng",
    "date_line": "Địa danh, ngày … tháng … năm …",
    "signer_title": "Chức danh người ký",
    "signer_name": "Họ tên người ký",
    "commune": "Tên xã (Xã Tân Lập)",
    "commune_upper": "Tên xã viết hoa",
}
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


class NeedsConfirmation(UserError):
    """The value is allowed only after the user confirms (the GUI asks, then retries)."""


@dataclass
class Field:
    """One printed text box; x, y is the top-left corner in mm from the paper's top-left."""
    key: str
    label: str
    text: str
    x: float
    y: float
    w: float
    h: float
    size: float = 14
    min_size: float = 10        # shrink floor before wrapping
    bold: bool = False
    italic: bool = False
    align: str = "center"
    fit: str = "shrink_wrap"
    color: str = "#000000"
    enabled: bool = True


@dataclass
class Template:
    """A certificate layout; ``fields`` carry the variable text, the rest is the full design."""
    name: str
    width_mm: float = 297
    height_mm: float = 210
    subject_kind: str = ""      # person | unit | household | "" (any)
    title_match: str = ""       # chosen for awards whose title contains this text
    heading: str = "GIẤY KHEN"
    heading_size: float = 46
    lead: str = "Tặng"
    issuer: str = "CHỦ TỊCH ỦY BAN NHÂN DÂN {commune_upper}"
    font_family: str = ""       # optional installed font family instead of Times (no path)
    qr_x: float = 24
    qr_y: float = 166
    qr_size: float = 22
    fields: list = field(default_factory=list)

    def get_field(self, key):
        for f in self.fields:
            if f.key == key:
                return f
        return None

    @property
    def paper_label(self):
        w, h = _num(self.width_mm), _num(self.height_mm)
        if {round(self.width_mm), round(self.height_mm)} == {297, 210}:
            return "A4 ngang" if self.width_mm > self.height_mm else "A4 dọc"
        return f"{w} × {h} mm"


def _num(value):
    return f"{value:g}".replace(".", ",")


def nfc(text):
    return unicodedata.normalize("NFC", "" if text is None else str(text)).strip()


# --------------------------------------------------------------------------- validation

def placeholders_in(text):
    return [m.group(1) for m in _PLACEHOLDER_RE.finditer(text or "")]


def validate_template(t):
    """Raise ValidationError saying which field is wrong; returns ``t`` (cleaned) when fine."""
    t.name = nfc(t.name)
    if not t.name:
        raise ValidationError("Mẫu giấy khen cần có tên.", field="name")
    if len(t.name) > 100:
        raise ValidationError("Tên mẫu dài quá 100 ký tự.", field="name")
    for attr, label in (("width_mm", "Chiều rộng giấy"), ("height_mm", "Chiều cao giấy")):
        value = _as_float(getattr(t, attr), label, attr)
        if not 50 <= value <= 1000:
            raise ValidationError(f"{label} phải từ 50 đến 1000 mm (đang là {_num(value)} mm).",
                                  field=attr)
        setattr(t, attr, value)
    if t.subject_kind not in ("", PERSON, UNIT, HOUSEHOLD):
        raise ValidationError(f"Loại đối tượng '{t.subject_kind}' không hợp lệ.",
                              field="subject_kind")
    for attr in ("heading", "lead", "issuer", "title_match", "font_family"):
        setattr(t, attr, nfc(getattr(t, attr)))
    for attr, label, limit in (("heading", "Tiêu đề", 200), ("lead", "Dòng dẫn", 200),
                               ("issuer", "Dòng cơ quan khen thưởng", 300),
                               ("title_match", "Dùng cho danh hiệu", 200)):
        if len(getattr(t, attr)) > limit:
            raise ValidationError(f"{label} dài quá {limit} ký tự.", field=attr)
    check_font_name(t.font_family, f"Mẫu «{t.name}»")
    t.heading_size = _as_float(t.heading_size, "Cỡ chữ tiêu đề", "heading_size")
    if not MIN_FONT <= t.heading_size <= MAX_FONT:
        raise ValidationError(f"Cỡ chữ tiêu đề phải từ {MIN_FONT} đến {MAX_FONT}.",
                              field="heading_size")
    if len(t.fields) > 40:
        raise ValidationError("Mẫu giấy khen có tối đa 40 ô nội dung.", field="fields")
    _check_placeholders(t.issuer, "Dòng cơ quan khen thưởng", "issuer")
    if not t.fields:
        raise ValidationError("Mẫu giấy khen cần ít nhất một ô nội dung.", field="fields")
    keys = set()
    for f in t.fields:
        _validate_field(t, f)
        if f.key in keys:
            raise ValidationError(f"Mã ô '{f.key}' bị trùng; mỗi ô cần một mã riêng.", field="key")
        keys.add(f.key)
    t.qr_size = _as_float(t.qr_size, "Cỡ mã QR", "qr_size")
    if not 10 <= t.qr_size <= 60:
        raise ValidationError("Cỡ mã QR phải từ 10 đến 60 mm.", field="qr_size")
    _inside(t, "Mã QR", t.qr_x, t.qr_y, t.qr_size, t.qr_size, "qr")
    return t


def _as_float(value, label, name):
    try:
        if isinstance(value, str):
            value = value.replace(",", ".")
        result = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{label}: '{value}' không phải là số.", field=name) from None
    if result != result or result in (float("inf"), float("-inf")):
        raise ValidationError(f"{label}: '{value}' không phải là số.", field=name)
    return result


def _check_placeholders(text, label, name):
    unknown = [p for p in placeholders_in(text) if p not in PLACEHOLDERS]
    if unknown:
        raise ValidationError(
            f"{label}: không biết chỗ điền {{{unknown[0]}}}. Các chỗ điền được dùng: "
            + ", ".join("{" + k + "}" for k in PLACEHOLDERS) + ".", field=name)


def _inside(t, label, x, y, w, h, name):
    problems = []
    if x < 0:
        problems.append(f"lề trái {_num(x)} mm < 0")
    if y < 0:
        problems.append(f"lề trên {_num(y)} mm < 0")
    if x + w > t.width_mm + 1e-6:
        problems.append(f"x + rộng = {_num(x + w)} mm > chiều rộng giấy {_num(t.width_mm)} mm")
    if y + h > t.height_mm + 1e-6:
        problems.append(f"y + cao = {_num(y + h)} mm > chiều cao giấy {_num(t.height_mm)} mm")
    if problems:
        raise ValidationError(
            f"Mẫu «{t.name}»: ô «{label}» nằm ngoài khổ giấy ({'; '.join(problems)}). "
            "Hãy sửa vị trí hoặc kích thước của ô.", field=name)


def _validate_field(t, f):
    f.key = nfc(f.key)
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", f.key):
        raise ValidationError(f"Mã ô '{f.key}' chỉ gồm chữ thường không dấu, số và '_'.",
                              field="key")
    f.label = nfc(f.label) or f.key
    f.text = nfc(f.text)
    where = f"Mẫu «{t.name}», ô «{f.label[:100]}»"
    if len(f.label) > 100 or len(f.text) > 2000:
        raise ValidationError(f"{where}: nội dung dài {len(f.text):,} ký tự; tối đa 2.000 "
                              "(nhãn tối đa 100).".replace(",", "."), field="text")
    for attr, label in (("x", "vị trí x"), ("y", "vị trí y"), ("w", "chiều rộng"),
                        ("h", "chiều cao"), ("size", "cỡ chữ"), ("min_size", "cỡ chữ nhỏ nhất")):
        setattr(f, attr, _as_float(getattr(f, attr), f"{where}: {label}", attr))
    if f.w < 5 or f.h < 3:
        raise ValidationError(f"{where}: ô phải rộng ít nhất 5 mm và cao ít nhất 3 mm.", field="w")
    if not MIN_FONT <= f.size <= MAX_FONT:
        raise ValidationError(f"{where}: cỡ chữ phải từ {MIN_FONT} đến {MAX_FONT}.", field="size")
    if not MIN_FONT <= f.min_size <= f.size:
        raise ValidationError(f"{where}: cỡ chữ nhỏ nhất phải từ {MIN_FONT} đến cỡ chữ "
                              f"({_num(f.size)}).", field="min_size")
    if f.align not in ALIGNS:
        raise ValidationError(f"{where}: căn lề '{f.align}' không hợp lệ (left/center/right).",
                              field="align")
    if f.fit not in FITS:
        raise ValidationError(f"{where}: cách co giãn '{f.fit}' không hợp lệ.", field="fit")
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", f.color or ""):
        raise ValidationError(f"{where}: màu '{f.color}' phải có dạng #RRGGBB.", field="color")
    _check_placeholders(f.text, where, "text")
    _inside(t, f.label, f.x, f.y, f.w, f.h, f.key)


# --------------------------------------------------------------------------- JSON

def template_to_dict(t):
    data = asdict(t)
    data["format"], data["version"] = FILE_FORMAT, FILE_VERSION
    return data


def template_from_dict(data):
    """Build and validate a Template from a dict (unknown keys are ignored)."""
    check_document(data)
    if data.get("format", FILE_FORMAT) != FILE_FORMAT:
        raise ValidationError("Tệp này không phải là mẫu giấy khen của phần mềm.")
    if int(data.get("version", 1) or 1) > FILE_VERSION:
        raise ValidationError("Tệp mẫu được tạo bởi phiên bản mới hơn; hãy cập nhật phần mềm.")
    names = {f.name for f in dc_fields(Template)} - {"fields"}
    kwargs = {k: v for k, v in data.items() if k in names}
    legacy = data.get("font_file")
    if legacy and not kwargs.get("font_family"):
        # files of earlier versions named a font file; only a bare family name is kept
        kwargs["font_family"] = check_font_name(nfc(legacy), "Tệp mẫu giấy khen")
    raw_fields = data.get("fields") or []
    if not isinstance(raw_fields, list):
        raise ValidationError("Danh sách ô (fields) trong tệp mẫu phải là một mảng.")
    field_names = {f.name for f in dc_fields(Field)}
    built = []
    for i, raw in enumerate(raw_fields, 1):
        if not isinstance(raw, dict):
            raise ValidationError(f"Ô thứ {i} trong tệp mẫu không đúng định dạng.")
        missing = [k for k in ("key", "x", "y", "w", "h") if k not in raw]
        if missing:
            raise ValidationError(f"Ô thứ {i} trong tệp mẫu thiếu: {', '.join(missing)}.")
        raw = {k: v for k, v in raw.items() if k in field_names}
        raw.setdefault("label", raw["key"])
        raw.setdefault("text", "{" + raw["key"] + "}" if raw["key"] in PLACEHOLDERS else "")
        built.append(Field(**raw))
    try:
        template = Template(fields=built, **kwargs)
    except TypeError as exc:
        raise ValidationError(f"Tệp mẫu giấy khen không đúng định dạng: {exc}") from None
    return validate_template(template)


def template_to_json(t, *, background=None):
    data = template_to_dict(t)
    if background:
        data["background_png_base64"] = base64.b64encode(background).decode("ascii")
    return json.dumps(data, ensure_ascii=False, indent=1)


def template_from_json(text):
    """(Template, background bytes or None) from JSON text; ValidationError when malformed."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValidationError("Tệp mẫu giấy khen lồng nhau quá sâu; đây không phải là mẫu do "
                              "phần mềm tạo ra.") from None
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"Tệp mẫu giấy khen không đọc được (JSON hỏng: "
                              f"{str(exc)[:200]}).") from None
    template = template_from_dict(data)
    background = None
    if isinstance(data, dict) and data.get("background_png_base64"):
        if not isinstance(data["background_png_base64"], str):
            raise ValidationError("Ảnh nền trong tệp mẫu bị hỏng.")
        try:
            background = base64.b64decode(data["background_png_base64"], validate=True)
        except (ValueError, TypeError):
            raise ValidationError("Ảnh nền trong tệp mẫu bị hỏng.") from None
        validate_image(background)
    return template, background


# --------------------------------------------------------------------------- built-in layouts

def _f(key, label, text, x, y, w, h, size, min_size=None, **kw):
    return Field(key=key, label=label, text=text, x=x, y=y, w=w, h=h, size=size,
                 min_size=min_size if min_size is not None else max(MIN_FONT, size * 0.7), **kw)


def _common_bottom():
    return [
        _f("decision", "Quyết định", "Quyết định số {decision_number} {decision_date_long}",
           24, 144, 112, 8, 13, 9, align="left", italic=True),
        _f("register", "Số sổ vàng", "Số sổ vàng: {register_no}", 24, 153, 112, 8, 13, 9,
           align="left", italic=True),
        _f("date_place", "Địa danh, ngày tháng", "{date_line}", 158, SIGNER_Y["date_place"],
           120, 8, 14, 10, italic=True),
        # ≈ 35 mm for signature and seal under "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
        _f("signer_title", "Chức danh người ký", "{signer_title}", 158,
           SIGNER_Y["signer_title"], 120, 12, 14, 10, bold=True),
        _f("signer_name", "Người ký", "{signer_name}", 158, SIGNER_Y["signer_name"], 120, 10,
           15, 11, bold=True),
    ]


# y (mm) of the signing fields; OLD_SIGNER_Y left < 30 mm (migration 3 moves those)
SIGNER_Y = {"date_place": 133, "signer_title": 141, "signer_name": 185}
OLD_SIGNER_Y = {"date_place": 137, "signer_title": 145, "signer_name": 184}


def _giay_khen(name, subject_kind, recipient_text, place_text):
    return Template(
        name=name, subject_kind=subject_kind, title_match="Giấy khen", heading="GIẤY KHEN",
        lead="Tặng",
        fields=[
            _f("recipient", "Người nhận", recipient_text, 38, 74, 221, 15, 24, 17, bold=True),
            _f("place", "Đơn vị / địa chỉ", place_text, 38, 90, 221, 9, 15, 11),
            _f("achievement", "Thành tích", "{achievement}", 38, 100, 221, 32, 16, 12,
               italic=True, fit="wrap"),
        ] + _common_bottom())


def _certificate(name, subject_kind, title_match, heading, lead, recipient_text, place_text):
    return Template(
        name=name, subject_kind=subject_kind, title_match=title_match, heading=heading,
        heading_size=38, lead=lead,
        fields=[
            _f("recipient", "Người nhận", recipient_text, 38, 73, 221, 14, 23, 16, bold=True),
            _f("place", "Đơn vị / địa chỉ", place_text, 38, 88, 221, 9, 15, 11),
            _f("title", "Danh hiệu", "Đạt danh hiệu “{title}” năm {year}", 38, 98, 221, 12, 20,
               13, bold=True, color="#c00d0d"),
            _f("achievement", "Thành tích", "{achievement}", 38, 111, 221, 22, 15, 11,
               italic=True, fit="wrap"),
        ] + _common_bottom())


def builtin_templates():
    """The default layouts (A4 landscape), fresh objects each call."""
    return [
        _giay_khen("Giấy khen - cá nhân", PERSON, "{recipient}", "{unit_line}"),
        _giay_khen("Giấy khen - tập thể", UNIT, "Tập thể: {name}", "{place}"),
        _giay_khen("Giấy khen - hộ gia đình", HOUSEHOLD, "{recipient}", "Địa chỉ: {place}"),
        _certificate("Lao động tiên tiến", PERSON, "Lao động tiên tiến", "GIẤY CHỨNG NHẬN",
                     "Chứng nhận", "{recipient}", "{unit_line}"),
        _certificate("Chiến sĩ thi đua cơ sở", PERSON, "Chiến sĩ thi đua cơ sở",
                     "GIẤY CHỨNG NHẬN", "Chứng nhận", "{recipient}", "{unit_line}"),
        _certificate("Tập thể lao động tiên tiến", UNIT, "Tập thể lao động tiên tiến",
                     "GIẤY CHỨNG NHẬN", "Chứng nhận", "Tập thể: {name}", "{place}"),
        _certificate("Thôn, tổ dân phố văn hóa", UNIT, "văn hóa", "GIẤY CÔNG NHẬN",
                     "Công nhận", "{name}", "{place}"),
        _certificate("Gia đình văn hóa", HOUSEHOLD, "Gia đình văn hóa", "GIẤY CÔNG NHẬN",
                     "Công nhận", "{recipient}", "Địa chỉ: {place}"),
    ]


def ensure_builtin_templates():
    """Seed the default layouts into CertTemplate once (missing names only)."""
    existing = {row.name for row in CertTemplate.select(CertTemplate.name)}
    missing = [t for t in builtin_templates() if t.name not in existing]
    if missing:
        CertTemplate.insert_many(
            [{"name": t.name, "data": template_to_json(t), "builtin": True} for t in missing]
        ).execute()


# --------------------------------------------------------------------------- look-ups

def list_templates():
    ensure_builtin_templates()
    rows = CertTemplate.select().order_by(CertTemplate.builtin.desc(), CertTemplate.id)
    return [template_from_json(row.data)[0] for row in rows]


def get_template(name):
    ensure_builtin_templates()
    row = CertTemplate.get_or_none(CertTemplate.name == nfc(name))
    if row is None:
        names = ", ".join(r.name for r in CertTemplate.select(CertTemplate.name))
        raise NotFound(f"Không có mẫu giấy khen «{nfc(name)}». Các mẫu hiện có: {names}.")
    return template_from_json(row.data)[0]


def template_background(name):
    """The scanned blank's bytes, or None; a stored image that is not a sane image (a
    restored file from elsewhere) is left out rather than decoded."""
    row = CertTemplate.get_or_none(CertTemplate.name == nfc(name))
    if row is None or not row.background:
        return None
    data = bytes(row.background)
    try:
        validate_image(data)
    except ValidationError:
        return None
    return data


def choose_template(title_name, subject_kind, templates=None):
    """The template for an award: same subject kind, longest ``title_match`` found in the
    title's name; else the Giấy khen of that kind; else the first template."""
    templates = list_templates() if templates is None else templates
    key = fold(title_name)
    best, best_len = None, -1
    for t in templates:
        if t.subject_kind not in ("", subject_kind):
            continue
        match = fold(t.title_match)
        if match and match in key and len(match) > best_len:
            best, best_len = t, len(match)
    if best is not None:
        return best
    for t in templates:
        if t.subject_kind == subject_kind and fold(t.title_match) == "giay khen":
            return t
    for t in templates:
        if t.subject_kind in ("", subject_kind):
            return t
    return templates[0]


def check_template_fits(template, title_name, subject_kind):
    """A template chosen by hand must fit the award's title and kind of recipient."""
    kind_ok = template.subject_kind in ("", subject_kind)
    match = fold(template.title_match)
    title_ok = not match or match in fold(title_name)
    if not (kind_ok and title_ok):
        from .entities import SUBJECT_KINDS
        raise ValidationError(
            f"Mẫu «{template.name}» không dùng cho “{title_name}” của "
            f"{SUBJECT_KINDS.get(subject_kind, subject_kind).lower()}. Hãy chọn mẫu của đúng "
            f"danh hiệu, hình thức đó (ví dụ «{choose_template(title_name, subject_kind).name}»).",
            field="template")


# --------------------------------------------------------------------------- editing

@service("clerk")
def save_template(*, actor, template, background=None, keep_background=True,
                  original_name=None, new=False):
    """Create (``new=True``) or replace a template (found by ``original_name`` when renaming)."""
    template = validate_template(template)
    if background is not None:
        validate_image(background)
    old_name = nfc(original_name) if original_name else template.name
    row = None if new else CertTemplate.get_or_none(CertTemplate.name == old_name)
    if (new or old_name != template.name) and CertTemplate.select().where(
            CertTemplate.name == template.name).exists():
        raise ConflictError(f"Đã có mẫu tên «{template.name}». Hãy đặt tên khác.", field="name")
    data = template_to_json(template)
    if row is None:
        row = CertTemplate.create(name=template.name, data=data, background=background)
        audit(actor, "create_template", row, new={"name": template.name})
    else:
        old = {"name": row.name, "data": json.loads(row.data)}
        row.name, row.data = template.name, data
        if background is not None or not keep_background:
            row.background = background
        row.save()
        audit(actor, "update_template", row, old=old,
              new={"name": row.name, "data": json.loads(data)})
    return template


@service("clerk")
def delete_template(*, actor, name):
    row = CertTemplate.get_or_none(CertTemplate.name == nfc(name))
    if row is None:
        raise NotFound(f"Không có mẫu giấy khen «{nfc(name)}».")
    if row.builtin:
        raise ConflictError(f"«{row.name}» là mẫu có sẵn, không xóa được (có thể sửa).")
    audit(actor, "delete_template", row, old={"name": row.name})
    row.delete_instance()


# --------------------------------------------------------------------------- printer offsets

def printer_offset(printer):
    """(dx_mm, dy_mm) saved for ``printer``, as floats; (0, 0) when none."""
    row = PrinterOffset.get_or_none(PrinterOffset.printer == nfc(printer))
    if row is None:
        return (0.0, 0.0)
    return (float(row.dx_mm), float(row.dy_mm))


def check_offset(dx_mm, dy_mm, *, confirmed=False):
    """Validate an offset; beyond ±20 mm raises NeedsConfirmation unless ``confirmed``."""
    values = []
    for value, axis in ((dx_mm, "X"), (dy_mm, "Y")):
        v = _as_float(value, f"Độ lệch {axis}", f"d{axis.lower()}")
        if abs(v) > HARD_OFFSET_MM:
            raise ValidationError(f"Độ lệch {axis} = {_num(v)} mm quá lớn (tối đa ±"
                                  f"{HARD_OFFSET_MM} mm). Hãy in thử và đo lại.",
                                  field=f"d{axis.lower()}")
        values.append(round(v, 2))
    big = [f"{axis} = {_num(v)} mm" for v, axis in zip(values, "XY") if abs(v) > MAX_OFFSET_MM]
    if big and not confirmed:
        raise NeedsConfirmation(
            f"Độ lệch {', '.join(big)} vượt quá ±{MAX_OFFSET_MM} mm — thường là do đo nhầm "
            "hoặc đặt phôi sai khay. Bạn có chắc muốn lưu độ lệch này?")
    return tuple(values)


@service("clerk")
def set_printer_offset(*, actor, printer, dx_mm, dy_mm, confirmed=False):
    printer = nfc(printer)
    if not printer:
        raise ValidationError("Hãy chọn máy in để lưu độ lệch.", field="printer")
    dx, dy = check_offset(dx_mm, dy_mm, confirmed=confirmed)
    old = printer_offset(printer)
    PrinterOffset.insert(printer=printer, dx_mm=Decimal(str(dx)), dy_mm=Decimal(str(dy))
                         ).on_conflict(conflict_target=[PrinterOffset.printer],
                                       preserve=[PrinterOffset.dx_mm, PrinterOffset.dy_mm]).execute()
    audit(actor, "set_printer_offset", "printer_offset", old={"printer": printer, "dx": old[0],
          "dy": old[1]}, new={"printer": printer, "dx": dx, "dy": dy})
    return (dx, dy)


# --------------------------------------------------------------------------- page look-ups

def issued_decisions():
    """[(id, label)] of issued decisions, newest first, for choosing what to print."""
    from .entities import Decision
    rows = (Decision.select().where(Decision.state == "issued")
            .order_by(Decision.date.desc(), Decision.id.desc()))
    return [(d.id, f"Quyết định số {d.number} ngày {d.date:%d/%m/%Y}"
             + (f" — {d.about}" if d.about else "")) for d in rows]


def certificate_rows(decision_id, templates=None):
    """Rows for the page's table, in the decision's list order:
    (award id, order, kind label, name, place, title, register no, template, times printed)."""
    from peewee import JOIN, fn
    from .entities import SUBJECT_KINDS, Title
    templates = list_templates() if templates is None else templates
    counts = dict(PrintLog.select(PrintLog.award, fn.COUNT(PrintLog.id))
                  .join(Award).where((Award.decision == decision_id)
                                     & PrintLog.state.in_(CONFIRMED))
                  .group_by(PrintLog.award).tuples())
    query = (Award.select(Award.id, Award.display_name, Award.place, Award.register_no,
                          Award.unit, Award.person, Title.name)
             .join(Title, JOIN.INNER).where(Award.decision == decision_id)
             .order_by(Award.order, Award.id).tuples())
    # read from the cursor (no cache of the query's rows beside the list), each place and
    # title kept once for all rows: the page reads these again while it shows the old ones
    rows, chosen, share = [], {}, one_copy()
    for i, (aid, name, place, reg, unit_id, person_id, title) in enumerate(query.iterator()):
        kind = UNIT if unit_id else PERSON if person_id else HOUSEHOLD
        key = (title, kind)
        if key not in chosen:
            chosen[key] = choose_template(title, kind, templates).name
        rows.append((aid, i + 1, SUBJECT_KINDS[kind], name, share(place), share(title),
                     reg, chosen[key], counts.get(aid, 0)))
    return rows
