"""The reward-fund ledger: entries, yearly balances with carry-over, decision payments on
issue, the over-balance confirmation, migration 8 on an older file, and the Excel report
read back by openpyxl and by LibreOffice."""
import datetime
import json
import sqlite3

import pytest

from models import catalogue, decisions, fund
from models import db as dbmod
from models.entities import AuditLog, Decision, FundEntry
from models.errors import ConflictError, ValidationError
from tests.decision_fixtures import DECISION_DAY, YEAR, make_year


@pytest.fixture
def org(database, clerk):
    return make_year(clerk)


def _issued_draft(clerk, org):
    d = decisions.create_draft(actor=clerk, movement=org["movement"], date=DECISION_DAY,
                               signer_name="Nguyễn Văn Hùng")
    an, binh, _ = org["people"]
    decisions.add_recipient(actor=clerk, decision=d, subject=an,
                            title=catalogue.title_by_code("CSTDCS"))          # 2,340,000
    decisions.add_recipient(actor=clerk, decision=d, subject=org["office"],
                            title=catalogue.title_by_code("TTLDTT"))          # 1,880,000
    return Decision.get_by_id(d.id)


def test_balance_per_year_carries_over(database, clerk):
    fund.add_entry(actor=clerk, kind="budget", date="15/01/2024", amount="10.000.000",
                   doc_number="02/QĐ-UBND", doc_date="10/01/2024")
    fund.add_entry(actor=clerk, kind="other_out", date="20/11/2024", amount=2_000_000,
                   content="In phôi giấy khen")
    fund.add_entry(actor=clerk, kind="contribution", date=datetime.date(2025, 3, 2),
                   amount=5_000_000, content="Công ty TNHH Tân Phát ủng hộ")
    assert fund.year_summary(2024) == {"year": 2024, "opening": 0, "receipts": 10_000_000,
                                       "payments": 2_000_000, "closing": 8_000_000}
    s = fund.year_summary(2025)
    assert (s["opening"], s["receipts"], s["payments"], s["closing"]) == \
        (8_000_000, 5_000_000, 0, 13_000_000)
    rows = fund.ledger_rows(2024)
    assert [r["balance"] for r in rows] == [10_000_000, 8_000_000]
    assert rows[0]["doc_number"] == "02/QĐ-UBND" and rows[1]["content"] == "In phôi giấy khen"
    assert fund.year_summary(2026)["opening"] == 13_000_000


@pytest.mark.parametrize("amount", ["abc", 0, -5, 1.5, "", None, True, 10 ** 14])
def test_bad_amounts_are_refused(database, clerk, amount):
    with pytest.raises(ValidationError) as err:
        fund.add_entry(actor=clerk, kind="budget", date="01/02/2025", amount=amount)
    assert err.value.field == "amount"
    assert FundEntry.select().count() == 0


def test_decision_payment_cannot_be_entered_by_hand(database, clerk):
    with pytest.raises(ValidationError) as err:
        fund.add_entry(actor=clerk, kind="decision", date="01/02/2025", amount=1000)
    assert "tự ghi khi ban hành" in str(err.value)


def test_payment_beyond_balance_needs_a_reason(database, clerk):
    fund.add_entry(actor=clerk, kind="budget", date="15/01/2025", amount=1_000_000)
    with pytest.raises(fund.FundOverdraft) as err:
        fund.add_entry(actor=clerk, kind="other_out", date="01/06/2025", amount=1_500_000)
    assert err.value.after == -500_000 and "1.000.000 đồng" in str(err.value)
    assert FundEntry.select().count() == 1
    e = fund.add_entry(actor=clerk, kind="other_out", date="01/06/2025", amount=1_500_000,
                       over_reason="Chờ ngân sách cấp bổ sung")
    assert e.over_reason == "Chờ ngân sách cấp bổ sung"
    row = AuditLog.select().where(AuditLog.action == "fund_add_entry").order_by(
        AuditLog.id.desc()).first()
    assert row.reason == "Chờ ngân sách cấp bổ sung"
    assert fund.year_summary(2025)["closing"] == -500_000
    # a payment within the balance needs no reason, and carries none
    fund.add_entry(actor=clerk, kind="budget", date="02/06/2025", amount=5_000_000)
    assert fund.add_entry(actor=clerk, kind="other_out", date="03/06/2025",
                          amount=100_000).over_reason == ""


def test_issue_records_the_payment_without_warning_while_ledger_not_kept(org, clerk, leader):
    d = _issued_draft(clerk, org)
    assert d.total == 4_220_000
    check = fund.issue_check(d)
    assert not check["kept"] and not check["exceeds"] and check["after"] == -4_220_000
    issued = decisions.issue_decision(actor=leader, decision=d)
    entry = FundEntry.get(FundEntry.decision == issued.id)
    assert (entry.direction, entry.kind, entry.amount, entry.year) == \
        ("payment", "decision", 4_220_000, YEAR)
    assert issued.number in entry.content


def test_issue_beyond_balance_is_confirmed_with_a_reason(org, clerk, leader):
    fund.add_entry(actor=clerk, kind="budget", date="15/01/2025", amount=3_000_000)
    d = _issued_draft(clerk, org)
    check = fund.issue_check(d)
    assert check["kept"] and check["exceeds"] and check["after"] == -1_220_000
    with pytest.raises(fund.FundOverdraft) as err:
        decisions.issue_decision(actor=leader, decision=d)
    assert "4.220.000 đồng" in str(err.value) and "3.000.000 đồng" in str(err.value)
    # nothing happened: still a draft, no entry, no register numbers
    assert Decision.get_by_id(d.id).state == "draft"
    assert FundEntry.select().where(FundEntry.decision.is_null(False)).count() == 0
    issued = decisions.issue_decision(actor=leader, decision=d,
                                      fund_reason="Ngân sách bổ sung đã được duyệt")
    assert issued.state == "issued"
    entry = FundEntry.get(FundEntry.decision == issued.id)
    assert entry.over_reason == "Ngân sách bổ sung đã được duyệt"
    audit = AuditLog.get(AuditLog.action == "fund_decision_entry")
    assert audit.reason == "Ngân sách bổ sung đã được duyệt" and audit.username == "lanhdao"
    assert fund.year_summary(YEAR)["closing"] == -1_220_000
    # the decision's entry follows the decision: not editable, not deletable
    with pytest.raises(ConflictError):
        fund.delete_entry(actor=clerk, entry_id=entry.id, reason="nhầm")
    with pytest.raises(ConflictError):
        fund.update_entry(actor=clerk, entry_id=entry.id, kind="other_out",
                          date="01/01/2025", amount=1)


def test_within_balance_no_reason_and_amend_revoke_move_the_difference(org, clerk, leader):
    fund.add_entry(actor=clerk, kind="budget", date="15/01/2025", amount=20_000_000)
    d = decisions.issue_decision(actor=leader, decision=_issued_draft(clerk, org))
    assert FundEntry.get(FundEntry.decision == d.id).over_reason == ""
    amend = decisions.amend_decision(actor=clerk, decision=d, date=DECISION_DAY,
                                     reason="Bỏ một tập thể")
    office_award = [a for a in amend.awards if a.unit_id][0]
    decisions.remove_recipient(actor=clerk, award=office_award)
    amend = decisions.issue_decision(actor=leader, decision=Decision.get_by_id(amend.id))
    back = FundEntry.get(FundEntry.decision == amend.id)
    assert (back.direction, back.kind, back.amount) == ("receipt", "recovery", 1_880_000)
    revoke = decisions.revoke_decision(actor=clerk, decision=amend, date=DECISION_DAY,
                                       reason="Thu hồi")
    revoke = decisions.issue_decision(actor=leader, decision=Decision.get_by_id(revoke.id))
    rec = FundEntry.get(FundEntry.decision == revoke.id)
    assert (rec.direction, rec.amount) == ("receipt", 2_340_000)
    assert fund.year_summary(YEAR)["closing"] == 20_000_000
    by = fund.payments_by_decision(YEAR)
    assert [r["amount"] for r in by] == [4_220_000, -1_880_000, -2_340_000]


def test_manual_entries_edit_and_delete_with_reason(database, clerk):
    e = fund.add_entry(actor=clerk, kind="budget", date="15/01/2025", amount=1_000_000)
    fund.update_entry(actor=clerk, entry_id=e.id, kind="budget", date="16/01/2025",
                      amount=2_000_000, content="Ngân sách cấp đợt 1")
    assert fund.year_summary(2025)["receipts"] == 2_000_000
    with pytest.raises(ValidationError):
        fund.delete_entry(actor=clerk, entry_id=e.id, reason="  ")
    fund.delete_entry(actor=clerk, entry_id=e.id, reason="Ghi nhầm năm")
    assert FundEntry.select().count() == 0
    row = AuditLog.get(AuditLog.action == "fund_delete_entry")
    assert row.reason == "Ghi nhầm năm" and json.loads(row.old)["amount"] == 2_000_000


def test_migration_8_backfills_issued_decisions(org, clerk, leader, tmp_path):
    if dbmod.is_server():
        pytest.skip("a version-6 SQLite file migrated; a server's migrations: tests/test_pg.py")
    d = decisions.issue_decision(actor=leader, decision=_issued_draft(clerk, org))
    path = str(tmp_path / "test.sqlite3")
    dbmod.close_database()
    conn = sqlite3.connect(path)          # the file as version 6 left it: no ledger tables
    for table in ("blank_use", "blank_move", "blank_kind_template", "blank_kind",
                  "fund_entry"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("PRAGMA user_version=6")
    conn.commit()
    conn.close()
    dbmod.open_database(path)             # migrates (and checks the schema against a new file)
    entry = FundEntry.get(FundEntry.decision == d.id)
    assert entry.amount == 4_220_000 and entry.kind == "decision"
    from models import health
    assert health.full_check() == []


def test_fund_report_read_by_openpyxl_and_libreoffice(org, clerk, leader, tmp_path):
    from openpyxl import load_workbook
    from reports import fund_xlsx
    from tests import office
    fund.add_entry(actor=clerk, kind="budget", date="15/01/2024", amount=3_000_000)
    fund.add_entry(actor=clerk, kind="budget", date="15/01/2025", amount=10_000_000,
                   doc_number="03/QĐ-UBND", content="Ngân sách xã cấp năm 2025")
    fund.add_entry(actor=clerk, kind="other_out", date="10/10/2025", amount=500_000,
                   content="=SUM(A1:A9) in khung giấy khen")
    d = decisions.issue_decision(actor=leader, decision=_issued_draft(clerk, org))
    path = fund_xlsx.export_fund_xlsx(str(tmp_path / "quy.xlsx"), year=2025)

    def check(wb):
        ws = wb["Sổ quỹ 2025"]
        rows = [r for r in ws.iter_rows(min_row=6, values_only=True)]
        assert rows[0][4].startswith("Số dư đầu năm 2025") and rows[0][7] == 3_000_000
        body = rows[1:4]
        assert [r[7] for r in body] == [13_000_000, 12_500_000, 8_280_000]
        assert body[1][4] == "=SUM(A1:A9) in khung giấy khen"        # text, not a formula
        assert body[2][6] == 4_220_000 and d.number in body[2][4]
        assert rows[4][5] == 10_000_000 and rows[4][6] == 4_720_000
        assert rows[5][4] == "Số dư cuối năm 2025" and rows[5][7] == 8_280_000
        texts = [c for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]
        assert "Số dư cuối năm: 8.280.000 đồng." in texts
        dec = list(wb["Chi theo quyết định"].iter_rows(min_row=6, values_only=True))
        assert dec[0][1] == d.number and dec[0][4] == 4_220_000
        assert "Phôi giấy khen" in wb.sheetnames

    check(load_workbook(path))
    if office.soffice() is None:
        pytest.skip("LibreOffice không có")
    check(load_workbook(office.saved_by_libreoffice(path, str(tmp_path / "lo"))))



def test_report_reads_equal_the_plain_queries_and_render_once(org, clerk, leader):
    """The fund report's SELECTs are rendered once (bulk.Prepared): the same rows and model
    objects as iterating the peewee queries, on both engines; a value the field would
    convert (a year as text) falls back to peewee's own rendering."""
    from peewee import JOIN

    from models import blanks, settings
    from models.bulk import Prepared
    fund.add_entry(actor=clerk, kind="budget", date="15/01/2024", amount=3_000_000)
    fund.add_entry(actor=clerk, kind="budget", date="15/01/2025", amount=10_000_000,
                   doc_number="03/QĐ-UBND", doc_date="10/01/2025")
    d = decisions.issue_decision(actor=leader, decision=_issued_draft(clerk, org))
    plain = list(FundEntry.select(FundEntry, Decision)
                 .join(Decision, JOIN.LEFT_OUTER, on=(FundEntry.decision == Decision.id))
                 .where(FundEntry.year == 2025).order_by(FundEntry.date, FundEntry.id))

    def seen(entries):
        return [(e.id, e.date, e.doc_date, e.amount, e.direction, e.decision_id,
                 e.decision.number if e.decision_id else None,
                 e.decision.date if e.decision_id else None) for e in entries]

    for _ in range(2):                          # rendered at the first call, then reused
        got = fund._LEDGER.objects(2025)
        assert seen(got) == seen(plain) and len(got) == 2
        assert isinstance(got[0].date, datetime.date) and got[1].decision.number == d.number
    assert fund.balance_through(2024) == 3_000_000
    assert fund.year_summary(2025)["closing"] == 3_000_000 + 10_000_000 - 4_220_000
    assert [r["number"] for r in fund.payments_by_decision(2025)] == [d.number]
    assert blanks.stock_rows() == [] and settings.get_all()["commune_name"] is not None
    for prepared in (fund._BALANCE, fund._YEAR_SUMS, fund._LEDGER, fund._BY_DECISION,
                     blanks._KINDS, blanks._MOVES, blanks._USES, blanks._USED_AWARDS,
                     settings._ALL):
        assert prepared.texts, prepared.build      # parameters in the SQL's order
    by_text = Prepared(lambda year: FundEntry.select().where(FundEntry.year == year))
    assert [e.id for e in by_text.objects("2025")] == [e.id for e in plain]
    assert not by_text.texts
