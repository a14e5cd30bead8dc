"""Printing layout pages on a real printer: paper and full-page layout checked, queue state
checked before and after, vector pages drawn with QPainter, the spooler's job id found.

Used by the certificates page and by the batch commands (gui/batch_print.py), so both print
the same way. Qt hands the finished job to the spooler at ``QPainter.end()``; on CUPS it
ignores the spooler's answer, so ``cups_jobs`` (lpstat) looks for the job afterwards.
"""
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from models import templates as tpl
from models.errors import UserError

from . import cups_api


class PrinterProblem(UserError):
    """The printer cannot take this job now (missing, paused, wrong paper): nothing printed."""


@dataclass
class PrintOutcome:
    printed: int            # pages handed to the print queue (0: nothing reached it)
    total: int
    error: str = ""
    cancelled: bool = False
    job: str = ""           # the spooler's job id when known ("HP-12")
    warnings: list = field(default_factory=list)


def printer_names():
    """(names of installed printers, default printer name or '')."""
    return QPrinterInfo.availablePrinterNames(), QPrinterInfo.defaultPrinterName()


def no_printer_message():
    return ("Máy tính này chưa cài máy in nào. Hãy cài máy in (Cài đặt → Máy in) rồi mở lại "
            "trang này, hoặc bấm “Lưu PDF…” để lưu giấy khen ra tệp PDF và in sau.")


# --------------------------------------------------------------------------- queue state

def _lpstat(*args):
    """lpstat's output ('' when lpstat is not there: not CUPS, e.g. Windows)."""
    tool = shutil.which("lpstat")
    if not tool:
        return None
    try:
        r = subprocess.run([tool, *args], capture_output=True, text=True, timeout=10,
                           env=dict(os.environ, LC_ALL="C", LANG="C"))
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout + r.stderr


def queue_problem(name, info=None):
    """'' when ``name`` can take a job now, else what is wrong (Vietnamese, says what to do).
    ``info``: its QPrinterInfo when the caller already has it."""
    info = QPrinterInfo.printerInfo(name) if info is None else info
    if info.isNull():
        return (f"Không tìm thấy máy in «{name}» (đã bị gỡ hoặc mất kết nối). Hãy kiểm tra máy "
                "in rồi chọn lại, hoặc lưu PDF để in sau.")
    out = _lpstat("-p", name, "-a", name)          # one call: enabled? accepting?
    problem = _lpstat_problem(name, out)
    if problem:
        return problem
    state = info.state()
    if state == QPrinter.PrinterState.Error:
        return f"Máy in «{name}» đang báo lỗi. Hãy kiểm tra máy in (giấy, mực, kẹt giấy)."
    if state == QPrinter.PrinterState.Aborted:
        return f"Máy in «{name}» đang tạm dừng. Hãy bật lại máy in rồi in lại."
    return ""


def _lpstat_problem(name, out):
    """What ``lpstat -p NAME -a NAME`` (``out``, among other lines) says is wrong, or ''."""
    if out is not None:
        lines = out.splitlines()
        printer_lines = [ln for ln in lines if ln.startswith(f"printer {name} ")]
        if printer_lines and "disabled" in printer_lines[0]:
            i = lines.index(printer_lines[0])
            reason = lines[i + 1].strip() if i + 1 < len(lines) and \
                lines[i + 1].startswith(("\t", " ")) else ""
            return (f"Máy in «{name}» đang tạm dừng (hàng đợi bị tắt)"
                    + (f": {reason}" if reason else "") + ". Hãy bật lại máy in trong phần "
                    "cài đặt máy in (hoặc lệnh cupsenable) rồi in lại.")
        if any(ln.startswith(f"{name} not accepting") for ln in lines):
            return (f"Máy in «{name}» đang không nhận lệnh in. Hãy bật “nhận lệnh in” trong "
                    "cài đặt máy in (hoặc lệnh cupsaccept) rồi in lại.")
    return ""


def cups_jobs(name):
    """Job ids the spooler holds (or held) for ``name``; None when not CUPS. Asked through
    libcups (gui/cups_api: ~0.5 ms), else lpstat (~20 ms, seconds under load)."""
    found = cups_api.jobs(name)
    if found is not None:
        return found
    out = _lpstat("-W", "all", "-o", name)
    if out is None:
        return None
    return {m.group(1) for m in re.finditer(r"^(\S+-\d+)\s", out, re.M)}


def job_state(name, job):
    """'waiting' (still in the queue), 'done' (left the queue) or '' (unknown)."""
    if not job:
        return ""
    out = _lpstat("-W", "not-completed", "-o", name)
    if out is None:
        return ""
    return "waiting" if re.search(rf"^{re.escape(job)}\s", out, re.M) else "done"


# --------------------------------------------------------------------------- paper

def paper_label(w_mm, h_mm):
    return f"{tpl._num(w_mm)} × {tpl._num(h_mm)} mm"


def set_paper(printer, w_mm, h_mm, *, what=""):
    """Full-page layout of exactly w × h mm in the right orientation, checked; returns the
    printer's unprintable margins (left, top, right, bottom mm). PrinterProblem when the
    printer cannot take that paper (said before anything prints)."""
    name = printer.printerName() or printer.outputFileName() or "PDF"
    short, long = sorted((w_mm, h_mm))
    orientation = QPageLayout.Landscape if w_mm > h_mm else QPageLayout.Portrait
    size = QPageSize(QSizeF(short, long), QPageSize.Millimeter, "", QPageSize.FuzzyMatch)
    if printer.outputFormat() == QPrinter.NativeFormat:
        info = QPrinterInfo(printer)
        known = any(abs(s.size(QPageSize.Millimeter).width() - short) < 1
                    and abs(s.size(QPageSize.Millimeter).height() - long) < 1
                    for s in info.supportedPageSizes())
        if not known and not info.supportsCustomPageSizes():
            raise PrinterProblem(
                f"Máy in «{name}» không in được khổ giấy {paper_label(w_mm, h_mm)}"
                + (f" của {what}" if what else "") + " (máy không có khổ này và không nhận khổ "
                "tự chọn). Chưa in gì. Hãy chọn máy in khác, thêm khổ giấy này trong cài đặt "
                "máy in, hoặc lưu PDF.")
    layout = QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Millimeter)
    layout.setMode(QPageLayout.FullPageMode)
    if not printer.setPageLayout(layout):
        raise PrinterProblem(f"Máy in «{name}» không nhận khổ giấy {paper_label(w_mm, h_mm)}"
                             " ở chế độ in toàn trang. Chưa in gì. Hãy chọn máy in khác.")
    got = printer.pageLayout()
    full = got.fullRect(QPageLayout.Millimeter)
    if (abs(full.width() - w_mm) > 0.5 or abs(full.height() - h_mm) > 0.5
            or got.mode() != QPageLayout.FullPageMode):
        raise PrinterProblem(
            f"Máy in «{name}» đổi khổ giấy thành {paper_label(full.width(), full.height())} "
            f"thay vì {paper_label(w_mm, h_mm)}. Chưa in gì; hãy kiểm tra khổ giấy của máy in.")
    m = got.minimumMargins()
    return (m.left(), m.top(), m.right(), m.bottom())


def make_printer(name, *, color=True):
    """A high-resolution QPrinter for ``name``; PrinterProblem when it cannot print now."""
    info = QPrinterInfo.printerInfo(name)
    problem = queue_problem(name, info)
    if problem:
        raise PrinterProblem(problem)
    printer = QPrinter(info, QPrinter.HighResolution)
    printer.setFullPage(True)
    printer.setColorMode(QPrinter.Color if color else QPrinter.GrayScale)
    return printer


def margin_warnings(page, margins):
    """Lines telling which parts of the page fall into the printer's unprintable margin."""
    from reports.cert_layout import parts_in_margin
    return [_margin_line(label, where) for label, where in parts_in_margin(page, margins)]


def _margin_line(label, where):
    return f"{label}: lấn vào lề không in được ({where})"


# --------------------------------------------------------------------------- printing

def print_pages(printer, pages, total, *, title="", progress=None, still_there=None,
                labels=None, monochrome=False):
    """Draw layout ``pages`` (an iterable of Page) as one job; runs in a worker thread.

    Nothing reaches the queue unless every page was drawn: a cancel, a vanished printer or a
    refused page aborts the whole job. Afterwards the spooler is asked for the job (CUPS):
    a job that never arrived is an error, never a success."""
    # here, not at the top: the painter brings the certificate layout (reports.cert_layout,
    # textfit, pdfdoc), which opening "In giấy khen" does not need (gui/preload.py loads it)
    from reports.cert_layout import parts_in_margin   # once, not per page
    from .print_painter import QtPageDrawer
    name = printer.printerName()
    native = printer.outputFormat() == QPrinter.NativeFormat
    printer.setDocName(title or "Giấy khen")
    before = cups_jobs(name) if native and name else None
    painter = QPainter()
    outcome = PrintOutcome(0, total)
    size = None
    drawn = 0
    try:
        for page in pages:
            if still_there is not None and not still_there():
                outcome.error = "Máy in không còn kết nối."
                break
            if (page.width_mm, page.height_mm) != size:
                margins = set_paper(printer, page.width_mm, page.height_mm)
                size = (page.width_mm, page.height_mm)
                if drawn == 0:
                    if not painter.begin(printer):
                        outcome.error = (f"Không bắt đầu in được trên máy in «{name or 'PDF'}». "
                                         "Hãy kiểm tra máy in đã bật và có giấy.")
                        return outcome
                    drawer = QtPageDrawer(painter, printer.resolution(), monochrome=monochrome)
            if drawn > 0 and not printer.newPage():
                outcome.error = "Máy in từ chối trang tiếp theo (mất kết nối hoặc hết giấy)."
                break
            drawer.page(page)
            outcome.warnings += [line for label, where in parts_in_margin(page, margins)
                                 if (line := _margin_line(label, where)) not in outcome.warnings]
            drawn += 1
            if printer.printerState() in (QPrinter.Error, QPrinter.Aborted):
                outcome.error = "Máy in báo lỗi trong khi in."
                break
            if progress is not None and progress(drawn, total) is False:
                outcome.cancelled = True
                break
    except PrinterProblem as err:
        outcome.error = str(err)
    finally:
        if painter.isActive():
            if outcome.error or outcome.cancelled:
                printer.abort()         # the partial job is thrown away, never half-printed
            painter.end()
    if outcome.error or outcome.cancelled:
        if outcome.error:
            outcome.error += _not_printed(labels, drawn, total)
        return outcome
    outcome.printed = drawn
    if before is not None:
        outcome.job = _find_job(name, before)
        if not outcome.job:
            outcome.printed = 0
            problem = queue_problem(name)
            outcome.error = ((problem or f"Hàng đợi của máy in «{name}» không nhận lệnh in.")
                             + " Không có giấy khen nào được gửi đi; sổ in không ghi gì.")
    return outcome


def _not_printed(labels, drawn, total):
    first = f" (từ: {labels[0]})" if labels else ""
    return (f" Lệnh in đã bị hủy, chưa gửi tờ nào tới máy in (0/{total}){first}; "
            "không ghi sổ in.")


def _find_job(name, before, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        new = (cups_jobs(name) or set()) - before
        if new:
            return max(new, key=lambda j: int(j.rsplit("-", 1)[1]))
        if time.monotonic() > deadline:
            return ""
        time.sleep(0.02)


def after_job(name, job):
    """What the clerk should know once a job is in the queue: '' or a warning (paused queue,
    printer error) — the sheets may still come out later, so the clerk counts them. A queue
    libcups finds enabled and accepting needs no lpstat (on CUPS, Qt's printer "error" state
    is CUPS's "stopped", which lpstat calls "disabled")."""
    if not name:
        return ""
    problem = "" if cups_api.queue_fine(name) else queue_problem(name)
    return f"Lệnh in {job} đang nằm trong hàng đợi nhưng: {problem}" if problem else ""
