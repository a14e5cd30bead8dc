"""The province scale benchmark (tests/perf/bench_province.py) at its small size against the
test PostgreSQL server, so a broken benchmark shows in CI: a real small-demo commune merged by
the real import, two more generated on the server, merged again and queried."""
import os
import shutil

import pytest

from tests.perf import bench_province, common


@pytest.mark.slow
def test_small_province_benchmark_runs(pg_server, tmp_path, monkeypatch):
    monkeypatch.setenv("TDKT_DATA_DIR", str(tmp_path / "data"))
    name = pg_server.new_name("prov")
    try:
        m = bench_province.measure(pg_server, name, size="small", communes=3,
                                   folder=str(tmp_path), pairs=1, repeat=1,
                                   log=lambda *a: None)
        conn = bench_province._connect(pg_server, name)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT c.commune_code, c.subjects, c.awards, count(s.id), "
                            "count(DISTINCT s.uuid) FROM prov_commune c JOIN prov_subject s "
                            "ON s.commune_id = c.id GROUP BY c.id ORDER BY c.commune_code")
                per = cur.fetchall()
                cur.execute("SELECT count(DISTINCT (name, birth_year)), count(*) FROM "
                            "prov_subject WHERE kind = 'person'")
                distinct, persons = cur.fetchone()
                cur.execute("SELECT count(*) FROM prov_award a LEFT JOIN prov_subject s ON "
                            "s.uuid = a.subject_uuid WHERE s.id IS NULL")
                orphans = cur.fetchone()[0]
                counts = ("commune_id, year, stat_group, method, title_name, title_kind")
                cur.execute(f"(SELECT {counts}, count(*), sum(amount) FROM prov_award GROUP BY "
                            f"{counts}) EXCEPT SELECT {counts}, awards, amount FROM "
                            "prov_award_count")
                uncounted = cur.fetchall()
                cur.execute(f"SELECT {counts}, awards, amount FROM prov_award_count EXCEPT "
                            f"(SELECT {counts}, count(*), sum(amount) FROM prov_award GROUP BY "
                            f"{counts})")
                overcounted = cur.fetchall()
                cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = "
                            "'prov_subject_name_trgm'")
                trigram = cur.fetchall()
        finally:
            conn.close()
    finally:
        pg_server.drop_database(name)
        shutil.rmtree(os.path.dirname(common.demo_db("small")), ignore_errors=True)
        common.demo_db.cache_clear()
    made = m["made"]
    first = per[0]
    # the merge benchmark re-imported the real commune: replaced, not duplicated
    assert [p[0] for p in per] == [bench_province.CODE, "18072", "18073"]
    assert all(p[1:] == first[1:] and p[3] == p[4] for p in per)
    assert made["prov_commune"] == 3 and made["prov_subject"] == 3 * first[1]
    assert made["prov_award"] == 3 * first[2] > 0
    assert orphans == 0                         # every generated award has its subject
    # the statistics' counts, written with each commune's rows, match its awards after the
    # re-imports (replaced with them, never left behind or doubled)
    assert uncounted == [] and overcounted == []
    assert trigram and "gin_trgm_ops" in trigram[0][0]     # the look-up's index (migration 14)
    assert distinct > 2 * persons / 3           # names and birth years varied per commune
    assert m["found"] > 0 and m["rows"] == first[1] + first[2] + made["prov_proposal"] // 3
    results = bench_province.results(m)
    assert [r.name for r in results] == ["province merge vs COPY",
                                         "province statistics (one year)",
                                         "province person look-up"]
    assert all(r.value > 0 for r in results)
