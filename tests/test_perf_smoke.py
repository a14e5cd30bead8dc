"""Smoke runs of the benchmarks of issue 15 at their smallest size (one product/baseline
pair, the small demo): a benchmark broken by a change to the program fails here, in CI,
not on the day someone measures. The figures themselves are not checked (speed is judged
by tests/perf/run.py on the large demo, by ratio), only that each bench ran its product
and its baseline and reported a complete result."""
import json
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    """The small demo with the 'bench' account, made once (tests/perf/common.demo_db)."""
    folder = tmp_path_factory.mktemp("bench-demo")
    code = ("import os, sys; sys.path.insert(0, %r); os.environ['TDKT_DATA_DIR'] = %r\n"
            "from tests.perf.common import demo_db; print(demo_db('small'))" % (ROOT, str(folder)))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, cwd=ROOT, env=dict(os.environ, TDKT_BENCH_KEEP="1"))
    path = out.stdout.strip().splitlines()[-1]
    yield path
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def _run_bench(name, db, tmp_path):
    env = dict(os.environ, TDKT_BENCH_PAIRS="1", TDKT_DATA_DIR=str(tmp_path),
               QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "perf", "run.py"),
                          "--quick", "--json", "--only", name, "--db", db],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    text = out.stdout
    return json.loads(text[text.index("["):])


@pytest.mark.slow
@pytest.mark.parametrize("bench, names", [
    ("bench_startup", ["start-up to 'Tổng quan' filled", "first start of the day"]),
    ("bench_org_page", ["page 'Đơn vị & cá nhân' open"]),
    ("bench_registrations_export", ["registrations export"]),
    ("bench_exports_more", ["export annual report", "export statistics forms",
                            "export scores", "export fund report"]),
    ("bench_backup", ["manual backup", "restore"]),
    ("bench_lookup", ["'Tra cứu' search per keystroke", "list households --json"]),
    ("bench_cert_preview", ["certificate preview"]),
    ("bench_documents", ["public list PDF", "upward file export"]),
])
def test_bench_runs_on_the_small_demo(bench, names, small_demo, tmp_path):
    results = _run_bench(bench, small_demo, tmp_path)
    assert [r["name"][:len(n)] for r, n in zip(results, names)] == names, results
    for r in results:
        assert set(r) >= {"name", "value", "unit", "goal", "ok", "load"}
        assert r["value"] > 0 and r["unit"] == "×" and r["goal"].startswith("≤"), r
        assert "small" in r["name"], r        # ran on the database it was given


def test_bare_lxml_pass_reads_every_cell_of_a_libreoffice_file(tmp_path):
    """The import benchmark's floor reads what LibreOffice wrote: every row's cells, shared
    strings resolved (not only the first sheet's first rows)."""
    from tests.office import soffice
    from tests.perf import bench_import
    if not soffice():
        pytest.skip("LibreOffice is not installed")
    villages = ["Thôn 1", "Thôn 2"]
    path, producer = bench_import.office_file(str(tmp_path), 300, villages)
    assert producer == "LibreOffice"
    # 300 rows × 6 cells + 2 title cells + 6 header cells
    assert bench_import.bare_lxml(path) == 300 * 6 + 2 + 6
    names = {bench_import.name_of(i) for i in range(20000)}
    assert len(names) == 20000 and not any(ch.isdigit() for n in names for ch in n)
