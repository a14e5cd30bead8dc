"""File dialogs start where the clerk last saved; saving offers to open the file or folder;
the menu bar has Tệp and Trợ giúp."""
import os
import subprocess
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from gui import files, menus, messages
from gui.context import AppContext
from gui.main_window import MainWindow


def test_dialogs_start_in_the_last_folder(tmp_path, monkeypatch, qapp):
    starts = []

    def fake_dialog(parent, caption, start, filters):
        starts.append(start)
        return str(tmp_path / "out" / "QD-01.pdf"), filters

    (tmp_path / "out").mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_dialog)
    first = files.last_folder()
    assert os.path.isdir(first)
    files.save_name(None, "Lưu", "QD-01.pdf", "PDF (*.pdf)")
    assert starts[0] == os.path.join(first, "QD-01.pdf")
    # the folder chosen is remembered for the next dialog, also across windows (INI file)
    assert files.last_folder() == str(tmp_path / "out")
    files.save_name(None, "Lưu", "DS.xlsx", "Excel (*.xlsx)")
    assert starts[1] == str(tmp_path / "out" / "DS.xlsx")
    # a full path given by the caller is kept
    files.save_name(None, "Lưu", str(tmp_path / "x.pdf"), "")
    assert starts[2] == str(tmp_path / "x.pdf")


def test_every_file_dialog_goes_through_gui_files():
    """Every "save as" / "open" of the program starts in the last folder used: no widget
    calls QFileDialog itself (gui/files.py does). The one exception is the start-up prompt
    for another data file, which starts beside the file that could not be opened."""
    import ast
    import pathlib
    root = pathlib.Path(files.__file__).parent
    direct = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "files.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "QFileDialog" and node.attr.startswith("get")):
                direct.append(f"{path.relative_to(root)}:{node.lineno}")
    assert [d for d in direct if not d.startswith("app.py:")] == []


def test_saved_box_offers_open_file_and_folder(tmp_path, qapp):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"x")
    seen = {}

    def answer():
        box = next(w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QMessageBox) and w.isVisible())
        seen["text"] = box.text()
        seen["buttons"] = [b.text() for b in box.buttons()]
        next(b for b in box.buttons() if b.text() == "Đóng").click()

    QTimer.singleShot(50, answer)
    clicked = messages.saved_box(None, str(path))
    assert seen["text"] == f"Đã lưu {path}"
    assert sorted(seen["buttons"]) == ["Mở thư mục", "Mở tệp", "Đóng"]
    assert clicked is None


def test_menu_bar(leader, qtbot, tmp_path, monkeypatch):
    window = MainWindow(AppContext(leader, str(tmp_path / "test.sqlite3")))
    qtbot.addWidget(window)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&Tệp", "Trợ &giúp"]
    m = window.menus
    assert [a.text() for a in window.menuBar().actions()[0].menu().actions() if a.text()] == [
        "Tạo tệp dữ liệu mới…", "Mở tệp dữ liệu…", "Dùng máy chủ dữ liệu trong cơ quan…",
        "Sao lưu…", "Thoát"]
    assert m.open_file.shortcut().toString() == "Ctrl+O"
    m.backup.trigger()
    assert window.stack.currentWidget() is window.widgets["backup"]
    started = []
    monkeypatch.setattr(menus, "start_instance", lambda path: started.append(path) or True)
    shown = []
    monkeypatch.setattr(messages, "info", lambda parent, text, **kw: shown.append(text))
    assert not m.switch_to(str(tmp_path / "test.sqlite3"))      # already open
    assert shown == ["Tệp dữ liệu này đang được mở."]
    window.show()
    assert m.switch_to(str(tmp_path / "other.sqlite3"))
    assert started == [str(tmp_path / "other.sqlite3")] and not window.isVisible()


def test_program_command_starts_this_program(tmp_path):
    program, args = menus.program_command(str(tmp_path / "x.sqlite3"))
    assert program == sys.executable
    assert os.path.basename(args[0]) == "main.py" and os.path.exists(args[0])
    assert args[1:] == ["--db", str(tmp_path / "x.sqlite3")]
    out = subprocess.run([program, args[0], "--help"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0


def test_demo_goes_into_its_own_file_and_is_left_with_one_action(leader, tmp_path, qtbot,
                                                                 monkeypatch):
    """The wizard's "Nạp dữ liệu mẫu" never fills the commune just set up: the demo is a
    copy beside it, marked as such, and "Rời dữ liệu mẫu" opens the commune's file."""
    import sqlite3

    from gui import app as gui_app
    from models import demo, paths
    from models import settings as st
    st.save_initial_settings(actor=leader, values={"commune_name": "Xã Tân Lập",
                                                   "chairman": "Nguyễn Văn Hùng"})
    main_path = str(tmp_path / paths.MAIN_FILE_NAME)
    from models import db as dbm
    dbm.backup_database(main_path)                 # the commune's file, set up, no records
    dbm.close_database()
    dbm.open_database(main_path)
    demo_path, actor = gui_app.open_demo_copy(main_path, leader)
    assert demo_path == str(tmp_path / paths.DEMO_FILE_NAME)
    assert actor.username == leader.username
    demo.load_demo(size="small", actor=actor)
    with sqlite3.connect(main_path) as con:          # read by sqlite3 itself, not by us
        assert con.execute("SELECT COUNT(*) FROM household").fetchone()[0] == 0
        assert con.execute("SELECT COUNT(*) FROM user").fetchone()[0] == 1
    with sqlite3.connect(demo_path) as con:
        assert con.execute("SELECT COUNT(*) FROM household").fetchone()[0] > 100
    window = MainWindow(AppContext(actor, demo_path))
    qtbot.addWidget(window)
    assert window.windowTitle().startswith("[DỮ LIỆU MẪU]")
    started = []
    monkeypatch.setattr(menus, "start_instance", lambda path: started.append(path) or True)
    window.leave_demo_button.click()
    assert started == [os.path.abspath(main_path)]
    # the commune's own window offers the demo file, and is not marked
    dbm.close_database()
    dbm.open_database(main_path)
    own = MainWindow(AppContext(actor, main_path))
    qtbot.addWidget(own)
    assert not own.windowTitle().startswith("[DỮ LIỆU MẪU]")
    assert own.menus.demo.text().startswith("Xem dữ liệu mẫu")


def test_guide_lists_every_step_page_and_key(leader, qtbot, tmp_path):
    """Trợ giúp → Hướng dẫn (F1) opens beside the window and matches the program: the steps
    of Tổng quan in order, every page, every page key and the menus' keys."""
    from gui.help_window import YEAR_STEPS, GuideWindow
    from gui.main_window import ordered_pages, page_shortcut
    from models import year_map
    window = MainWindow(AppContext(leader, str(tmp_path / "test.sqlite3")))
    qtbot.addWidget(window)
    window.show()
    window.menus.guide.trigger()
    guide = next(w for w in QApplication.topLevelWidgets()
                 if isinstance(w, GuideWindow) and w.isVisible())
    assert not guide.isModal()
    text = guide.browser.toPlainText()
    # the same steps, in the same order, as the overview computes for a year
    assert [(s.label, s.page) for s in year_map.year_steps(2026)] == [
        (t, p) for t, p, _x in YEAR_STEPS]
    at = [text.index(title) for title, _p, _x in YEAR_STEPS]
    assert at == sorted(at)
    assert [p[0] for p in window.pages] == [p[0] for p in ordered_pages()]
    for i, (_key, label, _f) in enumerate(window.pages):    # the keys the window reacts to
        assert f"{page_shortcut(i)}\nTrang «{label}»\n" in text
    for key in ("Ctrl+PgDown", "Ins", "F2", "Ctrl+Shift+P", "F5"):
        assert key in text
    assert "Ctrl+Q\nThoát\n" in text and "Ctrl+Shift+S\nSao lưu\n" in text
    assert "F1" in text
    # F1 again brings the same window forward instead of a second one
    assert window.menus.show_guide() is guide
    guide.close()
