"""Exemplary models: four stages in order, dated and audited; stuck models; replications;
public introductions; what they give the candidate list and the achievement reports."""
import datetime
import json

import pytest

from models import candidates, exemplary as ex, movements as mv, registrations as rg
from models.entities import AuditLog, ExemplaryModel
from models.errors import ConflictError, ValidationError
from tests.helpers import make_org

D = datetime.date


@pytest.fixture
def world(clerk):
    org = make_org(clerk)
    movement = mv.add_movement(actor=clerk, name="Phong trào thi đua yêu nước năm 2025",
                               year_from=2025)
    return dict(org, movement=movement)


def _practice(clerk, world, name="Mô hình dân vận khéo", day=D(2025, 2, 10)):
    return ex.discover(actor=clerk, movement=world["movement"], name=name,
                       originator=world["villages"][0], area="Xây dựng chính quyền", date=day,
                       by_whom="Ban Thường trực Ủy ban MTTQ xã",
                       evidence="Biên bản kiểm tra ngày 05/02/2025")


def test_four_stages_in_order_each_dated_and_audited(clerk, world):
    m = _practice(clerk, world)
    assert (m.stage, m.stage_date) == (ex.DISCOVERED, D(2025, 2, 10))
    ex.record_stage(actor=clerk, model=m, stage=ex.NURTURED, date="15/03/2025",
                    by_whom="Hội Nông dân xã", content="Tập huấn, hỗ trợ 20 triệu đồng")
    ex.record_stage(actor=clerk, model=m, stage=ex.SUMMARISED, date=D(2025, 6, 20),
                    by_whom="UBND xã", content="Giảm 40 % đơn thư so với cùng kỳ")
    ex.record_replication(actor=clerk, model=m, unit=world["villages"][1], date=D(2025, 8, 1),
                          result="Hòa giải thành 12/12 vụ việc")
    ex.record_replication(actor=clerk, model=m, unit=world["office"], date=D(2025, 9, 1))
    m = ExemplaryModel.get_by_id(m.id)
    assert (m.stage, m.stage_date) == (ex.REPLICATED, D(2025, 8, 1))
    detail = ex.model_detail(m)
    assert [s["stage"] for s in detail["stages"]] == [ex.DISCOVERED, ex.NURTURED, ex.SUMMARISED]
    assert detail["stages"][1]["by_whom"] == "Hội Nông dân xã"
    assert [r["unit"] for r in detail["replications"]] == ["Tổ dân phố 1",
                                                           "Trường Tiểu học Tân Lập"]
    actions = [a for (a,) in AuditLog.select(AuditLog.action).where(
        AuditLog.entity == "exemplary_model").order_by(AuditLog.id).tuples()]
    assert actions == ["discover_model", "model_nurtured", "model_summarised",
                       "model_replicated", "model_replicated"]


def test_replicated_before_discovered_is_refused(clerk, world):
    m = _practice(clerk, world)
    ex.record_stage(actor=clerk, model=m, stage=ex.NURTURED, date=D(2025, 3, 1))
    ex.record_stage(actor=clerk, model=m, stage=ex.SUMMARISED, date=D(2025, 4, 1))
    with pytest.raises(ValidationError, match="không thể nhân rộng trước khi phát hiện"):
        ex.record_replication(actor=clerk, model=m, unit=world["office"], date=D(2025, 1, 5))
    with pytest.raises(ValidationError, match="trước ngày tổng kết"):
        ex.record_replication(actor=clerk, model=m, unit=world["office"], date=D(2025, 3, 15))
    assert ExemplaryModel.get_by_id(m.id).stage == ex.SUMMARISED


def test_stage_before_the_previous_one_and_skipped_stage_refused(clerk, world):
    m = _practice(clerk, world)
    with pytest.raises(ValidationError, match="chưa qua khâu bồi dưỡng"):
        ex.record_stage(actor=clerk, model=m, stage=ex.SUMMARISED, date=D(2025, 5, 1))
    with pytest.raises(ValidationError, match="trước ngày phát hiện"):
        ex.record_stage(actor=clerk, model=m, stage=ex.NURTURED, date=D(2025, 1, 1))
    with pytest.raises(ValidationError, match="chưa được tổng kết"):
        ex.record_replication(actor=clerk, model=m, unit=world["office"], date=D(2025, 6, 1))
    ex.record_stage(actor=clerk, model=m, stage=ex.NURTURED, date=D(2025, 3, 1))
    # moving the discovery after the nurturing is refused too
    with pytest.raises(ValidationError, match="sau ngày bồi dưỡng"):
        ex.record_stage(actor=clerk, model=m, stage=ex.DISCOVERED, date=D(2025, 4, 1))
    future = datetime.date.today() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError, match="tương lai"):
        ex.record_stage(actor=clerk, model=m, stage=ex.SUMMARISED, date=future)
    with pytest.raises(ValidationError, match="Ngày tổng kết"):
        ex.record_stage(actor=clerk, model=m, stage=ex.SUMMARISED, date="31/02/2025")


def test_kinds_originators_and_duplicates(clerk, world):
    person = world["people"][0]
    m = ex.discover(actor=clerk, movement=world["movement"], kind="person", originator=person,
                    date=D(2025, 3, 3), area="Văn hóa - xã hội")
    assert m.name == person.full_name and m.person_id == person.id
    with pytest.raises(ValidationError, match="phải gắn với một cá nhân"):
        ex.discover(actor=clerk, movement=world["movement"], kind="person",
                    originator=world["office"], date=D(2025, 3, 3))
    with pytest.raises(ValidationError, match="Hãy chọn hộ gia đình"):
        ex.discover(actor=clerk, movement=world["movement"], kind="household",
                    date=D(2025, 3, 3))
    with pytest.raises(ConflictError):
        ex.discover(actor=clerk, movement=world["movement"], kind="person",
                    originator=person, date=D(2025, 3, 4))
    practice = ex.discover(actor=clerk, movement=world["movement"],
                           name="Tổ tự quản an ninh trật tự", date=D(2025, 3, 5))
    assert practice.kind == "practice" and practice.unit_id is None


def test_stuck_models_use_the_setting(clerk, leader, world):
    old = _practice(clerk, world, day=D(2025, 1, 10))
    fresh = _practice(clerk, world, name="Mô hình con đường hoa", day=D(2025, 6, 1))
    on = D(2025, 8, 1)
    rows = {r["name"]: r for r in ex.model_rows(on=on)}
    assert rows[old.name]["stuck"] and rows[old.name]["days_in_stage"] == 203
    assert not rows[fresh.name]["stuck"]
    assert [r["name"] for r in ex.stuck_models(on=on)] == [old.name]
    from models import settings
    settings.update_settings(actor=leader, values={"model_stuck_days": 30})
    assert {r["name"] for r in ex.stuck_models(on=on)} == {old.name, fresh.name}
    # a replicated model is never stuck
    for stage, day in ((ex.NURTURED, D(2025, 2, 1)), (ex.SUMMARISED, D(2025, 3, 1))):
        ex.record_stage(actor=clerk, model=old, stage=stage, date=day)
    ex.record_replication(actor=clerk, model=old, unit=world["office"], date=D(2025, 4, 1))
    assert [r["name"] for r in ex.stuck_models(on=on)] == [fresh.name]
    assert [r["name"] for r in ex.model_rows(stage=ex.REPLICATED, on=on)] == [old.name]
    assert [r["name"] for r in ex.model_rows(search="con duong", on=on)] == [fresh.name]
    json.dumps(ex.model_rows(on=on), default=str)


def test_publicity_replications_by_unit_and_models_of(clerk, world):
    m = _practice(clerk, world)
    ex.record_publicity(actor=clerk, model=m, channel="loudspeaker", date=D(2025, 2, 20),
                        detail="Bản tin tối thứ Bảy")
    ex.record_publicity(actor=clerk, model=m, channel="conference", date=D(2025, 7, 1),
                        detail="Hội nghị sơ kết 6 tháng")
    with pytest.raises(ValidationError, match="trước ngày phát hiện"):
        ex.record_publicity(actor=clerk, model=m, channel="website", date=D(2025, 1, 1))
    with pytest.raises(ValidationError, match="Hình thức giới thiệu"):
        ex.record_publicity(actor=clerk, model=m, channel="tivi", date=D(2025, 3, 1))
    ex.record_stage(actor=clerk, model=m, stage=ex.NURTURED, date=D(2025, 3, 1))
    ex.record_stage(actor=clerk, model=m, stage=ex.SUMMARISED, date=D(2025, 4, 1))
    ex.record_replication(actor=clerk, model=m, unit=world["office"], date=D(2025, 5, 1),
                          result="Áp dụng trong nhà trường")
    detail = ex.model_detail(m)
    assert [p["channel_label"] for p in detail["publicity"]] == ["Loa truyền thanh", "Hội nghị"]
    by_unit = ex.replications_by_unit()
    assert by_unit == [{"unit_id": world["office"].id, "unit": "Trường Tiểu học Tân Lập",
                        "models": [(m.name, D(2025, 5, 1), "Áp dụng trong nhà trường")]}]
    origin = ex.models_of(world["villages"][0])
    assert [(o["name"], o["role"], o["replicated_units"]) for o in origin] == [
        (m.name, "originator", 1)]
    assert [(o["name"], o["role"]) for o in ex.models_of(world["office"])] == [
        (m.name, "replicator")]
    assert ex.models_of(world["people"][0]) == []


def test_models_give_positive_notes_to_candidates(clerk, world):
    movement = world["movement"]
    village, office = world["villages"][0], world["office"]
    m = _practice(clerk, world)
    ex.record_stage(actor=clerk, model=m, stage=ex.NURTURED, date=D(2025, 3, 1))
    ex.record_stage(actor=clerk, model=m, stage=ex.SUMMARISED, date=D(2025, 4, 1))
    ex.record_replication(actor=clerk, model=m, unit=office, date=D(2025, 5, 1))
    for unit, title in ((village, "TDPVH"), (office, "TTLDTT")):
        reg = rg.register(actor=clerk, movement=movement, subject=unit, year=2025,
                          titles=[title])
        rg.submit(actor=clerk, registration=reg)
    candidates.build_candidates(actor=clerk, movement=movement, year=2025)
    rows = {r["name"]: r for r in candidates.candidate_rows(movement=movement, year=2025)}
    assert any("khởi xướng mô hình «Mô hình dân vận khéo»" in w
               for w in rows["Thôn Đông Hòa"]["warnings"])
    assert any("nhân rộng mô hình «Mô hình dân vận khéo»" in w
               for w in rows["Trường Tiểu học Tân Lập"]["warnings"])


def test_a_forged_stage_is_reported(clerk, world, database):
    from models import schema_check
    from models.db import db, is_server
    if is_server():
        pytest.skip("value rules check an SQLite file another tool may have written; a "
                    "server's rows are written through the program and its guards")
    m = _practice(clerk, world)
    assert schema_check.value_problems(db.connection()) == []
    ExemplaryModel.update(stage="famous").where(ExemplaryModel.id == m.id).execute()
    problems = schema_check.value_problems(db.connection())
    assert problems == ["1 dòng có giai đoạn mô hình điển hình không hợp lệ "
                        "(bảng exemplary_model)"]
