"""Scoring documents: a unit's score sheet (PDF), a bloc's ranking (PDF, Excel), and the
year's scores of every unit in one workbook (batch ``export scores``)."""
import datetime
import os

from peewee import fn

from models import scoring, settings, vntext
from models.entities import ScoreSheet
from models.errors import NotFound, UserError
from models.scoring_calc import BONUS, DEDUCTION, GROUP, compute, fmt_points

from . import pdfdoc
from .docx_doc import is_docx_path
from .pdfdoc import MM, para


SHEET_HEADER = ["Mã", "Nội dung tiêu chí", "Điểm\ntối đa", "Tự chấm", "Thẩm định", "Ghi chú"]
SHEET_WIDTHS_MM = [12, 62, 17, 18, 21, 35]          # 165 mm: A4 portrait text width


def _pts(value):
    return fmt_points(value, blank="")


def _place_date(commune, day):
    """'Tân Lập, ngày 05 tháng 12 năm 2025' of the day the scores were checked — not the day
    of printing; dots to fill in by hand when the sheet is not checked yet."""
    if day is None:
        return f"{commune.place_name or '……'}, ngày …… tháng …… năm ……"
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day[:10])
    return vntext.format_date_long(day, commune.place_name or None)


def _rank_text(sheet, bloc_name, size):
    if sheet.rank is None:
        return "chưa xếp hạng"
    return f"{sheet.rank}/{size}" + (f" trong {bloc_name}" if bloc_name else "")


# --------------------------------------------------------------------------- unit sheet

SHEET_ALIGN = ["center", "left", "center", "center", "center", "left"]


def sheet_content(sheet):
    """Everything a Phiếu chấm điểm says, as plain data for the PDF and .docx writers:
    criteria rows (group rows and the total in ``bold_rows``), result, signatures."""
    sheet = ScoreSheet.get_or_none(ScoreSheet.id == getattr(sheet, "id", sheet))
    if sheet is None:
        raise NotFound("Không có phiếu chấm điểm này.")
    cs, unit = sheet.criteria_set, sheet.unit
    commune = settings.commune()
    blocs = scoring.bloc_map()
    bloc_id, bloc_name = blocs.get(unit.id, (None, ""))
    peers = [s for s in ScoreSheet.select(ScoreSheet.unit).where(ScoreSheet.criteria_set == cs)
             if blocs.get(s.unit_id, (None, ""))[0] == bloc_id]
    rows, bold = [], set()
    for crit, depth, sv, cv, evidence, reason in scoring.sheet_lines(sheet):
        mx = crit.max_points
        shown_max = f"-{_pts(mx)}" if crit.method == DEDUCTION else (
            f"+{_pts(mx)}" if crit.method == BONUS else _pts(mx))
        if crit.method == DEDUCTION and crit.repeatable:
            shown_max += "/lần"
        note = "; ".join(t for t in (reason and f"Lý do: {reason}", evidence) if t)
        if crit.method == GROUP:
            bold.add(len(rows))
        rows.append([crit.code, ("   " * depth) + crit.text, shown_max, _pts(sv), _pts(cv),
                     note])
    bold.add(len(rows))
    rows.append(["", "TỔNG CỘNG", _pts(cs.total_max) + (f" + {_pts(cs.bonus_max)}"
                                                        if cs.bonus_max else ""),
                 _pts(sheet.self_total), _pts(sheet.total), ""])
    return {
        "issuer": pdfdoc.council_lines(commune),
        "place_date": _place_date(commune, sheet.checked_on),
        "heading": f"PHIẾU CHẤM ĐIỂM THI ĐUA NĂM {cs.year}", "set_name": cs.name,
        "unit": [("Đơn vị:", "b"), (f" {unit.name}" + (f" ({bloc_name})" if bloc_name
                                                          else ""), "")],
        "state": [("Trạng thái phiếu:", "b"), (f" {scoring.STATES[sheet.state]}", "")],
        "rows": rows, "bold_rows": sorted(bold),
        "result": [("Kết quả:", "b"),
                   (f" tổng điểm {_pts(sheet.total) or 'chưa có'}; xếp loại ", ""),
                   (sheet.band or "chưa xếp loại", "b"),
                   (f"; xếp hạng {_rank_text(sheet, bloc_name, len(peers))}.", "")],
        "signatures": [{"titles": ["ĐẠI DIỆN ĐƠN VỊ"], "note": "(Ký, ghi rõ họ tên)",
                        "name": unit.leader_name or ""},
                       {"titles": ["NGƯỜI THẨM ĐỊNH"], "note": "(Ký, ghi rõ họ tên)",
                        "name": sheet.checker or ""}],
        "title": f"Phiếu chấm điểm {unit.name} {cs.year}", "author": commune.name,
    }


def write_sheet_pdf(sheet, path):
    """Phiếu chấm điểm of one unit: criteria with self and checked points, reasons, totals,
    band and rank, signature lines for the unit head and the checker (.docx by the
    extension of ``path``)."""
    from reportlab.platypus import Spacer, Table, TableStyle
    content = sheet_content(sheet)
    if is_docx_path(path):
        from .score_docx import write_sheet_docx
        return write_sheet_docx(content, path)
    bold = set(content["bold_rows"])
    styled = []
    for i, r in enumerate(content["rows"]):
        if i in bold:
            styled.append([para(f"<b>{pdfdoc.esc(v)}</b>", "table_center" if j in (0, 2, 3, 4)
                                else "table", markup=True) for j, v in enumerate(r)])
        else:
            styled.append(r)
    table = pdfdoc.data_table(SHEET_HEADER, styled, SHEET_WIDTHS_MM, align=SHEET_ALIGN)
    story = [
        pdfdoc.header_block(None, place_date=content["place_date"], issuer=content["issuer"]),
        Spacer(1, 6 * MM),
        para(content["heading"], "title"),
        para(content["set_name"], "italic_center"),
        Spacer(1, 4 * MM),
        para(pdfdoc.runs_markup(content["unit"]), "left", markup=True),
        para(pdfdoc.runs_markup(content["state"]), "left", markup=True),
        Spacer(1, 3 * MM), table, Spacer(1, 3 * MM),
        para(pdfdoc.runs_markup(content["result"]), "left", markup=True),
        Spacer(1, 6 * MM),
    ]
    width = (210 - 45) * MM

    def cell(block):
        return [para(block["titles"][0], "center_bold"),
                para(block["note"], "italic_center"), Spacer(1, 25 * MM),
                para(block["name"], "center_bold")]
    sig = Table([[cell(b) for b in content["signatures"]]], colWidths=[width / 2, width / 2])
    sig.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("FONTNAME", (0, 0), (-1, -1), pdfdoc.FONT)]))
    story.append(sig)
    return pdfdoc.build(str(path), story, title=content["title"], author=content["author"])


# --------------------------------------------------------------------------- ranking

def ranking_rows(cs, *, bloc_id=...):
    """[(bloc_name, [(rank, unit name, group subtotals, bonus, deduction, total, band,
    state)])] in rank order, from the same pure computation the grid uses."""
    grid = scoring.load_grid(cs)
    board = grid.board("checked")
    blocs = {}
    for i, row in enumerate(grid.rows):
        if bloc_id is not ... and row.bloc_id != bloc_id:
            continue
        blocs.setdefault((row.bloc_name, row.bloc_id), []).append(i)
    spec = grid.spec
    content_groups = [g for g in spec.group_codes if g not in ("+", "-")]
    out = []
    for (bloc_name, _bid), members in sorted(blocs.items(), key=lambda kv: kv[0][0]):
        members.sort(key=lambda i: (board.ranks[i] is None, board.ranks[i] or 0,
                                    grid.rows[i].name))
        lines = []
        for i in members:
            r = board.results[i]
            groups = [r.groups[spec.group_codes.index(g)] for g in content_groups]
            lines.append((board.ranks[i], grid.rows[i].name, groups, r.bonus, r.deduction,
                          r.total, r.band, scoring.STATES[grid.rows[i].state]))
        out.append((bloc_name or "Không thuộc cụm, khối", lines))
    return content_groups, out


def ranking_content(cs, *, bloc_id=...):
    """The ranking as plain data: one page per bloc (header, titles, columns, rows, widths,
    tie-break line, the council's signature)."""
    commune = settings.commune()
    groups, sections = ranking_rows(cs, bloc_id=bloc_id)
    if not sections:
        raise UserError("Chưa có phiếu chấm điểm nào để xếp hạng.")
    header = ["Hạng", "Đơn vị"] + [f"Nhóm {g}" for g in groups] + [
        "Thưởng", "Trừ", "Tổng điểm", "Xếp loại", "Trạng thái"]
    fixed = 14 + 16 + 16 + 22 + 24 + 26
    gw = min(18, (252 - fixed - 60) / max(1, len(groups)))
    widths = [14, 252 - fixed - gw * len(groups)] + [gw] * len(groups) + [16, 16, 22, 24, 26]
    checked_on = (ScoreSheet.select(fn.MAX(ScoreSheet.checked_on))
                  .where(ScoreSheet.criteria_set == cs).scalar())
    tie = scoring.tie_break_text(scoring.tie_break_of(cs))
    pages = []
    for bloc_name, lines in sections:
        pages.append({
            "subtitle": f"{bloc_name} — {cs.name}",
            "rows": [[str(rk) if rk else "", name] + [_pts(g) for g in gs]
                     + [_pts(b) if b else "", _pts(d) if d else "", _pts(t), band, state]
                     for rk, name, gs, b, d, t, band, state in lines]})
    return {
        "issuer": pdfdoc.council_lines(commune),
        "place_date": _place_date(commune, checked_on),
        "heading": f"BẢNG XẾP HẠNG THI ĐUA NĂM {cs.year}", "columns": header,
        "widths": widths, "align": ["center", "left"] + ["center"] * (len(groups) + 5),
        "pages": pages, "tie": f"Khi bằng điểm: xếp trên đơn vị có {tie}." if tie else "",
        "signature_lines": ["TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", "CHỦ TỊCH"],
        "signer": commune.chairman, "title": f"Xếp hạng thi đua {cs.year}",
        "author": commune.name,
    }


def write_ranking_pdf(cs, path, *, bloc_id=...):
    """Bảng xếp hạng of one bloc (or every bloc) for a criteria table, A4 landscape (.docx
    by the extension of ``path``)."""
    from reportlab.platypus import PageBreak, Spacer
    content = ranking_content(cs, bloc_id=bloc_id)
    if is_docx_path(path):
        from .score_docx import write_ranking_docx
        return write_ranking_docx(content, path)
    story = []
    for n, page in enumerate(content["pages"]):
        if n:
            story.append(PageBreak())
        story += [pdfdoc.header_block(None, place_date=content["place_date"], landscape=True,
                                      issuer=content["issuer"]),
                  Spacer(1, 5 * MM), para(content["heading"], "title"),
                  para(page["subtitle"], "italic_center"), Spacer(1, 4 * MM)]
        story.append(pdfdoc.data_table(content["columns"], page["rows"], content["widths"],
                                       align=content["align"]))
        if content["tie"]:
            story.append(para(content["tie"], "small"))
        story.append(Spacer(1, 4 * MM))
        story.append(pdfdoc.signature_block(content["signature_lines"], content["signer"],
                                            landscape=True, space_mm=25))
    return pdfdoc.build(str(path), story, landscape=True, title=content["title"],
                        author=content["author"])


def write_ranking_xlsx(cs, path, *, bloc_id=..., progress=None):
    from .xlsxdoc import Column, SheetSpec, write_workbook
    groups, sections = ranking_rows(cs, bloc_id=bloc_id)
    if not sections:
        raise UserError("Chưa có phiếu chấm điểm nào để xếp hạng.")
    columns = [Column("Cụm, khối", 20), Column("Hạng", 6, "int"), Column("Đơn vị", 22)] + [
        Column(f"Nhóm {g}", 8, "decimal") for g in groups] + [
        Column("Thưởng", 8, "decimal"), Column("Trừ", 7, "decimal"),
        Column("Tổng điểm", 9, "decimal"), Column("Xếp loại", 10), Column("Trạng thái", 11)]
    rows = [[bloc, rk, name] + list(gs) + [b, d, t, band, state]
            for bloc, lines in sections for rk, name, gs, b, d, t, band, state in lines]
    spec = SheetSpec(title="Xếp hạng", heading=f"BẢNG XẾP HẠNG THI ĐUA NĂM {cs.year}",
                     subtitle=cs.name, columns=columns, rows=rows)
    return write_workbook(str(path), [spec], progress=progress)


# --------------------------------------------------------------------------- batch export

def export_scores_xlsx(path, *, year=None, progress=None):
    """One sheet per criteria table of ``year`` (default: the latest year that has one):
    one row per unit, one column per criterion (checked points, else self), total, band,
    rank. Returns ``path``."""
    from .xlsxdoc import Column, SheetSpec, write_workbook
    years = scoring.years()
    if not years:
        raise UserError("Chưa có bảng tiêu chí nào nên chưa có điểm để xuất.")
    year = year or years[0]
    sets = scoring.sets_of_year(year)
    if not sets:
        raise UserError(f"Năm {year} chưa có bảng tiêu chí; các năm có: "
                        + ", ".join(str(y) for y in years) + ".")
    sheets, used = [], set()
    for cs in sets:
        grid = scoring.load_grid(cs)
        board = grid.board("checked")
        leaves = grid.spec.leaves
        # One column per criterion: a big table prints over pages across at ≥ 10 pt, the
        # unit's number and name repeated on each.
        columns = [Column("STT", 5, "stt"), Column("Đơn vị", 22),
                   Column("Cụm, khối", 18)] + [
            Column(f"{c.code} ({'-' if c.method == DEDUCTION else ''}{_pts(c.max_points)})",
                   8, "decimal") for c in leaves] + [
            Column("Tự chấm", 8, "decimal"), Column("Tổng điểm", 9, "decimal"),
            Column("Xếp loại", 10), Column("Xếp hạng", 8, "int"), Column("Trạng thái", 11)]
        values = grid.values("checked")
        rows = []
        for i, row in enumerate(grid.rows):
            self_total = compute(grid.spec, grid.self_values[i]).total
            r = board.results[i]
            rows.append([i + 1, row.name, row.bloc_name] + list(values[i])
                        + [self_total, r.total, r.band, board.ranks[i],
                           scoring.STATES[row.state]])
        title = _tab_title(cs, used)
        sheets.append(SheetSpec(title=title, heading=f"KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM {year}",
                                subtitle=cs.name, columns=columns, rows=rows))
    path = str(path)
    if not os.path.splitext(path)[1]:
        path += ".xlsx"
    return write_workbook(path, sheets, progress=progress)


def _tab_title(cs, used):
    base = (cs.unit_kind.name if cs.unit_kind_id else cs.name)[:28]
    title, n = base, 2
    while vntext.fold(title) in used:
        title = f"{base[:25]} ({n})"
        n += 1
    used.add(vntext.fold(title))
    return title
