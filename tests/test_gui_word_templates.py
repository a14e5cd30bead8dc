"""The "Mẫu văn bản Word" tab: a starter template saved, checked back in, refused with the
unknown placeholder named, the built-in layout restored; the placeholder help."""
import docx

from gui.word_templates import PlaceholdersDialog, WordTemplatesTab
from models import doc_templates
from reports import docx_template


class Ctx:
    can_edit = True

    def __init__(self, actor):
        self.actor = actor
        self.areas = []

    def changed(self, area):
        self.areas.append(area)


def test_starter_template_round_trip(qtbot, clerk, tmp_path, monkeypatch):
    from gui import messages
    errors = []
    monkeypatch.setattr(messages, "show_error", lambda parent, err: errors.append(str(err)))
    monkeypatch.setattr(messages, "info", lambda *a, **k: None)
    tab = WordTemplatesTab(Ctx(clerk))
    qtbot.addWidget(tab)
    assert tab.status["decision"].text() == "Mẫu có sẵn của phần mềm"
    assert not tab.buttons[("decision", "builtin")].isEnabled()
    for kind in doc_templates.KINDS:
        starter = tab.save_starter(kind, str(tmp_path / f"{kind}.docx"))
        # the starter holds every placeholder of its kind but the extras a clerk may add
        # (the short date, the number passed), and passes the checks
        found = set(docx_template.check_template(open(starter, "rb").read(), kind))
        assert set(doc_templates.placeholders(kind)) - found <= {"ngay_ky", "so_dat"}, kind
        assert "so" in found and "danh_sach" in found
    assert tab.choose("decision", str(tmp_path / "decision.docx"))
    assert tab.status["decision"].text().startswith("Mẫu của xã: decision.docx")
    assert tab.buttons[("decision", "builtin")].isEnabled() and tab.ctx.areas
    # a template with a misspelt placeholder is refused and the stored one stays
    bad = docx.Document(str(tmp_path / "minutes.docx"))
    bad.add_paragraph("Ngày lập: {{ngay_lap}}")
    bad.save(str(tmp_path / "bad.docx"))
    assert not tab.choose("minutes", str(tmp_path / "bad.docx"))
    assert "{{ngay_lap}}" in errors[-1]
    assert doc_templates.get_template("minutes") is None
    tab.use_builtin("decision")
    assert tab.status["decision"].text() == "Mẫu có sẵn của phần mềm"
    dialog = PlaceholdersDialog("decision", tab)
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QPlainTextEdit
    text = dialog.findChild(QPlainTextEdit).toPlainText()
    assert "{{danh_sach}}" in text and "{{nguoi_ky}} — Họ và tên người ký" in text
