"""Benchmark: the council's minutes PDF must stay linear in its rows.

    python tests/perf/bench_minutes_pdf.py [--quick]

A meeting with 1,000, 8,000 and 22,000 votes (thousands of distinct names) is written with
the real path (``minutes_pdf.write_minutes``: SQLite → rows → Decree-30 layout → PDF), and
each size also with a bare reportlab canvas drawing the same cell strings. Reported: the
product's cost per row at the largest size over its cost per row at the smallest (flat =
1.0; a table re-measured at every page break grows with the size: 95 s at 22k before),
and, for information, the product over the bare canvas at the largest size (the minutes'
narrow columns wrap names and places, which a bare canvas does not: goal ≤ 3×).
Runs are interleaved.
"""
import datetime
import os
import sys
import tempfile
import time

# The minutes' narrow columns wrap names and places into paragraphs, which the bare canvas
# does not: one more than the decision PDF's ≤ 2× (whose list also wraps, in wider columns).
CANVAS_GOAL = 3.0
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Hữu", "Thanh", "Quang", "Xuân", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Đạt", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa",
         "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong",
         "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tuấn", "Yến"]


def name(i):
    return f"{FAMILY[i % 16]} {MIDDLE[(i // 16) % 10]} {GIVEN[(i // 160) % 30]}"


def _setup(folder, sizes):
    os.environ["TDKT_DATA_DIR"] = folder
    from models import db as dbmod, settings
    from models.entities import Candidate, Meeting, Person, Title, Unit, UnitKind, Vote
    dbmod.open_database(os.path.join(folder, "bench.sqlite3"))
    from models.accounts import batch_actor      # a fresh file: the built-in leader
    settings.save_initial_settings(actor=batch_actor(), values={
                                    "commune_name": "Xã Tân Lập", "chairman": "Trần Văn Bình",
                                    "place_name": "Tân Lập"})
    unit = Unit.create(name="Trường Tiểu học Tân Lập", name_key="truong",
                       kind=UnitKind.get(UnitKind.code == "truong"))
    title = Title.get(Title.code == "LDTT")
    biggest = max(sizes)
    Person.insert_many([{"full_name": name(i), "name_key": "x", "gender": "nam",
                         "unit": unit} for i in range(biggest)]).execute()
    people = [p for (p,) in Person.select(Person.id).order_by(Person.id).tuples()]
    meetings = {}
    for k, n in enumerate(sizes):
        year = 2020 + k     # the minutes list the candidates of the meeting's year
        meeting = Meeting.create(year=year, date=datetime.date(year, 12, 20), place="Hội trường",
                                 chair="Trần Văn Bình", secretary="Lê Thị Thư",
                                 members_total=11, members_present=11)
        for k0 in range(0, n, 500):
            Candidate.insert_many([{"year": year, "person": people[i], "title": title}
                                   for i in range(k0, min(k0 + 500, n))]).execute()
        cands = [c for (c,) in Candidate.select(Candidate.id).order_by(Candidate.id.desc())
                 .limit(n).tuples()]
        for k in range(0, n, 500):
            Vote.insert_many([{"meeting": meeting, "candidate": c, "votes_for": 9,
                               "votes_against": 2, "percent": "81.82", "passed": True}
                              for c in cands[k:k + 500]]).execute()
        meetings[n] = meeting.id
    return meetings


def _bare(path, lines):
    """Every cell string at a fixed place, 30 rows an A4 page: no layout at all."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas
    from reports import pdfdoc
    pdfdoc.register_fonts()
    canvas = Canvas(path, pagesize=A4, initialFontName=pdfdoc.FONT)
    x = [85, 115, 220, 300, 380, 420, 460, 505]
    for start in range(0, len(lines), 30):
        canvas.setFont(pdfdoc.FONT, 11)
        for k, cells in enumerate(lines[start:start + 30]):
            for j, text in enumerate(cells):
                canvas.drawString(x[j], 760 - 24 * k, text)
        canvas.showPage()
    canvas.save()


def run(quick=False):
    from tests.perf.run import Result
    sizes = (300, 1200, 3000) if quick else (1000, 8000, 22000)
    folder = tempfile.mkdtemp(prefix="tdkt-bench-minutes-")
    meetings = _setup(folder, sizes)
    from models import council
    from models.entities import Meeting
    from reports import minutes_pdf
    per_row, bare = {}, {}
    for n in sizes:
        lines = [[str(i + 1), r["name"], r["place"], r["title"], "9", "2", "81,82", "Đạt"]
                 for i, r in enumerate(council.vote_rows(Meeting.get_by_id(meetings[n])))]
        best_p = best_b = None
        for _ in range(2 if n < 20000 else 1):          # A B A B …
            start = time.perf_counter()
            minutes_pdf.write_minutes(meeting_id=meetings[n],
                                      path=os.path.join(folder, f"minutes-{n}.pdf"))
            t_p = time.perf_counter() - start
            start = time.perf_counter()
            _bare(os.path.join(folder, f"bare-{n}.pdf"), lines)
            t_b = time.perf_counter() - start
            best_p = t_p if best_p is None else min(best_p, t_p)
            best_b = t_b if best_b is None else min(best_b, t_b)
        per_row[n] = best_p / n
        bare[n] = best_b
    small, large = min(sizes), max(sizes)
    growth = per_row[large] / per_row[small]
    detail = ", ".join(f"{n:,} rows {per_row[n] * 1000:.2f} ms/row" for n in sizes)
    def label(n):
        return f"{n // 1000}k" if n >= 1000 else str(n)
    canvas = per_row[large] * large / bare[large]
    return [Result(name=f"minutes PDF per-row cost {label(large)} / {label(small)}",
                   value=growth, unit="×", goal="≤ 1.3×", ok=growth <= 1.3, detail=detail),
            Result(name=f"minutes PDF {large:,} votes vs bare canvas",
                   value=canvas, unit="×", goal=f"≤ {CANVAS_GOAL:g}×", ok=canvas <= CANVAS_GOAL,
                   detail=f"{per_row[large] * large:.1f} s vs {bare[large]:.1f} s")]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
