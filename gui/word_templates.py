"""Tab "Mẫu văn bản Word" (Cài đặt): the commune's own .docx templates for the decision, the
council's minutes and the proposal, with the placeholders they may use."""
import os

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QGridLayout, QLabel, QPlainTextEdit,
                               QPushButton, QVBoxLayout, QWidget)

from models import doc_templates, vntext
from models.errors import UserError

from . import files, messages

INTRO = ("Mỗi văn bản dưới đây in theo mẫu có sẵn của phần mềm (Nghị định 30/2020). Xã có "
         "thể thay bằng mẫu Word (.docx) của mình: gõ các chỗ điền như {{so}}, {{ngay}}, "
         "{{nguoi_ky}} vào đúng chỗ trong mẫu; khi xuất Word, phần mềm thay chúng bằng số "
         "liệu. Bấm “Tải mẫu khởi đầu…” để có sẵn một mẫu đủ chỗ điền rồi sửa trong Word.")


class PlaceholdersDialog(QDialog):
    """The placeholders of one kind, with what each is filled with."""

    def __init__(self, kind, parent=None):
        super().__init__(parent)
        from reports.docx_template import help_lines
        self.setWindowTitle(f"Các chỗ điền – {doc_templates.kind_label(kind)}")
        text = QPlainTextEdit("\n".join(help_lines(kind)))
        text.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(
            "Gõ đúng tên trong hai dấu ngoặc nhọn. Chỗ điền nhiều dòng (căn cứ, các điều, nơi "
            "nhận …) và {{danh_sach}} nên đứng riêng một đoạn: mỗi dòng thành một đoạn theo "
            "định dạng của đoạn đó, bảng danh sách được chèn vào đúng chỗ."))
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
        self.resize(720, 460)


class WordTemplatesTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.status = {}
        self.buttons = {}
        grid = QGridLayout()
        for row, kind in enumerate(doc_templates.KINDS):
            grid.addWidget(QLabel(f"<b>{doc_templates.kind_label(kind)}</b>"), row, 0)
            self.status[kind] = QLabel()
            grid.addWidget(self.status[kind], row, 1)
            for col, (key, text, slot) in enumerate((
                    ("choose", "Chọn mẫu .docx…", self.choose),
                    ("builtin", "Dùng mẫu có sẵn", self.use_builtin),
                    ("starter", "Tải mẫu khởi đầu…", self.save_starter),
                    ("help", "Các chỗ điền…", self.show_placeholders)), 2):
                b = QPushButton(text)
                b.clicked.connect(lambda _=False, k=kind, s=slot: s(k))
                grid.addWidget(b, row, col)
                self.buttons[(kind, key)] = b
        grid.setColumnStretch(1, 1)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.reload()

    def reload(self):
        for row in doc_templates.template_rows():
            kind = row["kind"]
            if row["file_name"]:
                when = row["uploaded_at"]
                self.status[kind].setText(
                    f"Mẫu của xã: {row['file_name']}"
                    + (f" (nạp ngày {vntext.format_date(when.date())}"
                       f"{', ' + row['uploaded_by'] if row['uploaded_by'] else ''})"
                       if when else ""))
            else:
                self.status[kind].setText("Mẫu có sẵn của phần mềm")
            self.buttons[(kind, "choose")].setEnabled(self.ctx.can_edit)
            self.buttons[(kind, "builtin")].setEnabled(self.ctx.can_edit
                                                       and bool(row["file_name"]))

    def choose(self, kind, path=None):
        from reports import docx_template
        path = path or files.open_name(self, f"Mẫu Word – {doc_templates.kind_label(kind)}",
                                       "", "Word (*.docx *.docm *.dotx *.doc)")[0]
        if not path:
            return False
        try:
            docx_template.install_template(actor=self.ctx.actor, kind=kind, path=path)
        except UserError as err:
            messages.show_error(self, err)
            return False
        self.ctx.changed("settings")
        self.reload()
        messages.info(self, f"Đã dùng mẫu {os.path.basename(path)} cho "
                            f"{doc_templates.kind_label(kind).lower()}.")
        return True

    def use_builtin(self, kind):
        if messages.run_action(self, doc_templates.remove_template, actor=self.ctx.actor,
                               kind=kind) is not None:
            self.ctx.changed("settings")
        self.reload()

    def save_starter(self, kind, path=None):
        from reports.docx_template import write_starter
        path = path or files.document_name(self, "Lưu mẫu khởi đầu",
                                           f"mau-{kind}", word=True)
        if path and messages.run_action(self, write_starter, kind, path):
            messages.saved(self, path)
        return path

    def show_placeholders(self, kind):
        PlaceholdersDialog(kind, self).exec()
