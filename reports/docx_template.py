"""Filling a commune's own Word template: ``{{placeholders}}`` replaced by a document's content.

A template is a .docx written in Word or LibreOffice with placeholders such as ``{{so}}``,
``{{ngay}}``, ``{{nguoi_ky}}``, ``{{can_cu}}``, ``{{danh_sach}}`` (the set per kind is in
``models/doc_templates.KINDS``; docs/WORD_TEMPLATES.md lists them). Office programs split
typed text into several runs (spell-check marks, edits, formatting), so a placeholder is
found in the paragraph's whole text and replaced across the runs it spans, keeping the
formatting of the run it starts in.

Values: a ``str`` replaces the placeholder in its text (line breaks become ``w:br``);
``Paragraphs`` (a list of str or of runs ``[(text, "b"|"i"|"")]``) repeat the placeholder's
paragraph once per item (its other text kept: "- {{noi_nhan}}" gives one "- …" line per
recipient; the items are joined by line breaks when the paragraph holds other
placeholders too), and remove it when empty — as an empty ``str`` alone in its paragraph
does ("{{du_thao}}" of an issued decision leaves no blank line); ``Table`` replaces the
placeholder's paragraph (which must hold nothing else) by the list table, fitted to the
text width there.

``check_template`` refuses, with a Vietnamese message saying what to do: a file that is not
a .docx (an old .doc, a workbook, anything else), a macro-enabled file (.docm/.dotm or a
``vbaProject`` part), an abnormal zip, a damaged package, an unknown placeholder (named),
a template without any placeholder, and a list placeholder sharing its paragraph.
"""
import copy
import io
import os
import re
import zipfile
from dataclasses import dataclass, field

from models import doc_templates
from models.errors import UserError
from .docx_xml import W_NS

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]{0,60}?)\s*\}\}")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
W = "{%s}" % W_NS
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


class TemplateError(UserError):
    """The file cannot be used as a Word template (message says why and what to do)."""


class Paragraphs(list):
    """A placeholder value that is a list of paragraphs (str or runs)."""


@dataclass
class Table:
    """A placeholder value that is a list table (as ``DocxDocument.table`` takes it)."""
    columns: list
    rows: list
    widths_mm: list
    options: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- checking

def _package(data, name):
    """The zip of a .docx; TemplateError for anything else."""
    if data[:8] == OLE_MAGIC:
        raise TemplateError(
            f"Tệp {name} là tệp Word 97-2003 (.doc) hoặc tệp Office cũ, không phải .docx. Hãy "
            "mở tệp bằng Word (hoặc LibreOffice Writer), chọn Lưu thành (Save As) → "
            "“Word Document (*.docx)” rồi chọn lại tệp .docx đó.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise TemplateError(
            f"Tệp {name} không phải là tệp Word .docx (hoặc tệp đã hỏng). Hãy chọn một tệp "
            "mẫu soạn bằng Word hoặc LibreOffice Writer và lưu dạng .docx.") from exc
    from .xlsx_zip import SuspiciousFileError, check_zip
    try:
        check_zip(zf, name)
    except SuspiciousFileError as exc:
        raise TemplateError(
            f"Tệp {name} là tệp nén bất thường (giải nén ra quá lớn hoặc quá nhiều thành "
            "phần), không giống một văn bản Word thật. Phần mềm không dùng tệp này; hãy "
            "kiểm tra nguồn gốc tệp, mở bằng Word và lưu lại dạng .docx.") from exc
    return zf


def _content_types(zf, name):
    try:
        return zf.read("[Content_Types].xml").decode("utf-8", "replace")
    except KeyError as exc:
        raise TemplateError(f"Tệp {name} không phải là tệp Word .docx (thiếu phần mô tả "
                            "nội dung). Hãy mở bằng Word và lưu lại dạng .docx.") from exc


def _refuse_macros(zf, types, name):
    parts = [n.lower() for n in zf.namelist()]
    if (name.lower().endswith((".docm", ".dotm")) or "macroenabled" in types.lower()
            or any(os.path.basename(p) == "vbaproject.bin" for p in parts)):
        raise TemplateError(
            f"Tệp {name} có macro (VBA). Phần mềm không dùng mẫu có macro vì macro có thể "
            "chứa mã độc. Hãy mở mẫu bằng Word, chọn Lưu thành (Save As) → “Word Document "
            "(*.docx)” (loại không có macro) rồi chọn lại tệp .docx đó.")


def open_template(data, name="mẫu"):
    """A python-docx Document of template bytes, after the file checks (no placeholders)."""
    import docx
    if len(data) > doc_templates.MAX_BYTES:
        raise TemplateError(f"Tệp {name} lớn hơn 20 MB: mẫu văn bản thật chỉ vài chục KB. "
                            "Hãy bỏ bớt ảnh lớn trong mẫu rồi lưu lại.")
    with _package(data, name) as zf:
        types = _content_types(zf, name)
        _refuse_macros(zf, types, name)
        if DOCUMENT_TYPE not in types and TEMPLATE_TYPE not in types:
            raise TemplateError(
                f"Tệp {name} không phải là văn bản Word (có thể là bảng tính hoặc tệp khác "
                "được đổi đuôi). Hãy chọn tệp mẫu soạn bằng Word, lưu dạng .docx.")
        if TEMPLATE_TYPE in types:            # a .dotx: read as the document it describes
            data = _as_document(zf, types)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:          # python-docx raises many kinds on a damaged package
        raise TemplateError(f"Tệp {name} bị hỏng, không đọc được ({type(exc).__name__}). "
                            "Hãy mở bằng Word, lưu lại dạng .docx rồi chọn lại.") from exc


def _as_document(zf, types):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in zf.infolist():
            body = zf.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = types.replace(TEMPLATE_TYPE, DOCUMENT_TYPE).encode("utf-8")
            dst.writestr(info.filename, body)
    return out.getvalue()


def _parts(document):
    """The XML roots that hold text: the body, then every header and footer."""
    roots = [document.element.body]
    for part in document.part.package.iter_parts():
        if part.partname.endswith(".xml") and re.search(r"/(header|footer)\d*\.xml$",
                                                        part.partname):
            roots.append(part.element)
    return roots


def _paragraph_texts(root):
    """(paragraph, [w:t elements of that paragraph itself], joined text) of a part."""
    for p in root.iter(f"{W}p"):
        texts = [t for t in p.iter(f"{W}t")
                 if next(t.iterancestors(f"{W}p")) is p]
        yield p, texts, "".join(t.text or "" for t in texts)


def found_placeholders(document):
    """{name: alone-in-its-paragraph flags} of every placeholder in a document."""
    found = {}
    for root in _parts(document):
        for _, _, text in _paragraph_texts(root):
            for m in PLACEHOLDER.finditer(text):
                found.setdefault(m.group(1), []).append(text.strip() == m.group(0))
    return found


def check_template(data, kind, *, name="mẫu"):
    """Open and check a template of ``kind``; returns its placeholder names (sorted)."""
    known = doc_templates.placeholders(kind)
    document = open_template(data, name)
    found = found_placeholders(document)
    unknown = sorted(n for n in found if n not in known)
    if unknown:
        listed = ", ".join("{{" + n + "}}" for n in unknown)
        raise TemplateError(
            f"Mẫu {name} có chỗ điền không dùng được cho "
            f"{doc_templates.kind_label(kind).lower()}: {listed}. Hãy sửa lại cho đúng tên "
            "(chữ thường, không dấu, nối bằng dấu gạch dưới) — các chỗ điền dùng được: "
            + ", ".join("{{" + n + "}}" for n in known) + ".",
            details=[f"{{{{{n}}}}}: {d}" for n, d in known.items()])
    if not found:
        raise TemplateError(
            f"Mẫu {name} không có chỗ điền nào (dạng {{{{so}}}}, {{{{ngay}}}} …), nên văn bản "
            "in ra sẽ không có số liệu. Hãy gõ các chỗ điền vào mẫu (xem “Các chỗ điền”).")
    if "danh_sach" in found and not all(found["danh_sach"]):
        raise TemplateError(
            f"Trong mẫu {name}, chỗ điền {{{{danh_sach}}}} phải đứng riêng một đoạn (một dòng "
            "không có chữ nào khác): bảng danh sách được chèn vào đúng đoạn đó.")
    return sorted(found)


def install_template(*, actor, kind, path):
    """Read, check and store the commune's template of ``kind`` from ``path``."""
    name = os.path.basename(str(path))
    try:
        with open(path, "rb") as fh:
            data = fh.read(doc_templates.MAX_BYTES + 1)
    except OSError as exc:
        from models.fileops import os_error_message
        raise UserError(os_error_message(exc, path)) from exc
    check_template(data, kind, name=name)
    return doc_templates.save_template(actor=actor, kind=kind, file_name=name, data=data)


def stored_template(kind):
    """The bytes of the commune's template of ``kind``, or None (built-in layout)."""
    row = doc_templates.get_template(kind)
    return bytes(row.data) if row is not None else None


# --------------------------------------------------------------------------- filling

def _set_text(t, text):
    """Text into a w:t; line breaks become w:br siblings in the same run."""
    from docx.oxml import OxmlElement
    parts = text.split("\n")
    t.text = parts[0]
    t.set(XML_SPACE, "preserve")
    anchor = t
    for part in parts[1:]:
        br = OxmlElement("w:br")
        anchor.addnext(br)
        nxt = OxmlElement("w:t")
        nxt.text = part
        nxt.set(XML_SPACE, "preserve")
        br.addnext(nxt)
        anchor = nxt


def _replace_span(texts, start, end, replacement):
    """Replace characters [start, end) of the joined text of ``texts`` (w:t elements)."""
    pos = 0
    first = None
    for t in texts:
        text = t.text or ""
        a, b = pos, pos + len(text)
        pos = b
        if b <= start or a >= end:
            continue
        lo, hi = max(start, a) - a, min(end, b) - a
        if first is None:
            first = t
            _set_text(t, text[:lo] + replacement + text[hi:])
        else:
            t.text = text[hi:]


def _flatten(value):
    if isinstance(value, str):
        return value
    return "\n".join(v if isinstance(v, str) else "".join(t for t, _ in v) for v in value)


def _run_of(t):
    return next(t.iterancestors(f"{W}r"))


def _paragraph_copies(p, start_t, items):
    """One copy of paragraph ``p`` per item, its runs made from the placeholder's run."""
    from docx.oxml import OxmlElement
    proto = copy.deepcopy(_run_of(start_t))
    for child in list(proto):
        if child.tag != f"{W}rPr":
            proto.remove(child)
    for item in items:
        new = copy.deepcopy(p)
        for child in list(new):
            if child.tag != f"{W}pPr":
                new.remove(child)
        for text, flags in ([(item, "")] if isinstance(item, str) else item):
            run = copy.deepcopy(proto)
            rpr = run.find(f"{W}rPr")
            for flag, tag in (("b", "b"), ("i", "i")):
                if flag in (flags or ""):
                    if rpr is None:
                        rpr = OxmlElement("w:rPr")
                        run.insert(0, rpr)
                    if rpr.find(f"{W}{tag}") is None:
                        rpr.insert(0, OxmlElement(f"w:{tag}"))
            t = OxmlElement("w:t")
            run.append(t)
            _set_text(t, text)
            new.append(run)
        p.addprevious(new)
    _drop(p, keep_empty=not items)


def _text_width_mm_at(p):
    """The text width where paragraph ``p`` stands: its cell, else its section."""
    tc = next(p.iterancestors(f"{W}tc"), None)
    if tc is not None:
        w = tc.find(f"{W}tcPr/{W}tcW")
        if w is not None and w.get(f"{W}type") == "dxa" and int(w.get(f"{W}w", "0")) > 0:
            return int(w.get(f"{W}w")) / 1440 * 25.4 - 4
    sect = (p.xpath("following::w:sectPr[1]") or p.xpath("ancestor::w:body/w:sectPr"))
    if sect:
        size, margins = sect[0].find(f"{W}pgSz"), sect[0].find(f"{W}pgMar")
        if size is not None and margins is not None:
            twips = (int(size.get(f"{W}w")) - int(margins.get(f"{W}left", 0))
                     - int(margins.get(f"{W}right", 0)))
            return twips / 1440 * 25.4
    return 165


def _insert_table(p, value):
    from docx.oxml import parse_xml
    from .docx_xml import fit_widths, table_xml
    widths = fit_widths(value.widths_mm, _text_width_mm_at(p))
    tbl = parse_xml(table_xml(value.columns, value.rows, widths, **value.options))
    p.addprevious(tbl)
    parent = p.getparent()
    parent.remove(p)
    if parent.tag == f"{W}tc" and parent[-1] is tbl:     # a cell must end with a paragraph
        from docx.oxml import OxmlElement
        tbl.addnext(OxmlElement("w:p"))


def fill(template, values, path, *, kind, name="mẫu"):
    """Write ``template`` (bytes) with its placeholders replaced by ``values`` to ``path``."""
    check_template(template, kind, name=name)
    document = open_template(template, name)
    for root in _parts(document):
        for p, texts, text in list(_paragraph_texts(root)):
            matches = list(PLACEHOLDER.finditer(text))
            if not matches:
                continue
            alone = len(matches) == 1 and text.strip() == matches[0].group(0)
            value = values.get(matches[0].group(1), "")
            if alone and isinstance(value, Table):
                _insert_table(p, value)
                continue
            if alone and isinstance(value, str) and not value.strip() and _removable(p):
                p.getparent().remove(p)     # "{{du_thao}}" of an issued decision: no line
                continue
            if alone and isinstance(value, Paragraphs):
                start = _start_element(texts, matches[0].start())
                _paragraph_copies(p, start, value)
                continue
            if len(matches) == 1 and isinstance(value, Paragraphs):
                _repeat_paragraph(p, matches[0], value)     # "- {{noi_nhan}}": one a line
                continue
            for m in reversed(matches):
                value = values.get(m.group(1), "")
                _replace_span(texts, m.start(), m.end(), _flatten(value)
                              if not isinstance(value, Table) else "")
    from .safefile import atomic_output
    with atomic_output(path) as tmp:
        document.save(tmp)
    return path


def _drop(p, *, keep_empty):
    """Remove the placeholder's paragraph; a cell's last one is emptied instead."""
    if keep_empty and not _removable(p):
        for child in list(p):
            if child.tag != f"{W}pPr":
                p.remove(child)
    else:
        p.getparent().remove(p)


def _removable(p):
    """A paragraph may go unless it is the last one of a table cell (a cell needs one)."""
    parent = p.getparent()
    return parent.tag != f"{W}tc" or len(parent.findall(f"{W}p")) > 1


def _repeat_paragraph(p, match, items):
    """Paragraph ``p`` once per item, the placeholder replaced by it, the rest kept."""
    for item in items:
        new = copy.deepcopy(p)
        texts = next(t for q, t, _ in _paragraph_texts(new) if q is new)
        _replace_span(texts, match.start(), match.end(), _flatten([item]))
        p.addprevious(new)
    _drop(p, keep_empty=not items)


def _start_element(texts, offset):
    pos = 0
    for t in texts:
        pos += len(t.text or "")
        if pos > offset:
            return t
    return texts[-1]


# --------------------------------------------------------------------------- document values

def _common(content):
    from models import vntext
    return {"so": content["number"], "ngay": content["place_date"],
            "ngay_ky": vntext.format_date(content["date"]) if content.get("date") else "",
            "co_quan": Paragraphs(t for t, _ in content["issuer"])}


def decision_values(content, listed):
    """Placeholder values of a decision (see models/doc_templates.KINDS['decision'])."""
    from .decision_docx import list_table_args
    values = {**_common(content), "trich_yeu": content["about"],
              "tham_quyen": content["authority"], "can_cu": Paragraphs(content["bases"]),
              "dieu": Paragraphs([[(label, "b"), (f" {text}", "")]
                                  for label, text in content["articles"]]),
              "chuc_vu_ky": Paragraphs(content["signature_lines"]),
              "nguoi_ky": content["signer"],
              "noi_nhan": Paragraphs(content["recipients"]),
              "du_thao": "DỰ THẢO" if content["draft"] else "",
              "tieu_de_danh_sach": "", "kem_theo": "", "tong_tien_chu": "",
              "danh_sach": Paragraphs()}
    if listed:
        columns, rows, widths, options = list_table_args(listed)
        values.update(tieu_de_danh_sach=listed["verb"], kem_theo=listed["attached_to"],
                      tong_tien_chu=listed["total_words"],
                      danh_sach=Table(columns, rows, widths, options))
    return values


def minutes_values(content):
    from . import minutes_pdf
    values = {**_common(content), "noi_dung": content["about"],
              "dien_bien": Paragraphs(content["lines"]), "ket_luan": content["closing"],
              "so_dat": str(content["passed"]), "chu_tri": content["chair"],
              "thu_ky": content["secretary"]}
    values["danh_sach"] = (Table(minutes_pdf.HEADER, content["rows"], minutes_pdf.WIDTHS_MM,
                                 {"align": minutes_pdf.ALIGN, "sections": content["sections"]})
                           if content["rows"] else Paragraphs([content["empty"]]))
    return values


def fill_decision(template, content, listed, path):
    return fill(template, decision_values(content, listed), path, kind="decision")


def fill_minutes(template, content, path):
    return fill(template, minutes_values(content), path, kind="minutes")


# --------------------------------------------------------------------------- starters and help

def help_lines(kind):
    """'{{so}} — Số, ký hiệu …' lines of the placeholders of ``kind`` (the program's help)."""
    return [f"{{{{{name}}}}} — {text}"
            for name, text in doc_templates.placeholders(kind).items()]


# what a placeholder stands for when the starter measures its short rules
SAMPLE_ISSUER = ("ỦY BAN NHÂN DÂN", True)
SAMPLE_SUBJECT = "Về việc khen thưởng thành tích trong phong trào thi đua yêu nước năm 2025"


def write_starter(kind, path):
    """A starting template of ``kind``: the built-in Decree-30 layout (the same renderers)
    with every placeholder in its place, for a clerk to adapt in Word and check back in."""
    from .decision_docx import render_decision, render_minutes
    from .docx_doc import DocxDocument
    doc_templates.placeholders(kind)
    doc = DocxDocument(title=f"Mẫu {doc_templates.kind_label(kind).lower()}")
    common = {"draft": False, "issuer": [("{{co_quan}}", True)], "number": "{{so}}",
              "place_date": "{{ngay}}", "issuer_rule_for": SAMPLE_ISSUER,
              "about_rule_for": SAMPLE_SUBJECT}
    if kind == "minutes":
        render_minutes(doc, {**common, "about": "{{noi_dung}}", "lines": ["{{dien_bien}}"],
                             "rows": [], "empty": "{{danh_sach}}", "closing": "{{ket_luan}}",
                             "signatures": [("THƯ KÝ", "{{thu_ky}}"),
                                            ("CHỦ TRÌ", "{{chu_tri}}")]})
        return doc.save(path)
    if kind == "decision":
        doc.paragraph("{{du_thao}}", "right")
        render_decision(doc, {**common, "about": "{{trich_yeu}}",
                              "authority": "{{tham_quyen}}", "bases": ["{{can_cu}}"],
                              "articles": [("", "{{dieu}}")], "recipients": ["{{noi_nhan}}"],
                              "signature_lines": ["{{chuc_vu_ky}}"], "signer": "{{nguoi_ky}}"})
        doc.section(landscape=True)
        doc.title("DANH SÁCH", rule=False)
        doc.paragraph("{{tieu_de_danh_sach}}", "center_bold")
        doc.paragraph("{{kem_theo}}", "italic_center")
        doc.space(4)
        doc.paragraph("{{danh_sach}}", "left")
        doc.space(3)
        doc.paragraph("{{tong_tien_chu}}", "italic")
        return doc.save(path)
    doc.header(issuer=common["issuer"], number="{{so}}", place_date="{{ngay}}",
               rule_for=SAMPLE_ISSUER)
    doc.space(6)
    doc.title("TỜ TRÌNH", "{{trich_yeu}}", rule_for=SAMPLE_SUBJECT)
    doc.paragraph("Kính gửi: {{kinh_gui}}", "center")
    doc.space(4)
    doc.bases(["{{can_cu}}"])
    doc.paragraph("{{noi_dung}}", "indent")
    doc.paragraph("{{danh_sach}}", "left")
    doc.space(5)
    doc.recipients_and_signature(["{{noi_nhan}}"], ["{{chuc_vu_ky}}"], "{{nguoi_ky}}")
    return doc.save(path)
