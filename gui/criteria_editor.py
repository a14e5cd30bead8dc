"""Tree editor for a criteria table: groups and criteria with code, text, maximum and method;
bands; totals. ``CriteriaEditor.ask(...)`` returns the data for ``scoring`` or None."""
import datetime
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QTableWidget, QTableWidgetItem,
                               QTreeWidgetItem, QVBoxLayout)

from models import catalogue, movements, scoring
from models.errors import ValidationError
from models.scoring_calc import GROUP, METHODS, SCORED, PointsError, fmt_points, to_decimal
from reports.criteria_paste import parse_pasted_criteria

from .criteria_tree import CriteriaTree
from .widgets import ErrorLabel

COLS = ["Mã", "Nội dung tiêu chí", "Điểm tối đa", "Cách chấm", "Chiều", "Mỗi lần",
        "Chỉ tiêu (tính theo)"]
METHOD_KEYS = [k for k in METHODS if k != GROUP]    # a group row shows "Nhóm", no choices
DIRECTION_KEYS = list(scoring.DIRECTIONS)


class CriteriaEditor(QDialog):
    def __init__(self, parent=None, *, criteria_set=None, year=None, read_only=False):
        super().__init__(parent)
        self.read_only = read_only
        self.setWindowTitle("Bảng tiêu chí chấm điểm")
        self.resize(980, 640)
        self.name = QLineEdit(criteria_set.name if criteria_set else "")
        movement = criteria_set.movement if criteria_set and criteria_set.movement_id else \
            scoring.movement_of_year(year or datetime.date.today().year)
        self.targets = [] if movement is None else list(movements.targets_of(movement))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(criteria_set.year if criteria_set else (year or datetime.date.today().year))
        self.kind = QComboBox()
        self.kind.addItem("(mọi loại)", None)
        for k in catalogue.unit_kinds():
            if not k.is_bloc:
                self.kind.addItem(k.name, k.code)
        if criteria_set is not None and criteria_set.unit_kind_id:
            self.kind.setCurrentIndex(self.kind.findData(criteria_set.unit_kind.code))
        self.total = QLineEdit(fmt_points(criteria_set.total_max) if criteria_set else "100")
        self.bonus = QLineEdit(fmt_points(criteria_set.bonus_max) if criteria_set else "10")
        self.tie = QLineEdit(scoring.tie_break_short(scoring.tie_break_of(criteria_set))
                             if criteria_set else "")
        self.tie.setPlaceholderText("ví dụ: nhóm I, nhóm II, điểm trừ")
        self.tie.setToolTip("Khi bằng tổng điểm, xếp trên đơn vị có điểm cao hơn ở các nhóm "
                            "này (theo thứ tự); 'điểm trừ' = ít điểm trừ hơn")
        for w in (self.name, self.total, self.bonus, self.tie):
            w.setReadOnly(read_only)
        self.year.setEnabled(not read_only)
        self.kind.setEnabled(not read_only)
        form = QFormLayout()
        form.addRow("Tên bảng", self.name)
        row = QHBoxLayout()
        for label, w in (("Năm", self.year), ("Áp dụng cho", self.kind),
                         ("Tổng điểm", self.total), ("Thưởng tối đa", self.bonus)):
            row.addWidget(QLabel(label))
            row.addWidget(w)
        form.addRow(row)
        form.addRow("Khi bằng điểm, xét", self.tie)

        self.tree = CriteriaTree()
        self.tree.pasted.connect(self.paste_rows)
        self.tree.setColumnCount(len(COLS))
        self.tree.setHeaderLabels(COLS)
        self.tree.header().setSectionResizeMode(1, QHeaderView.Stretch)
        for i, w in enumerate((80, 0, 80, 110, 155, 60, 170)):
            if w:
                self.tree.setColumnWidth(i, w)
        self.tree.setEditTriggers(QAbstractItemView.NoEditTriggers if read_only else
                                  QAbstractItemView.DoubleClicked
                                  | QAbstractItemView.EditKeyPressed
                                  | QAbstractItemView.AnyKeyPressed)
        self.tree.itemChanged.connect(lambda *_: self._update_sums())
        tools = QHBoxLayout()
        self.tool_buttons = []
        for label, slot in (("Thêm nhóm", self.add_group), ("Thêm tiêu chí", self.add_child),
                            ("Xóa", self.remove), ("Lên", lambda: self.move(-1)),
                            ("Xuống", lambda: self.move(1))):
            b = QPushButton(label)
            b.clicked.connect(slot)
            b.setEnabled(not read_only)
            tools.addWidget(b)
            self.tool_buttons.append(b)
        tools.addStretch(1)
        self.sums = QLabel()
        tools.addWidget(self.sums)
        self.warnings = QLabel()          # every warning listed, not only in a tooltip
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a4b00;")
        self.warnings.hide()
        self.hint = QLabel("Gõ để sửa ô; Enter xuống dòng, Tab sang ô sau; Ctrl+V dán khối "
                           "dòng chép từ Excel (Mã | Nội dung | Điểm tối đa). Điểm của nhóm "
                           "tự cộng từ các tiêu chí con.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")

        self.bands = QTableWidget(0, 3)
        self.bands.setHorizontalHeaderLabels(["Xếp loại", "Từ điểm", "Mỗi tiêu chí ≥ (%)"])
        self.bands.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.bands.setColumnWidth(1, 90)
        self.bands.setColumnWidth(2, 150)
        self.bands.setMaximumHeight(170)
        if read_only:
            self.bands.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.error = ErrorLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Lưu")
        buttons.button(QDialogButtonBox.Cancel).setText("Đóng" if read_only else "Hủy")
        buttons.button(QDialogButtonBox.Ok).setVisible(not read_only)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if read_only:
            note = QLabel("Bảng này đã được dùng để chấm điểm nên không sửa được cấu trúc. "
                          "Hãy dùng 'Sao chép bảng' rồi sửa bản sao.")
            note.setStyleSheet("color: #8a4b00;")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.tree, 1)
        layout.addLayout(tools)
        layout.addWidget(self.warnings)
        layout.addWidget(QLabel("Xếp loại (từ cao xuống thấp):"))
        layout.addWidget(self.bands)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.result_data = None
        nodes = scoring.criteria_tree(criteria_set) if criteria_set else []
        self._fill(nodes)
        bands = scoring.bands_of(criteria_set) if criteria_set else scoring.DEFAULT_BANDS
        for b in bands:
            self._add_band(b["name"], b["min_total"], b["floor_pct"])
        self._update_sums()

    # ------------------------------------------------------------------ tree
    def _item(self, node, parent=None):
        item = QTreeWidgetItem([node["code"], node["text"], fmt_points(node["max_points"]),
                                "", "", "", ""])
        if not self.read_only:
            item.setFlags(item.flags() | Qt.ItemIsEditable)
        (parent.addChild(item) if parent else self.tree.addTopLevelItem(item))
        self._combos(item, node)
        for ch in node.get("children", []):
            self._item(ch, item)
        item.setExpanded(True)
        return item

    def _combos(self, item, node):
        if (node.get("method") or "manual") == GROUP:
            # a group is scored through its criteria: no method, direction or target
            item.setData(3, Qt.UserRole, GROUP)
            item.setText(3, METHODS[GROUP])
            for col in (3, 4, 5, 6):
                self.tree.removeItemWidget(item, col)
            return
        item.setData(3, Qt.UserRole, None)
        item.setText(3, "")
        method = QComboBox()
        for k in METHOD_KEYS:
            method.addItem(METHODS[k], k)
        method.setCurrentIndex(METHOD_KEYS.index(node.get("method") or "manual"))
        direction = QComboBox()
        for k in DIRECTION_KEYS:
            direction.addItem(scoring.DIRECTIONS[k], k)
        direction.setCurrentIndex(DIRECTION_KEYS.index(node.get("direction") or "higher"))
        repeat = QComboBox()
        repeat.addItems(["", "Có"])
        repeat.setCurrentIndex(1 if node.get("repeatable") else 0)
        target = QComboBox()
        target.addItem("", None)
        for t in self.targets:
            target.addItem(f"{t.code}. {t.name}" if t.code else t.name, t.id)
        found = target.findData(node.get("target"))
        if found < 0 and node.get("target") is not None:     # a target of another movement
            target.addItem(f"(chỉ tiêu số {node['target']})", node["target"])
            found = target.count() - 1
        target.setCurrentIndex(max(0, found))
        target.setToolTip("Tiêu chí 'Theo chỉ tiêu' tính điểm theo mức hoàn thành chỉ tiêu này")
        for col, w in ((3, method), (4, direction), (5, repeat), (6, target)):
            w.setEnabled(not self.read_only)
            w.currentIndexChanged.connect(lambda *_: self._update_sums())
            self.tree.setItemWidget(item, col, w)

    def _fill(self, nodes):
        for n in nodes:
            self._item(n)

    def _new_node(self, method):
        return {"code": "", "text": "", "max_points": Decimal(0), "method": method,
                "direction": "higher", "repeatable": False, "children": []}

    def add_group(self):
        item = self._item(self._new_node(GROUP))
        self.tree.setCurrentItem(item)
        self.tree.editItem(item, 0)

    def add_child(self):
        parent = self.tree.currentItem()
        if parent is not None and self._method(parent) != GROUP:
            parent = parent.parent()
        item = self._item(self._new_node("manual"), parent)
        self.tree.setCurrentItem(item)
        self.tree.editItem(item, 0)

    def remove(self):
        item = self.tree.currentItem()
        if item is None:
            return
        (item.parent() or self.tree.invisibleRootItem()).removeChild(item)
        self._update_sums()

    def move(self, step):
        item = self.tree.currentItem()
        if item is None:
            return
        node = self._node(item)
        parent = item.parent() or self.tree.invisibleRootItem()
        i = parent.indexOfChild(item)
        j = i + step
        if not 0 <= j < parent.childCount():
            return
        parent.removeChild(item)
        new = self._item(node, None)
        self.tree.invisibleRootItem().removeChild(new)
        parent.insertChild(j, new)
        self._rebuild_widgets(new, node)   # item widgets are lost when an item moves
        self.tree.setCurrentItem(new)

    def _rebuild_widgets(self, item, node):
        self._combos(item, node)
        for k, ch in enumerate(node["children"]):
            self._rebuild_widgets(item.child(k), ch)
        item.setExpanded(True)

    def _method(self, item):
        w = self.tree.itemWidget(item, 3)
        return w.currentData() if w else (item.data(3, Qt.UserRole) or "manual")

    def _node(self, item):
        def combo(col):
            w = self.tree.itemWidget(item, col)
            return w.currentData() if w else None
        return {"code": item.text(0).strip(), "text": item.text(1).strip(),
                "max_points": item.text(2).strip(), "method": self._method(item),
                "direction": combo(4) or "higher",
                "repeatable": bool(self.tree.itemWidget(item, 5)
                                   and self.tree.itemWidget(item, 5).currentIndex() == 1),
                "target": combo(6),
                "children": [self._node(item.child(k)) for k in range(item.childCount())]}

    def nodes(self):
        root = self.tree.invisibleRootItem()
        return [self._node(root.child(k)) for k in range(root.childCount())]

    def _group_sums(self, item):
        """Each group's maximum is the sum of its criteria (shown, not typed); returns the
        item's maximum as Decimal, or None when a child's maximum cannot be read yet."""
        if self._method(item) != GROUP or not item.childCount():
            if item.data(2, Qt.UserRole) == "sum":
                item.setData(2, Qt.UserRole, None)
                item.setToolTip(2, "")
            try:
                return to_decimal(item.text(2) or "0")
            except PointsError:
                return None
        total, readable = Decimal(0), True
        for k in range(item.childCount()):
            child = item.child(k)
            value = self._group_sums(child)
            if value is None:
                readable = False
            elif self._method(child) in SCORED + (GROUP,):
                total += value
        item.setData(2, Qt.UserRole, "sum")
        item.setToolTip(2, "Tự cộng từ điểm tối đa các tiêu chí con (không tính điểm "
                           "thưởng, điểm trừ)")
        if readable:
            item.setText(2, fmt_points(total))
        return total if readable else None

    def _update_sums(self):
        blocked = self.tree.blockSignals(True)
        try:
            root = self.tree.invisibleRootItem()
            for k in range(root.childCount()):
                self._group_sums(root.child(k))
        finally:
            self.tree.blockSignals(blocked)
        try:
            nodes, _w = scoring.clean_tree(self.nodes())
            total = to_decimal(self.total.text() or "0")
            bonus = to_decimal(self.bonus.text() or "0")
            warnings = scoring.tree_warnings(nodes, total, bonus)
        except Exception as err:  # noqa: BLE001 - incomplete rows while typing
            self.sums.setText("Bảng chưa đủ")
            self.sums.setToolTip(str(err))
            self.sums.setStyleSheet("color: #8a4b00;")
            self.warnings.setText("• " + str(err))
            self.warnings.show()
            return
        self.sums.setText("Khớp tổng điểm" if not warnings else f"{len(warnings)} cảnh báo")
        self.sums.setToolTip("\n".join(warnings))
        self.sums.setStyleSheet("color: #2e7d32;" if not warnings else "color: #8a4b00;")
        self.warnings.setText("\n".join(f"• {w}" for w in warnings))
        self.warnings.setVisible(bool(warnings))

    # ------------------------------------------------------------------ paste
    def paste_rows(self, text):
        """Rows copied from Excel: groups go after the current group; plain criteria go
        into the current group (or at the end when there is none)."""
        if self.read_only:
            return 0
        try:
            nodes = parse_pasted_criteria(text)
        except ValidationError as err:
            self.error.show_message("\n".join([str(err)] + err.details[1:6]))
            return 0
        current = self.tree.currentItem()
        group = current if current is not None and self._method(current) == GROUP else \
            (current.parent() if current is not None else None)
        groups = {}
        root = self.tree.invisibleRootItem()
        for k in range(root.childCount()):
            if self._method(root.child(k)) == GROUP:
                groups[root.child(k).text(0).strip()] = root.child(k)
        last = None
        for node in nodes:
            parent_code = node["code"].rsplit(".", 1)[0] if "." in node["code"] else None
            if node["method"] == GROUP:
                last = self._item(node)
            elif parent_code is not None:           # "I.3" goes under group I if it is here
                last = self._item(node, groups.get(parent_code))
            else:                                    # no code: into the chosen group
                last = self._item(node, group)
        if last is not None:
            self.tree.go_to(last, 0)
        self.error.show_message("")
        self._update_sums()

        def count(ns):
            return sum(1 + count(n["children"]) for n in ns)
        return count(nodes)

    # ------------------------------------------------------------------ bands
    def _add_band(self, name, min_total, floor):
        r = self.bands.rowCount()
        self.bands.insertRow(r)
        for c, v in enumerate((name, fmt_points(min_total), fmt_points(floor))):
            self.bands.setItem(r, c, QTableWidgetItem(v))

    def band_rows(self):
        out = []
        for r in range(self.bands.rowCount()):
            cells = [self.bands.item(r, c).text().strip() if self.bands.item(r, c) else ""
                     for c in range(3)]
            if any(cells):
                out.append({"name": cells[0], "min_total": cells[1], "floor_pct": cells[2]})
        return out

    # ------------------------------------------------------------------ result
    def data(self):
        try:
            total = to_decimal(self.total.text())
            bonus = to_decimal(self.bonus.text() or "0")
        except PointsError as err:
            raise ValidationError(f"Tổng điểm: {err}")
        bands = []
        for b in self.band_rows():
            try:
                bands.append({"name": b["name"], "min_total": to_decimal(b["min_total"]),
                              "floor_pct": to_decimal(b["floor_pct"]) if b["floor_pct"]
                              else None})
            except PointsError as err:
                raise ValidationError(f"Xếp loại {b['name']}: {err}")
        nodes = self.nodes()
        tie = scoring.parse_tie_break(self.tie.text(), [n["code"] for n in nodes
                                                         if n["method"] == GROUP])
        return {"name": self.name.text(), "year": self.year.value(), "tie_break": tie,
                "unit_kind": self.kind.currentData(), "total_max": total, "bonus_max": bonus,
                "criteria": nodes, "bands": bands}

    def _accept(self):
        try:
            data = self.data()
            scoring.clean_tree(data["criteria"])
            scoring.clean_bands(data["bands"])
        except ValidationError as err:
            self.error.show_message("\n".join([str(err)] + err.details[1:6]))
            return
        self.result_data = data
        self.accept()

    @classmethod
    def ask(cls, parent, *, criteria_set=None, year=None, read_only=False, save=None):
        """The table typed, or with ``save`` what save(data) returned; a refused save (e.g.
        another PC changed the table meanwhile) keeps the editor open with all typed."""
        dialog = cls(parent, criteria_set=criteria_set, year=year, read_only=read_only)
        if save is not None:
            from .widgets import save_on_accept
            dialog.values = lambda: dialog.result_data
            save_on_accept(dialog, save, dialog.error)
        if dialog.exec() != QDialog.Accepted:
            return None
        return dialog.saved if save is not None else dialog.result_data
