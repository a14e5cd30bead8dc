"""The law in force on the decision date: base-salary table, amounts by hand, the signer.

Every expected amount below is worked out by hand (DOMAIN.md §4): coefficient × multiple ×
base salary, then rounded up to the next 10,000 đồng.
"""
import datetime
import sqlite3

import pytest

from models import catalogue, decisions, settings
from models import db as dbmod
from models.entities import Award, BaseSalary, ScoreSheet, Setting
from models.errors import ValidationError
from reports import decision_pdf
from tests.helpers import make_org, pdf_text

BEFORE = datetime.date(2026, 6, 30)     # base salary 2,340,000 (Decree 73/2024)
AFTER = datetime.date(2026, 7, 1)       # base salary 2,530,000 (Decree 161/2026)

# code: (subject, amount before 01/07/2026, amount from 01/07/2026) — by hand
MONEY_TABLE = {
    "LDTT": ("person", 710_000, 760_000),        # 0.3 × 2,340,000 = 702,000 ↑; 759,000 ↑
    "CSTDCS": ("person", 2_340_000, 2_530_000),  # 1.0 ×
    "GK_CN": ("person", 710_000, 760_000),       # 0.3 ×
    "TTLDTT": ("office", 1_880_000, 2_030_000),  # 0.8 × = 1,872,000 ↑; 2,024,000 ↑
    "TTLDXS": ("office", 3_510_000, 3_800_000),  # 1.5 × = 3,510,000; 3,795,000 ↑
    "TDPVH": ("village", 3_510_000, 3_800_000),  # 1.5 ×
    "GK_TT": ("village", 1_410_000, 1_520_000),  # 0.3 × 2 = 1,404,000 ↑; 1,518,000 ↑
    "XPTB": ("root", 4_680_000, 5_060_000),      # 2.0 ×
    "GDVH": ("household", 0, 0),                 # no money
    "GK_HGD": ("household", 1_060_000, 1_140_000),  # 0.3 × 1.5 = 1,053,000 ↑; 1,138,500 ↑
}
# the other reading (setting off): individual amount rounded up, × multiple, rounded up
OTHER_READING = {"GK_TT": (1_420_000, 1_520_000),      # 710,000 × 2; 760,000 × 2
                 "GK_HGD": (1_070_000, 1_140_000)}     # 710,000 × 1.5 = 1,065,000 ↑; 1,140,000


def _subject(org, which):
    return {"person": org["people"][0], "office": org["office"], "village": org["villages"][0],
            "root": org["root"], "household": org["households"][0]}[which]


def _amount(clerk, org, code, day):
    d = decisions.create_draft(actor=clerk, date=day, period_year=2026)
    subject = _subject(org, MONEY_TABLE[code][0])
    award = decisions.add_recipient(actor=clerk, decision=d, subject=subject,
                                    title=catalogue.title_by_code(code))
    return Award.get_by_id(award.id).amount


def test_money_table_title_subject_date_by_hand(database, clerk, leader):
    org = make_org(clerk)
    for code, (_, before, after) in MONEY_TABLE.items():
        assert _amount(clerk, org, code, BEFORE) == before, code
        assert _amount(clerk, org, code, AFTER) == after, code
    settings.update_settings(actor=leader, values={"multiples_before_rounding": False})
    for code, (before, after) in OTHER_READING.items():
        assert _amount(clerk, org, code, BEFORE) == before, code
        assert _amount(clerk, org, code, AFTER) == after, code
    # whatever the setting, every amount ever computed is a multiple of 10,000 đồng
    assert all(a % 10_000 == 0 for (a,) in Award.select(Award.amount).tuples())


def test_money_past_two_billion_dong_is_kept_exactly(database, clerk, leader):
    """A decision's total (and the fund entry of it) beyond 2,147,483,647 đồng, where a
    32-bit column stops: one decision of a 40,000-household commune totals ~2.3 billion.
    On the server engine this was an `integer` column and the save failed."""
    from models import fund
    from models.entities import Decision, FundEntry
    org = make_org(clerk)
    big = catalogue.title_by_code("XPTB")
    catalogue.update_title(actor=leader, title=big, coefficient="1000")   # 1000 × 2,530,000
    d = decisions.create_draft(actor=clerk, date=AFTER, period_year=2026)
    a = decisions.add_recipient(actor=clerk, decision=d, subject=org["root"], title=big)
    b = decisions.add_recipient(actor=clerk, decision=d, subject=org["villages"][0],
                                title=catalogue.title_by_code("TDPVH"))
    assert Award.get_by_id(a.id).amount == 2_530_000_000
    expected = 2_530_000_000 + 3_800_000
    assert Award.get_by_id(b.id).amount == 3_800_000
    issued = decisions.issue_decision(actor=leader, decision=Decision.get_by_id(d.id),
                                      signer_name="Nguyễn Văn Hùng", fund_reason="Thử")
    assert Decision.get_by_id(issued.id).total == expected
    entry = FundEntry.get(FundEntry.decision == issued.id)
    assert entry.amount == expected
    assert fund.year_summary(entry.year)["payments"] == expected     # summed by the engine


def test_older_base_salaries_are_in_the_default_table(database, clerk):
    org = make_org(clerk)
    ldtt = catalogue.title_by_code("LDTT")
    for day, expected in ((datetime.date(2020, 1, 15), 450_000),    # 0.3 × 1,490,000 = 447,000 ↑
                          (datetime.date(2023, 7, 1), 540_000),     # 0.3 × 1,800,000
                          (datetime.date(2024, 7, 1), 710_000)):
        d = decisions.create_draft(actor=clerk, date=day, period_year=day.year)
        a = decisions.add_recipient(actor=clerk, decision=d, subject=org["people"][1],
                                    title=ldtt)
        assert Award.get_by_id(a.id).amount == expected, day


def test_a_decision_dated_before_any_base_salary_is_refused(database, clerk):
    with pytest.raises(ValidationError) as err:
        decisions.create_draft(actor=clerk, date=datetime.date(2019, 3, 1), period_year=2018)
    assert "01/03/2019" in str(err.value) and "lương cơ sở" in str(err.value)


def _old_certificate_layouts():
    """The built-in layouts as the previous version stored them (signer at 137/145/184 mm),
    and one the clerk moved by hand."""
    import json
    from models import templates as tpl
    from models.entities import CertTemplate
    tpl.ensure_builtin_templates()
    for i, row in enumerate(CertTemplate.select()):
        data = json.loads(row.data)
        for f in data["fields"]:
            if f["key"] in tpl.OLD_SIGNER_Y:
                f["y"] = tpl.OLD_SIGNER_Y[f["key"]] + (1 if i == 0 else 0)   # 0: moved
        row.data = json.dumps(data)
        row.save()


def _old_file(path):
    """A file as the previous version left it: schema 1, only the 2024 row (edited by the
    user to a made-up amount), no 'checked_on' column, the old Decree 152 wording."""
    from models.entities import AuditLog, CriteriaSet, Unit, UnitKind
    dbmod.open_database(str(path))
    unit = Unit.create(name="Thôn A", name_key="thon a",
                       kind=UnitKind.get(UnitKind.code == "thon"))
    sheet = ScoreSheet.create(criteria_set=CriteriaSet.create(name="B", year=2025), unit=unit,
                              state="checked", checker="Lê Thị Hoa")
    AuditLog.create(username="x", action="check_sheet", entity="score_sheet",
                    entity_id=sheet.id, at=datetime.datetime(2025, 12, 5, 9, 30))
    _old_certificate_layouts()
    from models.entities import Decision
    for chosen in (False, True):     # drafts of the old default; one set by hand on purpose
        d = Decision.create(year=2026, period_year=2026, date=datetime.date(2026, 7, 2),
                            kind="award", on_behalf=True, about="x")
        if chosen:
            AuditLog.create(username="x", action="update_decision", entity="decision",
                            entity_id=d.id, new='{"on_behalf": true}')
    dbmod.close_database()
    con = sqlite3.connect(str(path))
    con.execute("DELETE FROM base_salary WHERE effective_from <> '2024-07-01'")
    con.execute("UPDATE base_salary SET amount = 2345000")
    con.execute("ALTER TABLE score_sheet DROP COLUMN checked_on")
    old = ["Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022",
           "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều "
           "của Luật Thi đua, khen thưởng"]
    import json
    con.execute("INSERT INTO setting(key, value) VALUES ('decision_bases', ?)",
                (json.dumps(old, ensure_ascii=False),))
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.close()


def test_migration_adds_missing_salary_rows_once_and_keeps_user_rows(tmp_path):
    path = tmp_path / "old.sqlite3"
    _old_file(path)
    for _ in range(2):          # opening twice must not add anything twice
        dbmod.open_database(str(path))
        rows = [(r.effective_from.isoformat(), r.amount, r.legal_basis)
                for r in BaseSalary.select().order_by(BaseSalary.effective_from)]
        assert rows == [("2019-07-01", 1_490_000, "Nghị định 38/2019/NĐ-CP"),
                        ("2023-07-01", 1_800_000, "Nghị định 24/2023/NĐ-CP"),
                        ("2024-07-01", 2_345_000, "Nghị định 73/2024/NĐ-CP"),
                        ("2026-07-01", 2_530_000, "Nghị định 161/2026/NĐ-CP")]
        # the day each sheet was checked, recovered from the audit log
        assert [s.checked_on for s in ScoreSheet.select()] == [datetime.date(2025, 12, 5)]
        bases = settings.get("decision_bases")
        assert bases[1].startswith("Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm "
                                   "2025 của Chính phủ")
        assert Setting.select().where(Setting.key == "decision_bases").count() == 1
        from models.entities import Decision
        assert [d.on_behalf for d in Decision.select().order_by(Decision.id)] == [False, True]
        from models import templates as tpl
        from models.entities import CertTemplate
        layouts = [{f["key"]: f["y"] for f in __import__("json").loads(r.data)["fields"]}
                   for r in CertTemplate.select().order_by(CertTemplate.id)]
        assert layouts[0]["signer_name"] == tpl.OLD_SIGNER_Y["signer_name"] + 1  # clerk's
        assert all(lay["signer_name"] == tpl.SIGNER_Y["signer_name"] and
                   lay["signer_title"] == tpl.SIGNER_Y["signer_title"] for lay in layouts[1:])
        dbmod.close_database()


def test_wizard_shows_the_base_salary_in_force_today(database, qtbot):
    from gui.wizard import SetupWizard
    from models import vntext
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    today = datetime.date.today()
    amount, since, basis = catalogue.base_salary_row_on(today)
    assert wizard.leaders.salary.text() == vntext.format_int(amount)
    assert wizard.leaders.salary_from.text() == vntext.format_date(since)
    assert basis in wizard.leaders.salary_basis.text()
    if today >= AFTER:
        assert wizard.leaders.salary.text() == "2.530.000"
        assert "161/2026" in wizard.leaders.salary_basis.text()


# --------------------------------------------------------------------------- the signer

@pytest.fixture
def named(database, leader):
    settings.update_settings(actor=leader, values={
        "commune_name": "Xã Tân Lập", "place_name": "Tân Lập", "chairman": "Nguyễn Văn Hùng"})


def _issued_pdf(clerk, leader, tmp_path, **draft):
    org = make_org(clerk)
    d = decisions.create_draft(actor=clerk, date=AFTER, period_year=2026, **draft)
    decisions.add_recipient(actor=clerk, decision=d, subject=org["people"][0],
                            title=catalogue.title_by_code("LDTT"))
    decisions.issue_decision(actor=leader, decision=d)
    return " ".join(pdf_text(decision_pdf.write_decision(
        decision_id=d.id, path=tmp_path / "qd.pdf")).split()), d


def test_the_chairman_decides_by_default(named, clerk, leader, tmp_path):
    flat, d = _issued_pdf(clerk, leader, tmp_path, signer_name="Nguyễn Văn Hùng")
    assert d.on_behalf is False
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN LẬP" in flat
    assert "TM. ỦY BAN NHÂN DÂN" not in flat and "KT." not in flat
    assert "của Chủ tịch Ủy ban nhân dân xã Tân Lập)" in flat      # not "Xã" mid-sentence
    assert "Số: 01/QĐ-UBND" in flat                                  # leading zero


def test_a_vice_chairman_signs_for_the_chairman(named, clerk, leader, tmp_path):
    flat, _ = _issued_pdf(clerk, leader, tmp_path, signer_name="Trần Thị Mai",
                          signer_title="PHÓ CHỦ TỊCH")
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Trần Thị Mai" in flat
    assert "TM. ỦY BAN NHÂN DÂN" not in flat


def test_committee_decision_only_when_chosen(named, clerk, leader, tmp_path):
    flat, _ = _issued_pdf(clerk, leader, tmp_path, signer_name="Nguyễn Văn Hùng",
                          on_behalf=True)
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in flat
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN LẬP" not in flat


def test_demo_decisions_are_the_chairmans(database, leader):
    from models import demo
    from models.entities import Decision
    demo.load_demo(size="small", actor=leader)
    assert Decision.select().count() >= 2
    assert not Decision.select().where(Decision.on_behalf == True).exists()  # noqa: E712
    assert ScoreSheet.select().where(ScoreSheet.checker != "",
                                     ScoreSheet.checked_on.is_null()).count() == 0
