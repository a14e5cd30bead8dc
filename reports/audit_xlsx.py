"""The audit log ("Nhật ký") as an office-looking Excel workbook, with the chain check."""
import os

from models import audit_log, vntext
from models.service import require

from .xlsxdoc import Column, SheetSpec, write_workbook

COLUMNS = [Column("STT", 6, "int"), Column("Số dòng", 9, "int"), Column("Thời gian", 19),
           Column("Người làm", 18), Column("Việc", 24), Column("Đối tượng", 14),
           Column("Mã", 8, "int"), Column("Trước", 40, wrap=True),
           Column("Sau", 40, wrap=True), Column("Lý do", 30, wrap=True)]


def describe_filter(flt):
    parts = []
    if flt.username:
        parts.append(f"người làm {flt.username}")
    if flt.action:
        parts.append(f"việc {audit_log.action_label(flt.action)}")
    if flt.date_from:
        parts.append(f"từ {vntext.format_date(flt.date_from)}")
    if flt.date_to:
        parts.append(f"đến {vntext.format_date(flt.date_to)}")
    if flt.text:
        parts.append(f"có chữ “{flt.text}”")
    return ", ".join(parts) if parts else "toàn bộ"


def export_audit_xlsx(path, *, actor, flt=None, progress=None):
    """Write the (filtered) audit log to ``path``; a leader's right, like the page."""
    require(actor, "leader")
    flt = flt or audit_log.AuditFilter()
    path = os.path.abspath(str(path))
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    rows = audit_log.audit_rows(flt, limit=None)
    chain = audit_log.verify_chain()
    data = [[i, r["id"], r["at"].strftime("%d/%m/%Y %H:%M:%S") if r["at"] else "",
             r["username"], r["action_name"], r["entity_name"], r["entity_id"], r["old"], r["new"],
             r["reason"]] for i, r in enumerate(rows, 1)]
    spec = SheetSpec(title="Nhật ký", heading="NHẬT KÝ THAY ĐỔI DỮ LIỆU", columns=COLUMNS,
                     rows=data, subtitle=f"Lọc: {describe_filter(flt)}",
                     footer=[f"Kiểm tra chuỗi mã: {chain.describe()}",
                             f"Người xuất: {actor.username}"])
    return write_workbook(path, [spec], progress=progress)
