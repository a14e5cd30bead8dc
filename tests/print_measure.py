"""Measure printed pages in mm: render a PDF or a PostScript job with Ghostscript, find where
the ink is, and how far one rendering is shifted against another.

Ghostscript renders what the printer received exactly as a PostScript printer would; our
own PDF goes through the same renderer, so differences are the print path's, not the
renderers'.
"""
import os
import subprocess
import tempfile

from PySide6.QtGui import QImage, QTransform

DPI = 100
MM_PER_PX = 25.4 / DPI
INK = 200            # a pixel darker than this is ink (grey sample text and gold included)


class Raster:
    """One grey page: ``w`` × ``h`` pixels at DPI, rows of bytes."""

    def __init__(self, image):
        self.image = image.convertToFormat(QImage.Format_Grayscale8)
        self.w, self.h = self.image.width(), self.image.height()
        bpl = self.image.bytesPerLine()
        data = bytes(self.image.constBits())
        self.rows = [data[y * bpl:y * bpl + self.w] for y in range(self.h)]
        self._ink = bytes(1 if v < INK else 0 for v in range(256))

    @property
    def size_mm(self):
        return (round(self.w * MM_PER_PX, 1), round(self.h * MM_PER_PX, 1))

    def rotated(self, degrees):
        return Raster(self.image.transformed(QTransform().rotate(degrees)))

    def row_ink(self):
        return [r.translate(self._ink).count(1) for r in self.rows]

    def col_ink(self):
        cols = [0] * self.w
        for r in self.rows:
            mask = r.translate(self._ink)
            if 1 in mask:
                for x, v in enumerate(mask):
                    cols[x] += v
        return cols

    def ink_total(self):
        return sum(self.row_ink())

    def bbox_mm(self, area=None):
        """(left, top, right, bottom) mm of the ink (within ``area`` mm if given)."""
        x0, y0, x1, y1 = (0, 0, self.w, self.h) if area is None else \
            (int(area[0] / MM_PER_PX), int(area[1] / MM_PER_PX), int(area[2] / MM_PER_PX),
             int(area[3] / MM_PER_PX))
        rows = [y for y in range(y0, y1) if 1 in self.rows[y][x0:x1].translate(self._ink)]
        if not rows:
            return None
        left, right = x1, x0
        for y in rows:
            mask = self.rows[y][x0:x1].translate(self._ink)
            left = min(left, x0 + mask.index(1))
            right = max(right, x0 + len(mask) - mask[::-1].index(1))
        return (left * MM_PER_PX, rows[0] * MM_PER_PX, right * MM_PER_PX,
                (rows[-1] + 1) * MM_PER_PX)


def render(path, *, first=1, last=None):
    """[Raster] of the pages of a PDF or PostScript file, rendered by Ghostscript."""
    assert os.path.getsize(path) > 0, f"nothing to render in {path}"
    folder = tempfile.mkdtemp(prefix="render-")
    cmd = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pgmraw", f"-r{DPI}",
           f"-dFirstPage={first}"]
    if last:
        cmd.append(f"-dLastPage={last}")
    subprocess.run(cmd + [f"-sOutputFile={folder}/p-%04d.pgm", str(path)], check=True,
                   capture_output=True, timeout=300)
    pages = []
    for name in sorted(os.listdir(folder)):
        image = QImage(os.path.join(folder, name))
        assert not image.isNull(), f"Ghostscript wrote an unreadable page {name}"
        pages.append(Raster(image))
    return pages


def _best_shift(a, b, limit):
    """Shift s (px, sub-pixel) that best lays profile ``b`` over ``a`` (b[i + s] ~ a[i])."""
    def score(s):
        return sum(a[i] * b[i + s] for i in range(max(0, -s), min(len(a), len(b) - s)))
    scores = {s: score(s) for s in range(-limit, limit + 1)}
    s = max(scores, key=scores.get)
    if -limit < s < limit:
        l, c, r = scores[s - 1], scores[s], scores[s + 1]
        den = l - 2 * c + r
        if den:
            return s + 0.5 * (l - r) / den
    return float(s)


def shift_mm(reference, page, limit_mm=25):
    """(dx, dy) mm by which ``page``'s ink lies right/down of ``reference``'s."""
    limit = int(limit_mm / MM_PER_PX)
    return (_best_shift(reference.col_ink(), page.col_ink(), limit) * MM_PER_PX,
            _best_shift(reference.row_ink(), page.row_ink(), limit) * MM_PER_PX)


def upright(job, like):
    """The job page turned the way ``like`` is (a landscape sheet is fed portrait and its
    content rotated): returns (Raster, degrees turned)."""
    if (job.w > job.h) == (like.w > like.h):
        return job, 0
    best = None
    for deg in (90, -90):
        turned = job.rotated(deg)
        diff = sum(abs(a - b) for a, b in zip(like.row_ink(), turned.row_ink())) + \
            sum(abs(a - b) for a, b in zip(like.col_ink(), turned.col_ink()))
        if best is None or diff < best[0]:
            best = (diff, turned, deg)
    return best[1], best[2]
