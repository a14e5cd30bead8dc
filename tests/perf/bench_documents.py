"""The public list (danh sách công khai) of the biggest council meeting and the file
proposed upward (hồ sơ đề nghị cấp trên), against the bare floor of the same pages.

    python tests/perf/bench_documents.py [--quick] [--db large]

Set-up on a copy of the demo database: a public posting of the meeting with the most
votes (``public_list.create_posting``), and last year's file upward as the demo builds it
(``models/demo_upward.build_upward``: the council's ballot on provincial titles, the passed
candidates added).

Public list. Product: ``public_list_doc.write_public_list(posting_id, path.pdf)`` as the page
and the batch command call it. Upward file. Product: ``upward_export.export`` to a folder
(every document as PDF and .docx, the data file, the SHA-256 manifest, read back).

Floor of both: sqlite3 runs the SELECTs the product ran (sqlite3's trace callback, each kind
once) and fetches every row; a bare reportlab canvas draws the text of every page the
product made (pdftotext, read before the clock starts) on as many pages, with the same
embedded fonts; the upward file's other files (.docx, data, manifest) are written as bytes.
Goal ≤ 2× (the decision PDF's goal: layout — wrapping, page breaks, repeated headers — may
cost as much as drawing). Interleaved runs, the median of the per-pair ratios.
"""
import datetime
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import types

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

GOAL = 2.0


def page_lines(pdf):
    """[[line, …] per page] of a PDF, as pdftotext -layout reads it."""
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in pages]


def bare_pdf(path, pages, *, landscape=False):
    """Every line of every page drawn at a fixed place, one PDF page per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turned
    from reportlab.pdfgen.canvas import Canvas
    from reports import pdfdoc
    pdfdoc.register_fonts()
    size = turned(A4) if landscape else A4
    c = Canvas(path, pagesize=size, initialFontName=pdfdoc.FONT)
    for lines in pages:
        c.setFont(pdfdoc.FONT, 11)
        step = (size[1] - 80) / max(1, len(lines))
        for k, line in enumerate(lines):
            c.drawString(40, size[1] - 40 - k * step, line)
        c.showPage()
    c.save()


def run_selects(db_path, statements):
    conn = sqlite3.connect(db_path)
    got = 0
    for sql in statements:
        try:
            got += len(conn.execute(sql).fetchall())
        except sqlite3.Error:
            pass
    conn.close()
    return got


def _setup(path):
    """(posting id, upward file) made on the database at ``path`` (opened)."""
    from peewee import fn
    from models import public_list, upward
    from models.demo_upward import build_upward
    from models.entities import Meeting, UpwardFile, User, Vote
    actor = User.get(User.username == "bench")
    meeting = Meeting.get_by_id(Vote.select(Vote.meeting).group_by(Vote.meeting)
                                .order_by(fn.COUNT(Vote.id).desc()).limit(1).scalar())
    start = meeting.date + datetime.timedelta(days=1)
    posting = public_list.create_posting(actor=actor, meeting=meeting, posted_from=start,
                                         posted_to=start + datetime.timedelta(days=6),
                                         comments_until=start + datetime.timedelta(days=7))
    upward_file = UpwardFile.select().order_by(UpwardFile.id.desc()).first()
    if upward_file is None:
        this_year = Meeting.select(fn.MAX(Meeting.year)).scalar() + 1
        build_upward(types.SimpleNamespace(actor=actor, this_year=this_year,
                                           rng=random.Random(15)))
        upward_file = UpwardFile.select().order_by(UpwardFile.id.desc()).first()
    if upward_file is not None:
        upward_file = upward.get_file(upward_file.id)
    return posting.id, upward_file


def _traced(fn):
    from models import db as dbmod
    from tests.perf.common import distinct_selects
    seen = []
    conn = dbmod.db.connection()
    conn.set_trace_callback(seen.append)
    try:
        result = fn()
    finally:
        conn.set_trace_callback(None)
    return result, [s for s in distinct_selects(seen)
                    if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def run(quick=False):
    from models import db as dbmod
    from reports import public_list_doc, upward_export
    from tests.perf.common import db_label, demo_db
    from tests.perf.run import Result, interleaved, pairs_for
    source = demo_db("small" if quick else "large")
    folder = tempfile.mkdtemp(prefix="tdkt-bench-docs-")
    path = os.path.join(folder, os.path.basename(source))
    shutil.copyfile(source, path)
    label = db_label(source)
    pairs = pairs_for(quick, 3)
    results = []
    dbmod.open_database(path)
    try:
        posting_id, upward_file = _setup(path)
        # public list
        out, base_out = os.path.join(folder, "cong-khai.pdf"), os.path.join(folder, "b.pdf")
        _, statements = _traced(lambda: public_list_doc.write_public_list(
            posting_id=posting_id, path=out))
        pages = page_lines(out)
        rows = sum(1 for p in pages for line in p if line[:1].isdigit())

        def bare_list():
            run_selects(path, statements)
            bare_pdf(base_out, pages)
        ratio, prod, base = interleaved(
            lambda: public_list_doc.write_public_list(posting_id=posting_id, path=out),
            bare_list, pairs=pairs)
        results.append(Result(f"public list PDF ({len(pages)} pages, {label} db)", ratio, "×",
                              f"≤ {GOAL:g}×", ratio <= GOAL,
                              f"product {prod:.2f} s, bare SELECTs + canvas of the same "
                              f"pages {base:.2f} s; ~{rows:,} numbered lines"))
        # upward file
        if upward_file is not None:
            target = os.path.join(folder, "usb")
            os.makedirs(target)

            def product_upward():
                shutil.rmtree(target)
                os.makedirs(target)
                return upward_export.export(upward_file=upward_file, dest_dir=target)
            made, statements = _traced(product_upward)
            made_dir = made["path"]
            pdfs = {n: page_lines(os.path.join(made_dir, n)) for n in made["files"]
                    if n.endswith(".pdf")}
            others = {n: open(os.path.join(made_dir, n), "rb").read() for n in made["files"]
                      if not n.endswith(".pdf")}
            bare_dir = os.path.join(folder, "bare-usb")
            os.makedirs(bare_dir)

            def bare_upward():
                run_selects(path, statements)
                for name, doc_pages in pdfs.items():
                    bare_pdf(os.path.join(bare_dir, name), doc_pages)
                for name, data in others.items():
                    with open(os.path.join(bare_dir, name), "wb") as fh:
                        fh.write(data)
            ratio, prod, base = interleaved(product_upward, bare_upward, pairs=pairs)
            n_pages = sum(len(p) for p in pdfs.values())
            results.append(Result(f"upward file export ({len(made['files'])} files, {label} db)",
                                  ratio, "×", f"≤ {GOAL:g}×", ratio <= GOAL,
                                  f"product {prod:.2f} s, bare SELECTs + canvas of its "
                                  f"{n_pages} PDF pages + other files as bytes {base:.2f} s"))
    finally:
        dbmod.close_database()
        shutil.rmtree(folder, ignore_errors=True)
    return results


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
