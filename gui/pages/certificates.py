"""Page "In giấy khen": choose an issued decision and recipients, preview, print at 100 %."""
import logging
import os
import shutil
import tempfile
import weakref

from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDoubleSpinBox,
                               QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QRadioButton, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from models import blanks, print_log
from models import templates as tpl
from models.errors import UserError

from .. import batch_print, files, messages, printing
from ..background import Loader
from ..blanks_tab import BlanksTab, blanks_short, needs_text
from ..lazy_tabs import LazyTabs
from ..pdf_memory import load_pdf_from_memory
from ..pdf_preview import PdfPreview
from ..print_dialogs import SheetsDialog
from ..cert_rows import CertRowsModel, log_by_template, print_state, template_choices, \
    throttled
from ..table_model import ID_ROLE
from ..widgets import FlowLayout, SearchBox, make_table_view

log = logging.getLogger(__name__)

PREVIEW_LIMIT = 40       # certificates shown by "Xem trước" (the first ones of the choice)
PDF_TARGET = ""          # printer combo data meaning "no printer: save a PDF"


def printer_available(name):
    return not QPrinterInfo.printerInfo(name).isNull()


class CertificatesPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._tmpdir = tempfile.mkdtemp(prefix="giaykhen-")
        # the preview's PDF goes with the page, or at the latest with the program: every
        # page made left its folder in the temp folder for good (Windows never empties it)
        remove = weakref.finalize(self, shutil.rmtree, self._tmpdir, ignore_errors=True)
        self.destroyed.connect(lambda *_: remove())
        self.preview_doc = QPdfDocument(self)
        self.last_worker = None
        self.last_outcome = None

        self.decision = QComboBox()
        self.decision.setMinimumWidth(260)
        self.search = SearchBox()
        self.search.setMinimumWidth(170)      # still a box to type in when the preview is wide
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
        self.confirm_button = QPushButton("Xác nhận số tờ đã in…")
        self.confirm_button.setToolTip("Các giấy khen đã gửi tới máy in nhưng chưa xác nhận "
                                       "đã ra giấy.")
        self.confirm_button.clicked.connect(self.confirm_pending)
        self.spoiled_button = QPushButton("In lại phôi hỏng")
        self.spoiled_button.clicked.connect(self.reprint_spoiled)

        self.preview_pane = PdfPreview(
            self.preview_doc, page_word="Giấy khen",
            placeholder="Bấm “Xem trước” để xem các giấy khen sẽ in ở đây, hoặc bấm đúp "
                        "(Enter) một dòng của bảng để xem từ giấy khen đó.")
        self.view = self.preview_pane.view

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
        left.addLayout(pick)
        # on its own line and wrapping: a long "Xem trước … từ dòng …" must not widen the
        # left half and squeeze the preview beside it
        self.count_label.setWordWrap(True)
        left.addWidget(self.count_label)
        options = QGroupBox("Cách in")
        form = QFormLayout(options)
        row = QHBoxLayout()
        row.addWidget(self.template, 1)
        row.addWidget(edit_template)
        form.addRow("Mẫu:", row)
        form.addRow("Chế độ:", self.mode)
        form.addRow("", self.qr)
        form.addRow("Máy in:", self.printer)
        self.blank_label = QLabel()                   # issue 18: the blanks this run needs
        self.blank_label.setWordWrap(True)
        form.addRow("Phôi:", self.blank_label)
        offs = FlowLayout()      # wraps, so the preview beside it can take half the page
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
        buttons = FlowLayout()
        for b in (self.confirm_button, self.spoiled_button, self.preview_button, self.pdf_button,
                  self.print_button):
            buttons.addWidget(b)
        left.addLayout(buttons)
        left_box = QWidget()
        left_box.setLayout(left)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(left_box)
        split.addWidget(self.preview_pane)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([600, 600])       # the preview gets half the page, not the leftovers
        self.tabs = QTabWidget()
        self.tabs.addTab(split, "In giấy khen")
        self.lazy = LazyTabs(self, self.tabs)         # built when first shown
        self.lazy.add("blanks", "Phôi giấy khen", lambda: BlanksTab(ctx))
        self.loader = Loader(self)
        self.prepare_loader = Loader(self)        # reportlab and fonts, once, while idle
        self._prepared = False
        outer = QVBoxLayout(self)
        outer.addWidget(self.tabs)

        self.decision.currentIndexChanged.connect(self.load_rows)
        self.search.textChanged.connect(self.model.set_filter)
        self.printer.currentIndexChanged.connect(self.load_offset)
        for w in (self.mode, self.template):
            w.currentIndexChanged.connect(self._blank_state)
        self.chosen_rows.toggled.connect(self._blank_state)
        self.table.selectionModel().selectionChanged.connect(self._count)
        self.table.doubleClicked.connect(lambda index: self.preview(from_row=index.row()))
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
        self._fill_printers()
        self.load_rows(templates=True)

    blanks = property(lambda self: self.lazy.get("blanks"))

    def _fill_templates(self, choices=None):
        current = self.template.currentData()
        self.template.clear()
        self.template.addItem("Tự chọn theo danh hiệu và đối tượng", None)
        for name, label in (template_choices() if choices is None else choices):
            self.template.addItem(label, name)
        self.template.setCurrentIndex(max(self.template.findData(current), 0))

    def _fill_printers(self):
        current = self.printer.currentData()
        self.printer.blockSignals(True)
        self.printer.clear()
        names, default = printing.printer_names()
        for name in names:
            self.printer.addItem(name + (" (mặc định)" if name == default else ""), name)
        self.printer.addItem("Không dùng máy in (chỉ lưu PDF)", PDF_TARGET)
        index = self.printer.findData(current if current is not None else default)
        self.printer.setCurrentIndex(max(index, 0))
        self.printer.blockSignals(False)
        self.load_offset()

    def _changed(self, area):
        if area in ("decisions", "all", "certificates"):
            self.reload()

    def load_rows(self, *_, templates=False):
        """The decision's certificates and print state (and the ``templates`` to choose
        from), read in the background: 19,000 rows of a large commune took the window
        0.4-0.7 s."""
        did = self.model.decision_id = self.decision.currentData()
        self.count_label.setText("Đang đọc danh sách giấy khen…")

        def fetch():
            return (self.model.fetch(), print_state(did),
                    template_choices() if templates else None)
        self.loader.start(fetch, self._rows_read)

    def _rows_read(self, fetched):
        rows, state, choices = fetched
        if choices is not None:
            self.template.blockSignals(True)       # the blanks needed: once, below
            self._fill_templates(choices)
            self.template.blockSignals(False)
        self.model.show_rows(rows)
        self._count(blank=False)
        self._print_state(state)                   # (and the blanks the rows need)
        self._prepare_preview()

    def _prepare_preview(self):
        """Once the rows are shown, load what "Xem trước" needs (reportlab, the fonts
        registered: ~0.15 s) on the reading thread, so the click waits only for the
        certificates themselves. An error is left for the click to report."""
        if self._prepared:
            return
        self._prepared = True

        def prepare():
            from reports import certificates as certs
            try:
                certs.prepare()
            except Exception:  # noqa: BLE001 - only an early start: the preview says why
                log.exception("preparing the certificate preview failed")
        self.prepare_loader.start(prepare, lambda _: None, after_paint=True)

    def _print_state(self, state=None):
        """Show the buttons for an unconfirmed batch and for spoiled blanks of this decision."""
        pending, spoiled = state or print_state(self.decision.currentData())
        self.confirm_button.setVisible(bool(pending))
        self.confirm_button.setText(f"Xác nhận {len(pending)} tờ đã gửi máy in…")
        self.spoiled_button.setVisible(bool(spoiled))
        self.spoiled_button.setText(f"In lại {len(spoiled)} phôi hỏng")
        self.spoiled_button.setEnabled(bool(self.printer.currentData()) and self.ctx.can_edit)
        self._blank_state()
        if self.lazy.built("blanks") is not None:      # else it reads when built
            self.blanks.reload()

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

    def _count(self, *_, blank=True):
        chosen = len(self.selected_ids())
        self.count_label.setText(f"{self.model.rowCount()} giấy khen; đang chọn {chosen}")
        if blank:
            self._blank_state()

    def _blank_state(self, *_):
        ids = self.selected_ids() if self.chosen_rows.isChecked() else None
        self.blank_label.setText(needs_text(self.mode.currentData(), blanks.needs_for_rows(
            self.model.rows, ids, self.template.currentData())))

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
        load_pdf_from_memory(self.preview_doc, path)      # never holds the file open
        self.preview_pane.reset()

    def preview(self, *, from_row=None):
        """The first PREVIEW_LIMIT certificates of the choice, shown beside the table; from a
        row of the table (double-click or Enter on it): that certificate and the next ones,
        so "Giấy khen sau" walks on through the list."""
        kwargs = self.options()
        if kwargs is None:
            return None
        if from_row is not None:            # the rows as shown (the search may filter them)
            total = self.model.rowCount()
            start = max(0, min(from_row, total - 1))
            ids = [self.model.row_at(r)[0] for r in range(start, total)]
            kwargs["award_ids"] = ids[:PREVIEW_LIMIT]
        else:
            start = 0
            ids = kwargs["award_ids"] or [row[0] for row in self.model.rows]
            if len(ids) > PREVIEW_LIMIT:
                kwargs["award_ids"] = ids[:PREVIEW_LIMIT]
        path = self._pdf_path("xem-truoc")
        shown = min(len(ids), PREVIEW_LIMIT)
        if start:
            note = (f"Xem trước {shown} giấy khen, từ dòng {start + 1} "
                    f"(trong {self.model.rowCount()}).")
        elif len(ids) > PREVIEW_LIMIT:
            note = f"Xem trước {PREVIEW_LIMIT}/{len(ids)} giấy khen đầu tiên."
        else:
            note = f"Xem trước {len(ids)} giấy khen."

        def done(result):
            self.show_pdf(path)
            self.count_label.setText(note)
        return self._generate(kwargs, path, done)

    def save_pdf(self, path=None):
        kwargs = self.options()
        if kwargs is None:
            return None
        if not path:
            path = files.document_name(self, "Lưu giấy khen ra PDF", "giay-khen")
            if not path:
                return None

        def done(result):
            self.model.reload()
            if result.count <= PREVIEW_LIMIT:
                self.show_pdf(path)
            messages.saved(self, path, f"Đã lưu {result.count} giấy khen vào {path}. Khi in "
                                       "từ trình đọc PDF hãy chọn tỷ lệ 100 % (“Kích thước "
                                       "thực”).")
        return self._generate(kwargs, path, done, log_target=path)

    def show_test_print(self):
        from reports import certificates as certs
        name = self.template.currentData() or self._row_template()
        path = self._pdf_path("in-thu")
        try:
            certs.write_test_print(tpl.get_template(name), path, (self.dx.value(),
                                                                  self.dy.value()),
                                   printer=self.printer.currentData() or "")
        except UserError as err:
            messages.show_error(self, err)
            return None
        self.show_pdf(path)
        return path

    def _open_printer(self):
        """The chosen printer, checked; None after telling the clerk why (PDF offered)."""
        name = self.printer.currentData()
        if not name:
            if not printing.printer_names()[0]:
                if messages.confirm(self, printing.no_printer_message(), yes="Lưu PDF…"):
                    self.save_pdf()
            else:
                messages.info(self, "Hãy chọn một máy in (hoặc dùng “Lưu PDF…”).")
            return None
        try:
            return printing.make_printer(name)
        except UserError as err:
            messages.show_error(self, err)
            return None

    def print_test(self, *, printer=None):
        """Send the test print (rulers and boxes, inside the printable area) at 100 %."""
        name = self.template.currentData() or self._row_template()
        template = tpl.get_template(name)
        if printer is None:
            printer = self._open_printer()
            if printer is None:
                return None
        offset = (self.dx.value(), self.dy.value())
        target = self.printer.currentData() or printer.outputFileName()

        def done(outcome):
            self.last_outcome = outcome
            if outcome.error:
                messages.show_error(self, UserError(outcome.error))
            else:
                messages.info(self, "Đã gửi tờ in thử tới máy in. Đặt tờ in thử lên phôi, soi "
                                    "đèn và đo khoảng lệch giữa thước đen và thước xanh; nhập "
                                    "độ lệch rồi bấm “Lưu độ lệch”.",
                              details="\n".join(outcome.warnings) or None)
        self.last_worker = self.ctx.run_task(
            self, "Đang in thử…", lambda progress: batch_print.print_test_sheet(
                template=template, printer_name=target, printer=printer, offset=offset),
            on_done=done, on_error=lambda err: messages.show_error(self, err))
        return self.last_worker

    def _row_template(self):
        rows = self.selected_ids()
        return next((r[7] for r in self.model.rows if rows and r[0] == rows[0]), None) \
            or (self.model.rows[0][7] if self.model.rows else tpl.list_templates()[0].name)

    def print_selected(self, *, printer=None, still_there=None, award_ids=None):
        """Check the paper and margins, print one vector job in a worker, log it as sent,
        then ask how many sheets came out."""
        kwargs = self.options()
        if kwargs is None:
            return None
        if award_ids is not None:
            kwargs["award_ids"] = award_ids
        name = self.printer.currentData()
        if printer is None:
            printer = self._open_printer()
            if printer is None:
                return None
            still_there = still_there or (lambda: printer_available(name))
        target = name or printer.outputFileName()
        try:
            warnings = batch_print.preflight(
                printer, batch_print.templates_for(kwargs["decision_id"], kwargs["award_ids"],
                                                   kwargs["template_name"]),
                mode=kwargs["mode"], offset=kwargs["printer_offset"], qr=kwargs["qr"])
        except UserError as err:
            messages.show_error(self, err)
            return None
        if warnings and not messages.confirm(
                self, "Một phần mẫu nằm trong lề máy in không in được:\n• "
                + "\n• ".join(warnings) + "\n\nPhần đó sẽ bị thiếu trên giấy. Vẫn in?",
                yes="Vẫn in", danger=True):
            return None
        short = blanks.needs_for_rows(self.model.rows, kwargs["award_ids"], kwargs["template_name"])
        short = blanks_short(short) if kwargs["mode"] == "blank" else []
        if short and not messages.confirm(
                self, "Không đủ phôi cho lần in này:\n• " + "\n• ".join(short)
                + "\n\nVẫn in (ví dụ phôi mới nhận chưa ghi sổ)?", yes="Vẫn in", danger=True):
            return None
        names = {row[0]: f"{row[1]}. {row[3]}" for row in self.model.rows}
        actor = self.ctx.actor

        def job(progress):
            ids = kwargs["award_ids"] or [r[0] for r in self.model.rows]
            return batch_print.print_certificates(
                actor=actor, decision_id=kwargs["decision_id"], printer_name=target,
                printer=printer, award_ids=kwargs["award_ids"],
                template_name=kwargs["template_name"], mode=kwargs["mode"], qr=kwargs["qr"],
                offset=kwargs["printer_offset"], progress=throttled(progress),
                still_there=still_there, labels=[names.get(i, str(i)) for i in ids])

        def done(run):
            outcome = run.outcome
            self.last_outcome = outcome
            self.last_run = run
            self.model.reload()
            self._print_state()
            if outcome.error:
                messages.show_error(self, UserError(outcome.error))
            elif outcome.cancelled:
                messages.info(self, "Đã dừng in: chưa gửi tờ nào tới máy in, sổ in không ghi gì.")
            else:
                self.ask_sheets(run.log_ids, printer=target, job=outcome.job,
                                warnings=outcome.warnings)
        self.last_worker = self.ctx.run_task(self, "Đang in giấy khen…", job, on_done=done)
        return self.last_worker

    def ask_sheets(self, log_ids, *, printer, job="", warnings=()):
        """How many sheets came out (default all): those are logged printed, the rest spoiled."""
        if not log_ids:
            return None
        came_out = SheetsDialog.ask(self, total=len(log_ids), printer=printer, job=job,
                                    warnings=warnings)
        if came_out is None:
            self._print_state()
            return None
        spoiled = messages.run_action(self, print_log.confirm_sheets, actor=self.ctx.actor,
                                      log_ids=log_ids, came_out=came_out)
        self.model.reload()
        self._print_state()
        if spoiled:
            messages.info(self, f"Đã ghi {came_out} tờ in đúng và {len(spoiled)} phôi hỏng. Bấm "
                                "“In lại phôi hỏng” để in lại đúng những giấy khen đó.")
        return came_out

    def confirm_pending(self):
        """Count the sheets of a batch sent earlier (e.g. by the batch command)."""
        ids = print_log.unconfirmed_log_ids(self.decision.currentData())
        return self.ask_sheets(ids, printer=self.printer.currentData() or "")

    def reprint_spoiled(self, **kwargs):
        """Print again, in one job, every certificate of this decision left spoiled."""
        ids = print_log.spoiled_award_ids(self.decision.currentData())
        if not ids:
            messages.info(self, "Không có phôi hỏng nào cần in lại.")
            return None
        return self.print_selected(award_ids=ids, **kwargs)

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

