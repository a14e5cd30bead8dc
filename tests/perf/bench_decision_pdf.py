"""Benchmark: a decision with a long attached list (5,000 households) to PDF, vs a bare
reportlab canvas drawing the same cell strings at fixed positions.

    python tests/perf/bench_decision_pdf.py [--quick]

The product path reads the decision and its awards from SQLite, lays out the Decree-30
decision and the list (wrapping, page breaks, the column header on every page). The
baseline writes the same strings, 14 rows a landscape page, with the same embedded font.
No goal is set in DESIGN.md; the figure shows what the layout costs over bare drawing.
"""
import datetime
import os
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


def _bare(path, lines):
    """Every cell string drawn at a fixed place, 14 rows a landscape page."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas
    from reports import pdfdoc
    pdfdoc.register_fonts()
    canvas = Canvas(path, pagesize=landscape(A4), initialFontName=pdfdoc.FONT)
    x = [90, 120, 240, 310, 410, 505, 680, 745]
    for start in range(0, len(lines), 14):
        canvas.setFont(pdfdoc.FONT, 11)
        for k, cells in enumerate(lines[start:start + 14]):
            y = 520 - 34 * k
            for j, text in enumerate(cells):
                canvas.drawString(x[j], y, text)
        canvas.showPage()
    canvas.save()


def run(quick=False):
    from tests.perf.run import Result, best_of
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
    t_product = best_of(lambda: decision_pdf.write_decision(decision_id=decision_id,
                                                            path=product_pdf), 2)
    t_bare = best_of(lambda: _bare(bare_pdf, lines), 2)
    pages = pdf_pages(product_pdf)
    return [Result(name=f"decision PDF ({n} recipients)", value=t_product / t_bare, unit="×",
                   goal="—", ok=True,
                   detail=f"{t_product:.2f} s for {pages} pages vs bare canvas {t_bare:.2f} s")]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
