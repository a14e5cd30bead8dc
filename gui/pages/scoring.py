"""Page "Chấm điểm": the units × criteria grid with live totals, the ranking chart, sheet
states, criteria tables and the scoring documents."""
import datetime
import os

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QHBoxLayout, QLabel,
                               QLineEdit, QMenu, QPushButton, QRadioButton, QScrollArea,
                               QSplitter, QVBoxLayout, QWidget)

from models import scoring
from models.errors import UserError

from .. import files, messages
from ..widgets import FlowLayout
from ..score_chart import ScoreChart
from ..score_grid import (BAND_COLORS, CHECKED, FIRST, SELF, ScoreGridModel,
                          ScoreGridView)

AUTOSAVE_MS = 700


class ScoringPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.cs = None
        self.model = None
        self._own_change = False
        self.year_box = QComboBox()
        self.year_box.setMinimumWidth(80)
        self.set_box = QComboBox()
        self.set_box.setMinimumWidth(360)
        self.self_radio = QRadioButton("Tự chấm")
        self.check_radio = QRadioButton("Thẩm định")
        self.self_radio.setChecked(True)
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.self_radio)
        self.mode_group.addButton(self.check_radio)
        # a push button with a menu: its arrow gets its own room (a tool button's popup arrow
        # was drawn over the last letter, "chí")
        self.table_button = QPushButton("Bảng tiêu chí")
        menu = QMenu(self.table_button)
        self.table_actions = {}
        for key, label, slot in (
                ("new", "Tạo bảng mới…", self.new_table), ("edit", "Xem / sửa bảng…",
                                                           self.edit_table),
                ("copy", "Sao chép bảng (cho năm sau)…", self.copy_table),
                ("import", "Nhập bảng từ Excel…", self.import_table),
                ("export", "Xuất bảng ra Excel…", self.export_table),
                ("sheets", "Tạo phiếu cho các đơn vị", self.create_sheets)):
            self.table_actions[key] = menu.addAction(label, slot)
        self.table_button.setMenu(menu)
        top = QHBoxLayout()
        for w in (QLabel("Năm:"), self.year_box, QLabel("Bảng:"), self.set_box):
            top.addWidget(w)
        top.addSpacing(12)
        top.addWidget(QLabel("Chấm:"))
        top.addWidget(self.self_radio)
        top.addWidget(self.check_radio)
        top.addStretch(1)
        top.addWidget(self.table_button)
        self.long_headers = QCheckBox("Hiện nội dung tiêu chí")
        self.long_headers.setToolTip("Tiêu đề cột ghi cả nội dung tiêu chí (cột rộng hơn); "
                                     "bỏ chọn để chỉ hiện mã và điểm tối đa")
        self.long_headers.toggled.connect(self.view_long_headers)

        self.view = ScoreGridView()
        self.chart = ScoreChart()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.chart)
        scroll.setMinimumWidth(320)
        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter

        self.buttons = {}
        actions = FlowLayout()
        for key, label, slot, tip in (
                ("fill", "Tính theo chỉ tiêu", self.fill_proportional,
                 "Điền điểm các tiêu chí tính theo mức hoàn thành chỉ tiêu"),
                ("submit", "Nộp phiếu", self.submit, "Đơn vị đã tự chấm xong"),
                ("return", "Trả lại…", self.return_sheet, "Trả phiếu để đơn vị chấm lại"),
                ("check", "Thẩm định xong", self.check, "Chốt điểm thẩm định của phiếu"),
                ("finalise", "Chốt phiếu", self.finalise, "Lãnh đạo chốt kết quả"),
                ("reopen", "Mở lại…", self.reopen, "Lãnh đạo mở lại phiếu đã chốt")):
            b = QPushButton(label)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            actions.addWidget(b)
            self.buttons[key] = b
        actions.addStretch(1)
        for key, label, slot in (("pdf", "In phiếu (PDF)…", self.print_sheet),
                                 ("docx", "Phiếu (Word)…", lambda: self.print_sheet(word=True)),
                                 ("rank_pdf", "Xếp hạng PDF…", self.ranking_pdf),
                                 ("rank_docx", "Xếp hạng Word…",
                                  lambda: self.ranking_pdf(word=True)),
                                 ("rank_xlsx", "Xếp hạng Excel…", self.ranking_xlsx),
                                 ("export", "Xuất điểm cả năm…", self.export_year)):
            b = QPushButton(label)
            b.clicked.connect(slot)
            actions.addWidget(b)
            self.buttons[key] = b
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.hint = QLabel("Gõ điểm rồi Enter (xuống) hoặc Tab (sang phải); Ctrl+V dán khối "
                           "chép từ Excel; Delete xóa ô. Dấu phẩy là dấu thập phân (8,5). "
                           "Ô vàng: đã sửa; chữ đỏ: điểm thẩm định khác tự chấm.")
        self.hint.setStyleSheet("color: #555;")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        hint_row = QHBoxLayout()
        hint_row.addWidget(self.hint, 1)
        hint_row.addWidget(self.long_headers)
        layout.addLayout(hint_row)
        layout.addWidget(splitter, 1)
        layout.addLayout(self._note_row())
        layout.addLayout(actions)
        layout.addWidget(self.status)

        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.save_now)
        self.year_box.currentIndexChanged.connect(self._year_chosen)
        self.set_box.currentIndexChanged.connect(self._set_chosen)
        self.mode_group.buttonClicked.connect(lambda _b: self._mode_chosen())
        ctx.on_change(self, self._on_data_changed)
        self.reload_years()

    # ------------------------------------------------------------------ loading
    @property
    def mode(self):
        return CHECKED if self.check_radio.isChecked() else SELF

    def reload_years(self, keep_set=None):
        self.save_now()
        years = scoring.years()
        this_year = datetime.date.today().year
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for y in years:
            self.year_box.addItem(str(y), y)
        self.year_box.blockSignals(False)
        if keep_set is not None and keep_set.year in years:
            self.year_box.setCurrentIndex(years.index(keep_set.year))
        elif this_year in years:
            self.year_box.setCurrentIndex(years.index(this_year))
        self._year_chosen(keep_set=keep_set)

    def _year_chosen(self, *_args, keep_set=None):
        self.save_now()
        year = self.year_box.currentData()
        sets = scoring.criteria_sets(year=year) if year is not None else []
        self.set_box.blockSignals(True)
        self.set_box.clear()
        for cs in sets:
            self.set_box.addItem(cs.name, cs.id)
        self.set_box.blockSignals(False)
        if keep_set is not None:
            i = self.set_box.findData(keep_set.id)
            if i >= 0:
                self.set_box.setCurrentIndex(i)
        self._set_chosen()

    def _set_chosen(self, *_args):
        self.save_now()
        set_id = self.set_box.currentData()
        self.cs = scoring.criteria_set(set_id) if set_id is not None else None
        self.load_grid()

    def _mode_chosen(self):
        self.save_now()
        self.load_grid()

    def load_grid(self):
        if self.cs is None:
            self.model = None
            self.view.setModel(None)
            self.chart.set_data([], [])
            self._update_buttons()
            self.status.setText("Chưa có bảng tiêu chí. Hãy tạo bảng mới hoặc nhập từ Excel "
                                "(nút 'Bảng tiêu chí').")
            return
        grid = scoring.load_grid(self.cs)
        if self.model is None:
            self.model = ScoreGridModel(grid, mode=self.mode, can_edit=self.ctx.can_edit,
                                        reason_provider=self._ask_reason, parent=self)
            self.model.refused.connect(self._refused)
            self.model.edited.connect(self._edited)
            self.view.setModel(self.model)
            self.view.set_long_headers(self.long_headers.isChecked())
            self.view.selectionModel().currentChanged.connect(
                lambda *_: (self._update_buttons(), self._show_note()))
        else:
            self.model.reset_grid(grid, self.mode)
        self._update_chart()
        self._update_buttons()
        self._show_note()
        if not grid.rows:
            self.status.setText("Bảng này chưa có phiếu nào: chọn 'Bảng tiêu chí' → 'Tạo "
                                "phiếu cho các đơn vị'.")
        else:
            self.status.setText("")

    def view_long_headers(self, on):
        self.view.set_long_headers(on)

    def _update_chart(self):
        if self.model is None:
            return
        spec = self.model.spec
        bands = [(b.name, BAND_COLORS[i % len(BAND_COLORS)]) for i, b in enumerate(spec.bands)]
        self.chart.set_data(self.model.totals(), bands, scale_max=spec.max_possible)

    def apply_filters(self, *, year=None, **_ignored):
        """Show the criteria tables of ``year``."""
        if year is not None:
            i = self.year_box.findData(year)
            if i >= 0:
                self.year_box.setCurrentIndex(i)

    def _on_data_changed(self, area):
        if self._own_change or area not in ("scores", "all", "org", "movements"):
            return
        self.reload_years(keep_set=self.cs)

    # ------------------------------------------------------------------ editing
    def _ask_reason(self, cells):
        return messages.ask_text(
            self, f"Điểm thẩm định khác điểm tự chấm ở {len(cells)} ô. Ghi lý do thay đổi "
            "(bắt buộc):", title="Lý do thay đổi điểm")

    def _refused(self, text):
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText("Không nhận giá trị: " + text)

    def _edited(self):
        self.status.setStyleSheet("color: #555;")
        self.status.setText("Đang chờ lưu…")
        self._update_chart()
        self.autosave.start()

    def save_now(self):
        """Save pending cells at once (also before switching table, mode or page)."""
        self.autosave.stop()
        if self.model is None or not self.model.pending:
            return True
        changes = self.model.take_pending()
        try:
            self._own_change = True
            scoring.save_grid_changes(actor=self.ctx.actor, changes=changes)
            self.ctx.changed("scores")
        except UserError as err:
            messages.show_error(self, err)
            self.load_grid()          # back to what is stored
            return False
        finally:
            self._own_change = False
        self._refresh_states()
        self.status.setStyleSheet("color: #2e7d32;")
        self.status.setText(f"Đã lưu lúc {datetime.datetime.now():%H:%M:%S}.")
        return True

    def _refresh_states(self):
        """Stored totals are recomputed by the service; the grid already shows the same."""
        self._update_chart()

    def hideEvent(self, event):
        self.save_now()
        super().hideEvent(event)

    # ------------------------------------------------------------------ notes
    def _note_row(self):
        self.cell_label = QLabel("")
        self.cell_label.setMinimumWidth(220)
        self.evidence_edit = QLineEdit()
        self.evidence_edit.setPlaceholderText("Minh chứng (văn bản, báo cáo…)")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("Lý do thay đổi điểm khi thẩm định")
        self.note_button = QPushButton("Lưu ghi chú")
        self.note_button.clicked.connect(self.save_note)
        for w in (self.evidence_edit, self.reason_edit):
            w.returnPressed.connect(self.save_note)
        row = QHBoxLayout()
        row.addWidget(self.cell_label)
        row.addWidget(self.evidence_edit, 2)
        row.addWidget(self.reason_edit, 2)
        row.addWidget(self.note_button)
        self._show_note()
        return row

    def _current_cell(self):
        if self.model is None:
            return None
        idx = self.view.currentIndex()
        c = idx.column() - FIRST
        return (idx.row(), c) if idx.isValid() and c >= 0 else None

    def _show_note(self):
        cell = self._current_cell()
        enabled = cell is not None and self.ctx.can_edit and \
            self.model.grid.rows[cell[0]].state != "finalised"
        for w in (self.evidence_edit, self.reason_edit, self.note_button):
            w.setEnabled(enabled)
        if cell is None:
            self.cell_label.setText("Chọn một ô điểm để ghi minh chứng.")
            self.evidence_edit.clear()
            self.reason_edit.clear()
            return
        r, c = cell
        g = self.model.grid
        self.cell_label.setText(f"{g.rows[r].name} — {g.spec.leaves[c].code}:")
        self.evidence_edit.setText(g.evidence[r].get(c, ""))
        self.reason_edit.setText(g.reasons[r].get(c, ""))
        # the notes as shown: another PC's note saved meanwhile refuses this one (issue 20)
        self._note_was = (cell, self.evidence_edit.text(), self.reason_edit.text())

    def save_note(self):
        cell = self._current_cell()
        if cell is None or not self.save_now():
            return False
        r, c = cell
        g = self.model.grid
        change = {"criterion": g.spec.leaves[c].id, "evidence": self.evidence_edit.text(),
                  "reason": self.reason_edit.text()}
        shown = getattr(self, "_note_was", None)
        if shown is not None and shown[0] == cell:
            change["was"] = {"evidence": shown[1], "reason": shown[2]}
        try:
            self._own_change = True
            scoring.save_scores(actor=self.ctx.actor, sheet=g.rows[r].sheet_id,
                                changes=[change])
            self.ctx.changed("scores")
        except UserError as err:
            messages.show_error(self, err)
            return False
        finally:
            self._own_change = False
        g.evidence[r][c] = " ".join(change["evidence"].split())
        g.reasons[r][c] = " ".join(change["reason"].split())
        self._note_was = (cell, g.evidence[r][c], g.reasons[r][c])
        self.status.setStyleSheet("color: #2e7d32;")
        self.status.setText(f"Đã lưu ghi chú của {g.rows[r].name}, {g.spec.leaves[c].code}.")
        return True

    # ------------------------------------------------------------------ sheet actions
    def current_row(self):
        if self.model is None:
            return None
        idx = self.view.currentIndex()
        return self.model.grid.rows[idx.row()] if idx.isValid() else None

    def _update_buttons(self):
        row = self.current_row()
        state = row.state if row else None
        edit, lead = self.ctx.can_edit, self.ctx.is_leader
        allowed = {"fill": edit and state in ("draft", "submitted", "checked"),
                   "submit": edit and state == "draft",
                   "return": edit and state in ("submitted", "checked"),
                   "check": edit and state == "submitted",
                   "finalise": lead and state == "checked",
                   "reopen": lead and state == "finalised",
                   "pdf": row is not None, "rank_pdf": self.model is not None,
                   "docx": row is not None, "rank_docx": self.model is not None,
                   "rank_xlsx": self.model is not None, "export": self.cs is not None}
        for key, b in self.buttons.items():
            b.setEnabled(bool(allowed.get(key)))
        has = self.cs is not None
        frozen = has and scoring.is_frozen(self.cs)
        self.table_actions["new"].setEnabled(edit)
        self.table_actions["edit"].setEnabled(has)
        self.table_actions["edit"].setText("Xem bảng (đã dùng, không sửa được)…" if frozen
                                           else "Xem / sửa bảng…")
        for key in ("copy", "sheets"):
            self.table_actions[key].setEnabled(edit and has)
        self.table_actions["import"].setEnabled(edit)
        self.table_actions["export"].setEnabled(has)

    def _sheet_action(self, fn, **kwargs):
        row = self.current_row()
        if row is None or not self.save_now():
            return
        try:
            self._own_change = True
            fn(actor=self.ctx.actor, sheet=row.sheet_id, **kwargs)
            self.ctx.changed("scores")
        except UserError as err:
            messages.show_error(self, err)
        finally:
            self._own_change = False
        current = self.view.currentIndex()
        self.load_grid()
        if current.isValid():
            self.view.setCurrentIndex(self.model.index(current.row(), current.column()))

    def fill_proportional(self):
        self._sheet_action(scoring.fill_proportional)

    def submit(self):
        self._sheet_action(scoring.submit_sheet)

    def check(self):
        self._sheet_action(scoring.check_sheet, checker=self.ctx.actor.full_name)

    def finalise(self):
        self._sheet_action(scoring.finalise_sheet)

    def return_sheet(self):
        reason = messages.ask_text(self, "Lý do trả lại phiếu:", title="Trả lại phiếu")
        if reason:
            self._sheet_action(scoring.return_sheet, reason=reason)

    def reopen(self):
        reason = messages.ask_text(self, "Lý do mở lại phiếu đã chốt (ghi vào nhật ký):",
                                   title="Mở lại phiếu")
        if reason:
            self._sheet_action(scoring.reopen_sheet, reason=reason)

    # ------------------------------------------------------------------ tables
    def _editor(self):
        from ..criteria_editor import CriteriaEditor
        return CriteriaEditor

    def new_table(self):
        data = self._editor().ask(self, year=self.year_box.currentData())
        if data is not None:
            self._save_table(lambda: scoring.create_criteria_set(actor=self.ctx.actor, **data))

    def edit_table(self):
        if self.cs is None:
            return
        cs = self.cs        # as loaded: its version is checked when saving (issue 20)
        saved = self._editor().ask(
            self, criteria_set=cs,
            read_only=scoring.is_frozen(cs) or not self.ctx.can_edit,
            save=lambda data: scoring.update_criteria_set(actor=self.ctx.actor,
                                                          criteria_set=cs, **data))
        if saved is not None:
            self._save_table(lambda: saved)

    def _save_table(self, fn):
        try:
            cs = fn()
        except UserError as err:
            messages.show_error(self, err)
            return
        if getattr(cs, "warnings", None):
            messages.info(self, "Đã lưu bảng tiêu chí, có điều cần xem lại:",
                          details="\n".join(cs.warnings))
        self.ctx.changed("scores")
        self.reload_years(keep_set=cs)

    def copy_table(self):
        if self.cs is None:
            return
        text = messages.ask_text(self, "Sao chép sang năm:", title="Sao chép bảng tiêu chí",
                                 text=str(self.cs.year + 1))
        if not text:
            return
        try:
            year = int(text)
        except ValueError:
            messages.show_error(self, f"Năm '{text}' không hợp lệ.")
            return
        self._save_table(lambda: scoring.copy_criteria_set(
            actor=self.ctx.actor, source=self.cs, year=year,
            movement=scoring.movement_of_year(year) if year != self.cs.year else ...))

    def create_sheets(self):
        if self.cs is None:
            return
        n = messages.run_action(self, scoring.ensure_sheets, actor=self.ctx.actor,
                                criteria_set=self.cs)
        if n is not None:
            self.ctx.changed("scores")
            self.load_grid()
            self.status.setText(f"Đã tạo {n} phiếu mới." if n else
                                "Mọi đơn vị thuộc loại của bảng đã có phiếu.")

    def _save_path(self, title, default, filt):
        path, _ = files.save_name(self, title, default, filt)
        return path or None

    def import_table(self, path=None):
        path = path or files.open_name(self, "Nhập bảng tiêu chí", "",
                                                   "Excel (*.xlsx)")[0]
        if not path:
            return None
        from reports.criteria_xlsx import import_criteria
        year = self.year_box.currentData() or datetime.date.today().year
        try:
            result = import_criteria(path, actor=self.ctx.actor, year=year)
        except UserError as err:
            messages.show_error(self, err)
            return None
        messages.info(self, result.summary())
        self.ctx.changed("scores")
        self.reload_years(keep_set=result.criteria_set)
        return result

    def export_table(self, path=None):
        if self.cs is None:
            return None
        path = path or self._save_path("Xuất bảng tiêu chí", f"{self.cs.name}.xlsx",
                                       "Excel (*.xlsx)")
        if path:
            from reports.criteria_xlsx import export_criteria_xlsx
            return self._write(lambda: export_criteria_xlsx(self.cs, path))

    # ------------------------------------------------------------------ documents
    def _write(self, fn):
        self.save_now()
        try:
            path = fn()
        except UserError as err:
            messages.show_error(self, err)
            return None
        self.status.setStyleSheet("color: #2e7d32;")
        self.status.setText(f"Đã ghi {path}")
        return path

    def print_sheet(self, path=None, *, word=False):
        row = self.current_row()
        if row is None:
            return None
        path = path or files.document_name(self, "In phiếu chấm điểm",
                                           f"Phiếu chấm điểm - {row.name}", word=word) or None
        if path:
            from reports.score_docs import write_sheet_pdf
            return self._write(lambda: write_sheet_pdf(row.sheet_id, path))

    def ranking_pdf(self, path=None, *, all_blocs=False, word=False):
        row = self.current_row()
        if self.cs is None:
            return None
        path = path or files.document_name(self, "Bảng xếp hạng", f"Xếp hạng {self.cs.year}",
                                           word=word) or None
        if path:
            from reports.score_docs import write_ranking_pdf
            bloc = ... if (all_blocs or row is None) else row.bloc_id
            return self._write(lambda: write_ranking_pdf(self.cs, path, bloc_id=bloc))

    def ranking_xlsx(self, path=None):
        if self.cs is None:
            return None
        path = path or self._save_path("Bảng xếp hạng", f"Xếp hạng {self.cs.year}.xlsx",
                                       "Excel (*.xlsx)")
        if path:
            from reports.score_docs import write_ranking_xlsx
            return self._write(lambda: write_ranking_xlsx(self.cs, path))

    def export_year(self, path=None):
        year = self.year_box.currentData()
        path = path or self._save_path("Xuất điểm cả năm", f"Điểm thi đua {year}.xlsx",
                                       "Excel (*.xlsx)")
        if not path:
            return None
        self.save_now()
        from reports.score_docs import export_scores_xlsx

        def done(result):
            self.status.setText(f"Đã xuất {os.path.basename(result)}")
        return self.ctx.run_task(self, "Đang xuất điểm…",
                                 lambda progress: export_scores_xlsx(path, year=year,
                                                                     progress=progress),
                                 on_done=done)
