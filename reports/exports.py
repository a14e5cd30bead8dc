"""Excel exports by kind (registrations, scores, awards, annual report): one entry point."""
import os

from models.errors import ValidationError

KINDS = {"registrations": "Danh sách đăng ký thi đua", "scores": "Kết quả chấm điểm",
         "awards": "Danh sách khen thưởng", "annual": "Báo cáo tổng kết năm"}


def export(*, kind, path, year=None, progress=None):
    """Write the ``kind`` workbook to ``path`` (safely: temp file, fsync, rename); returns it."""
    if kind not in KINDS:
        raise ValidationError(f"Không xuất được loại '{kind}'; chọn một trong: "
                              + ", ".join(KINDS) + ".")
    path = os.path.abspath(str(path))
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    # Each kind's module is imported only when asked for (openpyxl is slow to import).
    if kind == "registrations":
        from reports.registration_docs import export_registrations_xlsx as write
    elif kind == "scores":
        from reports.score_docs import export_scores_xlsx as write
    elif kind == "awards":
        from reports.award_docs import export_awards_xlsx as write
    else:
        from reports.annual_report import write_annual_report as write
    result = write(path, year=year, progress=progress)
    return result or path
