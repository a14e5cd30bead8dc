"""Certificate PDFs: full design or on pre-printed blanks, test prints, template files.

reportlab is imported inside functions (start-up speed). Coordinates in templates are mm
from the paper's top-left; a printer offset (dx, dy) in mm moves everything right / down.
"""
import itertools
import os
import re
import unicodedata
from dataclasses import dataclass, field

from models import templates as tpl
from models.errors import Cancelled, NotFound, UserError, ValidationError

from . import cert_layout as L
from . import pdf_join, pdfdoc
from .cert_layout import MM, hex_rgb  # noqa: F401
from .textfit import LEADING, Fitted, Fonts, TextFitter, check_vietnamese_font  # noqa: F401

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


# --------------------------------------------------------------------------- drawing

class PdfDrawer:
    """Draws layout pages (reports/cert_layout) with reportlab; a group with a key (the
    fixed design of a template) becomes one PDF form, drawn once and reused on every page."""

    def __init__(self, canvas):
        self.c = canvas
        self._size = None
        self._forms = {}

    def page(self, page):
        c = self.c
        size = (page.width_mm * MM, page.height_mm * MM)
        if size != self._size:
            c.setPageSize(size)
            self._size = size
        H = page.height_mm
        # every item sets the state it draws with (font, colours, width, dash) and a form
        # cannot change its caller's: q/Q only around groups shifted by an offset, and the
        # items of neighbouring groups drawn in one go (one text object for their lines)
        for (dx, dy), same in itertools.groupby(page.groups, key=lambda g: (g.dx, g.dy)):
            moved = bool(dx or dy)
            if moved:
                c.saveState()
                c.translate(dx * MM, -dy * MM)
            pending = []
            for g in same:
                if not g.key:
                    pending.extend(g.items)
                    continue
                if pending:
                    self.items(pending, H)
                    pending = []
                name = self._forms.get((g.key, H))
                if name is None:
                    name = self._forms[(g.key, H)] = f"form{len(self._forms)}"
                    c.beginForm(name)
                    self.items(g.items, H)
                    c.endForm()
                c.doForm(name)
            if pending:
                self.items(pending, H)
            if moved:
                c.restoreState()
        c.showPage()

    def items(self, items, H):
        c = self.c
        path, path_fill = None, None
        text = fill = font = dashed = None
        for it in items:
            kind = type(it)
            if path is not None and not (kind in (L.Rect, L.Poly) and not getattr(it, "stroke", ())
                                         and it.fill == path_fill):
                c.drawPath(path, stroke=0, fill=1)
                path = None
            if kind is L.Text:
                # consecutive runs share one text object, each placed absolutely (Tm): what
                # drawString draws, without a text object per line
                x, y = it.x * MM, (H - it.y) * MM
                if text is None:
                    text, fill, font = c.beginText(x, y), None, None
                else:
                    text.setTextOrigin(x, y)
                if font != (it.font, it.size):
                    font = (it.font, it.size)
                    text.setFont(it.font, it.size)
                if fill != it.color:
                    fill = it.color
                    text.setFillColorRGB(*it.color)
                text.textOut(it.text)
                continue
            if text is not None:
                c.drawText(text)
                text = None
            if kind is L.Line:
                c.setLineWidth(it.width)
                c.setStrokeColorRGB(*it.color)
                dashed = dashed or bool(it.dash)
                c.setDash(list(it.dash) or [])
                c.line(it.x1 * MM, (H - it.y1) * MM, it.x2 * MM, (H - it.y2) * MM)
            elif kind is L.Rect and it.stroke:
                c.setLineWidth(it.width)
                c.setStrokeColorRGB(*it.stroke)
                dashed = dashed or bool(it.dash)
                c.setDash(list(it.dash) or [])
                if it.fill:
                    c.setFillColorRGB(*it.fill)
                c.rect(it.x * MM, (H - it.y - it.h) * MM, it.w * MM, it.h * MM, stroke=1,
                       fill=1 if it.fill else 0)
            else:                       # filled shapes: one path per run of the same colour
                if path is None:
                    path, path_fill = c.beginPath(), it.fill
                    c.setFillColorRGB(*it.fill)
                if kind is L.Rect:
                    path.rect(it.x * MM, (H - it.y - it.h) * MM, it.w * MM, it.h * MM)
                else:
                    (x, y), rest = it.points[0], it.points[1:]
                    path.moveTo(x * MM, (H - y) * MM)
                    for x, y in rest:
                        path.lineTo(x * MM, (H - y) * MM)
                    path.close()
        if path is not None:
            c.drawPath(path, stroke=0, fill=1)
        if text is not None:
            c.drawText(text)
        if dashed:
            c.setDash([])


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
    from .outpaths import check_output_path
    check_output_path(path)
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
    from models import decisions, vntext
    d = decision.date
    values = dict(common)
    period = decision.period_year or decision.year or d.year     # the year the title is for
    movement = decision.movement if decision.movement_id else None
    values.update({
        "year": str(period), "decision_number": decision.number,
        "decision_date": vntext.format_date(d), "decision_date_long": vntext.format_date_long(d),
        "date_line": vntext.format_date_long(d, common["place_name"]),
        "signer_title": certificate_signer_title(decision.signer_title),
        "signer_name": decision.signer_name or common["_chairman"],
        "_achievement": decisions.default_achievement(movement, period),
        "_period": period, "_movement": movement,
    })
    return values


def certificate_signer_title(title):
    """A Giấy khen is the chairman's own: 'CHỦ TỊCH', or 'KT. CHỦ TỊCH' over a vice's title."""
    title = nfc(title or "CHỦ TỊCH").strip().upper()
    return title if title == "CHỦ TỊCH" else f"KT. CHỦ TỊCH\n{title}"


def award_values(award, base):
    from models import subjects
    from models.award_history import join_place, place_without
    from models.decisions import default_achievement
    from models.entities import UNIT
    subject = subjects.subject_of(award)
    kind = subjects.subject_kind(subject)
    values = dict(base)
    salutation = subjects.salutation(subject)
    name = nfc(award.display_name)
    place = place_without(award.place, name) if kind == UNIT else join_place(award.place)
    values.update({
        "salutation": salutation, "name": name,
        "recipient": f"{salutation}: {name}" if kind == UNIT else f"{salutation} {name}",
        "position": award.position, "place": place,
        "unit_line": join_place(award.position, place),
        "achievement": award.achievement or default_achievement(
            base["_movement"], base["_period"], award.title),
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


def prepare():
    """Load what writing certificates needs before the first one is asked for: reportlab,
    the serif fonts registered and checked for Vietnamese letters (~0.1 s of parsing TTF
    files), the modules a certificate's values come from. The page "In giấy khen" calls it
    on its reading thread once its rows are shown, so "Xem trước" does not spend ~0.15 s of
    its wait on them after the click (issue 15); the output is the same either way."""
    from reportlab.pdfgen import canvas  # noqa: F401
    from models import award_history, decisions, subjects, vntext  # noqa: F401
    from . import outpaths, safefile  # noqa: F401
    Fonts()


AWARD_PAGE = 500      # awards read per query when printing a decision's certificates


class DecisionAwards:
    """The awards of a decision (or its chosen ``award_ids``) in list order, read a page at a
    time (keyset on order, id) with subject and title joined (only the columns a certificate
    prints: not for saving back): printing 40,000 certificates
    never holds 40,000 awards, and a preview of 40 reads 40. ``len()`` is a COUNT query;
    ``awards[:n]`` reads the first n."""

    def __init__(self, decision, award_ids=None):
        self.decision = decision
        self.wanted = None if award_ids is None else set(award_ids)
        self._count = None

    def _query(self):
        from peewee import JOIN
        from models.entities import Award, Household, Person, Title, Unit
        # only what a certificate prints: the subjects' and titles' other columns (dates,
        # decimals, uuids) cost more to convert than the rest of the row
        q = (Award.select(Award.id, Award.order, Award.unit, Award.person, Award.household,
                          Award.title, Award.display_name, Award.position, Award.place,
                          Award.achievement, Award.register_year, Award.register_no,
                          Title.id, Title.name, Title.kind, Person.id, Person.full_name,
                          Person.gender, Household.id, Household.head_name, Household.gender,
                          Unit.id, Unit.name)
             .join_from(Award, Title)
             .join_from(Award, Person, JOIN.LEFT_OUTER)
             .join_from(Award, Household, JOIN.LEFT_OUTER)
             .join_from(Award, Unit, JOIN.LEFT_OUTER)
             .where(Award.decision == self.decision))
        if self.wanted is not None and len(self.wanted) <= AWARD_PAGE:
            q = q.where(Award.id.in_(sorted(self.wanted)))    # a preview: the few it shows
        return q.order_by(Award.order, Award.id)

    def __len__(self):
        if self._count is None:
            from peewee import fn
            from models.entities import Award
            q = Award.select(fn.COUNT(Award.id)).where(Award.decision == self.decision)
            if self.wanted is None:
                self._count = q.scalar() or 0
            elif len(self.wanted) <= AWARD_PAGE:
                self._count = q.where(Award.id.in_(sorted(self.wanted))).scalar() or 0
            else:
                self._count = len(self.wanted)       # all of them: check_ids made sure
        return self._count

    def check_ids(self):
        """NotFound when a chosen award is not on this decision."""
        if self.wanted is None:
            return
        from models.entities import Award
        if len(self.wanted) <= AWARD_PAGE:
            found = {i for (i,) in Award.select(Award.id).where(
                Award.decision == self.decision, Award.id.in_(sorted(self.wanted))).tuples()}
        else:
            found = {i for (i,) in Award.select(Award.id).where(
                Award.decision == self.decision).tuples()}
        missing = self.wanted - found
        if missing:
            raise NotFound(f"Giấy khen số {min(missing)} không thuộc quyết định "
                           f"{self.decision.number or self.decision.id}.")

    def __iter__(self):
        from models.entities import Award
        query, last = self._query(), None
        while True:
            page = query
            if last is not None:
                page = page.where((Award.order > last[0])
                                  | ((Award.order == last[0]) & (Award.id > last[1])))
            awards = list(page.limit(AWARD_PAGE))
            if not awards:
                return
            last = (awards[-1].order, awards[-1].id)
            for award in awards:
                if self.wanted is None or award.id in self.wanted:
                    yield award
            if len(awards) < AWARD_PAGE:
                return

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("DecisionAwards: only slices (awards[:n])")
        return list(itertools.islice(iter(self), index.start, index.stop, index.step))

    def __bool__(self):
        return len(self) > 0


def decision_awards(decision, award_ids=None):
    """Awards of a decision in its list order, with subject and title loaded, a page at a
    time (``DecisionAwards``); NotFound when a chosen award is not on the decision."""
    awards = DecisionAwards(decision, award_ids)
    awards.check_ids()
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
    decision, awards, base = decision_certificates(decision_id, award_ids)
    result = CertificatesResult(path=os.path.abspath(path), count=0)
    total = len(awards)
    title = f"Giấy khen theo Quyết định số {decision.number}"
    with atomic_output(path) as tmp:
        # written in parts of a few thousand pages joined on disk: reportlab keeps a
        # document's pages in memory, 40,000 certificates would need ~600 MB
        parts = pdf_join.Parts(tmp, lambda part: new_canvas(part, title=title))
        try:
            drawer, opened = None, 0
            for i, (award_id, template, page) in enumerate(certificate_pages(
                    awards, base, template_name=template_name, mode=mode,
                    printer_offset=printer_offset, qr=qr)):
                c = parts.canvas()
                if parts.opened != opened:
                    drawer, opened = PdfDrawer(c), parts.opened
                drawer.page(page)
                parts.page_done()
                result.award_ids.append(award_id)
                result.templates[award_id] = template.name
                if progress is not None and progress(i + 1, total) is False:
                    raise Cancelled("Đã hủy in giấy khen; không tạo tệp PDF.")
            parts.finish()
        except BaseException:
            parts.discard()
            raise
    result.count = len(result.award_ids)
    return result


def decision_certificates(decision_id, award_ids=None):
    """(decision, awards in list order, base values) of an issued decision; ValidationError
    when there is nobody to print."""
    decision = issued_decision(decision_id)
    awards = decision_awards(decision, award_ids)
    if not awards:
        raise ValidationError(f"Quyết định {decision.number} không có ai được khen để in.")
    return decision, awards, decision_values(decision, commune_values())


def certificate_pages(awards, base, *, template_name=None, mode="full", printer_offset=(0, 0),
                      qr=False):
    """(award id, template, layout Page) per award, lazily: the one description of each
    certificate that both the PDF and the printer draw."""
    all_templates = tpl.list_templates()
    fixed = tpl.get_template(template_name) if template_name else None
    builder = L.LayoutBuilder(base, mode=mode, offset=printer_offset, qr=qr)
    chosen = {}
    for award in awards:
        values, kind = award_values(award, base)
        key = (award.title.name, kind)
        template = fixed or chosen.get(key)
        if template is None:
            template = chosen[key] = tpl.choose_template(award.title.name, kind, all_templates)
        elif fixed is not None:     # a template of another title is refused
            tpl.check_template_fits(fixed, award.title.name, kind)
        yield award.id, template, builder.certificate(
            template, values, qr_text=qr_text(values) if qr else None)


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


def sample_page(template, *, mode="full", offset=(0, 0), values=None, qr=False):
    """The layout page of one certificate of ``template`` with sample (or given) values."""
    template = tpl.validate_template(template)
    vals = sample_values(template)
    vals.update(values or {})
    return L.LayoutBuilder(vals, mode=mode, offset=offset, qr=qr).certificate(
        template, vals, qr_text=qr_text(vals) if qr else None)


def write_template_sample(template, path, *, mode="full", offset=(0, 0), values=None, qr=False):
    """One certificate of ``template`` with sample (or given) values: editor preview."""
    page = sample_page(template, mode=mode, offset=offset, values=values, qr=qr)
    c = new_canvas(path, title=f"Mẫu {template.name}")
    PdfDrawer(c).page(page)
    c.save()
    return path


def write_test_print(template, path, offset=(0, 0), *, margins=None, printer=""):
    """Plain-paper test print (reports/cert_testprint): rulers and every field box with its
    name, shifted by the printer offset, to hold against a blank and measure the correction."""
    from .cert_testprint import DEFAULT_MARGINS, test_print_page
    page = test_print_page(template, offset=offset, margins=margins or DEFAULT_MARGINS,
                           printer=printer)
    c = new_canvas(path, title=f"In thử {template.name}")
    PdfDrawer(c).page(page)
    c.save()
    return path


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
            raw = fh.read(tpl.MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UserError(f"Không đọc được tệp mẫu {path}: {exc.strerror or exc}") from None
    if len(raw) > tpl.MAX_FILE_BYTES:
        raise ValidationError(f"Tệp {path} quá lớn để là một mẫu giấy khen.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"Tệp {path} không phải là mẫu giấy khen (không phải văn bản "
                              "UTF-8).") from None
    template, background = tpl.template_from_json(text)
    if template.font_family:                # a family of this machine's fonts, or refused
        from .textfit import installed_family
        installed_family(template.font_family, where=f"Tệp mẫu {os.path.basename(path)}")
    return template, background


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

