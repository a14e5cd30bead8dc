"""Movements, rounds, copy to next year, targets: pasting, values, direction-aware completion."""
import datetime
import json
from decimal import Decimal

import pytest

from models import movements as mv
from models.entities import AuditLog, Round, Target
from models.errors import ConflictError, PermissionDenied, ValidationError

SEED_003 = "/work/shared/seeds/003_53c0be273c9cb1a6.txt"


def seed_target_lines():
    lines = open(SEED_003, encoding="utf-8").read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("- (1)"))
    end = next(i for i, line in enumerate(lines) if line.startswith("(22)"))
    return "\n".join(lines[start:end + 1])


@pytest.fixture
def movement(clerk):
    return mv.add_movement(actor=clerk, name="Phong trào thi đua yêu nước năm 2025",
                           year_from=2025, theme="Đoàn kết, sáng tạo",
                           doc_number="12/KH-UBND", doc_date="05/01/2025",
                           doc_signer="Nguyễn Văn Hùng")


def test_add_movement_audited_and_listed(movement):
    assert movement.year_to == 2025 and movement.kind == "regular"
    assert AuditLog.select().where(AuditLog.action == "add_movement").count() == 1
    rows = mv.movement_rows(search="thi dua yeu nuoc")
    assert rows[0]["name"] == movement.name and rows[0]["doc_date"] == "2025-01-05"
    json.dumps(rows)
    assert mv.movement_rows(search="khong co") == []


def test_multi_year_and_themed(clerk):
    main = mv.add_movement(actor=clerk, name="Cả nước chung tay vì người nghèo", year_from=2020,
                           year_to=2025)
    themed = mv.add_movement(actor=clerk, name="Chung sức xây dựng nông thôn mới",
                             kind="themed", parent=main, year_from=2021, year_to=2022)
    assert themed.parent_id == main.id
    with pytest.raises(ValidationError, match="nằm trong thời gian"):
        mv.add_movement(actor=clerk, name="Chuyên đề ngoài kỳ", kind="themed", parent=main,
                        year_from=2026)
    with pytest.raises(ValidationError, match="trước năm bắt đầu"):
        mv.add_movement(actor=clerk, name="Sai năm", year_from=2025, year_to=2024)


def test_viewer_cannot_add(viewer):
    with pytest.raises(PermissionDenied):
        mv.add_movement(actor=viewer, name="X", year_from=2025)


def test_duplicate_movement_refused(clerk, movement):
    with pytest.raises(ConflictError):
        mv.add_movement(actor=clerk, name="phong trào thi đua yêu nước năm 2025", year_from=2025)


def test_rounds_inside_period(clerk, movement):
    r1 = mv.add_round(actor=clerk, movement=movement, name="Đợt 1", start="01/01/2025",
                      end="30/6/2025", review_name="Sơ kết 6 tháng", review_date="10/07/2025")
    assert r1.end == datetime.date(2025, 6, 30)
    with pytest.raises(ValidationError, match="ngoài thời gian"):
        mv.add_round(actor=clerk, movement=movement, name="Đợt 2", start="01/07/2025",
                     end="31/12/2026")
    with pytest.raises(ValidationError, match="sau ngày bắt đầu"):
        mv.add_round(actor=clerk, movement=movement, name="Đợt 2", start="01/07/2025",
                     end="01/06/2025")
    with pytest.raises(ValidationError, match="ngoài thời gian"):
        mv.update_round(actor=clerk, round=r1, start="01/12/2024")
    assert Round.get_by_id(r1.id).start == datetime.date(2025, 1, 1)


def test_doc_date_outside_period(clerk):
    with pytest.raises(ValidationError, match="Ngày văn bản"):
        mv.add_movement(actor=clerk, name="Phong trào", year_from=2025, doc_date="01/01/2020")


def test_copy_to_next_year(clerk, movement):
    mv.add_round(actor=clerk, movement=movement, name="Đợt 1", start="01/01/2025",
                 end="30/06/2025")
    t = mv.add_target(actor=clerk, movement=movement, name="Tỷ lệ gia đình văn hóa",
                      value="85%", measure="%")
    mv.set_actual(actor=clerk, target=t, actual="87,5")
    mv.add_movement(actor=clerk, name="Chuyên đề 2025", kind="themed", parent=movement,
                    year_from=2025)
    copy = mv.copy_to_next_year(actor=clerk, movement=movement)
    assert copy.name == "Phong trào thi đua yêu nước năm 2026"
    assert (copy.year_from, copy.year_to) == (2026, 2026)
    [r] = list(copy.rounds)
    assert r.start == datetime.date(2026, 1, 1)
    [ct] = list(copy.targets)
    assert ct.value == Decimal("85") and ct.actual is None
    assert [c.name for c in copy.themed] == ["Chuyên đề 2026"]
    with pytest.raises(ConflictError):
        mv.copy_to_next_year(actor=clerk, movement=movement)


def test_paste_the_22_targets_of_seed_003():
    rows, problems = mv.parse_target_lines(seed_target_lines())
    assert problems == []
    assert [r["code"] for r in rows] == [str(i) for i in range(1, 23)]
    by = {r["code"]: r for r in rows}
    assert by["10"]["name"] == "Giải quyết việc làm trong năm"
    assert by["10"]["value"] == Decimal("1600") and by["10"]["measure"] == "người"
    assert by["7"]["value"] == Decimal("85") and by["7"]["measure"] == "%"
    assert by["2"]["value"] == Decimal("9.48")
    assert by["1"]["value"] == Decimal("28603.61") and by["1"]["measure"] == "tỷ đồng"
    assert by["4"]["value"] == Decimal("100")
    assert by["14"]["direction"] == "lower"
    assert by["12"]["direction"] == "higher"
    assert by["20"]["value"] == Decimal("85")
    assert by["21"]["value"] == Decimal("1740")
    assert by["3"]["value"] is None and by["3"]["warning"]     # several values in one line
    assert by["19"]["value"] is None and "định tính" in by["19"]["warning"]
    assert by["7"]["group"] == "Môi trường"
    assert by["17"]["group"] == "Quốc phòng - an ninh"
    assert by["1"]["group"] == "Kinh tế"


def test_paste_keeps_good_lines_and_reports_bad_ones():
    text = ("(1) Tỷ lệ hộ gia đình văn hóa: 85%\n"
            "lời ghi chú không phải chỉ tiêu\n"
            "\n"
            "(3) Giải quyết việc làm: 1.6.00 người\n"
            "(4) Thu nhập bình quân: 60 triệu đồng/người\n")
    rows, problems = mv.parse_target_lines(text)
    assert [r["code"] for r in rows] == ["1", "4"]
    assert [p.line_no for p in problems] == [2, 4]
    assert "Dòng 4" in str(problems[1]) and "1.6.00" in str(problems[1])


def test_add_parsed_targets_in_one_step(clerk, movement):
    rows, _ = mv.parse_target_lines(seed_target_lines())
    saved = mv.add_targets(actor=clerk, movement=movement, rows=rows)
    assert len(saved) == 22 and Target.select().count() == 22
    assert saved[9].value == Decimal("1600") and saved[9].order == 10
    assert mv.movement_rows()[0]["target_count"] == 22


@pytest.mark.parametrize("text,expected", [
    ("85%", "85"), ("1.600", "1600"), ("khoảng 9,48%", "9.48"), ("≥ 100 %", "100"),
    ("8,5", "8.5"), (12, "12"), ("1.234.567,89", "1234567.89"),
])
def test_values_understood(text, expected):
    assert mv.parse_value(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "1,2,3", "mười"])
def test_values_refused(clerk, movement, text):
    with pytest.raises(ValidationError, match="không phải là số"):
        mv.add_target(actor=clerk, movement=movement, name="Chỉ tiêu", value=text)
    assert Target.select().count() == 0


def test_completion_direction_aware():
    assert mv.completion(85, 93.5, "higher").percent == Decimal("110.00")
    assert mv.completion(85, 80, "higher").achieved is False
    low = mv.completion(Decimal("5.9"), Decimal("5"), "lower")
    assert low.achieved is True and low.percent == Decimal("118.00")
    assert mv.completion(5, 10, "lower").percent == Decimal("50.00")
    assert mv.completion(100, 100, "exact").achieved is True
    assert mv.completion(100, 90, "exact").percent == Decimal("90.00")
    assert mv.completion(None, 3).achieved is None
    assert mv.completion(85, 93.5).text == "110 % – Đạt"


def test_actual_entered_and_audited(clerk, movement):
    t = mv.add_target(actor=clerk, movement=movement, name="Tỷ lệ trẻ suy dinh dưỡng",
                      value="5,9%", measure="%", direction="lower")
    mv.set_actual(actor=clerk, target=t, actual="khoảng 5,5%")
    t = Target.get_by_id(t.id)
    assert t.actual == Decimal("5.5")
    assert mv.target_completion(t).achieved is True
    log = AuditLog.select().where(AuditLog.action == "set_actual").get()
    assert json.loads(log.new) == {"actual": "5.5"}
    with pytest.raises(ValidationError):
        mv.set_actual(actor=clerk, target=t, actual="nhiều")


def test_delete_movement(clerk, movement):
    mv.delete_movement(actor=clerk, movement=movement)
    assert mv.list_movements() == []


def test_the_two_rounds_of_seed_000(clerk):
    import re
    text = open("/work/shared/seeds/000_333323987a3a6d3e.txt", encoding="utf-8").read()
    spans = re.findall(r"Đợt thi đua thứ (\w+) \(\*từ ngày (\S+) đến (?:ngày )?(\S+?)\*\)", text)
    assert len(spans) == 2
    m = mv.add_movement(actor=clerk, name="Phong trào thi đua năm 2021", year_from=2021)
    for word, start, end in spans:
        mv.add_round(actor=clerk, movement=m, name=f"Đợt {word}", start=start, end=end)
    rounds = list(m.rounds.order_by(Round.start))
    assert [(r.start, r.end) for r in rounds] == [
        (datetime.date(2021, 1, 1), datetime.date(2021, 6, 30)),
        (datetime.date(2021, 7, 1), datetime.date(2021, 12, 31))]
    # the plan asks for the first review "trước ngày 31/6/2021": no such day
    with pytest.raises(ValidationError):
        mv.update_round(actor=clerk, round=rounds[0], review_date="31/6/2021")


@pytest.mark.parametrize("year", ["", None, "hai nghìn"])
def test_missing_or_bad_start_year(clerk, year):
    with pytest.raises(ValidationError) as info:
        mv.add_movement(actor=clerk, name="Phong trào", year_from=year)
    assert info.value.field == "year_from"
