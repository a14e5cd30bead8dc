"""Benchmark: importing a 20,000-row household file vs a bare openpyxl read-only pass over it.

    python tests/perf/bench_import.py [--quick]

The product path is ``reports.importer.import_file(kind="households")``: open the workbook
safely, find the header row, read every cell with its font (legacy-text check), parse and
validate each row, match villages, check duplicates against the database and inside the
file, then insert all rows in one transaction with one audit row. Each product run starts
from a database without those households. The baseline is openpyxl's read-only mode
iterating every row of the same file (``values_only=True``) — reading, no checking, no
storing. Goal ≤ 2×.
"""
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

GOAL = 2.0
HEADER = ["STT", "Họ và tên chủ hộ", "Giới tính", "Năm sinh", "Thôn/Tổ dân phố", "Địa chỉ"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Quốc", "Thanh", "Hữu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phúc",
         "Quân", "Sơn", "Tâm", "Thảo", "Uyên", "Việt", "Xuân", "Yến"]


def make_file(path, n, villages):
    """A household list as a clerk's Excel file would have it (title rows, then the table)."""
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Hộ gia đình")
    ws.append(["ỦY BAN NHÂN DÂN XÃ TÂN LẬP"])
    ws.append(["DANH SÁCH HỘ GIA ĐÌNH"])
    ws.append([])
    ws.append(HEADER)
    for i in range(n):
        name = f"{FAMILY[i % 10]} {MIDDLE[i % 8]} {GIVEN[i % 19]} {i}"
        ws.append([i + 1, name, "Nữ" if i % 3 == 0 else "Nam", 1940 + i % 60,
                   villages[i % len(villages)], f"Xóm {i % 12 + 1}"])
    wb.save(path)
    return path


def _setup(folder):
    os.environ["TDKT_DATA_DIR"] = folder
    from models import db as dbmod
    from models.entities import Unit, UnitKind, User
    dbmod.open_database(os.path.join(folder, "bench.sqlite3"))
    actor = User.create(username="bench", full_name="Bench", role="clerk", password_hash="x")
    kind = UnitKind.get(UnitKind.code == "thon")
    names = [f"Thôn {i + 1}" for i in range(10)]
    for name in names:
        Unit.create(name=name, name_key=name.lower(), kind=kind)
    return actor, names


def _clear():
    from models.entities import AuditLog, Household
    Household.delete().execute()
    AuditLog.delete().execute()


def run(quick=False):
    from tests.perf.run import Result, best_of
    n = 2000 if quick else 20000
    folder = tempfile.mkdtemp(prefix="tdkt-importbench-")
    actor, villages = _setup(folder)
    path = make_file(os.path.join(folder, "ho.xlsx"), n, villages)

    def baseline():
        from openpyxl import load_workbook
        wb = load_workbook(path, read_only=True, data_only=True)
        count = 0
        for row in wb.worksheets[0].iter_rows(values_only=True):
            count += len(row)
        wb.close()
        assert count

    def product():
        from reports import importer
        result = importer.import_file(kind="households", path=path, actor=actor)
        assert result.imported == n, result.summary()

    def timed_product():
        """Best of 3, each from a database without the households (emptied untimed)."""
        best = None
        for _ in range(3):
            _clear()
            start = time.perf_counter()
            product()
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        return best

    _clear()
    product()                       # warm-up: imports, caches
    base = best_of(baseline, repeat=3)
    prod = timed_product()
    ratio = prod / base
    from models import db as dbmod
    dbmod.close_database()
    return [Result("import: 20k households" if not quick else "import: 2k households", ratio,
                   "×", f"≤ {GOAL}×", ratio <= GOAL,
                   f"product {prod:.2f} s, openpyxl read-only pass {base:.2f} s")]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
