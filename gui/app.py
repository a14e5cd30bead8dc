"""Starting the GUI: application, Vietnamese texts, database, first-run wizard or sign-in."""
import logging
import os
import sys

import models

# The data layer is imported before PySide6: once PySide6 is loaded, its import hook wraps
# every later import, which makes start-up measurably slower. No collection passes while
# they load (models.loading_quietly).
with models.loading_quietly():
    from models import crash, paths, settings
    from models.db import open_database
    from models.errors import DamagedDatabase, DatabaseError

    from PySide6.QtCore import QCoreApplication, QLocale  # noqa: E402
    from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox  # noqa: E402

    from . import skip_source_scan_of_our_modules
    skip_source_scan_of_our_modules()        # before the GUI modules load

    from . import background, focus_style, gc_policy, messages
    from .translations import VietnameseTranslator

log = logging.getLogger(__name__)

# Pages read and actions run in a background thread (gui/background.py) while the window
# paints. Each call Qt makes into Python while painting (a table's rowCount, data, …; some
# 400 for one screen of a big list) takes Python's GIL, and while a background thread runs
# Python the GUI thread waits one switch interval for it every time: 1 ms made the table's
# repaint under "Nhập phiếu" 0.3-0.4 s of frozen window (perf sched traces: ~440 waits of
# ~1 ms). 50 us: 28-83 ms over four runs (1 ms: 39-347 ms); two busy threads lose < 5 %.
# On Windows a timed wait counts whole milliseconds (CPython: us / 1000), so a wait under
# 1 ms asks for the GIL at once; 1 ms there could be a 15.6 ms timer tick per call.
GIL_SWITCH_S = 0.00005

FIRST_PAGE_WAIT = 10    # seconds the start-up checks wait at most for the first page's read


def make_app(argv=None):
    app = QApplication.instance() or QApplication(argv or sys.argv)
    sys.setswitchinterval(GIL_SWITCH_S)
    gc_policy.install(app)      # and no full garbage collection while a thread reads
    QCoreApplication.setOrganizationName("ThiDuaKhenThuong")
    QCoreApplication.setApplicationName("Thi đua - Khen thưởng")
    QLocale.setDefault(QLocale(QLocale.Vietnamese, QLocale.Vietnam))
    focus_style.install(app)
    translator = VietnameseTranslator(app)
    app.installTranslator(translator)
    app._vi_translator = translator          # keep it alive
    crash.set_reporter(lambda summary, details: messages.show_crash(
        app.activeWindow(), summary, details))
    return app


def newest_backups(limit=5):
    folder = paths.backup_dir()
    files = [os.path.join(folder, f) for f in os.listdir(folder)
             if not f.startswith(".tmp-")]
    return sorted(files, key=os.path.getmtime, reverse=True)[:limit]


def restore_offered(err, path, backups):
    """Restoring the newest backup is offered for real damage only: never for a file that
    another window or program holds, one on a read-only stick, or one from a newer version."""
    return isinstance(err, DamagedDatabase) and bool(backups) and os.path.exists(path)


def leader_signs_in_for(backup_path):
    """The damaged file cannot tell who is a leader: sign in against the backup about to be
    restored (a copy of it, so the backup itself is not touched). True when allowed."""
    import shutil
    import tempfile
    from models import accounts
    from models.db import close_database
    folder = tempfile.mkdtemp(prefix="tdkt-signin-")
    try:
        copy = os.path.join(folder, "sao-luu.sqlite3")
        shutil.copyfile(backup_path, copy)
        open_database(copy)
        if not accounts.has_users():
            return True                       # a file without accounts (a fresh demo)
        from .login import LoginDialog
        user = LoginDialog.ask("Khôi phục dữ liệu — đăng nhập tài khoản Lãnh đạo")
        if user is None:
            return False
        if user.role != "leader":
            messages.show_error(None, DatabaseError(
                "Chỉ tài khoản Lãnh đạo được khôi phục dữ liệu."))
            return False
        return True
    except (OSError, DatabaseError) as exc:
        messages.show_error(None, exc if isinstance(exc, DatabaseError) else DatabaseError(
            f"Không đọc được bản sao lưu {backup_path}: {exc}"))
        return False
    finally:
        close_database()
        shutil.rmtree(folder, ignore_errors=True)


def open_or_recover(path, *, quick_check=True):
    """Open the database; on damage offer the newest good backup (after a leader signs in),
    when another program holds it offer to try again, and always another file."""
    from models.db_pg import is_server_url
    if is_server_url(path):
        from .server_dialog import open_server
        database, where, read_only = open_server(path, quick_check=quick_check)
        if database is not None:
            database.read_only_copy = read_only
        return database, where
    while True:
        try:
            return open_database(path, quick_check=quick_check), path
        except DatabaseError as err:
            box = QMessageBox(QMessageBox.Critical, "Không mở được dữ liệu", str(err))
            restore = retry = None
            backups = newest_backups()
            if restore_offered(err, path, backups):
                restore = box.addButton("Khôi phục bản sao lưu gần nhất…",
                                        QMessageBox.AcceptRole)
            elif not isinstance(err, DamagedDatabase):
                retry = box.addButton("Thử lại", QMessageBox.AcceptRole)
            other = box.addButton("Mở tệp khác…", QMessageBox.ActionRole)
            box.addButton("Thoát", QMessageBox.RejectRole)
            box.exec()
            clicked = box.clickedButton()
            if restore is not None and clicked is restore:
                if leader_signs_in_for(backups[0]):
                    try:
                        from models import accounts
                        from reports import backup
                        # the file's accounts decide too (see restore_from)
                        kept = backup.restore_from(backups[0], path,
                                                   actor=accounts.batch_actor("khoi-dong"))
                        messages.info(None, f"Đã khôi phục từ {backups[0]}. Tệp cũ giữ ở "
                                            f"{kept}.")
                    except Exception as exc:  # noqa: BLE001 - shown, then offered again
                        messages.show_error(None, exc)
                continue
            if retry is not None and clicked is retry:
                continue
            if clicked is other:
                chosen, _ = QFileDialog.getOpenFileName(
                    None, "Chọn tệp dữ liệu", os.path.dirname(path),
                    "Tệp dữ liệu (*.sqlite3 *.tdkt *.db);;Mọi tệp (*)")
                if chosen:
                    path = chosen
                continue
            return None, path


def sign_in():
    """The acting user: from the first-run wizard, or the sign-in dialog."""
    from models import accounts
    if not accounts.has_users():
        from .wizard import SetupWizard
        wizard = SetupWizard()
        if not wizard.exec():
            return None, False
        return wizard.leader, wizard.want_demo
    from .login import LoginDialog
    return LoginDialog.ask(settings.commune().name), False


def open_demo_copy(main_path, actor):
    """Copy the commune's file (its settings and accounts, no records yet) to the demo file
    beside it, open that instead and return (demo path, the same account there). The demo
    is loaded into it; "Rời dữ liệu mẫu" goes back to ``main_path``."""
    from models import db as dbm
    from models.entities import User
    demo_path = paths.demo_db_path(main_path)
    from models import fileops
    for old in (demo_path, demo_path + "-wal", demo_path + "-shm"):   # an earlier demo
        fileops.remove_quietly(old)
    dbm.backup_database(demo_path)
    dbm.db.close()
    dbm.open_database(demo_path)
    return demo_path, User.get_by_id(actor.id)


def load_demo_with_progress(ctx, window):
    from models import demo

    def work(progress):
        return demo.load_demo(size="small", actor=ctx.actor, progress=progress)

    def done(counts):
        ctx.changed("all")
        messages.info(window, "Đã nạp dữ liệu mẫu: " + ", ".join(
            f"{v} {k}" for k, v in counts.items() if v))

    ctx.run_task(window, "Đang nạp dữ liệu mẫu…", work, on_done=done, cancellable=False)


def _nice_this_thread(step=10):
    """Linux: Qt's thread priorities do not apply to normal threads, a thread's own nice
    value does (Windows: ``QThread.LowPriority`` given to ``start``)."""
    if sys.platform.startswith("linux"):
        import threading
        try:
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + step)
        except OSError:
            pass


def check_in_background(window, path):
    """Start-up work off the GUI thread, at low priority: the check of the whole file, or on
    the first start of the day the automatic backup, checked once (reports/backup.py
    ``start_of_day``). On damage say so and point to restore."""
    from PySide6.QtCore import QThread, Signal

    class StartupChecks(QThread):
        damaged = Signal(str)

        def run(self):
            from models.db import db, is_server
            _nice_this_thread()
            # not while the first page reads (the clerk waits for that; this work for
            # nobody yet): it would take the disk and the other core from the read, and
            # importing its modules (reports.backup and what it needs: ~40 ms of Python)
            # would take Python's GIL from the reading thread and the window being built
            background.wait_first_page(FIRST_PAGE_WAIT)
            from reports import backup
            try:
                problem = backup.start_of_day(path, server=is_server())
            finally:
                if not db.is_closed():
                    db.close()     # this thread's own connection
            if problem:
                self.damaged.emit(problem)

    def warn(problem):
        log.error("quick_check failed: %s", problem)
        messages.show_error(window, DatabaseError(
            f"Kiểm tra tệp dữ liệu phát hiện hư hỏng ({problem}). Đừng nhập thêm dữ liệu; "
            "hãy vào trang Sao lưu để khôi phục bản sao lưu gần nhất, hoặc đóng chương "
            "trình và mở lại để được đề nghị khôi phục."))

    checks = StartupChecks(window)
    checks.damaged.connect(warn)
    checks.start(QThread.LowPriority)
    window._startup_checks = checks       # keep it alive
    return checks


def run_gui(db_path=None):
    app = make_app()
    from models import server_settings
    remembered = server_settings.load()
    path = db_path or (server_settings.url_of(remembered) if remembered else None) \
        or paths.default_db_path()
    from .single_instance import InstanceServer, ask_running_to_come_forward
    if ask_running_to_come_forward(path):
        log.info("%s is open in a running program: brought it forward", path)
        return 0
    app._instance_server = InstanceServer(path)
    app._instance_server.start()
    # The full-file quick_check runs in the background once the window is up (it reads
    # the whole file: 0.2 s on a large commune); the header and schema are checked now.
    database, path = open_or_recover(path, quick_check=False)
    if database is None:
        return 1
    from models.db import NETWORK_WARNING, is_network_path
    if is_network_path(path):
        messages.info(None, NETWORK_WARNING.format(path=path))
    if getattr(database, "read_only_copy", False):     # the server's copy on this PC
        from .server_dialog import read_only_viewer
        actor, want_demo = read_only_viewer(), False
    else:
        actor, want_demo = sign_in()
    if actor is None:
        return 0
    from models import setup
    setup.ensure_commune_unit(actor)
    if want_demo:
        # the commune just set up stays clean: the demo goes into its own file beside it
        path, actor = open_demo_copy(path, actor)
    from .pages import overview
    overview.read_early()          # the first page reads while the window is built
    from .context import AppContext
    from .main_window import MainWindow
    ctx = AppContext(actor, path)
    window = MainWindow(ctx)
    window.show()
    gc_policy.after_start()
    ctx.watch_other_pcs()
    if not getattr(database, "read_only_copy", False):
        check_in_background(window, path)
    if want_demo:
        load_demo_with_progress(ctx, window)
    return app.exec()
