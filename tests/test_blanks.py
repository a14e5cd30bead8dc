"""Blank stock (phôi): receipts with serial ranges, use per sheet a real CUPS queue received,
spoilage among used sheets or in the cupboard (never more than there is), the shortage
warning before a run, and the batch commands."""
import datetime
import json

import pytest

from gui import batch_print
from models import blanks, print_log
from models.entities import AuditLog, BlankUse, PrintLog
from models.errors import ConflictError, NotFound, ValidationError
from tests.helpers import make_org
from tests.test_certificates import make_decision

GK = "Giấy khen của Chủ tịch UBND xã"
GCN = "Giấy chứng nhận danh hiệu thi đua"
GK_TEMPLATES = ["Giấy khen - cá nhân", "Giấy khen - tập thể", "Giấy khen - hộ gia đình"]
GCN_TEMPLATES = ["Lao động tiên tiến", "Chiến sĩ thi đua cơ sở", "Tập thể lao động tiên tiến",
                 "Thôn, tổ dân phố văn hóa", "Gia đình văn hóa"]


def _kinds(actor):
    from models import templates as tpl
    tpl.list_templates()                     # the built-in templates exist
    return (blanks.save_kind(actor=actor, name=GK, templates=GK_TEMPLATES),
            blanks.save_kind(actor=actor, name=GCN, templates=GCN_TEMPLATES))


def test_receipts_with_serial_ranges(database, clerk):
    gk, _ = _kinds(clerk)
    m = blanks.receive(actor=clerk, kind=GK, serial_from="GK-000101", serial_to="GK-000300",
                       date="05/01/2025", doc_number="PN-01")
    assert m.quantity == 200
    with pytest.raises(ValidationError) as err:
        blanks.receive(actor=clerk, kind=GK, quantity=50, serial_from="GK-000301",
                       serial_to="GK-000400")
    assert "có 100 tờ" in str(err.value)
    with pytest.raises(ConflictError) as err:
        blanks.receive(actor=clerk, kind=GK, serial_from="GK-000250", serial_to="GK-000260")
    assert "trùng" in str(err.value)
    for a, b in (("GK-1", "AB-9"), ("GK-9", "GK-1"), ("GK-1", "")):
        with pytest.raises(ValidationError):
            blanks.receive(actor=clerk, kind=GK, serial_from=a, serial_to=b)
    with pytest.raises(ValidationError):
        blanks.receive(actor=clerk, kind=GK, quantity=5,
                       date=datetime.date.today() + datetime.timedelta(days=3))
    for bad in (0, -3, "mười", None):
        with pytest.raises(ValidationError):
            blanks.receive(actor=clerk, kind=GK, quantity=bad)
    blanks.receive(actor=clerk, kind="giay khen cua chu tich ubnd xa", quantity=20)  # folded
    with pytest.raises(NotFound):
        blanks.receive(actor=clerk, kind="Bằng khen", quantity=1)
    with pytest.raises(ConflictError):
        blanks.save_kind(actor=clerk, name="giấy khen của chủ tịch ubnd xã")
    s = blanks.stock_of(gk)
    assert (s["received"], s["used"], s["left"]) == (220, 0, 220)
    assert blanks.kind_templates(gk) == GK_TEMPLATES


def test_spoiled_beyond_what_was_used_or_left_is_refused(database, clerk):
    _kinds(clerk)
    blanks.receive(actor=clerk, kind=GK, quantity=10)
    with pytest.raises(ValidationError) as err:
        blanks.spoil(actor=clerk, kind=GK, quantity=1, reason="In lệch", stage="print")
    assert "mới dùng 0 tờ" in str(err.value) and "hỏng trong kho" in str(err.value)
    with pytest.raises(ValidationError) as err:
        blanks.spoil(actor=clerk, kind=GK, quantity=11, reason="Ẩm mốc")
    assert "chỉ còn 10 tờ" in str(err.value)
    with pytest.raises(ValidationError):
        blanks.spoil(actor=clerk, kind=GK, quantity=1, reason="  ")
    blanks.spoil(actor=clerk, kind=GK, quantity=3, reason="Ẩm mốc do dột mái")
    assert blanks.stock_of(GK)["left"] == 7
    assert AuditLog.get(AuditLog.action == "spoil_blanks").reason == "Ẩm mốc do dột mái"


def test_printing_on_blanks_uses_one_per_sheet(leader, print_queue, qapp):
    decision, awards = make_decision(leader, make_org(leader))
    _kinds(leader)
    blanks.receive(actor=leader, kind=GK, quantity=4)
    blanks.receive(actor=leader, kind=GCN, quantity=6)
    rows, unlinked = batch_print.blank_needs(decision.id)
    need = {r["kind"]: r for r in rows}
    assert need[GK]["need"] == 3 and need[GCN]["need"] == 5 and not unlinked
    assert not any(r["short"] for r in rows)
    run = batch_print.print_certificates(actor=leader, decision_id=decision.id,
                                         printer_name=print_queue.name, mode="blank")
    assert run.outcome.printed == 8 and print_queue.received() > 0
    assert BlankUse.select().count() == 8
    assert (blanks.stock_of(GK)["left"], blanks.stock_of(GCN)["left"]) == (1, 1)
    # the clerk counts 6 good sheets: the last two (household and collective Giấy khen)
    # are spoiled when printing, and need two more blanks — one more than is left
    spoiled = print_log.confirm_sheets(actor=leader, log_ids=run.log_ids, came_out=6)
    assert len(spoiled) == 2
    s = blanks.stock_of(GK)
    assert (s["spoiled_print"], s["used"], s["left"]) == (2, 3, 1)
    rows, _ = batch_print.blank_needs(decision.id, spoiled)
    assert rows == [{"kind": GK, "need": 2, "left": 1, "short": 1}]
    assert "thiếu 1" in blanks.shortage_text(rows)[0]
    blanks.receive(actor=leader, kind=GK, quantity=10)
    again = batch_print.print_certificates(actor=leader, decision_id=decision.id,
                                           printer_name=print_queue.name, mode="blank",
                                           award_ids=spoiled)
    assert again.outcome.printed == 2
    print_log.confirm_sheets(actor=leader, log_ids=again.log_ids, came_out=2)
    s = blanks.stock_of(GK)
    assert (s["used"], s["reprints"], s["spoiled_print"], s["left"]) == (5, 2, 2, 9)
    # a misprint found later, among the used: limited by used minus already spoiled
    with pytest.raises(ValidationError) as err:
        blanks.spoil(actor=leader, kind=GK, quantity=4, reason="Sai tên", stage="print")
    assert "chỉ còn 3 tờ" in str(err.value)
    blanks.spoil(actor=leader, kind=GK, quantity=1, reason="Sai tên", stage="print")
    assert blanks.stock_of(GK)["left"] == 9            # already counted as used
    # full design on plain paper uses no blank
    batch_print.print_certificates(actor=leader, decision_id=decision.id,
                                   printer_name=print_queue.name, mode="full",
                                   award_ids=[awards[0].id])
    print_queue.received()
    assert BlankUse.select().count() == 10 and PrintLog.select().count() == 11


def test_unlinked_template_is_named(database, clerk):
    rows, unlinked = blanks.needs({"Giấy khen - cá nhân": 3})
    assert rows == [] and unlinked == ["Giấy khen - cá nhân"]
    assert "chưa gắn với loại phôi" in blanks.shortage_text(rows, unlinked)[0]


def test_batch_commands(tmp_path, data_dir):
    from tests.test_cli import run
    db = str(tmp_path / "b.sqlite3")
    assert run("--db", db, "check", data_dir=data_dir).returncode == 1   # no file yet
    r = run("--db", db, "demo", data_dir=data_dir)
    assert r.returncode == 0, r.stderr
    r = run("--db", db, "blanks", "stock", "--json", data_dir=data_dir)
    assert r.returncode == 0, r.stderr
    before = {k["name"]: k for k in json.loads(r.stdout)}
    assert before and all(k["left"] >= 0 for k in before.values())
    r = run("--db", db, "blanks", "receive", "--kind", GK, "--serial-from", "GK-900001",
            "--serial-to", "GK-900050", data_dir=data_dir)
    assert r.returncode == 0 and "nhận 50 tờ" in r.stdout, r.stderr
    r = run("--db", db, "blanks", "spoil", "--kind", GK, "--quantity", "100000",
            "--reason", "Rách", data_dir=data_dir)
    assert r.returncode == 1 and r.stderr.startswith("Lỗi: Kho chỉ còn") and \
        "Traceback" not in r.stderr
    r = run("--db", db, "blanks", "stock", "--json", data_dir=data_dir)
    after = {k["name"]: k for k in json.loads(r.stdout)}
    assert after[GK]["left"] == before[GK]["left"] + 50
    year = datetime.date.today().year
    r = run("--db", db, "fund", "list", "--year", year, "--json", data_dir=data_dir)
    summary = json.loads(r.stdout)["summary"]
    big = summary["closing"] + 1_000_000
    r = run("--db", db, "fund", "add", "--kind", "other_out", "--amount", big, "--date",
            f"01/01/{year}", data_dir=data_dir)
    assert r.returncode == 1 and "--over-reason" in r.stderr
    r = run("--db", db, "fund", "add", "--kind", "other_out", "--amount", big, "--date",
            f"01/01/{year}", "--over-reason", "Chờ cấp bổ sung", data_dir=data_dir)
    assert r.returncode == 0 and "-1.000.000" in r.stdout, r.stderr
    out = tmp_path / "quy.xlsx"
    r = run("--db", db, "fund", "report", "--year", year, "--out", out, data_dir=data_dir)
    assert r.returncode == 0 and out.exists(), r.stderr
    r = run("--db", db, "fund", "add", "--kind", "decision", "--amount", 1, "--date", "1/1/2025",
            data_dir=data_dir)
    assert r.returncode == 2
