"""Certificate PDFs: full design or on pre-printed blanks, test prints, template files.

reportlab is imported inside functions (start-up speed). Coordinates in templates are mm
from the paper's top-left; a printer offset (dx, dy) in mm moves everything right / down.
"""
import dataclasses
import os
import re
import unicodedata
from dataclasses import dataclass, field

from models import templates as tpl
from models.errors import Cancelled, NotFound, UserError, ValidationError

from . import pdfdoc
from .textfit import LEADING, Fitted, Fonts, TextFitter, check_vietnamese_font  # noqa: F401

MM = 72 / 25.4
RED = (0.78, 0.05, 0.05)
GOLD = (0.80, 0.62, 0.18)

SAMPLE_VALUES = {
    "salutation": "Ông", "name": "Nguyễn Văn An", "recipient": "Ông Nguyễn Văn An",
    "position": "Trưởng thôn", "place": "Thôn Đông Hòa", "unit_line": "Trưởng thôn, Thôn Đông Hòa",
    "achievement": "Đã có thành tích xuất sắc trong phong trào thi đua “Toàn dân đoàn kết "
                   "xây dựng đời sống văn hóa” năm 2025",
    "title": "Lao động tiên tiến", "year": "2025", "decision_number": "125/QĐ-UBND",
    "decision_date": "15/12/2025", "decision_date_long": "ngày 15 tháng 12 năm 2025",
    "register_no": "37", "register_year": "2025", "place_name": "Tân Lập",
    "date_line": "Tân Lập, ngày 15 tháng 12 năm 2025", "signer_title": "CHỦ TỊCH",
    "signer_name": "Trần Văn Bình", "commune": "Xã Tân Lập", "commune_upper": "XÃ TÂN LẬP",
}


def nfc(text):
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def hex_rgb(color):
    c = color.lstrip("#")
    return tuple(int(c[i:i + 2], 16) / 255.0 for i in (0, 2, 4))


# --------------------------------------------------------------------------- drawing

class Painter:
    """Draws certificates of one template set onto one canvas."""

    def __init__(self, canvas, commune_values, *, mode="full", offset=(0, 0), qr=False):
        if mode not in tpl.MODES:
            raise ValidationError(f"Chế độ in '{mode}' không hợp lệ (full hoặc blank).")
        self.c = canvas
        self.mode = mode
        self.dx, self.dy = tpl.check_offset(*offset, confirmed=True)
        self.qr = qr
        self.commune_values = commune_values
        self.fitter = TextFitter()
        self._fonts = {}
        self._forms = {}
        self._page_size = None

    def fonts(self, template):
        key = template.font_file or ""
        if key not in self._fonts:
            self._fonts[key] = Fonts(template)
        return self._fonts[key]

    def begin_page(self, template):
        size = (template.width_mm * MM, template.height_mm * MM)
        if size != self._page_size:
            self.c.setPageSize(size)
            self._page_size = size

    def draw_field(self, template, f, text, *, fonts):
        font = fonts.name(f.bold, f.italic)
        fitted = self.fitter.fit(text, font, f.size, f.min_size, f.w * MM, f.h * MM, f.fit,
                                 fonts.metrics[font])
        if not fitted.lines:
            return fitted
        c = self.c
        asc, desc = fonts.metrics[font]
        s = fitted.size
        block = (len(fitted.lines) - 1) * s * LEADING + s * (asc + desc)
        top = (template.height_mm - f.y) * MM - (f.h * MM - block) / 2
        x0, x1 = f.x * MM, (f.x + f.w) * MM
        c.setFont(font, s)
        if f.color != "#000000":
            c.setFillColorRGB(*hex_rgb(f.color))
        base = top - s * asc
        for line, lw in zip(fitted.lines, fitted.widths):
            if f.align == "left":
                c.drawString(x0, base, line)
            elif f.align == "right":
                c.drawString(x1 - lw, base, line)
            else:
                c.drawString((x0 + x1 - lw) / 2, base, line)
            base -= s * LEADING
        if f.color != "#000000":
            c.setFillColorRGB(0, 0, 0)
        return fitted

    def certificate(self, template, values, *, qr_text=None):
        """One page: decoration (full mode) and the fields, shifted by the printer offset."""
        self.begin_page(template)
        c = self.c
        fonts = self.fonts(template)
        c.saveState()
        if self.dx or self.dy:
            c.translate(self.dx * MM, -self.dy * MM)
        if self.mode == "full":
            c.doForm(self._design_form(template, fonts))
        for f in template.fields:
            if f.enabled:
                self.draw_field(template, f, render_text(f.text, values), fonts=fonts)
        if self.qr and qr_text:
            self._draw_qr(template, qr_text)
        c.restoreState()
        c.showPage()

    def _draw_qr(self, template, text):
        """A QR code drawn as runs of dark modules (fixed mask: ~10× faster than choosing
        the best mask, still a standard code every phone reads)."""
        from reportlab.graphics.barcode import qrencoder
        qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        qr.addData(text)
        qr.version = qr.calculate_version()
        qr.makeImpl(False, 0)
        n = qr.getModuleCount()
        quiet = 2
        cell = template.qr_size * MM / (n + 2 * quiet)
        x0 = template.qr_x * MM + quiet * cell
        top = (template.height_mm - template.qr_y) * MM - quiet * cell
        c = self.c
        p = c.beginPath()
        for r, row in enumerate(qr.modules):
            col = 0
            while col < n:
                if row[col]:
                    start = col
                    while col < n and row[col]:
                        col += 1
                    p.rect(x0 + start * cell, top - (r + 1) * cell, (col - start) * cell, cell)
                else:
                    col += 1
        c.drawPath(p, stroke=0, fill=1)

    def _design_form(self, template, fonts):
        """The fixed part of the full design, drawn once per template as a PDF form."""
        key = template.name
        if key in self._forms:
            return self._forms[key]
        name = f"design{len(self._forms)}"
        c = self.c
        c.beginForm(name)
        draw_design(c, template, fonts, self.fitter, self.commune_values)
        c.endForm()
        self._forms[key] = name
        return name


def draw_design(c, t, fonts, fitter, commune_values):
    """Border, national title and motto, issuer, red heading and the lead word."""
    W, H = t.width_mm * MM, t.height_mm * MM
    sy = t.height_mm / 210.0
    c.saveState()
    # double border with corner diamonds
    c.setStrokeColorRGB(*RED)
    c.setLineWidth(2.4)
    c.rect(7 * MM, 7 * MM, W - 14 * MM, H - 14 * MM)
    c.setStrokeColorRGB(*GOLD)
    c.setLineWidth(0.9)
    c.rect(10 * MM, 10 * MM, W - 20 * MM, H - 20 * MM)
    c.setLineWidth(0.5)
    c.rect(11.2 * MM, 11.2 * MM, W - 22.4 * MM, H - 22.4 * MM)
    c.setFillColorRGB(*RED)
    for cx, cy in ((8.6, 8.6), (t.width_mm - 8.6, 8.6), (8.6, t.height_mm - 8.6),
                   (t.width_mm - 8.6, t.height_mm - 8.6)):
        p = c.beginPath()
        p.moveTo(cx * MM, (cy + 3.2) * MM)
        p.lineTo((cx + 3.2) * MM, cy * MM)
        p.lineTo(cx * MM, (cy - 3.2) * MM)
        p.lineTo((cx - 3.2) * MM, cy * MM)
        p.close()
        c.drawPath(p, stroke=0, fill=1)
    # small gold diamonds along the band between the two borders
    c.setFillColorRGB(*GOLD)
    step = 12
    for i in range(2, int(t.width_mm / step) - 1):
        for y in (8.6, t.height_mm - 8.6):
            _diamond(c, i * step, y, 0.9)
    for i in range(2, int(t.height_mm / step) - 1):
        for x in (8.6, t.width_mm - 8.6):
            _diamond(c, x, i * step, 0.9)

    def line(text, y_mm, size, *, bold=False, italic=False, color=(0, 0, 0), underline=False):
        font = fonts.name(bold, italic)
        fitted = fitter.fit(text, font, size, size * 0.6, W - 50 * MM, size * 1.3, "shrink",
                            fonts.metrics[font])
        if not fitted.lines:
            return
        c.setFillColorRGB(*color)
        c.setFont(font, fitted.size)
        base = H - y_mm * sy * MM
        c.drawCentredString(W / 2, base, fitted.lines[0])
        if underline:
            c.setStrokeColorRGB(*color)
            c.setLineWidth(0.6)
            half = fitted.widths[0] / 2
            c.line(W / 2 - half, base - 2.2 * MM, W / 2 + half, base - 2.2 * MM)

    line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 24, 14, bold=True)
    line("Độc lập - Tự do - Hạnh phúc", 31, 14, bold=True, underline=True)
    line(render_text(t.issuer, commune_values), 43, 15, bold=True, color=RED)
    line(t.heading, 61, t.heading_size, bold=True, color=RED)
    if t.lead:
        line(t.lead, 70.5, 16, italic=True)
    c.restoreState()


def _diamond(c, x_mm, y_mm, r_mm):
    p = c.beginPath()
    p.moveTo(x_mm * MM, (y_mm + r_mm) * MM)
    p.lineTo((x_mm + r_mm) * MM, y_mm * MM)
    p.lineTo(x_mm * MM, (y_mm - r_mm) * MM)
    p.lineTo((x_mm - r_mm) * MM, y_mm * MM)
    p.close()
    c.drawPath(p, stroke=0, fill=1)


class _Values(dict):
    def __missing__(self, key):
        return ""


def render_text(text, values):
    """Fill {placeholders}; unknown ones become empty (templates are validated on save)."""
    try:
        return nfc(text.format_map(_Values(values)))
    except (ValueError, IndexError, AttributeError):
        return nfc(text)


def new_canvas(path, *, title=""):
    """A canvas whose fonts are all embedded and whose PDF says: print at 100 %."""
    pdfdoc.register_fonts()
    from reportlab.pdfgen.canvas import Canvas
    c = Canvas(path, initialFontName=pdfdoc.FONT, initialFontSize=12, pageCompression=0)
    c.setViewerPreference("PrintScaling", "None")
    c.setTitle(nfc(title))
    c.setCreator("Thi đua - Khen thưởng")
    return c


# --------------------------------------------------------------------------- data

def commune_values():
    from models import settings, vntext
    com = settings.commune()
    place = com.place_name or re.sub(r"^(xã|phường|đặc khu|thị trấn)\s+", "", com.name,
                                     flags=re.I)
    return {"commune": com.name, "commune_upper": com.upper_name, "place_name": place,
            "_chairman": com.chairman, "_fold": vntext.fold}


def decision_values(decision, common):
    from models import vntext
    d = decision.date
    values = dict(common)
    movement_text = ""
    if decision.movement_id:
        movement_text = decision.movement.achievement_text or ""
    values.update({
        "year": str(decision.year or d.year), "decision_number": decision.number,
        "decision_date": vntext.format_date(d), "decision_date_long": vntext.format_date_long(d),
        "date_line": vntext.format_date_long(d, common["place_name"]),
        "signer_title": certificate_signer_title(decision.signer_title),
        "signer_name": decision.signer_name or common["_chairman"],
        "_achievement": movement_text or
        f"Đã có thành tích xuất sắc trong phong trào thi đua năm {decision.year or d.year}",
    })
    return values


def certificate_signer_title(title):
    """A Giấy khen is the chairman's own: 'CHỦ TỊCH', or 'KT. CHỦ TỊCH' over a vice's title."""
    title = nfc(title or "CHỦ TỊCH").strip().upper()
    return title if title == "CHỦ TỊCH" else f"KT. CHỦ TỊCH\n{title}"


def award_values(award, base):
    from models import subjects
    from models.entities import UNIT
    subject = subjects.subject_of(award)
    kind = subjects.subject_kind(subject)
    values = dict(base)
    salutation = subjects.salutation(subject)
    name = nfc(award.display_name)
    values.update({
        "salutation": salutation, "name": name,
        "recipient": f"{salutation}: {name}" if kind == UNIT else f"{salutation} {name}",
        "position": award.position, "place": award.place,
        "unit_line": ", ".join(p for p in (award.position, award.place) if p),
        "achievement": award.achievement or base["_achievement"],
        "title": award.title.name,
        "register_no": "" if award.register_no is None else str(award.register_no),
        "register_year": "" if award.register_year is None else str(award.register_year),
    })
    return values, kind


def qr_text(values):
    """What the QR code says: enough to find the line in the register."""
    reg = values["register_no"]
    if values.get("register_year"):
        reg = f"{reg}/{values['register_year']}"
    return (f"TDKT|{values['commune']}|QĐ {values['decision_number']} "
            f"{values['decision_date']}|Sổ vàng {reg}|{values['recipient']}")


def decision_awards(decision, award_ids=None):
    """Awards of a decision in its list order, with subject and title loaded in one query."""
    from peewee import JOIN
    from models.entities import Award, Household, Person, Title, Unit
    q = (Award.select(Award, Title, Person, Household, Unit)
         .join_from(Award, Title)
         .join_from(Award, Person, JOIN.LEFT_OUTER)
         .join_from(Award, Household, JOIN.LEFT_OUTER)
         .join_from(Award, Unit, JOIN.LEFT_OUTER)
         .where(Award.decision == decision)
         .order_by(Award.order, Award.id))
    awards = list(q)
    if award_ids is not None:
        wanted = set(award_ids)
        awards = [a for a in awards if a.id in wanted]
        missing = wanted - {a.id for a in awards}
        if missing:
            raise NotFound(f"Giấy khen số {min(missing)} không thuộc quyết định "
                           f"{decision.number or decision.id}.")
    return awards


def issued_decision(decision_id):
    from models.entities import Decision
    decision = Decision.get_or_none(Decision.id == decision_id)
    if decision is None:
        raise NotFound(f"Không có quyết định mã {decision_id}.")
    if decision.state != "issued":
        state = {"draft": "còn là dự thảo", "corrected": "đã được đính chính bằng quyết định "
                 "khác", "revoked": "đã bị thu hồi"}.get(decision.state, decision.state)
        raise ValidationError(
            f"Quyết định {decision.number or f'mã {decision.id}'} {state}, chưa thể in giấy "
            "khen. Chỉ in giấy khen theo quyết định đã ban hành (đã ký, có số).")
    return decision


# --------------------------------------------------------------------------- batch

@dataclass
class CertificatesResult:
    path: str
    count: int
    award_ids: list = field(default_factory=list)
    templates: dict = field(default_factory=dict)     # award id -> template name
    truncated: list = field(default_factory=list)     # (award id, field key) cut with "…"


def write_decision_certificates(*, decision_id, path, template_name=None, award_ids=None,
                                mode="full", printer_offset=(0, 0), qr=False, progress=None):
    """Every certificate of an issued decision (or the chosen ``award_ids``) into one PDF,
    in the decision's list order. ``progress(done, total)`` returning False cancels: the
    partial file is removed and Cancelled is raised."""
    from .safefile import atomic_output
    decision = issued_decision(decision_id)
    awards = decision_awards(decision, award_ids)
    if not awards:
        raise ValidationError(f"Quyết định {decision.number} không có ai được khen để in.")
    all_templates = tpl.list_templates()
    fixed = tpl.get_template(template_name) if template_name else None
    base = decision_values(decision, commune_values())
    result = CertificatesResult(path=os.path.abspath(path), count=0)
    total = len(awards)
    with atomic_output(path) as tmp:
        c = new_canvas(tmp, title=f"Giấy khen theo Quyết định số {decision.number}")
        painter = Painter(c, base, mode=mode, offset=printer_offset, qr=qr)
        chosen = {}
        for i, award in enumerate(awards):
            values, kind = award_values(award, base)
            key = (award.title.name, kind)
            template = fixed or chosen.get(key)
            if template is None:
                template = chosen[key] = tpl.choose_template(award.title.name, kind, all_templates)
            painter.certificate(template, values, qr_text=qr_text(values) if qr else None)
            result.award_ids.append(award.id)
            result.templates[award.id] = template.name
            if progress is not None and progress(i + 1, total) is False:
                raise Cancelled("Đã hủy in giấy khen; không tạo tệp PDF.")
        c.save()
    result.count = len(result.award_ids)
    return result


def sample_values(template):
    """SAMPLE_VALUES adapted to the template's kind of recipient and title."""
    vals = dict(SAMPLE_VALUES)
    if template.subject_kind == "unit":
        vals.update(salutation="Tập thể", name="Thôn Đông Hòa", recipient="Tập thể: Thôn Đông Hòa",
                    position="", place="Xã Tân Lập", unit_line="Xã Tân Lập")
    elif template.subject_kind == "household":
        vals.update(salutation="Hộ gia đình ông", recipient="Hộ gia đình ông Nguyễn Văn An",
                    position="", place="Thôn Đông Hòa, xã Tân Lập",
                    unit_line="Thôn Đông Hòa, xã Tân Lập")
    if template.title_match and template.title_match != "Giấy khen":
        vals["title"] = template.name
    return vals


def write_template_sample(template, path, *, mode="full", offset=(0, 0), values=None, qr=False):
    """One certificate of ``template`` with sample (or given) values: editor preview."""
    template = tpl.validate_template(template)
    vals = sample_values(template)
    vals.update(values or {})
    c = new_canvas(path, title=f"Mẫu {template.name}")
    Painter(c, vals, mode=mode, offset=offset, qr=qr).certificate(
        template, vals, qr_text=qr_text(vals) if qr else None)
    c.save()
    return path


def write_test_print(template, path, offset=(0, 0)):
    """Plain-paper test print: every field box with its name and a millimetre ruler, shifted
    by the printer offset, to hold against a blank and measure the correction."""
    template = tpl.validate_template(template)
    dx, dy = tpl.check_offset(*offset, confirmed=True)
    c = new_canvas(path, title=f"In thử {template.name}")
    painter = Painter(c, SAMPLE_VALUES, mode="blank")
    fonts = painter.fonts(template)
    W, H = template.width_mm, template.height_mm
    c.setPageSize((W * MM, H * MM))
    c.saveState()
    c.translate(dx * MM, -dy * MM)
    _ruler(c, W, H, fonts)
    c.setDash(2, 2)
    for f in template.fields:
        if not f.enabled:
            continue
        c.setStrokeColorRGB(0.1, 0.3, 0.8)
        c.setLineWidth(0.5)
        c.rect(f.x * MM, (H - f.y - f.h) * MM, f.w * MM, f.h * MM)
        c.setFillColorRGB(0.1, 0.3, 0.8)
        c.setFont(fonts.name(), 6.5)
        c.drawString(f.x * MM + 1, (H - f.y) * MM - 7,
                     f"{f.label} — x {tpl._num(f.x)}, y {tpl._num(f.y)}, rộng {tpl._num(f.w)} mm")
        c.setDash()
        grey = dataclasses.replace(f, color="#8c8c8c")
        painter.draw_field(template, grey, render_text(f.text, SAMPLE_VALUES), fonts=fonts)
        c.setDash(2, 2)
    c.setDash()
    c.setFillColorRGB(0, 0, 0)
    c.setFont(fonts.name(bold=True), 11)
    c.drawCentredString(W / 2 * MM, (H - 15) * MM,
                        f"IN THỬ — mẫu «{template.name}», khổ {template.paper_label}")
    c.setFont(fonts.name(), 10)
    c.drawCentredString(W / 2 * MM, (H - 20) * MM,
                        f"Độ lệch máy in: X = {tpl._num(dx)} mm, Y = {tpl._num(dy)} mm. In ở tỷ "
                        "lệ 100 %, đặt lên phôi và soi đèn; đo khoảng lệch bằng thước.")
    c.restoreState()
    c.showPage()
    c.save()
    return path


def _ruler(c, W, H, fonts):
    """Millimetre ticks along the top and left edges, numbered every 10 mm, and a centre cross."""
    c.setStrokeColorRGB(0, 0, 0)
    c.setFillColorRGB(0, 0, 0)
    c.setFont(fonts.name(), 6)
    for mm in range(0, int(W) + 1):
        length = 5 if mm % 10 == 0 else 3 if mm % 5 == 0 else 1.6
        c.setLineWidth(0.35 if mm % 10 == 0 else 0.2)
        c.line(mm * MM, H * MM, mm * MM, (H - length) * MM)
        if mm % 10 == 0 and 0 < mm < W - 3:
            c.drawCentredString(mm * MM, (H - 8) * MM, str(mm))
    for mm in range(0, int(H) + 1):
        length = 5 if mm % 10 == 0 else 3 if mm % 5 == 0 else 1.6
        c.setLineWidth(0.35 if mm % 10 == 0 else 0.2)
        c.line(0, (H - mm) * MM, length * MM, (H - mm) * MM)
        if mm % 10 == 0 and 0 < mm < H - 3:
            c.drawString(6 * MM, (H - mm) * MM - 2, str(mm))
    c.setLineWidth(0.3)
    cx, cy = W / 2, H / 2
    c.line((cx - 5) * MM, (H - cy) * MM, (cx + 5) * MM, (H - cy) * MM)
    c.line(cx * MM, (H - cy - 5) * MM, cx * MM, (H - cy + 5) * MM)


# --------------------------------------------------------------------------- template files

def save_template_file(template, path, *, background=None):
    """Write a template (and its scanned blank, if any) as a JSON file to share."""
    from .safefile import atomic_output
    template = tpl.validate_template(template)
    text = tpl.template_to_json(template, background=background)
    with atomic_output(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
    return path


def load_template_file(path):
    """(Template, background bytes or None) from a shared JSON file; ValidationError if bad."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(20 * 1024 * 1024 + 1)
    except OSError as exc:
        raise UserError(f"Không đọc được tệp mẫu {path}: {exc.strerror or exc}") from None
    if len(raw) > 20 * 1024 * 1024:
        raise ValidationError(f"Tệp {path} quá lớn để là một mẫu giấy khen.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"Tệp {path} không phải là mẫu giấy khen (không phải văn bản "
                              "UTF-8).") from None
    return tpl.template_from_json(text)


def describe_fit(template, values):
    """{field key: Fitted} for one record, to warn in the GUI about squeezed text."""
    fonts = Fonts(template)
    fitter = TextFitter()
    out = {}
    for f in template.fields:
        font = fonts.name(f.bold, f.italic)
        out[f.key] = fitter.fit(render_text(f.text, values), font, f.size, f.min_size, f.w * MM,
                                f.h * MM, f.fit, fonts.metrics[font])
    return out

