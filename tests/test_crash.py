"""The crash hook: traceback to the rotating log, a Vietnamese summary to the reporter."""
import logging

from models import crash


def test_uncaught_error_is_logged_and_reported(data_dir):
    crash.install_crash_hook()
    shown = []
    crash.set_reporter(lambda summary, details: shown.append((summary, details)))
    try:
        try:
            raise ZeroDivisionError("chia cho không")
        except ZeroDivisionError as exc:
            crash.handle_exception(type(exc), exc, exc.__traceback__)
    finally:
        crash.set_reporter(None)
    for handler in logging.getLogger().handlers:
        handler.flush()
    summary, details = shown[0]
    assert "lỗi không mong đợi" in summary and "không được lưu dở dang" in summary
    assert "ZeroDivisionError" in details and "Traceback" in details
    with open(crash.log_file, encoding="utf-8") as fh:
        log = fh.read()
    assert "ZeroDivisionError: chia cho không" in log
    assert str(data_dir) in crash.log_file


def test_reporter_failure_falls_back_to_stderr(capsys, data_dir):
    crash.install_crash_hook()

    def broken(summary, details):
        raise RuntimeError("reporter broke")

    crash.set_reporter(broken)
    try:
        try:
            raise ValueError("x")
        except ValueError as exc:
            crash.handle_exception(type(exc), exc, exc.__traceback__)
    finally:
        crash.set_reporter(None)
    assert "Lỗi:" in capsys.readouterr().err
