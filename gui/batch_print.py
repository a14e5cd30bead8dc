"""Print runs shared by the certificates page and the batch commands in main.py:
certificates of a decision, the test print, and the decision PDF, to a named printer; and
the ``--printer`` halves of those commands (``PRINTER_COMMANDS``).

Each returns what happened; the caller (page or command) tells the clerk. Certificate rows go
into the print log as ``sent`` (handed to the queue) with the spooler's job id; they become
``printed``/``spoiled`` only when the clerk counts the sheets (models/print_log).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

from models import print_log
from models.batch_cli import TerminalProgress, acting_user, open_db
from models import templates as tpl

from . import printing
from .printing import PrinterProblem


@dataclass
class CertificateRun:
    outcome: printing.PrintOutcome
    printer: str
    award_ids: list = field(default_factory=list)     # in print order
    log_ids: list = field(default_factory=list)       # PrintLog rows (state "sent")


def ensure_app():
    """A Qt application for printing without a window (batch commands): offscreen. A
    QApplication (not only QGuiApplication), so widgets can still be made in the same
    process later (Qt aborts on a QWidget under a bare QGuiApplication)."""
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["tdkt-print"])
    return app


def preflight(printer, templates, *, mode="full", offset=(0, 0), qr=False):
    """Before anything prints: every template's paper must be accepted (PrinterProblem
    otherwise); returns warnings naming the parts that fall into the unprintable margin."""
    from reports import certificates as certs
    warnings = []
    for template in templates:
        margins = printing.set_paper(printer, template.width_mm, template.height_mm,
                                     what=f"mẫu «{template.name}»")
        page = certs.sample_page(template, mode=mode, offset=offset, qr=qr)
        warnings += [f"Mẫu «{template.name}» — {w}"
                     for w in printing.margin_warnings(page, margins)]
    return warnings


def templates_for(decision_id, award_ids=None, template_name=None):
    """The templates a print run will use (for preflight)."""
    if template_name:
        return [tpl.get_template(template_name)]
    names = {r[7] for r in tpl.certificate_rows(decision_id)
             if award_ids is None or r[0] in set(award_ids)}
    return [t for t in tpl.list_templates() if t.name in names]


def blank_needs(decision_id, award_ids=None, template_name=None):
    """Blanks a run on pre-printed blanks needs, against the stock (models.blanks.needs)."""
    from models import blanks
    return blanks.needs_for_rows(tpl.certificate_rows(decision_id), award_ids, template_name)


def print_certificates(*, actor, decision_id, printer_name, printer=None, award_ids=None,
                       template_name=None, mode="full", qr=False, offset=None, progress=None,
                       still_there=None, labels=None):
    """Print the certificates of an issued decision (or ``award_ids``) as one vector job and
    log them as sent. ``printer``: a ready QPrinter (tests use a PDF-file one); otherwise
    ``printer_name`` is opened and checked. ``offset`` defaults to the one saved for it."""
    from reports import certificates as certs
    decision, awards, base = certs.decision_certificates(decision_id, award_ids)
    if printer is None:
        printer = printing.make_printer(printer_name)
    if offset is None:
        offset = tpl.printer_offset(printer_name)
    order, templates = [], {}

    def pages():
        for award_id, template, page in certs.certificate_pages(
                awards, base, template_name=template_name, mode=mode, printer_offset=offset,
                qr=qr):
            order.append(award_id)
            templates[award_id] = template.name
            yield page

    outcome = printing.print_pages(printer, pages(), len(awards), progress=progress,
                                   title=f"Giấy khen theo QĐ {decision.number}",
                                   still_there=still_there, labels=labels)
    run = CertificateRun(outcome, printer_name)
    if outcome.printed:
        run.award_ids = order[:outcome.printed]
        by_template = {}
        for award_id in run.award_ids:
            by_template.setdefault(templates[award_id], []).append(award_id)
        logged = {}
        for name, ids in by_template.items():
            for award_id, log_id in zip(ids, print_log.log_prints(
                    actor=actor, awards=ids, template=name, target=printer_name,
                    state="sent", job=outcome.job, on_blanks=mode == "blank")):
                logged[award_id] = log_id
        run.log_ids = [logged[a] for a in run.award_ids]
        if outcome.job:
            warning = printing.after_job(printer_name, outcome.job)
            if warning:
                outcome.warnings.append(warning)
    return run


def certificates_command(*, actor, decision_id, printer_name, mode="full", template_name=None,
                         progress=None, warn=print):
    """``main.py certificates ID --printer NAME``: the page's print path without a window.
    Margin warnings go to ``warn``; returns the lines to show; UserError when nothing went."""
    from models.errors import UserError
    ensure_app()
    printer = printing.make_printer(printer_name)
    offset = tpl.printer_offset(printer_name)
    for line in preflight(printer, templates_for(decision_id, None, template_name), mode=mode,
                          offset=offset):
        warn(f"Cảnh báo: {line}\n")
    if mode == "blank":
        from models import blanks
        for line in blanks.shortage_text(*blank_needs(decision_id, None, template_name)):
            warn(f"Cảnh báo: {line}\n")
    run = print_certificates(actor=actor, decision_id=decision_id, printer_name=printer_name,
                             printer=printer, template_name=template_name, mode=mode,
                             offset=offset, progress=progress)
    if run.outcome.error:
        raise UserError(run.outcome.error)
    for line in run.outcome.warnings:
        warn(f"Cảnh báo: {line}\n")
    return [f"Đã gửi {run.outcome.printed} giấy khen tới hàng đợi của máy in {printer_name}"
            + (f" (lệnh in {run.outcome.job})" if run.outcome.job else "")
            + f", độ lệch X = {tpl._num(offset[0])} mm, Y = {tpl._num(offset[1])} mm.",
            "Sổ in ghi “đã gửi”; khi máy in xong, hãy đếm số tờ ra giấy và bấm “Xác nhận … tờ "
            "đã gửi máy in” ở trang In giấy khen (tờ hỏng sẽ được in lại bằng một nút)."]


def print_test_sheet(*, template, printer_name, printer=None, offset=(0, 0)):
    """The calibration sheet on the printer, inside its printable area."""
    from reports.cert_testprint import test_print_page
    if printer is None:
        printer = printing.make_printer(printer_name)
    margins = printing.set_paper(printer, template.width_mm, template.height_mm,
                                 what=f"mẫu «{template.name}»")
    page = test_print_page(template, offset=offset, margins=margins, printer=printer_name)
    return printing.print_pages(printer, [page], 1, title=f"In thử {template.name}")


def print_decision(*, decision_id, printer_name):
    """The decision and its list: our PDF (reportlab) handed to the CUPS spooler as it is
    (vector, 100 %); on systems without CUPS the clerk prints the saved PDF instead."""
    from reports import decision_pdf
    lp = shutil.which("lp")
    if not lp:
        raise PrinterProblem("Máy này không có trình in CUPS: hãy lưu quyết định ra PDF (lệnh "
                             "decision ID --out TỆP.pdf) rồi mở tệp và in ở tỷ lệ 100 %.")
    ensure_app()
    problem = printing.queue_problem(printer_name)
    if problem:
        raise PrinterProblem(problem)
    folder = tempfile.mkdtemp(prefix="quyetdinh-")
    path = decision_pdf.write_decision(decision_id=decision_id,
                                       path=os.path.join(folder, "quyet-dinh.pdf"))
    r = subprocess.run([lp, "-d", printer_name, "-t", os.path.basename(path), "-o",
                        "fit-to-page=false", "-o", "print-scaling=none", path],
                       capture_output=True, text=True, timeout=60)
    m = re.search(r"(\S+-\d+)", r.stdout)
    if r.returncode != 0 or not m:
        raise PrinterProblem(f"Hàng đợi của máy in «{printer_name}» không nhận lệnh in: "
                             f"{(r.stderr or r.stdout).strip()}")
    return m.group(1), path


# ------------------------------------------------------------ main.py's --printer commands

def decision_to_printer(args, db_path):
    """``main.py decision ID --printer NAME``."""
    open_db(db_path)
    job, _ = print_decision(decision_id=args.id, printer_name=args.printer)
    print(f"Đã gửi quyết định tới hàng đợi của máy in {args.printer} (lệnh in {job}).")


def certificates_to_printer(args, db_path):
    """``main.py certificates ID --printer NAME [--mode blank|full] [--template NAME]``."""
    open_db(db_path)
    for line in certificates_command(     # the print log is data: a signed-in account
            actor=acting_user(args), decision_id=args.id, printer_name=args.printer,
            mode=args.mode, template_name=args.template,
            progress=TerminalProgress("Đang in giấy khen"), warn=sys.stderr.write):
        print(line)


# the file halves of these commands are reports/batch_files.COMMANDS
PRINTER_COMMANDS = {"decision": decision_to_printer, "certificates": certificates_to_printer}
