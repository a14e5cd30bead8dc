"""Excel files of the commendation work: awards (register), decisions, reward fund."""
from models import award_history, decisions, vntext
from .xlsxdoc import Column, SheetSpec, write_workbook

# Ten columns print on A4 landscape at ≥ 10 pt; the last two are kept on screen only.
AWARD_COLUMNS = [
    Column("STT", 5, "stt"), Column("Họ và tên / Tên tập thể / Chủ hộ", 25),
    Column("Chức vụ", 13), Column("Đơn vị, địa chỉ", 26), Column("Hình thức", 22),
    Column("Số quyết định", 14), Column("Ngày quyết định", 11, "date"),
    Column("Năm khen", 6, "year"), Column("Số sổ", 6, "int"),
    Column("Số tiền (đồng)", 11, "money"),
    Column("Đối tượng", 12, printed=False), Column("Tình trạng quyết định", 18, printed=False),
]


def export_awards_xlsx(path, *, year=None, progress=None, search=None):
    """The register of awards (every issued decision), optionally of one year: read from
    the cursor in register order and written as it is read, the total summed on the way."""
    total = [0]

    def rows():
        for i, r in enumerate(award_history.iter_register_rows(year=year, search=search), 1):
            total[0] += r["amount"] or 0
            yield [i, r["name"], r["position"], r["place"], r["title"], r["number"],
                   r["date"], r["period"], r["register_no"], r["amount"], r["kind_label"],
                   r["state"]]
    spec = SheetSpec(title="Sổ theo dõi khen thưởng",
                     heading="SỔ THEO DÕI KHEN THƯỞNG",
                     subtitle=f"Năm {year}" if year else "Tất cả các năm",
                     columns=AWARD_COLUMNS, rows=rows(),
                     total_rows=award_history.register_count(year=year),
                     footer=lambda: [f"Tổng số tiền: {vntext.format_money(total[0])}"])
    return write_workbook(path, [spec], progress=progress)


export_register_xlsx = export_awards_xlsx


def export_decision_list_xlsx(path, *, decision_id, progress=None):
    """The list attached to one decision (I/II/III with amounts), as Excel."""
    decision = decisions.get_decision(decision_id)
    summ = decisions.summary(decision)
    cols = [Column("STT", 5, "stt"), Column("Họ và tên / Tên tập thể / Chủ hộ", 23),
            Column("Chức vụ", 14), Column("Đơn vị, địa chỉ", 22), Column("Hình thức", 22),
            Column("Thành tích", 32), Column("Số tiền (đồng)", 11, "money"),
            Column("Ghi chú", 10)]
    rows = []
    for heading, group in summ["groups"]:
        # The section heading ("I. Cá nhân") sits in the name column: STT stays numeric.
        rows.append([None, heading, "", "", "", "", None, ""])
        for i, r in enumerate(group, 1):
            rows.append([i, r["name"], r["position"], r["place"], r["title"],
                         r["achievement"], r["amount"], r["note"]])
    rows.append([None, "Tổng cộng", "", "", "", "", summ["total"], ""])
    spec = SheetSpec(title="Danh sách", heading="DANH SÁCH KHEN THƯỞNG",
                     subtitle=f"Kèm theo {decisions.label(decision)}", columns=cols, rows=rows,
                     footer=[f"Bằng chữ: {summ['total_words']}."])
    return write_workbook(path, [spec], progress=progress)


def export_decisions_xlsx(path, *, year=None, progress=None):
    """Decisions and the reward fund: one sheet of decisions, one per title, one per year."""
    rows = [r for r in decisions.decision_rows()
            if not year or r["date"].startswith(str(year))]
    dec_rows = [[i, r["number"] or "(dự thảo)", vntext.parse_date(r["date"]), r["about"],
                 award_history.STATE_NAMES.get(r["state"], r["state"]),
                 r["recipient_count"], r["total_amount"]] for i, r in enumerate(rows, 1)]
    fund = award_history.fund_totals(year=year)
    sheets = [
        SheetSpec(title="Quyết định", heading="DANH SÁCH QUYẾT ĐỊNH KHEN THƯỞNG",
                  subtitle=f"Năm {year}" if year else "",
                  columns=[Column("STT", 6, "stt"), Column("Số quyết định", 14),
                           Column("Ngày", 12, "date"), Column("Trích yếu", 50, wrap=True),
                           Column("Tình trạng", 16), Column("Số người/tập thể", 12, "int"),
                           Column("Tổng tiền (đồng)", 16, "money")], rows=dec_rows),
        SheetSpec(title="Quỹ theo hình thức", heading="QUỸ THI ĐUA, KHEN THƯỞNG THEO HÌNH THỨC",
                  subtitle=f"Năm {year}" if year else "",
                  columns=[Column("Hình thức", 40, wrap=True), Column("Đối tượng", 14),
                           Column("Số lượt", 10, "int"), Column("Số tiền (đồng)", 16, "money")],
                  rows=[[r["title"], r["kind_label"], r["count"], r["total"]]
                        for r in fund["by_title"]]),
        SheetSpec(title="Quỹ theo năm", heading="QUỸ THI ĐUA, KHEN THƯỞNG THEO NĂM",
                  columns=[Column("Năm", 8, "year"), Column("Số lượt", 10, "int"),
                           Column("Số tiền (đồng)", 16, "money")],
                  rows=[[r["year"], r["count"], r["total"]] for r in fund["by_year"]]),
    ]
    return write_workbook(path, sheets, progress=progress)
