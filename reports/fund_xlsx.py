"""The reward-fund report as Excel: the year's ledger (opening balance, receipts, payments,
running balance, closing balance) and the payments by decision; the blank stock."""
from models import blanks, fund, vntext

from .xlsxdoc import Column, SheetSpec, write_workbook

LEDGER_COLUMNS = [
    Column("STT", 5, "stt"), Column("Ngày", 11, "date"), Column("Số chứng từ", 14),
    Column("Ngày chứng từ", 11, "date"), Column("Nội dung", 40),
    Column("Thu (đồng)", 14, "money"), Column("Chi (đồng)", 14, "money"),
    Column("Tồn quỹ (đồng)", 15, "money"), Column("Loại", 16), Column("Ghi chú", 18),
]
DECISION_COLUMNS = [
    Column("STT", 5, "stt"), Column("Số quyết định", 15), Column("Ngày", 11, "date"),
    Column("Trích yếu", 50), Column("Chi (đồng)", 15, "money"),
    Column("Thu hồi (đồng)", 15, "money"),
]
BLANK_COLUMNS = [
    Column("STT", 5, "stt"), Column("Loại phôi", 34), Column("Đã nhận", 10, "int"),
    Column("Đã dùng khi in", 11, "int"), Column("Trong đó in lại", 11, "int"),
    Column("Hỏng khi in", 10, "int"), Column("Hỏng trong kho", 10, "int"),
    Column("Còn lại", 10, "int"), Column("Mẫu giấy khen in trên phôi", 30),
]


def _ledger_rows(year, summary, rows):
    yield [None, None, "", None, f"Số dư đầu năm {year} (chuyển từ các năm trước)", None, None,
           summary["opening"], "", ""]
    for i, r in enumerate(rows, 1):
        note = r["note"]
        if r["over_reason"]:
            note = (note + "; " if note else "") + f"Chi vượt số dư: {r['over_reason']}"
        yield [i, r["date"], r["doc_number"], r["doc_date"], r["content"],
               r["receipt"] or None, r["payment"] or None, r["balance"], r["kind_label"], note]
    yield [None, None, "", None, "Cộng phát sinh trong năm", summary["receipts"],
           summary["payments"], None, "", ""]
    yield [None, None, "", None, f"Số dư cuối năm {year}", None, None, summary["closing"],
           "", ""]


def _decision_rows(rows):
    for i, r in enumerate(rows, 1):
        yield [i, r["number"], r["date"], r["about"],
               r["amount"] if r["amount"] > 0 else None,
               -r["amount"] if r["amount"] < 0 else None]


def summary_lines(summary, by_decision):
    paid = sum(r["amount"] for r in by_decision if r["amount"] > 0)
    back = -sum(r["amount"] for r in by_decision if r["amount"] < 0)
    closing = summary["closing"]
    return [
        f"Số dư đầu năm: {vntext.format_money(summary['opening'])}.",
        f"Tổng thu trong năm: {vntext.format_money(summary['receipts'])}"
        + (f" (trong đó thu hồi theo quyết định: {vntext.format_money(back)})" if back else "")
        + ".",
        f"Tổng chi trong năm: {vntext.format_money(summary['payments'])} (trong đó chi thưởng "
        f"theo {len([r for r in by_decision if r['amount'] > 0])} quyết định: "
        f"{vntext.format_money(paid)}).",
        f"Số dư cuối năm: {vntext.format_money(closing)}"
        + (" — QUỸ ÂM, cần bổ sung kinh phí." if closing < 0 else "."),
    ]


def export_fund_xlsx(path, *, year, progress=None, with_blanks=True):
    """Sổ quỹ thi đua, khen thưởng of ``year``: ledger, payments by decision, blank stock."""
    year = int(year)
    summary = fund.year_summary(year)
    rows = fund.ledger_rows(year)
    by_decision = fund.payments_by_decision(year)
    paid = sum(r["amount"] for r in by_decision if r["amount"] > 0)
    sheets = [
        SheetSpec(title=f"Sổ quỹ {year}", heading="SỔ QUỸ THI ĐUA, KHEN THƯỞNG",
                  subtitle=f"Năm {year}", columns=LEDGER_COLUMNS,
                  rows=_ledger_rows(year, summary, rows), total_rows=len(rows) + 3,
                  footer=summary_lines(summary, by_decision)),
        SheetSpec(title="Chi theo quyết định", heading="CHI THƯỞNG THEO QUYẾT ĐỊNH",
                  subtitle=f"Năm {year}", columns=DECISION_COLUMNS,
                  rows=list(_decision_rows(by_decision)),
                  footer=[f"Tổng chi theo quyết định: {vntext.format_money(paid)}."]),
    ]
    if with_blanks:
        stock = blanks.stock_rows()
        sheets.append(SheetSpec(
            title="Phôi giấy khen", heading="THEO DÕI PHÔI GIẤY KHEN", subtitle="Đến nay",
            columns=BLANK_COLUMNS,
            rows=[[i, r["name"], r["received"], r["used"], r["reprints"], r["spoiled_print"],
                   r["spoiled_stock"], r["left"], ", ".join(r["templates"])]
                  for i, r in enumerate(stock, 1)]))
    return write_workbook(path, sheets, progress=progress)
