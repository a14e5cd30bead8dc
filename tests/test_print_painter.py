"""The print painter's shortcuts (gui/print_painter.py) put the same marks on the sheet as
plain QPainter calls: text laid out once into glyphs, and text drawn without a HarfBuzz
pass, give the very same page streams in the PDF Qt's engine writes (what CUPS receives);
the border's diamonds drawn as squares in a turned frame render pixel for pixel as the
polygons they are (Ghostscript)."""
import re
import shutil
import subprocess
import zlib

import pytest

from gui import print_painter as pp
from reports import cert_layout as L
from reports import pdfdoc

FACES = (pdfdoc.FONT, pdfdoc.FONT_BOLD, pdfdoc.FONT_ITALIC, pdfdoc.FONT_BOLD_ITALIC)
LINES = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
         "Đã có thành tích xuất sắc trong phong trào “Toàn dân đoàn kết” năm 2025 (đợt 15)",
         "aàảãáạăằẳẵắặâầẩẫấậđeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵ",
         "AÀẢÃÁẠĂẰẲẴẮẶÂẦẨẪẤẬĐEÈẺẼÉẸÊỀỂỄẾỆIÌỈĨÍỊOÒỎÕÓỌÔỒỔỖỐỘƠỜỞỠỚỢUÙỦŨÚỤƯỪỬỮỨỰYỲỶỸÝỴ",
         "Số 12/QĐ-UBND, ngày 15 tháng 12 năm 2025 — 1.250.000 ₫ ‘x’ … fi fl ffi",
         "CHU TICH 2025")                       # ASCII only: drawn as text, not glyphs


def _texts():
    items, y, i = [], 12.0, 0
    for face in FACES:
        for size in (11, 14.5, 20):
            for line in LINES:
                i += 1
                # scattered x: the glyph run must start where drawText's 1/64-pixel cut does
                items.append(L.Text(4 + (i * 7.919) % 23.3, y, line, face, size))
                y = y + 2.5 if y < 200 else 12.0
    return items


def _draw(path, pages):
    from PySide6.QtGui import QPainter
    from PySide6.QtPrintSupport import QPrinter
    from gui import printing
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setFullPage(True)
    printing.set_paper(printer, 297, 210)
    painter = QPainter()
    assert painter.begin(printer)
    drawer = pp.QtPageDrawer(painter, printer.resolution())
    for i, page in enumerate(pages):
        if i:
            printer.newPage()
        drawer.page(page)
    painter.end()
    return drawer


def _streams(path):
    """The decompressed content stream of every page, in page order."""
    data = path.read_bytes()
    objects = {int(m.group(1)): m.group(2)
               for m in re.finditer(rb"(\d+) 0 obj\n?(.*?)endobj", data, re.S)}
    pages = sorted(n for n, body in objects.items() if b"/Type /Page\n" in body)
    out = []
    for n in pages:
        contents = int(re.search(rb"/Contents (\d+) 0 R", objects[n]).group(1))
        raw = re.search(rb"stream\r?\n(.*)\r?\nendstream", objects[contents], re.S).group(1)
        out.append(zlib.decompress(raw))
    return out


def test_text_laid_out_once_lands_where_draw_text_puts_it(qapp, tmp_path):
    pdfdoc.register_fonts()
    items = _texts()
    replayed = _draw(tmp_path / "runs.pdf", [L.Page(297, 210, [L.Group(items, key="k")])])
    assert sum(g is not None for g in replayed._glyph_runs.values()) == len(items) - 12
    _draw(tmp_path / "text.pdf", [L.Page(297, 210, [L.Group(items)])])    # drawn once
    runs, text = _streams(tmp_path / "runs.pdf"), _streams(tmp_path / "text.pdf")
    assert runs[0].count(b" Tj\n") > 2000
    assert runs == text


def test_text_without_marks_is_the_same_without_shaping(qapp, tmp_path, monkeypatch):
    pdfdoc.register_fonts()
    items = _texts()
    assert not any(pp.needs_shaping(t.text) for t in items)
    assert pp.needs_shaping("Nguyễn Thị q\u0323")        # a mark NFC cannot fold: shaped
    page = L.Page(297, 210, [L.Group(items)])
    _draw(tmp_path / "plain.pdf", [page])
    monkeypatch.setattr(pp, "needs_shaping", lambda text: True)
    _draw(tmp_path / "shaped.pdf", [page])
    assert _streams(tmp_path / "plain.pdf") == _streams(tmp_path / "shaped.pdf")


def _render(path, out):
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=png16m", "-r300",
                    f"-sOutputFile={out}", str(path)], check=True)
    return out.read_bytes()


def test_diamonds_as_turned_squares_render_as_the_polygons(qapp, tmp_path, monkeypatch):
    from reports.cert_layout import _diamond
    shapes = [_diamond(8.6, 8.6, 3.2, L.RED), _diamond(297 - 8.6, 210 - 8.6, 3.2, L.RED)]
    shapes += [_diamond(i * 12, y, 0.9, L.GOLD) for i in range(2, 23) for y in (8.6, 201.4)]
    shapes += [L.Rect(40, 40, 30, 20, 0, (), L.GOLD), _diamond(90, 50, 5, L.GOLD)]
    page = L.Page(297, 210, [L.Group(shapes, dx=1.5, dy=-0.7)])
    _draw(tmp_path / "squares.pdf", [page])
    monkeypatch.setattr(pp, "_diamond_square", lambda points, k: None)
    _draw(tmp_path / "polygons.pdf", [page])
    squares, polygons = _streams(tmp_path / "squares.pdf"), _streams(tmp_path / "polygons.pdf")
    assert squares[0].count(b" re\n") == len(shapes) - 1 and b" cm\n" in squares[0]
    assert len(squares[0]) < 0.6 * len(polygons[0])
    if not shutil.which("gs"):
        pytest.skip("Ghostscript is not installed (scripts/setup-env.sh)")
    assert _render(tmp_path / "squares.pdf", tmp_path / "s.png") == \
        _render(tmp_path / "polygons.pdf", tmp_path / "p.png")
