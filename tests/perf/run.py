"""Runs every benchmark and prints one line each: name, value, goal, ok.

    python tests/perf/run.py [--json] [--quick] [--only NAME] [--skip NAME,…]
                             [--db small|large|xlarge|FILE]

A benchmark module has ``run(quick=False) -> list[Result]``; each Result compares the
product's path with a bare baseline of the same library measured in the same run (a ratio),
or gives an absolute time where DESIGN.md sets one. Register modules in BENCHES.
"""
import argparse
import importlib
import json
import os
import sys
import time
from dataclasses import asdict, dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BENCHES = [
    "tests.perf.bench_startup",
    "tests.perf.bench_bulk_register",
    "tests.perf.bench_list",
    "tests.perf.bench_org_page",
    "tests.perf.bench_memory",
    "tests.perf.bench_memory_pages",
    "tests.perf.bench_memory_docs",
    "tests.perf.bench_certificates",
    "tests.perf.bench_import",
    "tests.perf.bench_excel_export",
    "tests.perf.bench_registrations_export",
    "tests.perf.bench_exports_more",
    "tests.perf.bench_backup",
    "tests.perf.bench_lookup",
    "tests.perf.bench_cert_preview",
    "tests.perf.bench_documents",
    "tests.perf.bench_scoring",
    "tests.perf.bench_decision_pdf",
    "tests.perf.bench_decision_docx",
    "tests.perf.bench_print",
    "tests.perf.bench_minutes_pdf",
    "tests.perf.bench_frozen",
    "tests.perf.bench_freeze",
    "tests.perf.bench_decisions_page",
    "tests.perf.bench_pg_move",
    "tests.perf.bench_province",
]


@dataclass
class Result:
    name: str
    value: float
    unit: str          # "×" for ratios, "ms", "MB"
    goal: str          # e.g. "≤ 1.5×", "< 150 ms"
    ok: bool
    detail: str = ""
    load: str = ""     # the machine's load average (1, 5, 15 min) when the result came


def best_of(fn, repeat=3):
    """Smallest wall time of ``repeat`` calls (seconds): the least noisy figure."""
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def pairs_for(quick, full=3):
    """How many product/baseline pairs to run: ``full``, 2 when quick, or
    ``TDKT_BENCH_PAIRS`` (the smoke test runs one)."""
    if os.environ.get("TDKT_BENCH_PAIRS"):
        return int(os.environ["TDKT_BENCH_PAIRS"])
    return 2 if quick else full


def interleaved(product, baseline, pairs=3):
    """Time ``product()`` and ``baseline()`` alternately (A B A B …, so a busy machine
    slows both alike); returns (median of the per-pair ratios, median product seconds,
    median baseline seconds)."""
    import statistics
    ratios, a_times, b_times = [], [], []
    for _ in range(pairs):
        start = time.perf_counter()
        product()
        a = time.perf_counter() - start
        start = time.perf_counter()
        baseline()
        b = time.perf_counter() - start
        ratios.append(a / b)
        a_times.append(a)
        b_times.append(b)
    return (statistics.median(ratios), statistics.median(a_times),
            statistics.median(b_times))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true")
    p.add_argument("--quick", action="store_true", help="smaller data, for a smoke run")
    p.add_argument("--only", help="run only benchmarks whose module name contains this")
    p.add_argument("--skip", default="", help="comma-separated: skip benchmarks whose "
                   "module name contains one of these")
    p.add_argument("--db", help="database of the demo-based benchmarks: a demo size (small, "
                   "large, xlarge) or a file, copied first (e.g. /work/perfdata/xlarge.sqlite3)")
    args = p.parse_args(argv)
    if args.db:
        os.environ["TDKT_BENCH_DB"] = os.path.abspath(args.db) if os.path.isfile(args.db) \
            else args.db
    results = []
    for name in BENCHES:
        if args.only and args.only not in name:
            continue
        if any(part and part in name for part in args.skip.split(",")):
            continue
        module = importlib.import_module(name)
        for r in module.run(quick=args.quick):
            r.load = " ".join(f"{v:.2f}" for v in os.getloadavg()) \
                if hasattr(os, "getloadavg") else ""
            results.append(r)
            mark = "ok" if r.ok else "MISSED"
            line = (f"{r.name:<40} {r.value:>10.2f} {r.unit:<3} goal {r.goal:<10} {mark}"
                    + (f"  ({r.detail})" if r.detail else ""))
            # with --json the lines go to stderr as they come: a long run shows its
            # progress, and what ran before a crash is not lost
            print(line, file=sys.stderr if args.json else sys.stdout, flush=True)
    if args.json:
        print(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1))
    return 0


def main_for(bench_file):
    """``python tests/perf/bench_x.py [--quick] [--json]``: run that benchmark alone."""
    name = os.path.splitext(os.path.basename(bench_file))[0]
    sys.exit(main(["--only", name] + sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
