"""Benchmark: a formatted 50,000-row household list vs bare openpyxl write-only of the same cells.

    python tests/perf/bench_excel_export.py [--quick]

The product path reads the households from the database (``org.household_rows``), builds
the rows (STT, name, gender, birth year, village, address, date added) and writes them with
``reports.xlsxdoc.write_workbook``: issuer, title and date rows, Times New Roman, bordered
bold frozen header, widths, A4 landscape with repeated header, number and date formats,
formula-safe text, written to a temporary file, fsynced and renamed. The baseline writes
the same cell values (built before the clock starts) with ``openpyxl.Workbook(write_only=
True)`` and nothing else. Goal ≤ 1.3×.
"""
import datetime
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

GOAL = 1.3
GENDER = {"nam": "Nam", "nu": "Nữ"}


def _setup(folder, n):
    os.environ["TDKT_DATA_DIR"] = folder
    from models import db as dbmod
    from models.entities import Household, Unit, UnitKind
    from models.accounts import batch_actor
    from models.settings import save_initial_settings
    dbmod.open_database(os.path.join(folder, "bench.sqlite3"))
    save_initial_settings(actor=batch_actor(), values={"commune_name": "Xã Tân Lập", "place_name": "Tân Lập"})
    kind = UnitKind.get(UnitKind.code == "thon")
    villages = [Unit.create(name=f"Thôn {i + 1}", name_key=f"thon {i + 1}", kind=kind).id
                for i in range(20)]
    rows = [{"head_name": f"Nguyễn Văn Hộ {i}", "name_key": f"nguyen van ho {i}",
             "gender": "nu" if i % 3 == 0 else "nam", "birth_year": 1940 + i % 60,
             "village": villages[i % 20], "address": f"Xóm {i % 12 + 1}"}
            for i in range(n)]
    with dbmod.db.atomic():
        for i in range(0, n, 500):
            Household.insert_many(rows[i:i + 500]).execute()


def _columns():
    from reports.xlsxdoc import Column
    return [Column("STT", 7, "int"), Column("Chủ hộ", 30), Column("Giới tính", 10),
            Column("Năm sinh", 10, "year"), Column("Thôn/Tổ dân phố", 22),
            Column("Địa chỉ", 30), Column("Ngày nhập", 13, "date")]


def _rows():
    from models import org
    today = datetime.date.today()
    return [[i, r[1], GENDER.get(r[3], r[3]), r[4], r[5], r[6], today]
            for i, r in enumerate(org.household_rows(), start=1)]


def product(path):
    from reports.xlsxdoc import SheetSpec, write_workbook
    rows = _rows()
    sheet = SheetSpec(title="Hộ gia đình", heading="DANH SÁCH HỘ GIA ĐÌNH",
                      columns=_columns(), rows=rows)
    write_workbook(path, [sheet])


def baseline(path, rows):
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Hộ gia đình")
    for row in rows:
        ws.append(row)
    wb.save(path)


def run(quick=False):
    from tests.perf.common import temp_folder
    from tests.perf.run import Result, best_of
    n = 5000 if quick else 50000
    folder = temp_folder("tdkt-exportbench-")
    _setup(folder, n)
    rows = _rows()
    out = os.path.join(folder, "out.xlsx")
    base_out = os.path.join(folder, "base.xlsx")
    product(out)                               # warm-up
    base = best_of(lambda: baseline(base_out, rows), repeat=3)
    prod = best_of(lambda: product(out), repeat=3)
    from models import db as dbmod
    dbmod.close_database()
    ratio = prod / base
    label = f"excel export: {n // 1000}k households"
    return [Result(label, ratio, "×", f"≤ {GOAL}×", ratio <= GOAL,
                   f"product {prod:.2f} s, bare write-only {base:.2f} s")]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
