"""Benchmark: a decision with a long attached list (5,000 households) to PDF, vs a bare
reportlab canvas drawing the same cell strings at fixed positions.

    python tests/perf/bench_decision_pdf.py [--quick]

The product path reads the decision and its awards from SQLite, lays out the Decree-30
decision and the list (wrapping, page breaks, the column header on every page). The
baseline writes the same strings on the same number of landscape pages, with the same embedded font.
Goal: ≤ 2× the bare drawing with the same page count (issue 15), runs interleaved.
"""
import datetime
import os
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def _setup(folder, n):
    os.environ["TDKT_DATA_DIR"] = folder
    from models import db as dbmod, settings
    from models.entities import Award, Decision, Household, Title, Unit, UnitKind
    from models.accounts import batch_actor      # a fresh file: the built-in leader
    dbmod.open_database(os.path.join(folder, "bench.sqlite3"))
    settings.save_initial_settings(actor=batch_actor(), values={"commune_name": "Xã Tân Lập", "chairman": "Trần Văn Bình",
                                    "place_name": "Tân Lập"})
    village = Unit.create(name="Thôn Đông Hòa", name_key="thon dong hoa",
                          kind=UnitKind.get(UnitKind.code == "thon"))
    decision = Decision.create(year=2026, seq=7, number="7/QĐ-UBND", period_year=2025,
                               date=datetime.date(2026, 1, 15), state="draft",
                               signer_name="Trần Văn Bình",
                               about="Về việc công nhận danh hiệu Gia đình văn hóa năm 2025")
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
    given = ["Văn An", "Thị Bình", "Đức Cường", "Thị Dung", "Quang Huy", "Thị Hồng Nhung"]
    Household.insert_many([{"head_name": f"{families[i % 8]} {given[i % 6]}", "name_key": "x",
                            "gender": "nam", "village": village} for i in range(n)]).execute()
    title = Title.get(Title.code == "GK_HGD")
    rows = [{"decision": decision, "order": i, "household": h, "title": title,
             "display_name": h.head_name, "place": f"Số {i % 300 + 1}, Thôn Đông Hòa",
             "amount": 1_065_000, "register_year": 2026, "register_no": i + 1,
             "achievement": "Đã có thành tích xuất sắc trong phong trào thi đua yêu nước "
                            "năm 2025"} for i, h in enumerate(Household.select())]
    for i in range(0, len(rows), 500):
        Award.insert_many(rows[i:i + 500]).execute()
    Decision.update(total=1_065_000 * n, state="issued").where(
        Decision.id == decision.id).execute()     # issued once its list is in
    return decision.id


def _bare(path, lines, pages):
    """Every cell string drawn at a fixed place, on as many landscape pages as the
    product made (the same page count: the same font subsetting and page overhead),
    through one text object a page."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas
    from reports import pdfdoc
    pdfdoc.register_fonts()
    canvas = Canvas(path, pagesize=landscape(A4), initialFontName=pdfdoc.FONT)
    x = [90, 120, 240, 310, 410, 505, 680, 745]
    pages = max(1, pages)
    for page in range(pages):
        chunk = lines[page * len(lines) // pages:(page + 1) * len(lines) // pages]
        text_object = canvas.beginText()      # one text object a page, as the product
        text_object.setFont(pdfdoc.FONT, 11)
        for k, cells in enumerate(chunk):
            y = 520 - 480 * k / max(1, len(chunk))
            for j, text in enumerate(cells):
                text_object.setTextOrigin(x[j], y)
                text_object.textOut(text)
        canvas.drawText(text_object)
        canvas.showPage()
    canvas.save()


def run(quick=False):
    from tests.perf.run import Result, interleaved
    n = 500 if quick else 5000
    folder = tempfile.mkdtemp(prefix="tdkt-bench-qd-")
    decision_id = _setup(folder, n)
    from models import decisions
    from reports import decision_pdf
    from tests.helpers import pdf_pages
    product_pdf = os.path.join(folder, "product.pdf")
    bare_pdf = os.path.join(folder, "bare.pdf")
    lines = [[str(r["register_no"]), r["name"], r["position"], r["place"], r["title"],
              r["achievement"], f"{r['amount']:,}".replace(",", "."), r["note"]]
             for _, rows in decisions.recipient_groups(decisions.get_decision(decision_id))
             for r in rows]
    decision_pdf.write_decision(decision_id=decision_id, path=product_pdf)
    pages = pdf_pages(product_pdf)
    ratio, t_product, t_bare = interleaved(
        lambda: decision_pdf.write_decision(decision_id=decision_id, path=product_pdf),
        lambda: _bare(bare_pdf, lines, pages), 2 if quick else 3)
    bare_pages = pdf_pages(bare_pdf)
    from models import db as dbmod
    dbmod.close_database()
    shutil.rmtree(folder, ignore_errors=True)   # its database and PDFs (5 MB a run)
    return [Result(name=f"decision PDF ({n} recipients)", value=ratio, unit="×",
                   goal="≤ 2×", ok=ratio <= 2.0 and bare_pages == pages,
                   detail=f"{t_product:.2f} s for {pages} pages vs bare canvas {t_bare:.2f} s "
                          f"for {bare_pages} pages (median of interleaved pairs)")]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
