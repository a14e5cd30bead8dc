"""Building the one-folder PyInstaller app and watching real windows under Xvfb (tests, perf)."""
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "packaging", "thiduakhenthuong.spec")
APP = "ThiDuaKhenThuong"
CONSOLE = "tdkt"
WIZARD_TITLE = "Thiết lập lần đầu — Thi đua - Khen thưởng"
LOGIN_TITLE = "Đăng nhập — Thi đua - Khen thưởng"


def build(out_dir):
    """Build the app from the checked-in spec into ``out_dir``; returns (folder, seconds)."""
    dist, work = os.path.join(out_dir, "dist"), os.path.join(out_dir, "build")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", dist, "--workpath", work, SPEC],
        cwd=ROOT, capture_output=True, text=True, timeout=1200)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise AssertionError(f"PyInstaller failed:\n{proc.stderr[-4000:]}")
    return os.path.join(dist, APP), elapsed


def folder_size(path):
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            full = os.path.join(folder, name)
            if not os.path.islink(full):
                total += os.path.getsize(full)
    return total


class Xvfb:
    """A private X server; ``display`` is ":N". Use as a context manager."""

    def __enter__(self):
        if shutil.which("Xvfb") is None:
            raise RuntimeError("Xvfb is not installed (scripts/setup-env.sh TEST_PKGS)")
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-nolisten", "tcp", "-screen", "0",
             "1280x800x24"], pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as fh:
            number = fh.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def window_titles(self):
        out = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                             env={**os.environ, "DISPLAY": self.display}).stdout
        titles = []
        for line in out.splitlines():
            # '     0x400007 "Đăng nhập — Thi đua - Khen thưởng": ("ThiDuaKhenThuong" ...'
            if '"' in line:
                first = line.index('"')
                end = line.find('":', first + 1)
                if end > first:
                    titles.append(line[first + 1:end])
        return titles

    def wait_for_title(self, titles, proc, timeout=60):
        """Seconds until a window with one of ``titles`` is mapped; raises if ``proc`` ends."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if any(t in titles for t in self.window_titles()):
                return time.perf_counter() - start
            if proc.poll() is not None:
                raise AssertionError(f"program ended with {proc.returncode} before its window")
            time.sleep(0.03)
        raise AssertionError(f"no window {titles} within {timeout} s: {self.window_titles()}")


def time_to_window(xvfb, argv, env, titles, *, timeout=60):
    """Start ``argv`` on ``xvfb``; seconds until one of ``titles`` is shown; then stop it."""
    env = {**env, "DISPLAY": xvfb.display}
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        return xvfb.wait_for_title(titles, proc, timeout)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
