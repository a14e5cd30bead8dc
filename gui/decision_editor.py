"""Tab "Quyết định": the list of decisions and the editor of one, with a live preview of the
attached list (I/II/III, amounts) and its totals."""
import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QSplitter, QVBoxLayout, QWidget)

from models import council, decisions, fund, public_list, settings, vntext
from models.award_history import STATE_NAMES
from models.entities import Decision, Meeting
from models.errors import UserError

from . import files, messages
from .background import Loader, run_action
from .decision_dialogs import NewDecisionDialog, SubjectPicker, date_edit, date_of
from .table_model import Col, FilterTableModel, ID_ROLE
from .widgets import SearchBox, make_table_view, selected_rows


def money(value):
    return "" if not value else vntext.format_int(value)


class DecisionListModel(FilterTableModel):
    """(id, number, date, state label, recipients, total, about, state, method label)"""
    COLUMNS = [Col("Số", 1, 95), Col("Ngày", 2, 80, "center", fmt=vntext.format_date),
               Col("Tình trạng", 3, 110), Col("Khen thưởng", 8, 100),
               Col("Số đối tượng", 4, 80, "right"),
               Col("Tổng tiền", 5, 100, "right", fmt=money), Col("Trích yếu", 6, 300)]

    def load(self):
        from models import award_method
        rows = decisions.decision_rows()
        methods = award_method.methods_by_decision([r["id"] for r in rows])
        out = []
        for r in rows:
            out.append((r["id"], r["number"] or "(dự thảo)",
                        vntext.parse_date(r["date"]), STATE_NAMES.get(r["state"], r["state"]),
                        r["recipient_count"], r["total_amount"], r["about"], r["state"],
                        award_method.METHOD_NAMES[methods[r["id"]]]))
        return out

    def key(self, row):
        return f"{row[1]} {row[6]} {row[8]}"


class RecipientModel(FilterTableModel):
    """(award id, group, stt, name, position, place, title, amount, note); ``groups`` is
    the output of ``decisions.summary(...)["groups"]`` (read once for table and totals)."""
    COLUMNS = [Col("Nhóm", 1, 95), Col("STT", 2, 40, "center"),
               Col("Họ và tên / Tên tập thể / Chủ hộ", 3, 200), Col("Chức vụ", 4, 110),
               Col("Đơn vị, địa chỉ", 5, 170), Col("Hình thức", 6, 190),
               Col("Số tiền", 7, 90, "right", fmt=money), Col("Ghi chú", 8, 200)]
    groups = ()

    def load(self):
        return self.rows_of(self.groups)

    @staticmethod
    def rows_of(groups):
        out = []
        for heading, rows in groups:
            for i, r in enumerate(rows, 1):
                out.append((r["id"], heading, i, r["name"], r["position"], r["place"],
                            r["title"], r["amount"], r["note"]))
        return out

    def fetch_groups(self, groups):
        """(rows, keys) of ``groups`` in any thread, for ``show_rows``."""
        rows = self.rows_of(groups)
        return rows, [vntext.fold(self.key(r)) for r in rows]

    def key(self, row):
        return f"{row[3]} {row[5]} {row[6]}"


class DecisionEditor(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.decision = None
        self.list_loader = Loader(self)
        self.preview_loader = Loader(self)
        self.list_model = DecisionListModel(self)
        self.list_view = make_table_view(self.list_model, self)
        self.list_view.setSelectionMode(self.list_view.SelectionMode.SingleSelection)
        self.list_view.selectionModel().currentRowChanged.connect(self._picked)
        self.list_search = SearchBox("Tìm số, trích yếu…", self)
        self.list_search.search.connect(self.list_model.set_filter)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.new_button = QPushButton("Quyết định mới…")
        self.new_button.clicked.connect(self.new_decision)
        row.addWidget(self.list_search, 1)
        lv.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        # issue 18: sudden awards and themed awards (sơ kết / tổng kết) in one step
        self.sudden_button = QPushButton("Đột xuất…")
        self.sudden_button.setToolTip("Khen thưởng đột xuất: từ sự việc đến dự thảo quyết định")
        self.sudden_button.clicked.connect(self.new_sudden)
        self.themed_button = QPushButton("Chuyên đề…")
        self.themed_button.setToolTip("Khen thưởng chuyên đề, theo đợt (sơ kết, tổng kết)")
        self.themed_button.clicked.connect(self.new_themed)
        row.addWidget(self.sudden_button)
        row.addWidget(self.themed_button)
        row.addStretch(1)
        lv.addLayout(row)
        lv.addWidget(self.list_view, 1)

        # ---- header form
        self.state = QLabel()
        self.number = QLineEdit()
        self.number.setPlaceholderText("để trống: số tiếp theo khi ban hành")
        self.date = date_edit()
        self.signer = QComboBox()
        self.signer.setEditable(True)
        self.signer_title = QComboBox()
        self.signer_title.addItems(["CHỦ TỊCH", "PHÓ CHỦ TỊCH"])
        self.on_behalf = QCheckBox("Ký thay mặt Ủy ban (TM. ỦY BAN NHÂN DÂN)")
        self.about = QLineEdit()
        self.proposer = QLineEdit()
        self.bases = QPlainTextEdit()
        self.bases.setTabChangesFocus(True)   # Tab goes to the next field
        self.bases.setFixedHeight(90)
        self.recipients_text = QPlainTextEdit()
        self.recipients_text.setTabChangesFocus(True)   # Tab goes to the next field
        self.recipients_text.setFixedHeight(60)
        form = QFormLayout()
        form.addRow("Tình trạng:", self.state)
        line = QHBoxLayout()
        line.addWidget(self.number, 1)
        line.addWidget(QLabel("Ngày:"))
        line.addWidget(self.date)
        form.addRow("Số:", line)
        line = QHBoxLayout()
        line.addWidget(self.signer, 1)
        line.addWidget(self.signer_title)
        form.addRow("Người ký:", line)
        form.addRow("", self.on_behalf)
        form.addRow("Trích yếu:", self.about)
        form.addRow("Căn cứ (mỗi dòng một căn cứ):", self.bases)
        form.addRow("Đề nghị của:", self.proposer)
        form.addRow("Nơi nhận (mỗi dòng một nơi):", self.recipients_text)
        head = QGroupBox("Thông tin quyết định")
        head.setLayout(form)

        # ---- recipients (live preview of the list) and totals
        self.rec_model = RecipientModel(self)
        self.rec_view = make_table_view(self.rec_model, self, sortable=False)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.comment_warning = QLabel()    # recipients with unresolved comments (public list)
        self.comment_warning.setWordWrap(True)
        self.comment_warning.setStyleSheet("color: #8a4b00;")
        self.comment_warning.hide()
        self.achievement = QLineEdit()
        self.achievement.setPlaceholderText("Thành tích của người đang chọn (Enter để lưu)")
        self.achievement.returnPressed.connect(self.save_achievement)
        self.rec_view.selectionModel().currentRowChanged.connect(self._rec_picked)
        self.date.dateChanged.connect(self._date_changed)
        self._showing = False
        # typed but not saved: another PC's save refreshes the list and the preview, never
        # the header being typed, and the save is checked against the version it rests on
        self._dirty = False
        for signal in (self.number.textEdited, self.signer.editTextChanged,
                       self.signer_title.currentTextChanged, self.on_behalf.toggled,
                       self.about.textEdited, self.proposer.textEdited,
                       self.bases.textChanged, self.recipients_text.textChanged):
            signal.connect(self._typed)

        self.buttons = {}
        bar1, bar2 = QHBoxLayout(), QHBoxLayout()
        for bar, items in ((bar1, (("save", "Lưu thông tin", self.save),
                                   ("from_vote", "Thêm người bình xét đạt", self.add_from_vote),
                                   ("add", "Thêm…", self.add_recipient),
                                   ("remove", "Bỏ khỏi danh sách", self.remove_recipient),
                                   ("delete", "Xóa dự thảo", self.delete_draft))),
                           (bar2, (("issue", "Ban hành", self.issue),
                                   ("amend", "Điều chỉnh…", self.amend),
                                   ("revoke", "Thu hồi…", self.revoke),
                                   ("pdf", "Xuất PDF…", self.export_pdf),
                                   ("docx", "Xuất Word…", self.export_docx),
                                   ("xlsx", "Xuất Excel danh sách…", self.export_xlsx)))):
            for key, text, slot in items:
                b = QPushButton(text)
                b.clicked.connect(slot)
                self.buttons[key] = b
                bar.addWidget(b)
            bar.addStretch(1)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(head)
        rv.addLayout(bar1)
        rv.addWidget(self.rec_view, 1)
        rv.addWidget(self.achievement)
        rv.addWidget(self.totals)
        rv.addWidget(self.comment_warning)
        rv.addLayout(bar2)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([380, 820])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.reload()

    # ---------------------------------------------------------------- loading
    def reload(self, select_id=None):
        """The list of decisions is read in the background, then ``select_id`` is shown."""
        current = select_id or (self.decision.id if self.decision else None)
        self.list_loader.start(self.list_model.fetch,
                               lambda fetched: self._listed(fetched, current))

    def _listed(self, fetched, current):
        self.list_model.show_rows(fetched)
        typed, self._showing = self.signer.currentText(), True
        self.signer.clear()
        names = [settings.get("chairman")] + list(settings.get("vice_chairmen") or [])
        self.signer.addItems([n for n in names if n])
        if self._dirty:
            self.signer.setEditText(typed)       # refilling the names keeps the typing
        self._showing = False
        self._select(current)
        if self.decision is None:
            self._show(None)

    def _select(self, decision_id):
        """Select ``decision_id`` (else the first) and show it once: moving the current
        row already shows it through ``_picked`` (a second read would only be thrown away)."""
        row = next((r for r in range(self.list_model.rowCount())
                    if self.list_model.row_at(r)[0] == decision_id), None)
        if row is None:
            if not self.list_model.rowCount():
                return
            row = 0
        self._picked_now = False
        self.list_view.selectRow(row)
        self.list_view.setCurrentIndex(self.list_model.index(row, 0))
        if not self._picked_now:          # the current row did not move
            self._show(Decision.get_or_none(Decision.id == self.list_model.row_at(row)[0]))

    def _picked(self, current, _previous):
        if current.isValid():
            self._picked_now = True
            self._show(Decision.get_or_none(Decision.id == current.data(ID_ROLE)))

    def _typed(self, *_):
        if not self._showing:
            self._dirty = True

    def _show(self, decision):
        if (self._dirty and decision is not None and self.decision is not None
                and decision.id == self.decision.id and decision.state == "draft"):
            decision.version = self.decision.version   # what the typing rests on
            self.decision = decision
            self.refresh_preview()
            return
        self._dirty = False
        self.decision = decision
        draft = decision is not None and decision.state == "draft"
        editable = draft and self.ctx.can_edit
        for w in (self.number, self.date, self.signer, self.signer_title, self.on_behalf,
                  self.about, self.proposer, self.bases, self.recipients_text, self.achievement):
            w.setEnabled(editable)
        for key in ("save", "from_vote", "add", "remove", "delete"):
            self.buttons[key].setEnabled(editable)
        if decision is not None and decision.kind == "revoke":
            for key in ("from_vote", "add", "remove"):
                self.buttons[key].setEnabled(False)
        self.buttons["issue"].setEnabled(draft and self.ctx.is_leader)
        issued = decision is not None and decision.state == "issued"
        self.buttons["amend"].setEnabled(issued and self.ctx.can_edit)
        self.buttons["revoke"].setEnabled(issued and self.ctx.can_edit)
        self.buttons["pdf"].setEnabled(decision is not None)
        self.buttons["docx"].setEnabled(decision is not None)
        self.buttons["xlsx"].setEnabled(decision is not None)
        self.new_button.setEnabled(self.ctx.can_edit)
        self.sudden_button.setEnabled(self.ctx.can_edit)
        self.themed_button.setEnabled(self.ctx.can_edit)
        if decision is None:
            self.state.setText("Chưa chọn quyết định")
            self.rec_model.groups = ()
            self.rec_model.reload()
            self.totals.setText("")
            self.comment_warning.hide()
            return
        text = STATE_NAMES.get(decision.state, decision.state)
        if decision.amends_id:
            old = Decision.get_by_id(decision.amends_id)
            text += f" — {decisions.KIND_NAMES[decision.kind].lower()} {decisions.label(old)}"
        self._showing = True
        self.state.setText(f"<b>{text}</b>")
        self.number.setText(str(decision.seq) if decision.seq else "")
        self.date.setDate(date_edit(decision.date).date())
        self.signer.setEditText(decision.signer_name)
        self.signer_title.setCurrentText(decision.signer_title or "CHỦ TỊCH")
        self.on_behalf.setChecked(decision.on_behalf)
        self.about.setText(decision.about)
        self.proposer.setText(decision.proposer)
        self.bases.setPlainText("\n".join(json.loads(decision.bases or "[]")))
        self.recipients_text.setPlainText("\n".join(json.loads(decision.recipients or "[]")))
        self._showing = False
        self.refresh_preview()

    def _date_changed(self, _qdate):
        """The money follows the base salary of the decision date: apply it at once."""
        if self._showing or self.decision is None or self.decision.state != "draft":
            return
        day = date_of(self.date)
        if day == self.decision.date:
            return
        decision, actor = self.decision, self.ctx.actor

        def refused(err):
            messages.show_error(self, err)
            if self.decision is not None and self.decision.id == decision.id:
                self._showing = True
                self.date.setDate(date_edit(decision.date).date())
                self._showing = False
        # every amount of a 20,000-row draft is priced again: in a worker (issue 14)
        run_action(self.ctx, self, "Đang tính lại tiền thưởng theo ngày quyết định…",
                   lambda progress: decisions.update_draft(actor=actor, decision=decision,
                                                           date=day),
                   on_done=lambda _: self._after(decision.id), on_error=refused)

    def refresh_preview(self):
        """The list and totals of the decision shown, read in the background."""
        if self.decision is None:
            return
        ident = self.decision.id
        self.totals.setText("Đang đọc danh sách…")

        def fetch():
            decision = Decision.get_by_id(ident)
            s = decisions.summary(decision)
            lines = public_list.decision_warnings(decision) \
                if decision.state == "draft" else []
            return decision, s, self.rec_model.fetch_groups(s["groups"]), lines
        self.preview_loader.start(fetch, self._previewed)

    def _previewed(self, result):
        decision, s, fetched, lines = result
        if self.decision is None or self.decision.id != decision.id:
            return
        decision.version = self.decision.version   # the version the header was shown at
        self.decision = decision
        self.rec_model.groups = s["groups"]
        self.rec_model.show_rows(fetched)
        c = s["counts"]
        self.totals.setText(
            f"<b>{c['person']}</b> cá nhân, <b>{c['unit']}</b> tập thể, <b>{c['household']}</b> "
            f"hộ gia đình — Tổng tiền thưởng: <b>{s['total_text']}</b> "
            f"(<i>{s['total_words']}</i>)")
        self.comment_warning.setText(
            "Cảnh báo — ý kiến phản ánh khi công khai danh sách chưa giải quyết:\n• "
            + "\n• ".join(lines) if lines else "")
        self.comment_warning.setVisible(bool(lines))

    # ---------------------------------------------------------------- actions
    def _run(self, fn, **kwargs):
        try:
            return fn(actor=self.ctx.actor, **kwargs)
        except UserError as err:
            messages.show_error(self, err)
            return None

    def _after(self, select_id=None):
        self.ctx.changed("decisions")
        self.reload(select_id)

    def header_values(self):
        return dict(number=self.number.text().strip() or None, date=date_of(self.date),
                    signer_name=self.signer.currentText(),
                    signer_title=self.signer_title.currentText(),
                    on_behalf=self.on_behalf.isChecked(), about=self.about.text(),
                    proposer=self.proposer.text(),
                    bases=self.bases.toPlainText().splitlines(),
                    recipients=self.recipients_text.toPlainText().splitlines())

    def save(self):
        if self.decision is None:
            return False
        done = self._run(decisions.update_draft, decision=self.decision, **self.header_values())
        if done is not None:
            self._dirty = False
            self._after(self.decision.id)
        return done is not None

    def new_decision(self):
        meetings = council.meetings()
        values = NewDecisionDialog.ask(self, meetings)
        if values is None:
            return
        meeting = Meeting.get_or_none(Meeting.id == values["meeting_id"]) \
            if values["meeting_id"] else None
        actor = self.ctx.actor
        run_action(self.ctx, self, "Đang lập dự thảo quyết định…",
                   lambda progress: decisions.create_draft(
                       actor=actor, date=values["date"], number=values["number"],
                       meeting=meeting, movement=meeting.movement if meeting else None),
                   on_done=lambda created: self._after(created.id))

    def new_sudden(self):
        from models import special_awards
        from .record_dialogs import SuddenAwardDialog
        made = SuddenAwardDialog.ask(self, lambda v: special_awards.create_sudden_award(
            actor=self.ctx.actor, **v))
        if made is not None:
            self._after(made.id)

    def new_themed(self):
        from models import special_awards
        from .record_dialogs import ThemedAwardDialog
        made = ThemedAwardDialog.ask(self, lambda v: special_awards.create_themed_award(
            actor=self.ctx.actor, **v))
        if made is not None:
            self._after(made.id)

    def add_from_vote(self):
        if self.decision is None:
            return
        meeting = self.decision.meeting
        if meeting is None:
            meetings = council.meetings(year=self.decision.period_year)
            meeting = meetings[0] if meetings else None
        if meeting is None:
            messages.info(self, "Chưa có cuộc họp bình xét nào của năm này. Hãy nhập kết quả "
                                "bỏ phiếu ở thẻ 'Đề nghị & bình xét' trước.")
            return
        decision, actor = self.decision, self.ctx.actor

        def done(count):
            messages.info(self, f"Đã thêm {count} đối tượng bình xét đạt (họp ngày "
                                f"{vntext.format_date(meeting.date)}).")
            self._after(decision.id)
        run_action(self.ctx, self, "Đang thêm những người bình xét đạt…",
                   lambda progress: decisions.add_candidates(
                       actor=actor, decision=decision, meeting=meeting, progress=progress),
                   on_done=done, cancellable=True)

    def add_recipient(self):
        if self.decision is None:
            return
        picked = SubjectPicker.ask(self, title="Thêm người, tập thể, hộ được khen")
        if picked and self._run(decisions.add_recipient, decision=self.decision,
                                subject=picked["subject"], title=picked["title"]):
            self._after(self.decision.id)

    def _selected_awards(self):
        rows = selected_rows(self.rec_view)
        return [self.rec_model.row_at(r)[0] for r in sorted(rows)]

    def remove_recipient(self):
        from models.entities import Award
        ids = self._selected_awards()
        if not ids or not messages.confirm(self, f"Bỏ {len(ids)} đối tượng khỏi quyết định?"):
            return
        for award_id in ids:
            if self._run(decisions.remove_recipient, award=Award.get_by_id(award_id),
                         decision=self.decision) is None:
                break
        self._after(self.decision.id)

    def _rec_picked(self, current, _previous):
        from models.entities import Award
        if current.isValid():
            award = Award.get_or_none(Award.id == current.data(ID_ROLE))
            self.achievement.setText(award.achievement if award else "")

    def save_achievement(self):
        from models.entities import Award
        ids = self._selected_awards()
        for award_id in ids:
            if self._run(decisions.update_recipient, award=Award.get_by_id(award_id),
                         decision=self.decision, achievement=self.achievement.text()) is None:
                return
        if ids:
            self.refresh_preview()

    def delete_draft(self):
        if self.decision and messages.confirm(self, "Xóa dự thảo quyết định này?", danger=True):
            try:
                decisions.delete_draft(actor=self.ctx.actor, decision=self.decision)
            except UserError as err:
                messages.show_error(self, err)
                return
            self.decision = None
            self._after()

    def issue(self):
        """Save the header and count the list (in the background), ask, then issue (in the
        background too: numbering 20,000 awards takes seconds)."""
        if self.decision is None:
            return
        decision, actor, values = self.decision, self.ctx.actor, self.header_values()

        def save_and_count(progress):
            saved = decisions.update_draft(actor=actor, decision=decision, **values)
            return (saved, decisions.summary(saved), public_list.decision_warnings(saved),
                    fund.issue_check(saved))

        def ask(result):
            saved, s, lines, check = result
            self.decision, self._dirty = saved, False
            if lines and not messages.confirm(
                    self, f"{len(lines)} người/tập thể/hộ trong quyết định còn ý kiến phản ánh "
                    "chưa giải quyết khi công khai danh sách:\n• " + "\n• ".join(lines[:10])
                    + ("\n…" if len(lines) > 10 else "") + "\n\nNên giải quyết ý kiến (thẻ "
                    "«Công khai danh sách») trước. Vẫn ban hành?", yes="Vẫn ban hành"):
                self._after(saved.id)
                return
            if not messages.confirm(
                    self, f"Ban hành quyết định với {sum(s['counts'].values())} đối "
                    f"tượng, tổng tiền {s['total_text']}? Sau khi ban hành, quyết "
                    "định không sửa được nữa (chỉ điều chỉnh hoặc thu hồi bằng "
                    "quyết định khác).\n\n" + fund.issue_text(check), yes="Ban hành",
                    danger=check["exceeds"]):
                self._after(saved.id)
                return
            reason = None
            if check["exceeds"]:     # issue 18: beyond the fund's balance, with a reason
                reason = messages.ask_text(
                    self, "Tổng tiền thưởng lớn hơn số dư quỹ thi đua, khen thưởng. Lý do vẫn "
                    "ban hành (ghi vào sổ quỹ và nhật ký):", title="Chi vượt số dư quỹ")
                if not reason:
                    self._after(saved.id)
                    return
            run_action(self.ctx, self, "Đang ban hành quyết định…",
                       lambda progress: decisions.issue_decision(actor=actor, decision=saved,
                                                                 fund_reason=reason),
                       on_done=issued, on_error=failed)

        def issued(result):
            messages.info(self, f"Đã ban hành Quyết định số {result.number}; các giấy khen đã "
                                "được vào sổ.")
            self._after(result.id)

        def failed(err):
            messages.show_error(self, err)
            self._after(decision.id)
        run_action(self.ctx, self, "Đang lưu và kiểm tra quyết định…", save_and_count,
                   on_done=ask)

    def _follow_up(self, fn, heading):
        values = NewDecisionDialog.ask(self, heading=heading, need_reason=True)
        if values is None:
            return
        created = self._run(fn, decision=self.decision, date=values["date"],
                            reason=values["reason"])
        if created is not None:
            self._after(created.id)

    def amend(self):
        self._follow_up(decisions.amend_decision, "Quyết định điều chỉnh")

    def revoke(self):
        self._follow_up(decisions.revoke_decision, "Quyết định thu hồi")

    def export_docx(self):
        self.export_pdf(word=True)

    def export_pdf(self, *, word=False):
        """The decision with its list as PDF or (``word``) as .docx to finish in Word."""
        from reports import decision_pdf
        if self.decision is None:
            return
        name = (self.decision.number or "du-thao").replace("/", "-")
        path = files.document_name(self, "Lưu quyết định", f"QD-{name}", word=word)
        if path:
            try:
                decision_pdf.write_decision(decision_id=self.decision.id, path=path)
            except UserError as err:
                messages.show_error(self, err)
                return
            messages.saved(self, path)

    def export_xlsx(self):
        from reports import award_docs
        if self.decision is None:
            return
        name = (self.decision.number or "du-thao").replace("/", "-")
        path, _ = files.save_name(self, "Lưu danh sách", f"DS-{name}.xlsx",
                                              "Excel (*.xlsx)")
        if path:
            try:
                award_docs.export_decision_list_xlsx(path, decision_id=self.decision.id)
            except UserError as err:
                messages.show_error(self, err)
                return
            messages.saved(self, path)
