"""Deadlines a plan sets as reminders (due soon, overdue, done) and the batch commands of
issue 19 (models, review, deadlines) against a demo database."""
import datetime
import json
import os

import pytest

from models import deadlines as dl, movements as mv, registrations as rg, reviews
from models.errors import ValidationError
from tests.helpers import make_org, pdf_text
from tests.test_cli import run

D = datetime.date


def test_reminders_due_soon_overdue_done(clerk):
    org = make_org(clerk)
    m = mv.add_movement(actor=clerk, name="Phong trào năm 2025", year_from=2025)
    r1 = mv.add_round(actor=clerk, movement=m, name="Đợt 1", start=D(2025, 1, 1),
                      end=D(2025, 6, 30), review_name="Sơ kết 6 tháng",
                      review_date=D(2025, 7, 10))
    reg = dl.add_deadline(actor=clerk, movement=m, kind="registration",
                          label="Hạn đăng ký thi đua", due="31/01/2025")
    report = dl.add_deadline(actor=clerk, movement=m, kind="report",
                             label="Báo cáo sơ kết gửi tỉnh", due=D(2025, 7, 15))
    with pytest.raises(ValidationError, match="không thuộc thời gian"):
        dl.add_deadline(actor=clerk, movement=m, kind="other", label="X", due=D(2030, 1, 1))
    with pytest.raises(ValidationError, match="Loại mốc"):
        dl.add_deadline(actor=clerk, movement=m, kind="party", label="X", due=D(2025, 1, 1))
    on = D(2025, 7, 1)
    states = {r.label: (r.state, r.detail) for r in dl.reminders(on=on)}
    units = len(rg.registrable_units())
    assert states == {
        "Hạn đăng ký thi đua": (dl.OVERDUE, f"{units} đơn vị chưa đăng ký"),
        "Sơ kết 6 tháng (Đợt 1)": (dl.SOON, ""),
        "Báo cáo sơ kết gửi tỉnh": (dl.SOON, ""),
    }
    assert [r.state for r in dl.reminders(on=on)] == [dl.OVERDUE, dl.SOON, dl.SOON]
    # every unit registers: the registration deadline is met
    for unit in rg.registrable_units():
        rg.register(actor=clerk, movement=m, subject=unit, year=2025)
    review = reviews.create_review(actor=clerk, movement=m, kind=reviews.SO_KET, round=r1,
                                   on=on)
    on = D(2025, 7, 20)
    states = {r.label: (r.state, r.detail) for r in dl.reminders(on=on)}
    assert states == {"Sơ kết 6 tháng (Đợt 1)": (dl.OVERDUE, "Đã lập báo cáo, chưa gửi"),
                      "Báo cáo sơ kết gửi tỉnh": (dl.OVERDUE, "")}
    reviews.mark_sent(actor=clerk, review=review, sent_date=D(2025, 7, 14))
    assert dl.reminders(on=on) == []
    done = {r.label: r.detail for r in dl.reminders(on=on, include_done=True)}
    assert done["Báo cáo sơ kết gửi tỉnh"] == "Đã gửi báo cáo ngày 14/07/2025"
    assert done["Hạn đăng ký thi đua"] == "Mọi đơn vị đã đăng ký"
    dl.mark_done(actor=clerk, deadline=report, on=D(2025, 7, 14))
    assert {r["label"] for r in dl.deadline_rows(movement=m)} == {reg.label, report.label}
    assert org["office"].name


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli19")
    path = folder / "demo.sqlite3"
    result = run("--db", path, "demo", "--size", "small", data_dir=folder)
    assert result.returncode == 0, result.stderr
    return path


def test_batch_models_review_deadlines(demo_db, tmp_path):
    result = run("--db", demo_db, "models", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["stage"] for r in rows} == {"discovered", "nurtured", "summarised", "replicated"}
    stuck = json.loads(run("--db", demo_db, "models", "--stuck", "--json").stdout)
    assert stuck and all(r["stuck"] and r["days_in_stage"] > 180 for r in stuck)
    by_unit = json.loads(run("--db", demo_db, "models", "--by-unit", "--json").stdout)
    assert by_unit and all(r["models"] for r in by_unit)
    movements = json.loads(run("--db", demo_db, "list", "movements", "--json").stdout)
    this_year = max(m["year_from"] for m in movements)
    current = next(m for m in movements if m["year_from"] == this_year and m["kind"] == "regular")
    out = tmp_path / "tong-ket.pdf"
    result = run("--db", demo_db, "review", "--movement", current["id"], "--kind", "tong-ket",
                 "--out", out)
    assert result.returncode == 0, result.stderr
    text = " ".join(pdf_text(out).split())
    assert f"Tổng kết năm {this_year} {current['name']}" in text
    word = tmp_path / "tong-ket.docx"
    result = run("--db", demo_db, "review", "--movement", current["id"], "--kind", "tong-ket",
                 "--out", word)
    assert result.returncode == 0, result.stderr
    import docx
    assert f"Tổng kết năm {this_year} {current['name']}" in [
        p.text for p in docx.Document(word).paragraphs]
    result = run("--db", demo_db, "review", "--movement", current["id"], "--kind", "so-ket",
                 "--out", tmp_path / "x.pdf")
    assert result.returncode == 1 and "cần chọn đợt" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("--db", demo_db, "review", "--round", 99999, "--kind", "so-ket", "--out",
                 tmp_path / "x.pdf")
    assert result.returncode == 1 and "Không có đợt thi đua số 99999" in result.stderr
    assert not os.path.exists(tmp_path / "x.pdf")
    result = run("--db", demo_db, "deadlines", "--json")
    assert result.returncode == 0, result.stderr
    reminders = json.loads(result.stdout)
    assert all(r["state"] in ("overdue", "soon") for r in reminders)
