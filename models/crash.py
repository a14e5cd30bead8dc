"""Crash hook and logging, installed before anything heavy is imported.

Uncaught errors go to a rotating log file in the user's data folder with their traceback;
the GUI registers a reporter that shows them in a Vietnamese message box. Because every
user action is one transaction, an error mid-action rolls it back and loses no data.
"""
import logging
import logging.handlers
import os
import sys
import threading
import traceback

_reporter = None
_handler = None
log_file = None


def set_reporter(fn):
    """``fn(summary, details)`` shows an unexpected error to the user (the GUI sets this)."""
    global _reporter
    _reporter = fn


def setup_logging():
    """Log to a rotating file in the data folder (replacing a handler set up before)."""
    global log_file, _handler
    from . import paths
    try:
        log_file = os.path.join(paths.log_dir(), "thiduakhenthuong.log")
        handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    root.addHandler(handler)
    _handler = handler


def handle_exception(exc_type, exc, tb):
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    logging.getLogger("crash").error("Uncaught error\n%s", details)
    summary = ("Đã xảy ra lỗi không mong đợi. Thao tác vừa rồi không được lưu dở dang; "
               "dữ liệu đã lưu trước đó vẫn an toàn.")
    if log_file:
        summary += f" Chi tiết đã ghi vào {log_file}."
    if _reporter is not None:
        try:
            _reporter(summary, details)
            return
        except Exception:  # noqa: BLE001 - the reporter itself must never crash the hook
            logging.getLogger("crash").exception("reporter failed")
    sys.stderr.write(f"Lỗi: {summary}\n")


def install_crash_hook():
    setup_logging()
    sys.excepthook = handle_exception
    threading.excepthook = lambda a: handle_exception(a.exc_type, a.exc_value, a.exc_traceback)
