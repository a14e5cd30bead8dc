"""Benchmark: bulk-registering 20,000 households vs a bare peewee insert_many of the same rows.

    python tests/perf/bench_bulk_register.py [--quick]

The product path is ``models.registrations.bulk_register``: role check, one transaction,
look-up of the households of the chosen villages, skip of those already registered, title
check, registration rows and their title rows in batches, progress reports, one audit row.
The baseline inserts the same registration and title rows (built before the clock starts)
with bare ``insert_many`` batches of 500 inside one ``db.atomic()``.
"""
import datetime
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

GOAL = 1.5


def _setup(folder, n):
    os.environ["TDKT_DATA_DIR"] = folder
    from models import db as dbmod
    from models.entities import Household, Movement, Unit, UnitKind, User
    dbmod.open_database(os.path.join(folder, "bench.sqlite3"))
    actor = User.create(username="bench", full_name="Bench", role="leader", password_hash="x")
    kind = UnitKind.get(UnitKind.code == "thon")
    villages = [Unit.create(name=f"Thôn {i + 1}", name_key=f"thon {i + 1}", kind=kind)
                for i in range(10)]
    rows = [{"head_name": f"Nguyễn Văn Hộ {i}", "name_key": f"nguyen van ho {i}",
             "gender": "nam", "village": villages[i % 10].id} for i in range(n)]
    with dbmod.db.atomic():
        for i in range(0, n, 500):
            Household.insert_many(rows[i:i + 500]).execute()
    movement = Movement.create(name="Phong trào thi đua năm 2025", name_key="phong trao",
                               year_from=2025, year_to=2025)
    return actor, movement, villages


def _clear():
    from models.entities import Registration, RegistrationTitle
    RegistrationTitle.delete().execute()
    Registration.delete().execute()
    # the audit log stays: its triggers refuse deletes, and one row per run costs the same


def _baseline_rows(movement):
    from models.entities import Household, Title
    from models.fields import new_uuid
    now = datetime.datetime.now().replace(microsecond=0)
    title = Title.get(Title.code == "GDVH")
    ids = [i for (i,) in Household.select(Household.id).order_by(Household.id).tuples()]
    regs = [{"uuid": new_uuid(), "movement": movement.id, "year": 2025, "household": hid,
             "state": "draft", "reg_date": datetime.date(2025, 1, 15), "signer": "",
             "created_at": now} for hid in ids]
    return regs, title.id


def _bare(regs, title_id):
    from models.db import db
    from models.entities import Registration, RegistrationTitle
    with db.atomic():
        for i in range(0, len(regs), 500):
            chunk = regs[i:i + 500]
            last = Registration.insert_many(chunk).execute()
            RegistrationTitle.insert_many(
                [{"registration": rid, "title": title_id}
                 for rid in range(last - len(chunk) + 1, last + 1)]).execute()


def run(quick=False):
    from tests.perf.run import Result
    from models import db as dbmod
    from models import registrations as rg
    from models.entities import Registration
    n = 4000 if quick else 20000
    folder = tempfile.mkdtemp(prefix="bench-bulk-")
    actor, movement, villages = _setup(folder, n)
    regs, title_id = _baseline_rows(movement)
    ticks = []

    def product():
        result = rg.bulk_register(actor=actor, movement=movement, year=2025, villages=villages,
                                  titles=["GDVH"], reg_date=datetime.date(2025, 1, 15),
                                  progress=lambda done, total: ticks.append(done))
        assert result.created == n

    def timed(fn):
        _clear()
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        assert Registration.select().count() == n
        return elapsed

    timed(product)      # warm-up
    t_product = min(timed(product) for _ in range(3))
    t_bare = min(timed(lambda: _bare(regs, title_id)) for _ in range(3))
    ratio = t_product / t_bare
    detail = (f"{n} households: product {t_product:.2f} s, bare insert_many {t_bare:.2f} s; "
              f"{len(ticks) // 4} progress reports per run")
    dbmod.close_database()
    return [Result(name=f"bulk registration ({n} households)", value=ratio, unit="×",
                   goal=f"≤ {GOAL}×", ok=ratio <= GOAL, detail=detail)]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
