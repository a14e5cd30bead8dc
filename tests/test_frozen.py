"""The one-folder PyInstaller build from packaging/thiduakhenthuong.spec, built and run.

The build takes about a minute on 2 cores; it runs once per test session. Batch commands
run through the frozen console executable; the frozen windowed program is started on a
private Xvfb display and must reach the first-run wizard / sign-in window.
"""
import json
import os
import subprocess
import time

import docx
import openpyxl
import pytest

from tests import frozen
from tests.helpers import pdf_fonts, pdf_pages, pdf_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    reuse = os.environ.get("TDKT_FROZEN_DIR")      # a folder built before (developers)
    if reuse:
        return reuse
    pytest.importorskip("PyInstaller")
    folder, seconds = frozen.build(str(tmp_path_factory.mktemp("frozen")))
    size = frozen.folder_size(folder)
    print(f"\nfrozen build: {seconds:.0f} s, {size / 1024 ** 2:.0f} MB")
    return folder


def run(app, *args, data_dir, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(TDKT_DATA_DIR=str(data_dir), **(env_extra or {}))
    return subprocess.run([os.path.join(app, frozen.CONSOLE), *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=str(data_dir),
                          timeout=300)


def test_folder_holds_both_programs_the_data_and_qt_plugins_and_nothing_unused(app):
    for name in (frozen.APP, frozen.CONSOLE):
        assert os.access(os.path.join(app, name), os.X_OK)
    internal = os.path.join(app, "_internal")
    assert os.path.isfile(os.path.join(internal, "resources", "defaults", "catalogue.json"))
    plugins = os.path.join(internal, "PySide6", "Qt", "plugins")
    assert os.listdir(os.path.join(plugins, "printsupport"))          # CUPS printing
    assert any("pdf" in n for n in os.listdir(os.path.join(plugins, "imageformats")))
    names = set(os.listdir(internal))
    for unused in ("numpy", "tkinter", "_tkinter", "pytest", "hypothesis", "PyInstaller"):
        assert not any(n.startswith(unused) for n in names), unused
    assert not any("_tkinter" in n for n in os.listdir(os.path.join(internal, "lib-dynload"))
                   ) if os.path.isdir(os.path.join(internal, "lib-dynload")) else True
    qt_libs = os.listdir(os.path.join(internal, "PySide6", "Qt", "lib"))
    assert not any(n.startswith(("libQt6WebEngine", "libQt6Qml", "libQt6Quick"))
                   for n in qt_libs)


def test_frozen_batch_commands(app, tmp_path, data_dir):
    data = data_dir
    demo = run(app, "demo", data_dir=data)
    assert demo.returncode == 0, demo.stderr
    assert "Đã tạo dữ liệu mẫu" in demo.stdout
    check = run(app, "check", data_dir=data)
    assert check.returncode == 0 and "nguyên vẹn" in check.stdout, check.stderr
    decisions = json.loads(run(app, "list", "decisions", "--json", data_dir=data).stdout)
    issued = next(d for d in decisions if d["state"] == "issued" and d["total_amount"])
    pdf = tmp_path / "giay-khen.pdf"
    certs = run(app, "certificates", issued["id"], "--out", pdf, data_dir=data)
    assert certs.returncode == 0, certs.stderr
    assert pdf_pages(pdf) == issued["recipient_count"]
    text = pdf_text(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and issued["number"] in text
    assert all(embedded for _, embedded in pdf_fonts(pdf))
    xlsx = tmp_path / "nam.xlsx"
    export = run(app, "export", "annual", "--out", xlsx, data_dir=data)
    assert export.returncode == 0, export.stderr
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert book.sheetnames
    # the decision as Word: python-docx's default template is bundled (its PyInstaller hook)
    word = tmp_path / "qd.docx"
    made = run(app, "decision", issued["id"], "--out", word, data_dir=data)
    assert made.returncode == 0, made.stderr
    assert issued["number"] in "".join(c.text for c in docx.Document(str(word)).tables[0]
                                       .rows[0].cells)
    # wrong usage and a user error keep their exit codes in the frozen program too
    assert run(app, "certificates", "999999", "--out", pdf, data_dir=data).returncode == 1
    assert run(app, "nonsense", data_dir=data).returncode == 2


def _closed_std():
    os.close(1)
    os.close(2)


def test_frozen_console_without_any_output_streams(app, data_dir):
    """As the windowed executable runs a command: no stdout, no stderr. (A frozen program
    ignores PYTHONIOENCODING; tests/test_console.py covers code pages from source.)"""
    demo = subprocess.run([os.path.join(app, frozen.CONSOLE), "demo"],
                          env={**os.environ, "TDKT_DATA_DIR": str(data_dir)},
                          preexec_fn=_closed_std, timeout=300)
    assert demo.returncode == 0
    assert "nguyên vẹn" in run(app, "check", data_dir=data_dir).stdout


def test_frozen_gui_reaches_the_first_run_wizard(app, tmp_path, data_dir):
    data = data_dir
    env = {**os.environ, "TDKT_DATA_DIR": str(data)}
    with frozen.Xvfb() as xvfb:
        start = time.perf_counter()
        seconds = frozen.time_to_window(xvfb, [os.path.join(app, frozen.APP)], env,
                                        [frozen.WIZARD_TITLE, frozen.LOGIN_TITLE])
    print(f"\nfrozen GUI to the first-run wizard: {seconds:.2f} s "
          f"(whole run {time.perf_counter() - start:.1f} s)")
    assert os.path.exists(data / "thiduakhenthuong.sqlite3")
