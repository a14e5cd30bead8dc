"""Tab "Đề nghị & bình xét": the candidate list with warnings, meetings and their votes."""
import datetime
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from models import candidates, council, vntext
from models.errors import UserError

from .. import files, messages
from ..background import Loader, run_action
from ..decision_dialogs import MeetingDialog, SubjectPicker, VoteDialog
from ..table_model import (DISPLAY_ROLE, FOREGROUND_ROLE, TOOLTIP_ROLE, Col, FilterTableModel,
                           name_sort)
from ..widgets import FlowLayout, ReloadWhenShown, SearchBox, make_table_view, selected_rows

WARN = QBrush(QColor("#9a5b00"))
FAILED = QBrush(QColor("#b00020"))


def _pct(value):
    return "" if value is None else vntext.format_decimal(value, 2)


def _result(value):
    return "" if value is None else ("Đạt" if value else "Không đạt")


class CandidateModel(FilterTableModel):
    """(id, kind, name, place, title, warnings, years, for, percent, passed, active, reason,
    version)"""
    COLUMNS = [Col("Đối tượng", 1, 80), Col("Tên", 2, 190, sort=name_sort),
               Col("Đơn vị, địa chỉ", 3, 160), Col("Đề nghị", 4, 180),
               Col("Cảnh báo", 5, 330), Col("Năm liên tục có danh hiệu", 6, 180),
               Col("Đồng ý", 7, 60, "center"), Col("Tỷ lệ %", 8, 65, "center", fmt=_pct),
               Col("Kết quả", 9, 75, "center", fmt=_result), Col("Lý do thêm/bỏ", 11, 160)]
    ACTIVE_INDEX = 10
    movement = None
    year = None

    def load(self, ids=None):
        return self._read(ids)[0]

    def _read(self, ids=None, like=None):
        """Row tuples and the folded names (stored with each person, household and unit);
        rows equal to one of ``like`` (the rows shown) are those (``candidate_tuples``)."""
        if self.movement is None:
            return [], []
        return candidates.candidate_tuples(movement=self.movement, year=self.year,
                                           ids=ids, table=True, like=like)

    def fetch(self):
        rows, names = self._read()
        return rows, self._keys_later(rows, names)

    @classmethod
    def _keys_later(cls, rows, names):
        """The search keys of a new list as a function (``FilterTableModel.keys``): made at
        the first search, sort or change, not on the way to the screen."""
        return lambda: cls._keys(rows, names)

    def fetch_some(self, ids):
        """Fresh copies of the rows ``ids`` only (any thread), for ``replace_rows``."""
        rows, names = self._read(ids)
        return rows, self._keys(rows, names)

    def fetch_changes(self, shown):
        """The list read again (any thread), as ``(shown, changes, counts)``: only the rows
        that differ from ``shown`` (the rows on screen when asked) with their positions, if
        the same candidates are listed — put in place, the table keeps its order, selection
        and scroll position — else ``(None, (rows, keys), counts)``: the whole new list."""
        rows, names = self._read(like=shown)
        changes = None
        if shown and len(rows) == len(shown):
            changes = self.changes_from(shown, rows, names, strict=True)
        if changes is None:
            return None, (rows, self._keys_later(rows, names)), self.counts(rows)
        # only the changed rows' keys are folded (their names came in the keys' place)
        keys = self._keys([row for _, row, _ in changes], [name for _, _, name in changes])
        return shown, [(i, row, key) for (i, row, _), key in zip(changes, keys)], \
            self.counts(rows)

    def fetch_votes(self, shown, ids=None):
        """``(shown, changes, counts)`` after votes on ``ids`` (None: every row): the rows of
        ``shown`` whose vote columns changed, with the fresh votes (any thread) — one short
        query, whatever the number of votes."""
        votes = candidates.vote_results(movement=self.movement, year=self.year, ids=ids)
        # a vote moves the candidate's version: the row keeps the one now stored
        versions = candidates.candidate_versions(movement=self.movement, year=self.year)
        wanted = None if ids is None else set(ids)
        changes, no_vote, merged = [], (None, None, None), list(shown)
        for i, row in enumerate(merged):
            if wanted is None or row[0] in wanted:
                vote = votes.get(row[0], no_vote)
                version = versions.get(row[0], row[12])
                if row[7:10] != vote or row[12] != version:
                    merged[i] = row[:7] + vote + row[10:12] + (version,)
                    changes.append((i, merged[i], None))
        return shown, changes, self.counts(merged)

    def some_changes(self, shown, fetched):
        """``(shown, changes, counts)`` for fresh copies of some rows (``fetch_some``)."""
        rows, keys = fetched
        changes = self.changes_from(shown, rows, keys)
        merged = list(shown)
        for i, row, _ in changes:
            merged[i] = row
        return shown, changes, self.counts(merged)

    @staticmethod
    def counts(rows):
        """(listed, with warnings, passed) of the active rows — any thread: three passes over
        20,000 rows on the GUI thread were a visible part of each refresh."""
        active = warned = passed = 0
        for row in rows:
            if row[10]:
                active += 1
                if row[5]:
                    warned += 1
                if row[9]:
                    passed += 1
        return active, warned, passed

    def key(self, row):
        return f"{row[1]} {row[2]} {row[3]} {row[4]} {row[5]}"

    @staticmethod
    def _keys(rows, names=None):
        """Folded search keys; kinds, places, titles and warnings repeat over thousands of
        rows: each combination of them is folded once (20,000 rows: a third of the time);
        ``names``: the names already folded."""
        folded, tails = {}, {}

        def once(text):
            value = folded.get(text)
            if value is None:
                value = folded[text] = vntext.fold(text)
            return value
        if names is None:
            names = [vntext.fold(r[2]) for r in rows]
        keys = []
        for r, name in zip(rows, names):
            parts = tails.get((r[1], r[3], r[4], r[5]))
            if parts is None:
                parts = tails[(r[1], r[3], r[4], r[5])] = (
                    once(r[1]) + " ", f" {once(r[3])} {once(r[4])} {once(r[5])}")
            keys.append(parts[0] + name + parts[1])
        return keys

    def data(self, index, role=DISPLAY_ROLE):
        if role == FOREGROUND_ROLE and index.isValid():
            row = self.row_at(index.row())
            if row[10] and index.column() == 4 and row[5]:
                return WARN
            if row[10] and index.column() == 8 and row[9] is False:
                return FAILED
        if role == TOOLTIP_ROLE and index.isValid() and index.column() == 4:
            return self.row_at(index.row())[5].replace(" • ", "\n")
        return super().data(index, role)


class CandidatesTab(ReloadWhenShown, QWidget):
    """Build the candidate list, add/remove with a reason, the meeting and its votes."""
    reload_stale = "_movement_changed"   # the meetings too: another PC may have added one

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(datetime.date.today().year)
        self.movement = QComboBox()
        self.movement.setMinimumWidth(320)
        self.meeting = QComboBox()
        self.meeting.setMinimumWidth(220)
        self.model = CandidateModel(self)
        self.loader = Loader(self)
        self.own_change = False      # True while this tab announces its own save
        self.is_stale = False
        self.view = make_table_view(self.model, self)
        self.view.setWordWrap(False)
        self.search = SearchBox(parent=self)
        self.search.search.connect(self.model.set_filter)
        self.count = QLabel()
        top = QHBoxLayout()
        for w in (QLabel("Năm:"), self.year, QLabel("Phong trào:"), self.movement,
                  QLabel("Cuộc họp:"), self.meeting):
            top.addWidget(w)
        top.addStretch(1)
        self.buttons = {}
        bar = FlowLayout()
        for key, text, slot in (("build", "Lập danh sách từ hồ sơ", self.build),
                                ("proposals", "Nhập danh sách đề nghị…", self.import_list),
                                ("add", "Thêm…", self.add),
                                ("remove", "Đưa ra khỏi danh sách…", self.remove),
                                ("meeting", "Cuộc họp mới…", self.new_meeting),
                                ("edit_meeting", "Sửa cuộc họp…", self.edit_meeting),
                                ("vote", "Nhập phiếu…", self.vote),
                                ("minutes", "In biên bản…", self.minutes),
                                ("minutes_docx", "Biên bản Word…", self.minutes_docx),
                                ("upward", "Hồ sơ đề nghị cấp trên…", self.upward)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            self.buttons[key] = b
            bar.addWidget(b)
        bar.addStretch(1)
        line = QHBoxLayout()
        line.addWidget(self.search, 1)
        line.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addLayout(line)
        layout.addWidget(self.view, 1)
        self.year.valueChanged.connect(self._year_changed)
        self.movement.currentIndexChanged.connect(self._movement_changed)
        self.view.doubleClicked.connect(lambda _: self.vote())
        self._year_changed()

    # ---------------------------------------------------------------- loading
    def _year_changed(self):
        """Refill the movements of the year (keeping the chosen one), then meetings and rows."""
        current = self.movement.currentData()
        current_id = current.id if current is not None else None
        self.movement.blockSignals(True)
        self.movement.clear()
        for m in candidates.movements_for(self.year.value()):
            self.movement.addItem(m.name, m)
            if m.id == current_id:
                self.movement.setCurrentIndex(self.movement.count() - 1)
        self.movement.blockSignals(False)
        self._movement_changed()

    def _movement_changed(self):
        self._fill_meetings()
        self.reload()

    def _fill_meetings(self, select_id=None):
        """The meetings of the chosen movement and year (keeping the chosen one, or
        ``select_id``); the candidate rows do not depend on them."""
        current = self.meeting.currentData()
        current_id = select_id or (current.id if current is not None else None)
        self.meeting.clear()
        movement = self.movement.currentData()
        if movement is not None:
            for m in council.meetings(movement=movement, year=self.year.value()):
                self.meeting.addItem(f"Họp ngày {vntext.format_date(m.date)} "
                                     f"({m.members_present}/{m.members_total})", m)
                if m.id == current_id:
                    self.meeting.setCurrentIndex(self.meeting.count() - 1)
        self._buttons()

    def reload(self):
        """Read the list in the background; the table shows it when ready (the same list read
        again: only its changed rows are put in place)."""
        self.model.movement = self.movement.currentData()
        self.model.year = self.year.value()
        self._buttons()
        self.count.setText("Đang đọc danh sách…")
        shown = self.model.rows
        self.loader.start(lambda: self.model.fetch_changes(shown), self._show)

    def refresh(self, ids=None):
        """After an action on the rows ``ids``: read those rows again (a few), else all."""
        if not ids or len(ids) > candidates.FEW_IDS or not self.model.rows \
                or self.loader.loading:     # a pending read of every row must not be lost
            self.reload()
            return
        shown = self.model.rows
        self.loader.start(lambda: self.model.some_changes(shown, self.model.fetch_some(ids)),
                          self._show)

    def refresh_votes(self, ids=None):
        """After votes on the rows ``ids`` (None: every row of the meeting's list): read only
        the vote columns and put them in place — no reset: selection, scroll position and
        sort order stay, and 14,000 votes cost one short query."""
        if not self.model.rows or self.loader.loading:
            self.reload()
            return
        shown = self.model.rows
        self.loader.start(lambda: self.model.fetch_votes(shown, ids), self._show)

    def _show(self, fetched):
        """Show what a read made in the worker: a new list, or changes to the rows shown
        (positions in that list: if it was reordered meanwhile, read all again)."""
        shown, payload, counts = fetched
        if shown is None:
            self.model.show_rows(payload)
        elif shown is self.model.rows:
            self.model.put_rows(payload)
        else:
            self.reload()
            return
        active, warned, passed = counts
        self.count.setText(f"{active} đề nghị, {warned} có cảnh báo, {passed} đạt")

    def _buttons(self):
        can = self.ctx.can_edit and self.model.movement is not None
        for key in ("build", "add", "remove", "meeting"):
            self.buttons[key].setEnabled(can)
        self.buttons["proposals"].setEnabled(self.ctx.can_edit)
        has_meeting = self.meeting.currentData() is not None
        self.buttons["edit_meeting"].setEnabled(can and has_meeting)
        self.buttons["vote"].setEnabled(can and has_meeting)
        self.buttons["minutes"].setEnabled(has_meeting)
        self.buttons["minutes_docx"].setEnabled(has_meeting)

    def _selected(self):
        rows, visible = self.model.rows, self.model.visible
        return [rows[visible[r]] for r in selected_rows(self.view)]   # Ctrl+A: 14,000 rows

    def _changed(self, ids=None):
        """Tell the other pages, then read again only the rows the action changed."""
        self._announce()
        self.refresh(ids)

    def _voted(self, ids):
        """Votes changed only the vote columns of ``ids``: a few rows are read again whole,
        many only their votes."""
        self._announce()
        if len(ids) <= candidates.FEW_IDS:
            self.refresh(ids)
        else:
            self.refresh_votes(ids)

    def _announce(self):
        """``ctx.changed`` for the other pages; this tab reads what it needs itself."""
        self.own_change = True
        try:
            self.ctx.changed("decisions")
        finally:
            self.own_change = False

    # ---------------------------------------------------------------- actions
    def build(self):
        movement, year, actor = self.movement.currentData(), self.year.value(), self.ctx.actor

        def done(result):
            self._changed()
            messages.info(self, f"Đã thêm {result['added']} đề nghị từ hồ sơ đăng ký và kết quả "
                                f"chấm điểm; danh sách có {result['total']} đề nghị.")
        run_action(self.ctx, self, "Đang lập danh sách đề nghị…",
                   lambda progress: candidates.build_candidates(
                       actor=actor, movement=movement, year=year),
                   on_done=done)

    def import_list(self):
        from ..proposals_dialog import ProposalsDialog
        if ProposalsDialog.run(self, self.ctx, movement=self.movement.currentData(),
                               year=self.year.value()):
            self.reload()

    def add(self):
        """Add one subject by hand; the whole list's warnings are recomputed (caps): a
        worker, not the window (1–2 s on a list of 20,000)."""
        picked = SubjectPicker.ask(self, title="Thêm vào danh sách đề nghị", need_reason=True)
        if not picked:
            return
        movement, year, actor = self.movement.currentData(), self.year.value(), self.ctx.actor
        run_action(self.ctx, self, "Đang thêm vào danh sách đề nghị…",
                   lambda progress: candidates.add_candidate(
                       actor=actor, movement=movement, year=year, subject=picked["subject"],
                       title=picked["title"], reason=picked["reason"]),
                   on_done=lambda _: self._changed())

    def remove(self):
        rows = [r for r in self._selected() if r[10]]
        if not rows:
            return
        reason = messages.ask_text(self, f"Lý do đưa {len(rows)} đối tượng ra khỏi danh sách:")
        if not reason:
            return
        ids, actor = [r[0] for r in rows], self.ctx.actor
        versions = {r[0]: r[12] for r in rows}      # each only over the version listed

        def refused(err):
            messages.show_error(self, err)
            self.refresh(ids)                       # show what the other PC saved
        run_action(self.ctx, self, f"Đang đưa {len(ids)} đối tượng ra khỏi danh sách…",
                   lambda progress: candidates.remove_candidates(
                       actor=actor, ids=ids, reason=reason, progress=progress,
                       versions=versions),
                   on_done=lambda _: self._changed(),   # warnings of others may change (caps)
                   on_error=refused, cancellable=True)

    def new_meeting(self):
        movement, year = self.movement.currentData(), self.year.value()
        meeting = MeetingDialog.ask(self, save=lambda values: council.create_meeting(
            actor=self.ctx.actor, movement=movement, year=year, **values))
        if meeting is not None:
            self._fill_meetings(meeting.id)      # a new meeting has no votes: rows stay
            self._announce()

    def edit_meeting(self):
        meeting = self.meeting.currentData()
        if MeetingDialog.ask(self, meeting, save=lambda values: council.update_meeting(
                actor=self.ctx.actor, meeting=meeting, **values)) is not None:
            self._fill_meetings()
            self._announce()
            self.refresh_votes()             # outcomes follow the new counts or threshold

    def vote(self):
        meeting = self.meeting.currentData()
        rows = [r for r in self._selected() if r[10]]
        if meeting is None:
            messages.info(self, "Hãy tạo cuộc họp bình xét (nút «Cuộc họp mới…») trước khi "
                          "nhập phiếu.")
            return
        if not rows:
            messages.info(self, "Hãy chọn trong danh sách những ứng viên cần nhập kết quả bỏ "
                          "phiếu (bấm một dòng; giữ Ctrl hoặc Shift để chọn nhiều dòng, Ctrl+A "
                          "để chọn tất cả), rồi bấm «Nhập phiếu…».")
            return
        current = (rows[0][7], None) if len(rows) == 1 and rows[0][7] is not None else None
        counts = VoteDialog.ask(self, meeting, [r[2] for r in rows], current)
        if counts is None:
            return
        ids = [r[0] for r in rows]
        versions = {r[0]: r[12] for r in rows}      # another PC's votes are not overwritten
        actor = self.ctx.actor

        def refused(err):
            messages.show_error(self, err)
            self.refresh(ids)                       # show what the other PC saved
        run_action(self.ctx, self, f"Đang ghi kết quả bỏ phiếu của {len(ids)} đối tượng…",
                   lambda progress: council.record_votes(
                       actor=actor, meeting=meeting, progress=progress, versions=versions,
                       votes=[(ident, counts[0], counts[1]) for ident in ids]),
                   on_done=lambda _: self._voted(ids), on_error=refused, cancellable=True)

    def minutes_docx(self):
        self.minutes(word=True)

    def minutes(self, *, word=False):
        from reports import minutes_pdf
        meeting = self.meeting.currentData()
        if meeting is None:
            return
        path = files.document_name(self, "Lưu biên bản", f"BienBan-{meeting.date:%Y-%m-%d}",
                                   word=word)
        if path:
            try:
                minutes_pdf.write_minutes(meeting_id=meeting.id, path=path)
            except UserError as err:
                messages.show_error(self, err)
                return
            messages.saved(self, path)


    def upward(self):
        """The file proposed upward (tờ trình, báo cáo thành tích, biên bản, danh sách)."""
        from ..upward_dialog import UpwardDialog
        UpwardDialog.open(self.ctx, self, year=self.year.value(),
                          movement=self.movement.currentData())
        self.reload()
