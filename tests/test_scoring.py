"""Criteria tables and score sheets against a real database: rules, states, totals, ranks."""
import json
from decimal import Decimal as D

import pytest

from models import scoring
from models.demo_scoring import office_bands, office_table, village_table
from models.entities import (AuditLog, Commitment, Movement, Registration, Score,
                             ScoreSheet, Target)
from models.errors import ConflictError, PermissionDenied, ValidationError
from tests.helpers import make_org


@pytest.fixture
def org(clerk):
    return make_org(clerk)


@pytest.fixture
def table(clerk, org):
    return scoring.create_criteria_set(actor=clerk, name="Bảng thôn 2025", year=2025,
                                       unit_kind="thon", criteria=village_table(),
                                       total_max=100, bonus_max=10)


def ids(cs):
    return {c.code: c.id for c in scoring.spec_for(cs).leaves}


def full_self(cs, points=None):
    """A change list giving every scored criterion its max (or the given points)."""
    points = points or {}
    return [{"criterion": c.id, "self_points": points.get(c.code, c.max_points)}
            for c in scoring.spec_for(cs).leaves if c.method in ("manual", "proportional",
                                                                  "yesno")]


def test_village_table_of_the_domain_adds_up(table):
    assert table.warnings == []
    spec = scoring.spec_for(table)
    assert [c.code for c in spec.leaves][:3] == ["I.1", "I.2", "I.3"]
    assert spec.group_codes[:5] == ["I", "II", "III", "IV", "V"]
    assert [b.name for b in spec.bands] == ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]
    assert spec.bands[0].floor_pct == D(85)


def test_thousand_point_scale_works(clerk, org):
    cs = scoring.create_criteria_set(actor=clerk, name="Bảng cơ quan", year=2025,
                                     unit_kind="co_quan", criteria=office_table(),
                                     total_max=950, bonus_max=50, bands=office_bands())
    assert cs.warnings == []
    scoring.ensure_sheets(actor=clerk, criteria_set=cs)
    sheet = scoring.sheet_of(cs, org["office"])      # a school uses the office table
    i = ids(cs)
    sheet = scoring.save_scores(actor=clerk, sheet=sheet, changes=full_self(cs) + [
        {"criterion": i["T.1"], "self_points": "30"}, {"criterion": i["T.2"], "self_points": "20"},
        {"criterion": i["Đ.2"], "self_points": "-20"}])
    assert sheet.self_total == D(980)                 # 950 + 50 − 20
    assert sheet.band == "Xuất sắc"
    assert Score.get(Score.criterion == i["Đ.2"]).count == 2


def test_group_maxima_that_do_not_add_up_warn(clerk, org):
    tree = village_table()
    tree[0]["max_points"] = D(30)
    cs = scoring.create_criteria_set(actor=clerk, name="Lệch", year=2025, criteria=tree)
    assert any("Nhóm I" in w for w in cs.warnings)
    assert any("khác tổng điểm của bảng" in w for w in cs.warnings)


def test_bad_tree_is_refused_whole(clerk, org):
    tree = village_table()
    tree[1]["children"][0]["code"] = "I.1"               # duplicate code
    tree[2]["children"][0]["max_points"] = "mười"
    with pytest.raises(ValidationError) as err:
        scoring.create_criteria_set(actor=clerk, name="Sai", year=2025, criteria=tree)
    assert any("trùng" in d for d in err.value.details)
    assert any("III.1" in d and "không phải là số" in d for d in err.value.details)
    assert scoring.criteria_sets() == []


def test_scores_totals_bands_ranks_within_bloc(clerk, table, org):
    scoring.ensure_sheets(actor=clerk, criteria_set=table)
    v1, v2 = org["villages"]
    s1, s2 = scoring.sheet_of(table, v1), scoring.sheet_of(table, v2)
    i = ids(table)
    scoring.save_scores(actor=clerk, sheet=s1, changes=full_self(table, {"II.2": D("8.5")}))
    scoring.save_scores(actor=clerk, sheet=s2, changes=full_self(table, {"I.1": D(5)}))
    s1, s2 = scoring.sheet_of(table, v1), scoring.sheet_of(table, v2)
    assert (s1.self_total, s1.total, s1.band, s1.rank) == (D("98.5"), D("98.5"), "Xuất sắc", 1)
    # 95 points but I.1 is at 50 % of its max: the 85 % floor keeps it out of Xuất sắc
    assert (s2.total, s2.band, s2.rank) == (D(95), "Tốt", 2)
    # a deduction on v1 drops it below v2
    scoring.save_scores(actor=clerk, sheet=s1, changes=[{"criterion": i["Đ.1"],
                                                         "self_points": "-8"}])
    s1, s2 = scoring.sheet_of(table, v1), scoring.sheet_of(table, v2)
    assert (s1.total, s1.rank, s2.rank) == (D("90.5"), 2, 1)
    assert scoring.unit_results(2025)[v1.id] == (D("90.5"), "Xuất sắc", 2)


def test_comma_decimal_and_refusals_name_unit_and_criterion(clerk, table, org):
    scoring.ensure_sheets(actor=clerk, criteria_set=table)
    sheet = scoring.sheet_of(table, org["villages"][0])
    i = ids(table)
    scoring.save_scores(actor=clerk, sheet=sheet, changes=[{"criterion": i["II.2"],
                                                            "self_points": "8,5"}])
    assert Score.get(Score.criterion == i["II.2"]).self_points == D("8.5")
    for bad, words in (("12", "vượt quá"), ("-1", "âm"), ("8,333", "hai chữ số"),
                       ("tám", "không phải là số")):
        with pytest.raises(ValidationError) as err:
            scoring.save_scores(actor=clerk, sheet=sheet, changes=[
                {"criterion": i["II.1"], "self_points": "5"},
                {"criterion": i["II.2"], "self_points": bad}])
        assert words in str(err.value) and "Thôn Đông Hòa" in str(err.value)
    # nothing half-saved: II.1 from the refused batch is not there
    assert not Score.select().where(Score.criterion == i["II.1"]).exists()


def test_state_machine_and_reason_rule(clerk, leader, table, org):
    scoring.ensure_sheets(actor=clerk, criteria_set=table)
    sheet = scoring.sheet_of(table, org["villages"][0])
    i = ids(table)
    scoring.save_scores(actor=clerk, sheet=sheet, changes=full_self(table)[:3])
    with pytest.raises(ValidationError, match="chưa tự chấm"):
        scoring.submit_sheet(actor=clerk, sheet=sheet)
    scoring.save_scores(actor=clerk, sheet=sheet, changes=full_self(table))
    with pytest.raises(ConflictError, match="chỉ thẩm định"):
        scoring.save_scores(actor=clerk, sheet=sheet, changes=[{"criterion": i["I.1"],
                                                                "checked_points": "9"}])
    scoring.submit_sheet(actor=clerk, sheet=sheet)
    with pytest.raises(ConflictError, match="tự chấm"):
        scoring.save_scores(actor=clerk, sheet=sheet, changes=[{"criterion": i["I.1"],
                                                                "self_points": "9"}])
    with pytest.raises(ValidationError, match="lý do"):
        scoring.save_scores(actor=clerk, sheet=sheet, changes=[{"criterion": i["I.1"],
                                                                "checked_points": "9"}])
    scoring.save_scores(actor=clerk, sheet=sheet, changes=[
        {"criterion": i["I.1"], "checked_points": "9", "reason": "Thiếu minh chứng"}])
    scoring.check_sheet(actor=clerk, sheet=sheet, checker="Cụm trưởng")
    sheet = ScoreSheet.get_by_id(sheet.id)
    assert (sheet.state, sheet.self_total, sheet.total) == ("checked", D(100), D(99))
    with pytest.raises(PermissionDenied):
        scoring.finalise_sheet(actor=clerk, sheet=sheet)
    scoring.finalise_sheet(actor=leader, sheet=sheet)
    with pytest.raises(ConflictError, match="đã chốt"):
        scoring.save_scores(actor=leader, sheet=sheet, changes=[
            {"criterion": i["I.2"], "checked_points": "1", "reason": "x"}])
    with pytest.raises(ValidationError, match="lý do"):
        scoring.reopen_sheet(actor=leader, sheet=sheet, reason="  ")
    scoring.reopen_sheet(actor=leader, sheet=sheet, reason="Phát hiện sai sót khi tổng hợp")
    row = AuditLog.select().where(AuditLog.action == "reopen_sheet").get()
    assert row.reason == "Phát hiện sai sót khi tổng hợp"
    assert json.loads(row.old) == {"state": "finalised"}
    assert ScoreSheet.get_by_id(sheet.id).state == "checked"


def test_finalised_sheets_for_decisions(clerk, leader, table, org):
    scoring.ensure_sheets(actor=clerk, criteria_set=table)
    sheet = scoring.sheet_of(table, org["villages"][1])
    scoring.save_scores(actor=clerk, sheet=sheet, changes=full_self(table))
    scoring.submit_sheet(actor=clerk, sheet=sheet)
    scoring.check_sheet(actor=clerk, sheet=sheet)
    assert scoring.finalise_checked(actor=leader, criteria_set=table) == 1
    assert [s.unit_id for s in scoring.sheets_for(2025, finalised_only=True)] == [
        org["villages"][1].id]
    assert len(scoring.sheets_for(2025)) == 2
    assert scoring.sheets_for(2024) == []


def test_used_table_is_frozen_but_a_copy_is_editable(clerk, table, org):
    scoring.ensure_sheets(actor=clerk, criteria_set=table)
    tree = scoring.criteria_tree(table)
    tree[0]["children"][0]["max_points"] = D(12)
    with pytest.raises(ConflictError, match="bản sao"):
        scoring.update_criteria_set(actor=clerk, criteria_set=table, criteria=tree)
    with pytest.raises(ConflictError):
        scoring.delete_criteria_set(actor=clerk, criteria_set=table)
    scoring.update_criteria_set(actor=clerk, criteria_set=table, name="Bảng thôn (đã dùng)")
    copy = scoring.copy_criteria_set(actor=clerk, source=table, year=2026)
    assert copy.copied_from_id == table.id and copy.year == 2026
    assert scoring.bands_of(copy) == scoring.bands_of(table)
    updated = scoring.update_criteria_set(actor=clerk, criteria_set=copy, criteria=tree)
    assert any("Nhóm I" in w for w in updated.warnings)
    assert scoring.spec_for(copy).leaves[0].max_points == D(12)
    assert scoring.spec_for(table).leaves[0].max_points == D(10)


def test_proportional_from_target_completion(clerk, org):
    mv = Movement.create(name="Phong trào toàn dân", name_key="x", year_from=2025,
                         year_to=2025)
    t = Target.create(movement=mv, code="CT3", name="Tỷ lệ hộ nghèo", value=D(4), actual=D(5),
                      direction="lower", year=2025)
    tree = village_table()
    tree[0]["children"][1]["target"] = t.id
    cs = scoring.create_criteria_set(actor=clerk, name="Bảng", year=2025, movement=mv,
                                     unit_kind="thon", criteria=tree, bonus_max=10)
    scoring.ensure_sheets(actor=clerk, criteria_set=cs)
    sheet = scoring.sheet_of(cs, org["villages"][0])
    # the unit registered but its commitment has no actual yet: the commune's target counts
    reg = Registration.create(movement=mv, year=2025, unit=org["villages"][0])
    own = Commitment.create(registration=reg, target=t, name=t.name, value=D(4),
                            direction="lower")
    assert scoring.fill_proportional(actor=clerk, sheet=sheet) == 1
    assert Score.get(Score.criterion == ids(cs)["I.2"]).self_points == D(8)   # 4/5 × 10
    own.actual = D(4)          # the unit met its own target
    own.save()
    assert scoring.proportional_suggestions(sheet) == {ids(cs)["I.2"]: D(10)}


def test_grid_save_is_one_transaction(clerk, table, org):
    scoring.ensure_sheets(actor=clerk, criteria_set=table)
    grid = scoring.load_grid(table)
    i = ids(table)
    good = {grid.rows[0].sheet_id: [{"criterion": i["II.2"], "self_points": "7"}]}
    bad = {grid.rows[1].sheet_id: [{"criterion": i["II.2"], "self_points": "70"}]}
    with pytest.raises(ValidationError):
        scoring.save_grid_changes(actor=clerk, changes={**good, **bad})
    assert Score.select().count() == 0
    scoring.save_grid_changes(actor=clerk, changes=good)
    grid = scoring.load_grid(table)
    assert grid.self_values[0][grid.spec.index[i["II.2"]]] == D(7)


def test_viewer_cannot_score(viewer, clerk, table, org):
    scoring.ensure_sheets(actor=clerk, criteria_set=table)
    sheet = scoring.sheet_of(table, org["villages"][0])
    with pytest.raises(PermissionDenied):
        scoring.save_scores(actor=viewer, sheet=sheet, changes=[])


def test_tie_break_rules_read_from_text():
    assert scoring.parse_tie_break("Nhóm I, nhom ii; ít điểm trừ", ["I", "II"]) == [
        "group:I", "group:II", "penalties"]
    assert scoring.tie_break_short(["group:I", "penalties"]) == "nhóm I, điểm trừ"
    with pytest.raises(ValidationError, match="không hiểu 'nhóm IX'"):
        scoring.parse_tie_break("nhóm I, nhóm IX", ["I", "II"])


def test_finalised_rank_never_changes_when_another_sheet_is_reopened(clerk, leader, table,
                                                                      org):
    scoring.ensure_sheets(actor=clerk, criteria_set=table)
    v1, v2 = org["villages"]
    i = ids(table)
    for village, points in ((v1, {"II.2": D("8.5")}), (v2, {"I.1": D(5)})):
        sheet = scoring.sheet_of(table, village)
        scoring.save_scores(actor=clerk, sheet=sheet, changes=full_self(table, points))
        scoring.submit_sheet(actor=clerk, sheet=sheet)
        scoring.check_sheet(actor=clerk, sheet=sheet)
        scoring.finalise_sheet(actor=leader, sheet=sheet)
    assert (scoring.sheet_of(table, v1).rank, scoring.sheet_of(table, v2).rank) == (1, 2)
    # v1 is reopened and marked down below v2, then finalised again
    s1 = scoring.sheet_of(table, v1)
    scoring.reopen_sheet(actor=leader, sheet=s1, reason="Phát hiện sai sót")
    scoring.save_scores(actor=clerk, sheet=s1, changes=[
        {"criterion": i["I.1"], "checked_points": "2", "reason": "Thiếu minh chứng"}])
    s1, s2 = scoring.sheet_of(table, v1), scoring.sheet_of(table, v2)
    assert s1.total < s2.total
    assert s2.rank == 2                      # finalised: the announced rank stays
    assert s1.rank == 2                      # the reopened one is ranked afresh
    scoring.finalise_sheet(actor=leader, sheet=s1)
    assert scoring.sheet_of(table, v2).rank == 2
    assert scoring.unit_results(2025)[v2.id][2] == 2


def test_a_score_typed_on_another_pc_is_never_silently_overwritten(clerk, leader, table, org):
    """Two PCs show the same grid; the first saves a cell, the second then saves the same
    cell from what it loaded: refused (who, and both values), nothing of its batch saved.
    The grid sends what each cell held when it was loaded ("was")."""
    scoring.ensure_sheets(actor=clerk, criteria_set=table)
    i = ids(table)
    first, second = scoring.load_grid(table), scoring.load_grid(table)   # two screens
    col = first.spec.index[i["II.2"]]
    sheet_id = first.rows[0].sheet_id
    assert first.self_values[0][col] is None
    scoring.save_grid_changes(actor=clerk, changes={sheet_id: [
        {"criterion": i["II.2"], "self_points": "7", "was": {"self_points": None}}]})
    with pytest.raises(ConflictError) as err:
        scoring.save_grid_changes(actor=leader, changes={sheet_id: [
            {"criterion": i["II.1"], "self_points": "5", "was": {"self_points": None}},
            {"criterion": i["II.2"], "self_points": "9",
             "was": {"self_points": second.self_values[0][col]}}]})
    text = str(err.value)
    assert "máy khác" in text and clerk.username in text and "nay là 7" in text
    assert "trống" in text and "II.2" in text
    assert Score.get(Score.criterion == i["II.2"]).self_points == D(7)
    assert not Score.select().where(Score.criterion == i["II.1"]).exists()   # all or nothing
    # reloaded, the second PC saves over what it now sees
    again = scoring.load_grid(table)
    scoring.save_grid_changes(actor=leader, changes={sheet_id: [
        {"criterion": i["II.2"], "self_points": "9",
         "was": {"self_points": again.self_values[0][col]}}]})
    assert Score.get(Score.criterion == i["II.2"]).self_points == D(9)


def test_a_cells_evidence_note_typed_on_another_pc_is_not_overwritten(clerk, leader, table):
    """Issue 20: the evidence and reason notes carry what the clerk saw, like the points."""
    scoring.ensure_sheets(actor=clerk, criteria_set=table)
    i = ids(table)
    sheet_id = scoring.load_grid(table).rows[0].sheet_id
    scoring.save_scores(actor=clerk, sheet=sheet_id, changes=[
        {"criterion": i["II.2"], "evidence": "Báo cáo số 12/BC-TDH", "was": {"evidence": ""}}])
    with pytest.raises(ConflictError) as err:          # the other PC still showed it empty
        scoring.save_scores(actor=leader, sheet=sheet_id, changes=[
            {"criterion": i["II.2"], "evidence": "Biên bản kiểm tra", "reason": "",
             "was": {"evidence": "", "reason": ""}}])
    text = str(err.value)
    assert "II.2" in text and "minh chứng vừa được sửa trên máy khác bởi canbo" in text
    assert "nay là «Báo cáo số 12/BC-TDH»" in text and "CHƯA được lưu" in text
    assert Score.get(Score.criterion == i["II.2"]).evidence == "Báo cáo số 12/BC-TDH"
    # saved over what it now shows (spaces as typed do not count as a change)
    scoring.save_scores(actor=leader, sheet=sheet_id, changes=[
        {"criterion": i["II.2"], "evidence": "Biên bản kiểm tra",
         "was": {"evidence": " Báo cáo số  12/BC-TDH "}}])
    assert Score.get(Score.criterion == i["II.2"]).evidence == "Biên bản kiểm tra"
