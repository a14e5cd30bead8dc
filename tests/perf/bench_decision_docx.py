"""Benchmark: a decision with 5,000 recipients as .docx vs the same decision as PDF.

    python tests/perf/bench_decision_docx.py [--quick]

Both are the product's paths (``decision_pdf.write_decision`` choosing by the extension),
on the same database in the same run, interleaved (docx, pdf, docx, pdf …) so a busy
machine slows both alike; the figure is the best .docx time over the best PDF time.
Goal (issue 17): the Word file within 3× the time of its PDF.
"""
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

GOAL = 3.0


def run(quick=False):
    from tests.perf.bench_decision_pdf import _setup
    from tests.perf.run import Result
    n = 500 if quick else 5000
    folder = tempfile.mkdtemp(prefix="tdkt-bench-docx-")
    decision_id = _setup(folder, n)
    from reports import decision_pdf
    word, pdf = os.path.join(folder, "qd.docx"), os.path.join(folder, "qd.pdf")
    times = {word: [], pdf: []}
    for _ in range(2):
        for path in (word, pdf):
            start = time.perf_counter()
            decision_pdf.write_decision(decision_id=decision_id, path=path)
            times[path].append(time.perf_counter() - start)
    t_word, t_pdf = min(times[word]), min(times[pdf])
    ratio = t_word / t_pdf
    size = os.path.getsize(word) / 1024
    from models import db as dbmod
    dbmod.close_database()
    shutil.rmtree(folder, ignore_errors=True)   # its database and documents (5 MB a run)
    return [Result(name=f"decision .docx ({n} recipients)", value=ratio, unit="×",
                   goal=f"≤ {GOAL:g}×", ok=ratio <= GOAL,
                   detail=f".docx {t_word:.2f} s ({size:.0f} KB) vs PDF {t_pdf:.2f} s")]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
