"""What the page "In giấy khen" reads and keeps: the certificate rows of a decision, its
print state and the templates to choose from (any thread), and the print log helpers."""
import time

from models import print_log
from models import templates as tpl

from .table_model import Col, FilterTableModel


class CertRowsModel(FilterTableModel):
    """(award id, stt, kind, name, place, title, register no, template, times printed)"""
    COLUMNS = [
        Col("STT", 1, 45, "center"),
        Col("Đối tượng", 2, 90),
        Col("Họ tên / Tên tập thể / Chủ hộ", 3, 220),
        Col("Đơn vị / địa chỉ", 4, 180),
        Col("Danh hiệu / hình thức", 5, 200),
        Col("Số sổ vàng", 6, 80, "center"),
        Col("Mẫu", 7, 160),
        Col("Đã in", 8, 60, "center", fmt=lambda n: f"{n} lần" if n else ""),
    ]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.decision_id = None

    def load(self):
        return tpl.certificate_rows(self.decision_id) if self.decision_id else []

    def key(self, row):
        return f"{row[3]} {row[4]} {row[5]}"


def throttled(progress, interval=0.1):
    """Pass progress on at most every ``interval`` seconds (and at the end): fewer signals
    across threads, and PySide6 6.12.0 leaks a reference of True on every Signal.emit."""
    last = [0.0]

    def report(done, total):
        now = time.monotonic()
        if done >= total or now - last[0] >= interval:
            last[0] = now
            return progress(done, total)
        return True
    return report


def log_by_template(actor, result, award_ids, target):
    """PrintLog rows for the certificates that went out, one call per template used."""
    by_template = {}
    for award_id in award_ids:
        by_template.setdefault(result.templates[award_id], []).append(award_id)
    for name, ids in by_template.items():
        tpl.log_prints(actor=actor, awards=ids, template=name, target=target, state="pdf")


def print_state(decision_id):
    """(unconfirmed print log ids, spoiled award ids) of a decision: any thread."""
    if not decision_id:
        return [], []
    return print_log.unconfirmed_log_ids(decision_id), print_log.spoiled_award_ids(decision_id)


def template_choices():
    """(name, label) of every certificate template: any thread."""
    return [(t.name, f"{t.name} ({t.paper_label})") for t in tpl.list_templates()]
