"""Reading a unit's proposal list (danh sách đề nghị khen thưởng) from Excel; preview and import.

The list mixes individuals, collectives and households in one sheet, under a title block,
with an STT column, often group heading rows ("I. CÁ NHÂN", "II. TẬP THỂ"), a totals row
and a signature block. ``preview_proposals`` reads it (through ``xlsx_read.read_table``),
leaves out the heading, totals and signature rows (saying so), and asks
``models.proposals.plan_proposals`` what each line would do; ``import_proposals_file``
imports it in one transaction only when no line has a problem. Columns: docs/IMPORT.md.
"""
import os
import re
from dataclasses import dataclass, field

from models import proposals, vntext
from models.entities import SUBJECT_KINDS
from models.errors import ValidationError
from models.proposal_match import section_kind
from models.service import require

from .xlsx_read import ColumnSpec, Problem, read_table

SPECS = [
    ColumnSpec("stt", "STT", ("Số TT", "Số thứ tự", "TT"), False, "text", 60),
    ColumnSpec("kind", "Phân loại", ("Loại đối tượng", "Phân loại đối tượng", "Đối tượng",
                                     "Cá nhân/Tập thể/Hộ gia đình",
                                     "Cá nhân, tập thể, hộ gia đình"), False, "text", 60),
    ColumnSpec("name", "Họ và tên", (
        "Họ tên", "Họ và tên / Tên tập thể", "Tên tập thể", "Họ và tên, tên tập thể",
        "Tên cá nhân, tập thể", "Tên cá nhân, tập thể, hộ gia đình", "Cá nhân, tập thể",
        "Họ và tên, tên tập thể, chủ hộ", "Họ và tên / Tên tập thể / Chủ hộ",
        "Tên đơn vị, cá nhân", "Tên tập thể, cá nhân", "Chủ hộ", "Tên"), False, "name", 200),
    ColumnSpec("gender", "Giới tính", ("Nam/Nữ", "Nam, nữ", "Phái"), False, "gender"),
    ColumnSpec("birth_year", "Năm sinh", ("Ngày sinh", "Ngày, tháng, năm sinh",
                                          "Ngày tháng năm sinh", "Sinh năm"), False, "year"),
    ColumnSpec("position", "Chức vụ", ("Chức danh", "Chức vụ, chức danh", "Nghề nghiệp"),
               False, "text", 200),
    ColumnSpec("unit", "Đơn vị", ("Đơn vị công tác", "Nơi công tác", "Cơ quan, đơn vị",
                                  "Đơn vị, địa chỉ", "Thôn, tổ dân phố", "Thôn/Tổ dân phố",
                                  "Thôn", "Địa chỉ", "Nơi ở", "Thuộc đơn vị",
                                  "Chức vụ, đơn vị công tác"), False, "text", 300),
    ColumnSpec("title", "Danh hiệu, hình thức đề nghị", (
        "Danh hiệu thi đua", "Danh hiệu đề nghị", "Danh hiệu thi đua đề nghị",
        "Đề nghị khen thưởng", "Danh hiệu, hình thức", "Danh hiệu/Hình thức",
        "Danh hiệu hoặc hình thức đề nghị", "Đề nghị", "Danh hiệu"), False, "text", 300),
    ColumnSpec("form", "Hình thức khen thưởng", ("Hình thức khen thưởng đề nghị",
                                                 "Hình thức đề nghị", "Hình thức"),
               False, "text", 300),
    ColumnSpec("achievement", "Thành tích", ("Tóm tắt thành tích", "Thành tích đạt được",
                                             "Nội dung thành tích", "Thành tích tiêu biểu",
                                             "Lý do khen thưởng", "Lý do"), False, "text", 2000),
    ColumnSpec("note", "Ghi chú", (), False, "text", 2000),
]
_TOTALS = re.compile(r"^(tong cong|tong so)\b|^(tong|cong)\s*(:|$|\d)")
# Under the table: the date line and "người lập biểu" end it wherever they stand; the
# signers' titles only on a row without a name and a title.
_SIGN_STRONG = re.compile(r"nguoi lap|ky ten|ky,? ghi ro|ghi ro ho ten|xac nhan cua|"
                          r"ngay\s*\S*\s*thang\s*\S*\s*nam\s*\S*$")
_SIGN_WEAK = re.compile(r"truong thon|to truong|hieu truong|thu truong|chu tich|giam doc|"
                        r"bi thu|^tm\b|^t/m\b|^kt\b")


@dataclass
class Entry:
    """One data row of the list, as read and as planned."""
    number: int
    shown: dict
    problems: list = field(default_factory=list)     # Problem
    converted: dict = field(default_factory=dict)
    plan: object = None                              # proposals.PlanRow
    kind: str | None = None

    @property
    def ok(self):
        return not self.problems

    @property
    def problem_fields(self):
        return {p.field for p in self.problems if p.field}


@dataclass
class ProposalPreview:
    path: str
    table: object
    movement: object = None
    year: int | None = None
    entries: list = field(default_factory=list)
    lines: list = field(default_factory=list)        # models.proposals.ProposalLine
    skipped: list = field(default_factory=list)      # (row number, why) of non-data rows
    plan: object = None
    problems_file: list = field(default_factory=list)

    @property
    def sheet(self):
        return self.table.sheet

    @property
    def file_problems(self):
        return list(self.table.problems) + self.problems_file

    @property
    def problems(self):
        return self.file_problems + [p for e in self.entries for p in e.problems]

    @property
    def can_import(self):
        return bool(self.entries) and not self.problems

    def describe(self):
        if self.plan is None:
            return "Chưa đọc được danh sách."
        text = self.plan.describe()
        if self.skipped:
            text += f" {len(self.skipped)} dòng không phải dữ liệu (tiêu đề nhóm, tổng cộng, " \
                    "ký tên) được bỏ qua."
        return text


def _locator(table):
    def locate(number, fld):
        spec = next((s for s in table.specs if s.field == fld), None)
        return Problem(table.sheet, number, table.column_letter(fld),
                       spec.label if spec else None, "", fld).where()
    return locate


def _problem(table, number, fld, message):
    spec = next((s for s in table.specs if s.field == fld), None)
    return Problem(table.sheet, number, table.column_letter(fld), spec.label if spec else None,
                   message, fld)


def read_proposals(path, *, sheet=None, progress=None):
    """(table, entries, lines, skipped): the data rows of the list, heading rows applied."""
    table = read_table(str(path), SPECS, sheet=sheet, progress=progress)
    entries, lines, skipped = [], [], []
    if table.problems:
        return table, entries, lines, skipped
    if "name" not in table.columns or not {"title", "form"} & set(table.columns):
        for fld in ("name", "title"):
            if fld == "name" and "name" in table.columns or fld == "title" and (
                    {"title", "form"} & set(table.columns)):
                continue
            spec = next(s for s in SPECS if s.field == fld)
            table.problems.append(Problem(
                table.sheet, table.header_row, None, spec.label,
                f"Thiếu cột '{spec.label}' ở dòng tiêu đề (có thể ghi: "
                + ", ".join(f"'{n}'" for n in spec.names()[:6]) + ")."))
        return table, entries, lines, skipped
    section, ended = None, None
    for row in table.rows:
        if ended is not None:
            skipped.append((row.number, f"dưới {ended}, không phải dữ liệu"))
            continue
        what = _classify(row.shown)
        if what == "totals":
            ended = "dòng tổng cộng"
            skipped.append((row.number, "dòng tổng cộng"))
            continue
        if what == "sign":
            ended = "phần ký tên"
            skipped.append((row.number, "phần ký tên dưới bảng"))
            continue
        if what == "empty":
            skipped.append((row.number, "dòng chỉ có số thứ tự"))
            continue
        if what != "data":
            section = what
            skipped.append((row.number, f"tiêu đề nhóm {SUBJECT_KINDS[what]}"))
            continue
        values = row.values
        titles = "; ".join(values[f] for f in ("title", "form") if values.get(f))
        line = proposals.ProposalLine(
            number=row.number, name=values.get("name", ""), kind_text=row.shown.get("kind", ""),
            position=values.get("position", ""), unit=values.get("unit", ""), title=titles,
            achievement=values.get("achievement", ""), gender=values.get("gender"),
            birth_year=values.get("birth_year"), section=section)
        entries.append(Entry(number=row.number, shown=dict(row.shown),
                             problems=list(row.problems), converted=dict(row.converted)))
        lines.append(line)
    return table, entries, lines, skipped


def _classify(shown):
    """'data', 'totals', 'sign' (signature block), 'empty', or the kind a heading names."""
    name, stt = shown.get("name", ""), shown.get("stt", "")
    if _TOTALS.match(vntext.fold(stt)) or _TOTALS.match(vntext.fold(name)):
        return "totals"
    folded = [vntext.fold(v) for v in shown.values()]
    titled = shown.get("title") or shown.get("form")
    if (not name or _SIGN_STRONG.search(vntext.fold(name))) and any(
            _SIGN_STRONG.search(f) for f in folded):
        return "sign"
    if not name and not titled and any(_SIGN_WEAK.search(f) for f in folded):
        return "sign"
    if not titled and not shown.get("kind"):
        heading = section_kind(" ".join(x for x in (stt, name) if x)) or section_kind(name)
        if heading:
            return heading
        if set(shown) <= {"stt", "note"}:
            return "empty"
    return "data"


def _check_year(movement, year):
    if not movement.year_from <= year <= movement.year_to:
        span = (str(movement.year_from) if movement.year_from == movement.year_to
                else f"{movement.year_from}–{movement.year_to}")
        raise ValidationError(f"Năm {year} không thuộc phong trào '{movement.name}' ({span}); "
                              "hãy chọn năm cho đúng.")


def default_year(movement):
    """The movement's year when it spans one; otherwise None (the caller must choose)."""
    return movement.year_from if movement.year_from == movement.year_to else None


def preview_proposals(path, *, movement, year, proposer=None, choices=None, sheet=None,
                      progress=None):
    """Read and plan ``path`` without writing anything."""
    _check_year(movement, year)
    table, entries, lines, skipped = read_proposals(path, sheet=sheet, progress=progress)
    pv = ProposalPreview(path=str(path), table=table, movement=movement, year=year,
                         entries=entries, lines=lines, skipped=skipped)
    if table.problems:
        return pv
    if not entries:
        pv.problems_file.append(Problem(table.sheet, None, None, None,
                                        "Không có dòng đề nghị nào dưới dòng tiêu đề."))
    plan = proposals.plan_proposals(lines, movement=movement, year=year, proposer=proposer,
                                    choices=choices)
    pv.plan = plan
    for entry, prow in zip(entries, plan.rows):
        entry.plan, entry.kind = prow, prow.kind
        read_fields = entry.problem_fields
        for fld, message in prow.problems:
            if fld in read_fields:       # the cell itself is wrong: one message is enough
                continue
            entry.problems.append(_problem(table, entry.number, fld, message))
    return pv


def import_proposals_file(path, *, actor, movement, year, proposer=None, choices=None,
                          decision=None, sheet=None, progress=None):
    """Import the list as candidates of ``movement``/``year`` (and into ``decision``, a
    draft, when given): everything in one transaction, or nothing with every problem listed.
    Returns (ProposalResult, ProposalPreview)."""
    require(actor, "clerk")
    pv = preview_proposals(path, movement=movement, year=year, proposer=proposer,
                           choices=choices, sheet=sheet, progress=progress)
    name = os.path.basename(str(path))
    if pv.file_problems:
        raise ValidationError(f"Không nhập được tệp {name}: "
                              + "; ".join(str(p) for p in pv.file_problems),
                              details=[str(p) for p in pv.file_problems])
    problems = pv.problems
    if problems:
        bad = sum(1 for e in pv.entries if not e.ok)
        raise ValidationError(
            f"Tệp {name} có {len(problems)} lỗi ở {bad} dòng; chưa nhập gì. Hãy sửa tệp (hoặc "
            "chọn đối tượng khi xem trước) rồi nhập lại.",
            details=[str(p) for p in problems])
    source = f"tệp {name}" + (f" của {proposer.name}" if proposer is not None else "")
    result = proposals.import_proposals(actor=actor, lines=pv.lines, movement=movement, year=year,
                                        proposer=proposer, choices=choices, decision=decision,
                                        source=source, locate=_locator(pv.table))
    return result, pv

