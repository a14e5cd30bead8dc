"""Peak memory of every long document and export on the demo communes (issue 15: < 300 MB
for the 2× large demo's biggest decision, its certificates and every export).

    python tests/perf/bench_memory_docs.py [--quick] [--json]
    TDKT_BENCH_SIZES=large,xlarge python tests/perf/run.py --only bench_memory_docs

Each document is written by the same function the GUI and the batch commands call, in a
fresh process; the figure is that process's resident high-water mark (ru_maxrss), which
includes the interpreter, the libraries and the open database (~40 MB). The biggest decision
and council meeting, and the newest registration year, are looked up in the database.
"""
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.perf.common import db_label, demo_db, run_child  # noqa: E402
from tests.perf.run import Result  # noqa: E402

GOAL_MB = 300

# name: code writing the document to ``out`` (``dec``, ``meeting``, ``year`` are set)
JOBS = {
    "decision PDF": "from reports import decision_pdf as m; "
                    "m.write_decision(decision_id=dec, path=out)",
    "decision docx": "from reports import decision_pdf as m; "
                     "m.write_decision(decision_id=dec, path=out)",
    "certificates PDF": "from reports import certificates as m; "
                        "m.write_decision_certificates(decision_id=dec, path=out)",
    "council minutes PDF": "from reports import minutes_pdf as m; "
                           "m.write_minutes(meeting_id=meeting, path=out)",
    "registrations list PDF": "from reports import registration_docs as m; "
                              "m.write_registrations_list(path=out, year=year)",
    "awards register xlsx": "from reports import exports as m; "
                            "m.export(kind='awards', path=out)",
    "registrations xlsx": "from reports import exports as m; "
                          "m.export(kind='registrations', path=out, year=year)",
    "registrations xlsx (all years)": "from reports import exports as m; "
                                      "m.export(kind='registrations', path=out)",
    "scores xlsx": "from reports import exports as m; m.export(kind='scores', path=out, "
                   "year=year)",
    "annual report xlsx": "from reports import exports as m; m.export(kind='annual', "
                          "path=out, year=year)",
    "statistics xlsx": "from reports.statistics_report import export_statistics as f; "
                       "f(path=out, year=year)",
    "decision list xlsx": "from reports import award_docs as m; "
                          "m.export_decision_list_xlsx(out, decision_id=dec)",
}

CHILD = """
import json, os, resource, sys
sys.path.insert(0, %(root)r)
from peewee import fn
from models import db
from models.entities import Award, Registration, Vote
db.open_database(%(db)r)
dec = (Award.select(Award.decision).group_by(Award.decision)
       .order_by(fn.COUNT(Award.id).desc()).limit(1).scalar())
meeting = (Vote.select(Vote.meeting).group_by(Vote.meeting)
           .order_by(fn.COUNT(Vote.id).desc()).limit(1).scalar())
year = Registration.select(fn.MAX(Registration.year)).scalar()
out = %(out)r
%(job)s
print(json.dumps({"mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "bytes": os.path.getsize(out)}))
"""


def sizes(quick):
    if quick:
        return ["small"]
    return [s.strip() for s in os.environ.get("TDKT_BENCH_SIZES", "large").split(",")
            if s.strip()]


def run(quick=False):
    results = []
    folder = tempfile.mkdtemp(prefix="tdkt-bench-mem-")
    for size in sizes(quick):
        path = demo_db(size)
        for name, job in JOBS.items():
            ext = next((e for e in (".xlsx", ".docx") if e[1:] in name), ".pdf")
            out = os.path.join(folder, f"{size}-{len(results)}{ext}")
            got = run_child(CHILD % {"root": ROOT, "db": path, "out": out, "job": job},
                            data_dir=folder)
            os.remove(out)
            results.append(Result(f"peak memory: {name} ({db_label(path)} db)", got["mb"], "MB",
                                  f"< {GOAL_MB} MB", got["mb"] < GOAL_MB,
                                  f"{got['bytes'] / 1e6:.1f} MB file"))
    return results


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
