"""Batch commands never fail on output: Windows code pages, no console, closed pipes."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAIN = os.path.join(ROOT, "main.py")


def run(args, *, env_extra=None, **kw):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, MAIN, *map(str, args)], env=env, cwd=ROOT,
                          timeout=300, **kw)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("console")
    path = folder / "demo.sqlite3"
    result = run(["--db", path, "demo"], env_extra={"TDKT_DATA_DIR": str(folder)},
                 capture_output=True)
    assert result.returncode == 0, result.stderr
    return path


@pytest.mark.parametrize("encoding", ["cp1258", "cp1252", "cp437", "latin-1"])
def test_backup_on_a_windows_code_page_pipe_succeeds_and_says_so(demo, tmp_path, encoding):
    dest = tmp_path / "SaoLưu" / "bản sao.sqlite3"
    result = run(["--db", demo, "backup", dest], env_extra={"PYTHONIOENCODING": encoding},
                 capture_output=True)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode(encoding)
    assert "sao l" in out and "?" in out and str(tmp_path) in out
    assert dest.exists() and result.stderr == b""


@pytest.mark.parametrize("encoding", ["cp1258", "cp437"])
def test_user_errors_and_listings_under_a_code_page(demo, encoding):
    listing = run(["--db", demo, "list", "people"], env_extra={"PYTHONIOENCODING": encoding},
                  capture_output=True)
    assert listing.returncode == 0
    assert len(listing.stdout.decode(encoding).splitlines()) == 180
    error = run(["--db", demo, "decision", "999999", "--out", os.devnull],
                env_extra={"PYTHONIOENCODING": encoding}, capture_output=True)
    assert error.returncode == 1
    message = error.stderr.decode(encoding)
    assert message.startswith("L") and "Traceback" not in message
    usage = run(["--db", demo, "export", "nothing"], env_extra={"PYTHONIOENCODING": encoding},
                capture_output=True)
    assert usage.returncode == 2 and b"Traceback" not in usage.stderr


def _closed_std():
    os.close(1)
    os.close(2)


def test_closed_stdout_and_stderr_do_the_work_and_keep_exit_codes(demo, tmp_path):
    dest = tmp_path / "bk.sqlite3"
    ok = run(["--db", demo, "backup", dest], preexec_fn=_closed_std)
    assert ok.returncode == 0 and dest.exists()
    assert run(["--db", demo, "decision", "999999", "--out", os.devnull],
               preexec_fn=_closed_std).returncode == 1
    assert run(["--db", demo, "frobnicate"], preexec_fn=_closed_std).returncode == 2


def test_no_streams_at_all_as_in_a_windowed_program(demo, tmp_path):
    """pythonw.exe and a PyInstaller windowed exe start with sys.stdout = sys.stderr = None."""
    dest = tmp_path / "bk.sqlite3"
    code = ("import runpy, sys; sys.stdout = sys.stderr = None; "
            f"sys.argv = ['main.py', '--db', {str(demo)!r}, 'backup', {str(dest)!r}]; "
            f"runpy.run_path({MAIN!r}, run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert dest.exists()


def test_a_reader_that_stops_early_does_not_fail_the_command(demo):
    proc = subprocess.Popen([sys.executable, MAIN, "--db", str(demo), "list", "households"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()              # like `| head -1`
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0
    assert b"Traceback" not in err and b"BrokenPipe" not in err
