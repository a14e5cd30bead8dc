"""Page "In giấy khen": choose an issued decision and recipients, preview, print at 100 %."""
import os
import tempfile
import time
from dataclasses import dataclass

from PySide6.QtCore import QMarginsF, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QRadioButton, QSplitter, QVBoxLayout, QWidget)

from models import templates as tpl
from models.errors import UserError

from .. import messages
from ..table_model import Col, FilterTableModel, ID_ROLE
from ..widgets import SearchBox, make_table_view

PRINT_DPI = 300
PREVIEW_LIMIT = 40       # certificates shown by "Xem trước" (the first ones of the choice)
PDF_TARGET = ""          # printer combo data meaning "no printer: save a PDF"


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


@dataclass
class PrintOutcome:
    printed: int
    total: int
    error: str = ""
    cancelled: bool = False


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
        tpl.log_prints(actor=actor, awards=ids, template=name, target=target)


def printer_available(name):
    return not QPrinterInfo.printerInfo(name).isNull()


def make_printer(name):
    printer = QPrinter(QPrinter.HighResolution)
    printer.setPrinterName(name)
    printer.setResolution(PRINT_DPI)
    return printer


def page_layout(size_pt):
    """A zero-margin layout of exactly the page's size (so nothing is scaled)."""
    w_mm, h_mm = size_pt.width() * 25.4 / 72, size_pt.height() * 25.4 / 72
    landscape = w_mm > h_mm
    size = QPageSize(QSizeF(min(w_mm, h_mm), max(w_mm, h_mm)), QPageSize.Millimeter)
    return QPageLayout(size, QPageLayout.Landscape if landscape else QPageLayout.Portrait,
                       QMarginsF(0, 0, 0, 0), QPageLayout.Millimeter)


def print_pdf(pdf_path, printer, *, progress=None, still_there=None, labels=None):
    """Render every page of ``pdf_path`` at the printer's resolution, 1:1 (100 %).

    Runs in a worker thread. Stops cleanly when ``progress`` returns False, or when the
    printer disappears (``still_there()`` False or the driver refuses a page): the outcome
    says how many pages were printed.
    """
    doc = QPdfDocument()
    if doc.load(pdf_path) != QPdfDocument.Error.None_:
        return PrintOutcome(0, 0, f"Không mở được tệp {pdf_path} để in.")
    total = doc.pageCount()
    printer.setFullPage(True)
    printer.setPageLayout(page_layout(doc.pagePointSize(0)))
    painter = QPainter()
    if not painter.begin(printer):
        return PrintOutcome(0, total, f"Không bắt đầu in được trên máy in "
                                      f"«{printer.printerName() or printer.outputFileName()}». "
                                      "Hãy kiểm tra máy in đã bật và có giấy.")
    printed, error, cancelled = 0, "", False
    try:
        for i in range(total):
            if still_there is not None and not still_there():
                error = "Máy in không còn kết nối."
                break
            size_pt = doc.pagePointSize(i)
            if i > 0:
                if size_pt != doc.pagePointSize(i - 1):    # change paper only when it changes
                    printer.setPageLayout(page_layout(size_pt))
                if not printer.newPage():
                    error = "Máy in từ chối trang tiếp theo (mất kết nối hoặc hết giấy)."
                    break
            dpi = printer.resolution()
            px = QSizeF(size_pt.width() * dpi / 72, size_pt.height() * dpi / 72).toSize()
            image = QImage(px, QImage.Format_RGB32)
            image.fill(Qt.white)
            rendered = doc.render(i, px)
            img_painter = QPainter(image)
            img_painter.drawImage(0, 0, rendered)
            img_painter.end()
            painter.drawImage(0, 0, image)
            if printer.printerState() in (QPrinter.Error, QPrinter.Aborted):
                error = "Máy in báo lỗi trong khi in."
                break
            printed += 1
            if progress is not None and progress(i + 1, total) is False:
                cancelled = True
                break
    finally:
        painter.end()          # pages drawn so far go to the printer; the rest never do
        doc.close()
    if error:
        done = labels[:printed] if labels else []
        error = (f"{error} Đã in xong {printed}/{total} giấy khen"
                 + (f" (đến: {done[-1]})" if done else "") + "; các giấy còn lại chưa in.")
    return PrintOutcome(printed, total, error, cancelled)


class CertificatesPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._tmpdir = tempfile.mkdtemp(prefix="giaykhen-")
        self.preview_doc = QPdfDocument(self)
        self.last_worker = None
        self.last_outcome = None

        self.decision = QComboBox()
        self.decision.setMinimumWidth(320)
        self.search = SearchBox()
        self.model = CertRowsModel(self)
        self.table = make_table_view(self.model, sortable=False)
        self.all_rows = QRadioButton("Tất cả giấy khen của quyết định")
        self.chosen_rows = QRadioButton("Chỉ những dòng đang chọn trong bảng")
        self.all_rows.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.all_rows)
        group.addButton(self.chosen_rows)
        self.count_label = QLabel()

        self.template = QComboBox()
        edit_template = QPushButton("Sửa mẫu…")
        edit_template.clicked.connect(self.edit_template)
        self.mode = QComboBox()
        for key, text in tpl.MODES.items():
            self.mode.addItem(text, key)
        self.qr = QCheckBox("In mã QR để tra cứu sổ vàng")
        self.printer = QComboBox()
        self.dx, self.dy = QDoubleSpinBox(), QDoubleSpinBox()
        for spin in (self.dx, self.dy):
            spin.setRange(-tpl.HARD_OFFSET_MM, tpl.HARD_OFFSET_MM)
            spin.setDecimals(1)
            spin.setSingleStep(0.5)
            spin.setSuffix(" mm")
        save_offset = QPushButton("Lưu độ lệch")
        save_offset.clicked.connect(self.save_offset)
        test_print = QPushButton("Xem bản in thử")
        test_print.setToolTip("Khung các ô và thước milimét, in trên giấy trắng để đặt lên phôi "
                              "soi đối chiếu.")
        test_print.clicked.connect(self.show_test_print)
        self.test_to_printer = QPushButton("In thử ra máy in")
        self.test_to_printer.clicked.connect(self.print_test)
        self.preview_button = QPushButton("Xem trước")
        self.preview_button.clicked.connect(self.preview)
        self.pdf_button = QPushButton("Lưu PDF…")
        self.pdf_button.clicked.connect(self.save_pdf)
        self.print_button = QPushButton("In ra máy in")
        self.print_button.clicked.connect(self.print_selected)

        self.view = QPdfView()
        self.view.setDocument(self.preview_doc)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.view.setStyleSheet("background: #6b6b6b;")

        top = QHBoxLayout()
        top.addWidget(QLabel("Quyết định đã ban hành:"))
        top.addWidget(self.decision, 1)
        top.addWidget(self.search, 1)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.table, 1)
        pick = QHBoxLayout()
        pick.addWidget(self.all_rows)
        pick.addWidget(self.chosen_rows)
        pick.addStretch(1)
        pick.addWidget(self.count_label)
        left.addLayout(pick)
        options = QGroupBox("Cách in")
        form = QFormLayout(options)
        row = QHBoxLayout()
        row.addWidget(self.template, 1)
        row.addWidget(edit_template)
        form.addRow("Mẫu:", row)
        form.addRow("Chế độ:", self.mode)
        form.addRow("", self.qr)
        form.addRow("Máy in:", self.printer)
        offs = QHBoxLayout()
        offs.addWidget(QLabel("X (sang phải):"))
        offs.addWidget(self.dx)
        offs.addWidget(QLabel("Y (xuống dưới):"))
        offs.addWidget(self.dy)
        offs.addWidget(save_offset)
        offs.addWidget(test_print)
        offs.addWidget(self.test_to_printer)
        offs.addStretch(1)
        form.addRow("Độ lệch:", offs)
        left.addWidget(options)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.preview_button, self.pdf_button, self.print_button):
            buttons.addWidget(b)
        left.addLayout(buttons)
        left_box = QWidget()
        left_box.setLayout(left)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(left_box)
        split.addWidget(self.view)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([720, 560])
        outer = QVBoxLayout(self)
        outer.addWidget(split)

        self.decision.currentIndexChanged.connect(self.load_rows)
        self.search.textChanged.connect(self.model.set_filter)
        self.printer.currentIndexChanged.connect(self.load_offset)
        self.table.selectionModel().selectionChanged.connect(self._count)
        ctx.on_change(self, self._changed)
        self.reload()

    # ---- loading
    def reload(self):
        current = self.decision.currentData()
        self.decision.blockSignals(True)
        self.decision.clear()
        for did, label in tpl.issued_decisions():
            self.decision.addItem(label, did)
        if not self.decision.count():
            self.decision.addItem("(chưa có quyết định nào đã ban hành)", None)
        index = self.decision.findData(current)
        self.decision.setCurrentIndex(max(index, 0))
        self.decision.blockSignals(False)
        self._fill_templates()
        self._fill_printers()
        self.load_rows()

    def _fill_templates(self):
        current = self.template.currentData()
        self.template.clear()
        self.template.addItem("Tự chọn theo danh hiệu và đối tượng", None)
        for t in tpl.list_templates():
            self.template.addItem(f"{t.name} ({t.paper_label})", t.name)
        self.template.setCurrentIndex(max(self.template.findData(current), 0))

    def _fill_printers(self):
        current = self.printer.currentData()
        self.printer.blockSignals(True)
        self.printer.clear()
        default = QPrinterInfo.defaultPrinterName()
        for name in QPrinterInfo.availablePrinterNames():
            self.printer.addItem(name + (" (mặc định)" if name == default else ""), name)
        self.printer.addItem("Không dùng máy in (chỉ lưu PDF)", PDF_TARGET)
        index = self.printer.findData(current if current is not None else default)
        self.printer.setCurrentIndex(max(index, 0))
        self.printer.blockSignals(False)
        self.load_offset()

    def _changed(self, area):
        if area in ("decisions", "all", "certificates"):
            self.reload()

    def load_rows(self, *_):
        self.model.decision_id = self.decision.currentData()
        self.model.reload()
        self._count()

    def load_offset(self, *_):
        dx, dy = tpl.printer_offset(self.printer.currentData() or "PDF")
        self.dx.setValue(dx)
        self.dy.setValue(dy)
        has_printer = bool(self.printer.currentData())
        self.print_button.setEnabled(has_printer and self.ctx.can_edit)
        self.test_to_printer.setEnabled(has_printer)
        self.pdf_button.setEnabled(self.ctx.can_edit)
        if not self.ctx.can_edit:
            self.pdf_button.setToolTip("Tài khoản chỉ xem không được in giấy khen (mỗi lần in "
                                       "đều ghi sổ).")

    def _count(self, *_):
        chosen = len(self.selected_ids())
        self.count_label.setText(f"{self.model.rowCount()} giấy khen; đang chọn {chosen}")

    def selected_ids(self):
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.index(r, 0).data(ID_ROLE) for r in rows]

    # ---- options
    def options(self):
        """Keyword arguments for write_decision_certificates, or None (after saying why)."""
        decision_id = self.decision.currentData()
        if decision_id is None:
            messages.info(self, "Chưa có quyết định khen thưởng nào đã ban hành. Hãy ban hành "
                                "quyết định ở trang “Bình xét & Quyết định” trước.")
            return None
        award_ids = None
        if self.chosen_rows.isChecked():
            award_ids = self.selected_ids()
            if not award_ids:
                messages.info(self, "Hãy chọn ít nhất một dòng trong bảng (giữ Ctrl hoặc Shift "
                                    "để chọn nhiều dòng).")
                return None
        try:
            offset = tpl.check_offset(self.dx.value(), self.dy.value())
        except tpl.NeedsConfirmation as err:
            if not messages.confirm(self, str(err), yes="Vẫn in với độ lệch này", danger=True):
                return None
            offset = (self.dx.value(), self.dy.value())
        return dict(decision_id=decision_id, template_name=self.template.currentData(),
                    award_ids=award_ids, mode=self.mode.currentData(), qr=self.qr.isChecked(),
                    printer_offset=offset)

    def save_offset(self):
        printer = self.printer.currentData() or "PDF"
        kwargs = dict(actor=self.ctx.actor, printer=printer, dx_mm=self.dx.value(),
                      dy_mm=self.dy.value())
        try:
            tpl.set_printer_offset(**kwargs)
        except tpl.NeedsConfirmation as err:
            if not messages.confirm(self, str(err), yes="Lưu độ lệch này", danger=True):
                return
            messages.run_action(self, tpl.set_printer_offset, confirmed=True, **kwargs)
        except UserError as err:
            messages.show_error(self, err)

    # ---- actions
    def _pdf_path(self, stem):
        return os.path.join(self._tmpdir, f"{stem}.pdf")

    def _generate(self, kwargs, path, on_done, *, title="Đang tạo giấy khen…", log_target=None):
        from reports import certificates as certs
        actor = self.ctx.actor

        def job(progress):
            result = certs.write_decision_certificates(path=path, progress=throttled(progress),
                                                       **kwargs)
            if log_target:
                log_by_template(actor, result, result.award_ids, log_target)
            return result
        self.last_worker = self.ctx.run_task(self, title, job, on_done=on_done)
        return self.last_worker

    def show_pdf(self, path):
        self.preview_doc.close()
        self.preview_doc.load(path)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    def preview(self):
        """The first PREVIEW_LIMIT certificates of the choice, shown beside the table."""
        kwargs = self.options()
        if kwargs is None:
            return None
        ids = kwargs["award_ids"] or [row[0] for row in self.model.rows]
        if len(ids) > PREVIEW_LIMIT:
            kwargs["award_ids"] = ids[:PREVIEW_LIMIT]
        path = self._pdf_path("xem-truoc")
        note = (f"Xem trước {PREVIEW_LIMIT}/{len(ids)} giấy khen đầu tiên."
                if len(ids) > PREVIEW_LIMIT else f"Xem trước {len(ids)} giấy khen.")

        def done(result):
            self.show_pdf(path)
            self.count_label.setText(note)
        return self._generate(kwargs, path, done)

    def save_pdf(self, path=None):
        kwargs = self.options()
        if kwargs is None:
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Lưu giấy khen ra PDF", "giay-khen.pdf",
                                                  "Tệp PDF (*.pdf)")
            if not path:
                return None

        def done(result):
            self.model.reload()
            if result.count <= PREVIEW_LIMIT:
                self.show_pdf(path)
            messages.info(self, f"Đã lưu {result.count} giấy khen vào {path}. Khi in từ trình "
                                "đọc PDF hãy chọn tỷ lệ 100 % (“Kích thước thực”).")
        return self._generate(kwargs, path, done, log_target=path)

    def show_test_print(self):
        from reports import certificates as certs
        name = self.template.currentData()
        if name is None:
            rows = self.selected_ids()
            name = next((r[7] for r in self.model.rows if rows and r[0] == rows[0]), None) \
                or (self.model.rows[0][7] if self.model.rows else tpl.list_templates()[0].name)
        path = self._pdf_path("in-thu")
        try:
            certs.write_test_print(tpl.get_template(name), path, (self.dx.value(),
                                                                  self.dy.value()))
        except UserError as err:
            messages.show_error(self, err)
            return None
        self.show_pdf(path)
        return path

    def print_test(self, *, printer=None):
        """Send the test print (boxes and ruler) to the chosen printer at 100 %."""
        path = self.show_test_print()
        if path is None:
            return None
        name = self.printer.currentData()
        if printer is None:
            if not name:
                return None
            printer = make_printer(name)

        def done(outcome):
            self.last_outcome = outcome
            if outcome.error:
                messages.show_error(self, UserError(outcome.error))
            else:
                messages.info(self, "Đã in thử. Đặt tờ in thử lên phôi, soi đèn và đo khoảng lệch "
                                    "bằng thước in trên tờ; nhập độ lệch rồi bấm “Lưu độ lệch”.")
        self.last_worker = self.ctx.run_task(
            self, "Đang in thử…", lambda progress: print_pdf(path, printer, progress=progress),
            on_done=done)
        return self.last_worker

    def print_selected(self, *, printer=None, still_there=None):
        """Generate, then print at 100 % in a worker; log the certificates actually printed."""
        kwargs = self.options()
        if kwargs is None:
            return None
        name = self.printer.currentData()
        if printer is None:
            if not name:
                messages.info(self, "Hãy chọn một máy in (hoặc dùng “Lưu PDF…”).")
                return None
            printer = make_printer(name)
            still_there = still_there or (lambda: printer_available(name))
        target = name or printer.outputFileName()
        path = self._pdf_path("in")
        names = {row[0]: f"{row[1]}. {row[3]}" for row in self.model.rows}
        actor = self.ctx.actor
        from reports import certificates as certs

        def job(progress):
            report = throttled(progress)
            result = certs.write_decision_certificates(
                path=path, progress=lambda d, t: report(d, 2 * t), **kwargs)
            n = result.count
            labels = [names.get(i, str(i)) for i in result.award_ids]
            outcome = print_pdf(path, printer, still_there=still_there, labels=labels,
                                progress=lambda d, t: report(n + d, 2 * n))
            log_by_template(actor, result, result.award_ids[:outcome.printed], target)
            return result, outcome

        def done(value):
            result, outcome = value
            self.last_outcome = outcome
            self.model.reload()
            if outcome.error:
                messages.show_error(self, UserError(outcome.error))
            elif outcome.cancelled:
                messages.info(self, f"Đã dừng in: đã in {outcome.printed}/{outcome.total} "
                                    "giấy khen.")
            else:
                messages.info(self, f"Đã gửi {outcome.printed} giấy khen tới máy in {target} "
                                    "(tỷ lệ 100 %).")
        self.last_worker = self.ctx.run_task(self, "Đang in giấy khen…", job, on_done=done)
        return self.last_worker

    def edit_template(self):
        from ..template_editor import TemplateEditor
        name = self.template.currentData() or (self.model.rows[0][7] if self.model.rows
                                               else tpl.list_templates()[0].name)
        answer = TemplateEditor.ask(self, tpl.get_template(name), tpl.template_background(name))
        if answer is None:
            return
        if messages.run_action(self, tpl.save_template, actor=self.ctx.actor,
                               template=answer.template, background=answer.background,
                               keep_background=not answer.background_changed,
                               original_name=answer.original_name, new=answer.new) is not None:
            self._fill_templates()
            self.template.setCurrentIndex(max(self.template.findData(answer.template.name), 0))
            self.ctx.changed("certificates")

    def closeEvent(self, event):
        self.preview_doc.close()
        super().closeEvent(event)

