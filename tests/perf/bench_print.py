"""Benchmark: 200 full-design certificates printed to a CUPS file queue vs the same written
to a PDF, in the same run.

    python tests/perf/bench_print.py [--quick]

Time: from the start of the print run on an opened printer (the clerk chose it; opening and
checking it is ~0.15 s, reported apart) until the spooler holds the whole job —
print_certificates returns only after it found the job in the queue and logged it — against
write_decision_certificates to a PDF. Size: the document the spooler received, and the
PostScript the printer received, against that PDF. A private cupsd (tests/cups_queue.py)
with the generic PostScript driver stands in for an office laser printer.
"""
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

TIME_GOAL = 2.0
SIZE_GOAL = 5.0
N = 200


def run(quick=False):
    from tests import cups_queue
    from tests.perf.run import Result
    why = cups_queue.available()
    if why:
        return [Result(name="print to CUPS (skipped)", value=0, unit="×", goal="-", ok=False,
                       detail=why)]
    server = cups_queue.reserve().start()
    try:
        return _run(server, quick)
    finally:
        server.stop()


def _run(server, quick):
    from gui import batch_print, printing
    from models import db as dbmod
    from models.accounts import batch_actor
    from reports import certificates as certs
    from tests.perf.bench_certificates import _setup
    from tests.perf.run import Result
    n = 50 if quick else N
    folder = tempfile.mkdtemp(prefix="bench-print-")
    decision = _setup(folder, n)
    batch_print.ensure_app()
    actor = batch_actor()
    queue = cups_queue_for(server)
    pdf = os.path.join(folder, "own.pdf")
    times = {"pdf": [], "print": [], "open": []}
    job = ""
    for _ in range(1 if quick else 3):            # interleaved: PDF, printer, PDF, ...
        start = time.perf_counter()
        certs.write_decision_certificates(decision_id=decision.id, path=pdf)
        times["pdf"].append(time.perf_counter() - start)
        start = time.perf_counter()
        printer = printing.make_printer(queue.name)
        times["open"].append(time.perf_counter() - start)
        start = time.perf_counter()
        result = batch_print.print_certificates(actor=actor, decision_id=decision.id,
                                                printer_name=queue.name, printer=printer)
        times["print"].append(time.perf_counter() - start)
        assert result.outcome.printed == n and result.outcome.job, result.outcome.error
        job = result.outcome.job
        queue.received(timeout=600)
    t_pdf, t_print = min(times["pdf"]), min(times["print"])
    pdf_size = os.path.getsize(pdf)
    spooled = server.spooled_size(job)
    received = os.path.getsize(queue.out)
    dbmod.close_database()
    return [
        Result(name=f"print {n} certificates: time to spooler", value=t_print / t_pdf, unit="×",
               goal=f"≤ {TIME_GOAL}×", ok=t_print / t_pdf <= TIME_GOAL,
               detail=f"print {t_print:.2f} s, PDF {t_pdf:.2f} s, opening the printer "
                      f"{min(times['open']):.2f} s"),
        Result(name=f"print {n} certificates: job size", value=spooled / pdf_size, unit="×",
               goal=f"≤ {SIZE_GOAL}×", ok=spooled / pdf_size <= SIZE_GOAL,
               detail=f"spooled {spooled / 1e6:.2f} MB, PostScript to printer "
                      f"{received / 1e6:.2f} MB ({received / pdf_size:.1f}×), our PDF "
                      f"{pdf_size / 1e6:.2f} MB"),
    ]


def cups_queue_for(server):
    from tests.cups_queue import FileQueue
    return FileQueue(server)


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
