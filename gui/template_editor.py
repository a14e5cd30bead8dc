"""Certificate template editor: a numeric table of fields and a true-scale drag-and-drop view."""
import copy
import ctypes
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRectF, Qt, Signal
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen,
                           QPixmap)
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QGraphicsItem, QGraphicsPixmapItem,
                               QGraphicsRectItem, QGraphicsScene, QGraphicsView, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QSplitter, QStyledItemDelegate,
                               QTableView, QVBoxLayout, QWidget)

from models import templates as tpl
from models.errors import UserError, ValidationError

from . import files, messages

SAMPLE = None   # filled lazily from reports.certificates.SAMPLE_VALUES
_EMIT_BORROWS = None


def emit(signal, *args):
    """``signal.emit(*args)``, working around PySide6 6.12.0 whose ``emit`` returns True
    without a reference: each Python-side emit drops one reference of True, and after a few
    thousand emits Python aborts ("bool_dealloc"). We give the reference back."""
    global _EMIT_BORROWS
    if _EMIT_BORROWS is None:
        _EMIT_BORROWS = _emit_borrows()
    result = signal.emit(*args)
    if _EMIT_BORROWS and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
    return result


def _emit_borrows():
    import sys
    from PySide6.QtCore import QObject

    class Probe(QObject):
        ping = Signal()
    probe = Probe()
    before = sys.getrefcount(True)
    result = probe.ping.emit()
    borrowed = sys.getrefcount(True) - before < 1
    if borrowed:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
    del result
    return borrowed


@dataclass
class EditorAnswer:
    template: object
    background: bytes = None
    background_changed: bool = False
    original_name: str = None
    new: bool = False


class FieldsModel(QAbstractTableModel):
    """The template's fields, editable in place; ``field_changed(row)`` after each edit."""
    field_changed = Signal(int)
    COLUMNS = [("label", "Ô"), ("text", "Nội dung"), ("x", "X (mm)"), ("y", "Y (mm)"),
               ("w", "Rộng"), ("h", "Cao"), ("size", "Cỡ chữ"), ("min_size", "Cỡ nhỏ nhất"),
               ("bold", "Đậm"), ("italic", "Nghiêng"), ("align", "Căn lề"),
               ("fit", "Khi chữ dài"), ("enabled", "In")]
    NUMBERS = {"x", "y", "w", "h", "size", "min_size"}
    BOOLS = {"bold", "italic", "enabled"}
    CHOICES = {"align": tpl.ALIGNS, "fit": tpl.FITS}

    def __init__(self, fields, parent=None):
        super().__init__(parent)
        self.fields = fields

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.fields)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.COLUMNS[section][1]
        return None

    def flags(self, index):
        name = self.COLUMNS[index.column()][0]
        base = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        if name in self.BOOLS:
            return base | Qt.ItemIsUserCheckable
        return base | Qt.ItemIsEditable

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        f = self.fields[index.row()]
        name = self.COLUMNS[index.column()][0]
        value = getattr(f, name)
        if name in self.BOOLS:
            if role == Qt.CheckStateRole:
                return Qt.Checked if value else Qt.Unchecked
            return None
        if role == Qt.DisplayRole:
            if name in self.NUMBERS:
                return f"{value:g}".replace(".", ",")
            if name in self.CHOICES:
                return self.CHOICES[name].get(value, value)
            return value
        if role == Qt.EditRole:
            return value
        if role == Qt.TextAlignmentRole and name in self.NUMBERS:
            return Qt.AlignRight | Qt.AlignVCenter
        return None

    def setData(self, index, value, role=Qt.EditRole):
        f = self.fields[index.row()]
        name = self.COLUMNS[index.column()][0]
        if name in self.BOOLS and role == Qt.CheckStateRole:
            value = value in (Qt.Checked, Qt.Checked.value, 2, True)
        elif role != Qt.EditRole:
            return False
        elif name in self.NUMBERS:
            try:
                value = round(float(str(value).replace(",", ".")), 2)
            except ValueError:
                return False
        elif name in self.CHOICES and value not in self.CHOICES[name]:
            return False
        setattr(f, name, value)
        emit(self.dataChanged, index, index)
        emit(self.field_changed, index.row())
        return True

    def set_position(self, row, x, y):
        f = self.fields[row]
        f.x, f.y = round(x, 1), round(y, 1)
        emit(self.dataChanged, self.index(row, 2), self.index(row, 3))


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box for the align / fit columns."""

    def createEditor(self, parent, option, index):
        name = FieldsModel.COLUMNS[index.column()][0]
        if name not in FieldsModel.CHOICES:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        for key, text in FieldsModel.CHOICES[name].items():
            combo.addItem(text, key)
        return combo

    def setEditorData(self, editor, index):
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(Qt.EditRole)), 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.EditRole)
        else:
            super().setModelData(editor, model, index)


class FieldItem(QGraphicsRectItem):
    """A field's box on the paper (scene units are millimetres); drag to move it."""

    def __init__(self, row, field, on_moved):
        super().__init__()
        self.row, self.field, self.on_moved = row, field, on_moved
        self.setFlags(QGraphicsItem.ItemIsMovable | QGraphicsItem.ItemIsSelectable)
        self.setCursor(Qt.SizeAllCursor)
        self.sync()

    def sync(self):
        f = self.field
        self.setRect(QRectF(0, 0, f.w, f.h))
        self.setPos(f.x, f.y)
        self.setToolTip(f"{f.label}: x {f.x:g}, y {f.y:g}, rộng {f.w:g}, cao {f.h:g} mm")
        self.setOpacity(1.0 if f.enabled else 0.35)
        self.update()

    # itemChange() is not overridden on purpose: in PySide6 6.12 a Python itemChange
    # corrupts reference counts (crash at exit); the drag is finished in the mouse events.
    def mouseMoveEvent(self, event):
        super().mouseMoveEvent(event)
        self.move_to(self.pos().x(), self.pos().y())

    def mouseReleaseEvent(self, event):
        super().mouseReleaseEvent(event)
        self.move_to(self.pos().x(), self.pos().y())

    def move_to(self, x, y):
        """Place the box at (x, y) mm, snapped to 0.5 mm and kept on the paper."""
        paper = self.scene().sceneRect() if self.scene() is not None else None
        x, y = round(x * 2) / 2, round(y * 2) / 2
        if paper is not None:
            x = min(max(0.0, x), max(0.0, paper.width() - self.field.w))
            y = min(max(0.0, y), max(0.0, paper.height() - self.field.h))
        if (x, y) != (self.pos().x(), self.pos().y()):
            self.setPos(x, y)
        if (x, y) != (self.field.x, self.field.y):
            self.on_moved(self.row, x, y)

    def paint(self, painter, option, widget=None):
        f = self.field
        selected = self.isSelected()
        painter.setPen(QPen(QColor("#c0392b" if selected else "#1f4fbf"), 0, Qt.DashLine))
        painter.setBrush(QBrush(QColor(31, 79, 191, 28 if not selected else 45)))
        painter.drawRect(self.rect())
        dpi = painter.device().logicalDpiY() if painter.device() else 96
        label_font = QFont("DejaVu Sans")
        label_font.setPointSizeF(max(0.5, 2.2 * 72 / dpi))
        painter.setFont(label_font)
        painter.setPen(QColor("#1f4fbf"))
        painter.drawText(QRectF(0.6, 0.2, f.w - 1, 3), Qt.AlignLeft | Qt.AlignTop, f.label)
        text = sample_text(f)
        if text:
            font = QFont("Times New Roman")
            font.setBold(f.bold)
            font.setItalic(f.italic)
            font.setPointSizeF(max(0.5, f.size * 25.4 / dpi))
            width = QFontMetricsF(font, painter.device()).horizontalAdvance(text) \
                if painter.device() else 0
            if width > f.w and f.fit != "wrap":      # shrink first, as the printed result does
                size = max(f.min_size, f.size * f.w / width)
                font.setPointSizeF(max(0.5, size * 25.4 / dpi))
            painter.setFont(font)
            painter.setPen(QColor(f.color if f.color != "#000000" else "#222222"))
            align = {"left": Qt.AlignLeft, "right": Qt.AlignRight}.get(f.align, Qt.AlignHCenter)
            painter.drawText(self.rect(), align | Qt.AlignVCenter | Qt.TextWordWrap, text)


def sample_text(field):
    global SAMPLE
    if SAMPLE is None:
        from reports.certificates import SAMPLE_VALUES, render_text
        SAMPLE = (SAMPLE_VALUES, render_text)
    values, render = SAMPLE
    return render(field.text, values)


class PaperView(QGraphicsView):
    """True-scale view: at zoom 1, one millimetre on screen is one millimetre of paper."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.setBackgroundBrush(QColor("#6b6b6b"))
        self.zoom = None

    def true_scale(self, zoom=1.0):
        self.zoom = zoom
        k = self.logicalDpiX() / 25.4 * zoom
        self.resetTransform()
        self.scale(k, k)

    def fit(self):
        self.zoom = None
        if self.scene() is not None:
            self.fitInView(self.scene().sceneRect().adjusted(-5, -5, 5, 5), Qt.KeepAspectRatio)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self.zoom is None:
            self.fit()


class TemplateEditor(QDialog):
    def __init__(self, template, background=None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Sửa mẫu giấy khen")
        self.resize(1200, 760)
        self.original_name = template.name
        self.template = copy.deepcopy(template)
        self.background = background
        self.background_changed = False

        self.name = QLineEdit(self.template.name)
        self.width_mm, self.height_mm = QDoubleSpinBox(), QDoubleSpinBox()
        for spin, value in ((self.width_mm, self.template.width_mm),
                            (self.height_mm, self.template.height_mm)):
            spin.setRange(50, 1000)
            spin.setDecimals(1)
            spin.setSuffix(" mm")
            spin.setValue(value)
            spin.valueChanged.connect(self.rebuild_scene)
        self.heading = QLineEdit(self.template.heading)
        self.lead = QLineEdit(self.template.lead)
        self.issuer = QLineEdit(self.template.issuer)
        self.save_as_new = QCheckBox("Lưu thành mẫu mới (giữ nguyên mẫu cũ)")
        self.qr_x, self.qr_y, self.qr_size = QDoubleSpinBox(), QDoubleSpinBox(), QDoubleSpinBox()
        for spin, value, low, high in ((self.qr_x, self.template.qr_x, 0, 1000),
                                       (self.qr_y, self.template.qr_y, 0, 1000),
                                       (self.qr_size, self.template.qr_size, 10, 60)):
            spin.setRange(low, high)
            spin.setDecimals(1)
            spin.setSuffix(" mm")
            spin.setValue(value)
        self.model = FieldsModel(self.template.fields, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(ChoiceDelegate(self.table))
        self.table.setSelectionBehavior(QTableView.SelectRows)
        self.table.setSelectionMode(QTableView.SingleSelection)
        self.table.verticalHeader().hide()
        for col, width in enumerate((120, 230, 60, 60, 60, 55, 55, 80, 45, 60, 60, 150, 40)):
            self.table.setColumnWidth(col, width)
        self.scene = QGraphicsScene(self)
        self.view = PaperView()
        self.view.setScene(self.scene)
        self.items = []
        self.model.field_changed.connect(self._field_changed)
        self.table.selectionModel().currentRowChanged.connect(self._select_item)
        self.scene.selectionChanged.connect(self._select_row)

        form = QFormLayout()
        paper = QHBoxLayout()
        paper.addWidget(self.width_mm)
        paper.addWidget(QLabel("×"))
        paper.addWidget(self.height_mm)
        a4 = QPushButton("A4 ngang")
        a4.clicked.connect(lambda: (self.width_mm.setValue(297), self.height_mm.setValue(210)))
        paper.addWidget(a4)
        paper.addStretch(1)
        form.addRow("Tên mẫu:", self.name)
        form.addRow("Khổ giấy:", paper)
        form.addRow("Tiêu đề (in đầy đủ):", self.heading)
        form.addRow("Lời dẫn:", self.lead)
        form.addRow("Cơ quan khen thưởng:", self.issuer)
        qr = QHBoxLayout()
        for label, spin in (("x", self.qr_x), ("y", self.qr_y), ("cạnh", self.qr_size)):
            qr.addWidget(QLabel(label))
            qr.addWidget(spin)
        qr.addStretch(1)
        form.addRow("Mã QR (nếu in):", qr)
        form.addRow("", self.save_as_new)
        tools = QHBoxLayout()
        for text, slot in (("Thêm ô chữ", self.add_field), ("Xóa ô đang chọn", self.remove_field),
                           ("Ảnh phôi quét…", self.choose_background),
                           ("Bỏ ảnh nền", self.clear_background),
                           ("Kích thước thật", lambda: self.view.true_scale(1.0)),
                           ("Vừa khung", self.view.fit),
                           ("Mở tệp mẫu…", self.open_file), ("Lưu ra tệp…", self.save_file)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            tools.addWidget(b)
        tools.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Save).setText("Lưu mẫu")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([420, 300])
        outer = QVBoxLayout(self)
        top = QWidget()
        top.setLayout(form)
        outer.addWidget(top)
        outer.addLayout(tools)
        outer.addWidget(QLabel("Kéo các ô trên tờ giấy để đặt vị trí, hoặc sửa số trong bảng "
                               "(đơn vị mm, tính từ góc trên bên trái của tờ giấy)."))
        outer.addWidget(split, 1)
        outer.addWidget(buttons)
        self.rebuild_scene()

    # ---- scene
    def rebuild_scene(self, *_):
        self.items = []               # before clear(): it emits selectionChanged
        self.scene.clear()
        w, h = self.width_mm.value(), self.height_mm.value()
        self.scene.setSceneRect(0, 0, w, h)
        paper = QGraphicsRectItem(0, 0, w, h)
        paper.setBrush(QBrush(Qt.white))
        paper.setPen(QPen(Qt.NoPen))
        paper.setZValue(-2)
        self.scene.addItem(paper)
        if self.background:
            image = QImage.fromData(self.background)
            if not image.isNull():
                pix = QGraphicsPixmapItem(QPixmap.fromImage(image))
                pix.setScale(1.0)
                pix.setTransform(pix.transform().scale(w / image.width(), h / image.height()))
                pix.setOpacity(0.8)
                pix.setZValue(-1)
                self.scene.addItem(pix)
        for row, f in enumerate(self.template.fields):
            item = FieldItem(row, f, self._moved)
            self.scene.addItem(item)
            self.items.append(item)
        if self.view.zoom is None:
            self.view.fit()

    def _moved(self, row, x, y):
        self.model.set_position(row, x, y)

    def _field_changed(self, row):
        if row < len(self.items):
            self.items[row].sync()

    def _select_item(self, current, _previous):
        for i, item in enumerate(self.items):
            item.setSelected(i == current.row())

    def _select_row(self):
        for i, item in enumerate(self.items):
            if item.isSelected():
                if self.table.currentIndex().row() != i:
                    self.table.selectRow(i)
                return

    def add_field(self):
        """A new free-text box (e.g. a line the blank lacks), placed at the top-left."""
        keys = {f.key for f in self.template.fields}
        n = 1
        while f"them_{n}" in keys:
            n += 1
        self.model.beginResetModel()
        self.template.fields.append(tpl.Field(
            key=f"them_{n}", label=f"Ô thêm {n}", text="{title}", x=20, y=20, w=100, h=10,
            size=14, min_size=10))
        self.model.endResetModel()
        self.rebuild_scene()
        self.table.selectRow(len(self.template.fields) - 1)

    def remove_field(self):
        row = self.table.currentIndex().row()
        if row < 0:
            return
        f = self.template.fields[row]
        if not messages.confirm(self, f"Xóa ô «{f.label}» khỏi mẫu?", yes="Xóa", danger=True):
            return
        self.model.beginResetModel()
        del self.template.fields[row]
        self.model.endResetModel()
        self.rebuild_scene()

    # ---- background and files
    def set_background(self, data):
        """Use image bytes as the scanned blank; ValidationError if they are not an image."""
        tpl.validate_image(data)
        if QImage.fromData(data).isNull():
            raise ValidationError("Tệp ảnh nền bị hỏng hoặc không đọc được. Hãy quét lại phôi.")
        self.background = data
        self.background_changed = True
        self.rebuild_scene()

    def choose_background(self):
        path, _ = files.open_name(self, "Chọn ảnh phôi đã quét", "",
                                  "Ảnh (*.png *.jpg *.jpeg *.bmp *.tif *.tiff)")
        if not path:
            return
        try:
            with open(path, "rb") as fh:
                self.set_background(fh.read())
        except OSError as exc:
            messages.show_error(self, UserError(f"Không đọc được {path}: {exc.strerror}"))
        except UserError as err:
            messages.show_error(self, err)

    def clear_background(self):
        self.background = None
        self.background_changed = True
        self.rebuild_scene()

    def current_template(self):
        t = copy.deepcopy(self.template)
        t.name = self.name.text()
        t.width_mm, t.height_mm = self.width_mm.value(), self.height_mm.value()
        t.heading, t.lead, t.issuer = self.heading.text(), self.lead.text(), self.issuer.text()
        t.qr_x, t.qr_y, t.qr_size = self.qr_x.value(), self.qr_y.value(), self.qr_size.value()
        return tpl.validate_template(t)

    def load_template(self, template, background=None):
        self.template = copy.deepcopy(template)
        self.model.beginResetModel()
        self.model.fields = self.template.fields
        self.model.endResetModel()
        self.name.setText(template.name)
        for spin, value in ((self.width_mm, template.width_mm),
                            (self.height_mm, template.height_mm)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self.heading.setText(template.heading)
        self.lead.setText(template.lead)
        self.issuer.setText(template.issuer)
        self.qr_x.setValue(template.qr_x)
        self.qr_y.setValue(template.qr_y)
        self.qr_size.setValue(template.qr_size)
        if background is not None:
            self.background, self.background_changed = background, True
        self.rebuild_scene()

    def open_file(self, path=None):
        from reports import certificates as certs
        if not path:
            path, _ = files.open_name(self, "Mở tệp mẫu giấy khen", "",
                                      "Mẫu giấy khen (*.json)")
            if not path:
                return
        try:
            template, background = certs.load_template_file(path)
        except UserError as err:
            messages.show_error(self, err)
            return
        self.load_template(template, background)

    def save_file(self, path=None):
        from reports import certificates as certs
        try:
            template = self.current_template()
        except UserError as err:
            messages.show_error(self, err)
            return
        if not path:
            path, _ = files.save_name(self, "Lưu mẫu ra tệp", f"{template.name}.json",
                                      "Mẫu giấy khen (*.json)")
            if not path:
                return
        try:
            certs.save_template_file(template, path, background=self.background)
        except UserError as err:
            messages.show_error(self, err)

    def accept(self):
        try:
            self.answer = EditorAnswer(
                template=self.current_template(), background=self.background,
                background_changed=self.background_changed,
                original_name=self.original_name, new=self.save_as_new.isChecked())
        except UserError as err:
            messages.show_error(self, err)
            return
        super().accept()

    @classmethod
    def ask(cls, parent, template, background=None):
        """EditorAnswer, or None when cancelled."""
        dialog = cls(template, background, parent)
        return dialog.answer if dialog.exec() == QDialog.Accepted else None
