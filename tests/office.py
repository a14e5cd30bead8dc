"""Files made by another program: LibreOffice headless converts our fixtures.

A reader tested only on what our own writer makes can refuse every real workbook
(see ../shared/FACTS.md). These helpers let a test hand a file to LibreOffice and get
back what LibreOffice saved: an .xlsx written by Calc, a PDF of a .docx or .xlsx.
"""
import os
import shutil
import subprocess
import tempfile

import pytest

XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"


def soffice():
    """Path of LibreOffice's command, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def needs_libreoffice():
    """Skip marker for tests that need LibreOffice; CI installs it (test.sh), so there it runs."""
    return pytest.mark.skipif(soffice() is None and not os.environ.get("CI"),
                              reason="LibreOffice (libreoffice-calc-nogui) không có")


def convert(paths, target, outdir, *, timeout=180):
    """Convert files with LibreOffice headless; returns the output paths in input order.

    target: a --convert-to argument, e.g. XLSX_FILTER, "pdf", "xls", "ods".
    LibreOffice runs with its own throw-away profile so tests never share state.
    """
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice không có: cài gói libreoffice-calc-nogui")
    paths = [os.fspath(p) for p in paths]
    os.makedirs(outdir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-home-") as home:
        env = dict(os.environ, HOME=home)
        profile = "file://" + os.path.join(home, "profile")
        subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                        "--convert-to", target, "--outdir", os.fspath(outdir), *paths],
                       check=True, capture_output=True, env=env, timeout=timeout)
    ext = target.split(":", 1)[0]
    outs = []
    for p in paths:
        out = os.path.join(outdir, os.path.splitext(os.path.basename(p))[0] + "." + ext)
        if not os.path.exists(out):
            raise RuntimeError(f"LibreOffice did not write {out}")
        outs.append(out)
    return outs


def saved_by_libreoffice(path, outdir):
    """The same workbook as LibreOffice Calc saves it (shared strings, its own styles)."""
    return convert([path], XLSX_FILTER, outdir)[0]
