"""Page "In giấy khen" → "Xem trước" on the decision with the most recipients: from the click
to the first certificate painted in the preview, against reading those awards and drawing
one certificate page bare.

    python tests/perf/bench_cert_preview.py [--quick] [--db large]

Product (a fresh process, the page open with the decision's rows listed): ``preview()``
writes the first PREVIEW_LIMIT certificates of the list to a PDF in a worker, the page
loads it into its QPdfDocument and the view paints the first page (the clock stops after
the viewport is grabbed). Baseline (a fresh process): sqlite3 reads the same first
PREVIEW_LIMIT awards with their subjects and titles, and a bare reportlab canvas draws one
A4 landscape page with the first recipient's lines in the embedded fonts and saves it.
Goal ≤ 4×: the preview draws a handful of pages more than the floor's one and Qt renders
one; what it must not do is read or draw the whole decision. Runs alternate (product,
baseline, …); the median of the per-pair ratios.
"""
import os
import statistics
import sys

ROOT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT_DIR not in sys.path:
    sys.path.insert(0, ROOT_DIR)

from tests.perf.common import ROOT, db_label, demo_db, run_child  # noqa: E402
from tests.perf.run import Result, pairs_for  # noqa: E402

GOAL = 4.0

PICK = ("SELECT a.decision_id FROM award a JOIN decision d ON d.id = a.decision_id "
        "WHERE d.state = 'issued' GROUP BY a.decision_id ORDER BY count(*) DESC LIMIT 1")

PRODUCT = """
import json, os, sys, tempfile, time
sys.path.insert(0, %(root)r)
from gui.app import make_app
from models.db import open_database, db
from models.entities import User
app = make_app()
open_database(%(db)r)
from gui import background
from gui.context import AppContext
from gui.pages import certificates as page_mod
decision_id = db.execute_sql(%(pick)r).fetchone()[0]
ctx = AppContext(User.get(User.username == 'bench'), 'x')
page = page_mod.CertificatesPage(ctx); page.resize(1366, 740); page.show()
page.decision.setCurrentIndex(page.decision.findData(decision_id))
while background.busy() or not page.model.rows:
    app.processEvents(); time.sleep(0.002)
rows = len(page.model.rows)
t = time.perf_counter()
worker = page.preview()
while not worker.isFinished() or page.preview_doc.pageCount() == 0:
    app.processEvents(); time.sleep(0.002)
app.processEvents()
page.view.viewport().grab()
print(json.dumps({"s": time.perf_counter() - t, "rows": rows,
                  "pages": page.preview_doc.pageCount()}))
"""

BARE = """
import json, os, sqlite3, sys, tempfile, time
sys.path.insert(0, %(root)r)
from reports import pdfdoc
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas
t = time.perf_counter()
conn = sqlite3.connect(%(db)r)
decision_id = conn.execute(%(pick)r).fetchone()[0]
rows = conn.execute(
    "SELECT a.id, a.display_name, a.place, a.position, a.achievement, a.register_no, t.name, "
    "d.number, d.date, p.full_name, p.gender, h.head_name, h.gender, u.name "
    "FROM award a JOIN title t ON t.id = a.title_id JOIN decision d ON d.id = a.decision_id "
    "LEFT JOIN person p ON p.id = a.person_id LEFT JOIN household h ON h.id = a.household_id "
    "LEFT JOIN unit u ON u.id = a.unit_id WHERE a.decision_id = ? ORDER BY a.\\"order\\", a.id "
    "LIMIT ?", (decision_id, %(limit)d)).fetchall()
pdfdoc.register_fonts()
out = os.path.join(tempfile.mkdtemp(), "one.pdf")
c = Canvas(out, pagesize=landscape(A4), initialFontName=pdfdoc.FONT)
first = rows[0]
lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "GIẤY KHEN",
         first[1] or "", first[2] or "", first[3] or "", first[6], first[4] or "",
         f"Số sổ vàng: {first[5]}", f"Quyết định số {first[7]} ngày {first[8]}"]
for k, text in enumerate(lines):
    c.setFont(pdfdoc.FONT_BOLD if k in (0, 2, 3) else pdfdoc.FONT, 14 if k != 2 else 28)
    c.drawCentredString(421, 520 - k * 40, text)
c.showPage()
c.save()
s = time.perf_counter() - t
import shutil
shutil.rmtree(os.path.dirname(out), ignore_errors=True)   # every run left its folder
print(json.dumps({"s": s, "rows": len(rows)}))
"""


def run(quick=False):
    from gui.pages.certificates import PREVIEW_LIMIT
    path = demo_db("small" if quick else "large")
    ratios, prod, base = [], [], []
    rows = pages = 0
    for _ in range(pairs_for(quick, 3)):
        p = run_child(PRODUCT % {"root": ROOT, "db": path, "pick": PICK})
        b = run_child(BARE % {"root": ROOT, "db": path, "pick": PICK, "limit": PREVIEW_LIMIT})
        ratios.append(p["s"] / b["s"])
        prod.append(p["s"])
        base.append(b["s"])
        rows, pages = p["rows"], p["pages"]
    ratio = statistics.median(ratios)
    return [Result(f"certificate preview ({rows:,} recipients, {db_label(path)} db)", ratio,
                   "×", f"≤ {GOAL:g}×", ratio <= GOAL,
                   f"first page shown {statistics.median(prod) * 1000:.0f} ms ({pages} pages "
                   f"made), bare read + one page {statistics.median(base) * 1000:.0f} ms")]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
