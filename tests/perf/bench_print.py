"""Benchmark: 200 full-design certificates printed to a CUPS file queue vs the same written
to a PDF, in the same run.

    python tests/perf/bench_print.py [--quick]

Time: from the start of the print run on an opened printer (the clerk chose it; opening and
checking it is ~0.15 s, reported apart) until the spooler holds the whole job —
print_certificates returns only after it found the job in the queue and logged it — against
write_decision_certificates to a PDF. Size: the document the spooler received, and the
PostScript the printer received, against that PDF. A private cupsd (tests/cups_queue.py)
with the generic PostScript driver stands in for an office laser printer.

Five interleaved pairs (PDF, print, PDF, print …; the first pair warms up and is left out),
the median of the per-pair ratios — until stop 25 the smallest print over the smallest PDF
of three each, which swung 1.8–2.9× at load 5–6. Beside it, the CPU time ratio of the same
runs (the print side counts its child processes too; cupsd's own work is not counted).
"""
import atexit
import os
import resource
import shutil
import statistics
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
    if not cups_queue.reserved():
        # the folder (job history, the PostScript received: ~2.7 MB) goes with the process;
        # not at the end of this run: libcups keeps the socket it first used for the rest
        # of the process, so a second run here must find its server at the same path
        atexit.register(cups_queue.release)
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
    from tests.perf.run import Result, pairs_for
    n = 50 if quick else N
    folder = tempfile.mkdtemp(prefix="bench-print-")
    decision = _setup(folder, n)
    batch_print.ensure_app()
    actor = batch_actor()
    queue = cups_queue_for(server)
    pdf = os.path.join(folder, "own.pdf")
    times = {"pdf": [], "print": [], "open": [], "ratio": [], "cpu": []}
    job = ""
    pairs = pairs_for(quick, 5)
    warm = 1 if pairs > 1 else 0        # a first pair that warms up, left out
    for i in range(warm + pairs):       # interleaved: PDF, printer, PDF, printer, ...
        (pdf_wall, pdf_cpu), _ = _timed(
            lambda: certs.write_decision_certificates(decision_id=decision.id, path=pdf))
        start = time.perf_counter()
        printer = printing.make_printer(queue.name)
        opened = time.perf_counter() - start
        (print_wall, print_cpu), result = _timed(
            lambda: batch_print.print_certificates(actor=actor, decision_id=decision.id,
                                                   printer_name=queue.name, printer=printer))
        assert result.outcome.printed == n and result.outcome.job, result.outcome.error
        job = result.outcome.job
        queue.received(timeout=600)
        if i < warm:
            continue
        times["pdf"].append(pdf_wall)
        times["print"].append(print_wall)
        times["open"].append(opened)
        times["ratio"].append(print_wall / pdf_wall)
        times["cpu"].append(print_cpu / pdf_cpu)
    median = statistics.median
    ratio, cpu_ratio = median(times["ratio"]), median(times["cpu"])
    t_pdf, t_print = median(times["pdf"]), median(times["print"])
    pdf_size = os.path.getsize(pdf)
    spooled = server.spooled_size(job)
    received = os.path.getsize(queue.out)
    dbmod.close_database()
    shutil.rmtree(folder, ignore_errors=True)       # its database and PDF (every run left one)
    return [
        Result(name=f"print {n} certificates: time to spooler", value=ratio, unit="×",
               goal=f"≤ {TIME_GOAL}×", ok=ratio <= TIME_GOAL,
               detail=f"median of {len(times['ratio'])} pairs; print {t_print:.2f} s, PDF "
                      f"{t_pdf:.2f} s; CPU time ratio {cpu_ratio:.2f}×; opening the printer "
                      f"{median(times['open']):.2f} s"),
        Result(name=f"print {n} certificates: job size", value=spooled / pdf_size, unit="×",
               goal=f"≤ {SIZE_GOAL}×", ok=spooled / pdf_size <= SIZE_GOAL,
               detail=f"spooled {spooled / 1e6:.2f} MB, PostScript to printer "
                      f"{received / 1e6:.2f} MB ({received / pdf_size:.1f}×), our PDF "
                      f"{pdf_size / 1e6:.2f} MB"),
    ]


def _timed(fn):
    """((wall s, CPU s of this process and its finished children), fn's result)."""
    def cpu():
        own, kids = resource.getrusage(resource.RUSAGE_SELF), \
            resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    c, start = cpu(), time.perf_counter()
    result = fn()
    return (time.perf_counter() - start, cpu() - c), result


def cups_queue_for(server):
    from tests.cups_queue import FileQueue
    return FileQueue(server)


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
