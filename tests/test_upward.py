"""Files proposed upward: eligibility from the records, edited texts, refusals (issue 17)."""
import copy
import json

import pytest

from models import catalogue, settings, upward, upward_data
from models.entities import AuditLog, UpwardFile, UpwardProposal
from models.errors import ConflictError, PermissionDenied, ValidationError
from tests.upward_fixtures import make_file, make_history


@pytest.fixture
def org(database, clerk, leader):
    settings.update_settings(actor=leader, values={"commune_name": "Xã Tân Lập",
                                                   "province_name": "Tỉnh Hà Tĩnh",
                                                   "place_name": "Tân Lập",
                                                   "chairman": "Nguyễn Văn Hùng"})
    return make_history(clerk, leader)


def _by_name(f):
    data = upward_data.file_data(f)
    return {p["subject"]["name"]: p for p in data["proposals"]}, data


def test_passed_candidates_become_proposals_with_missing_years(org, clerk):
    f = make_file(clerk, org)
    props, _ = _by_name(f)
    # Bình did not reach the threshold: not proposed
    assert set(props) == {"Nguyễn Văn An", "Trường Tiểu học Tân Lập", "Thôn Đông Hòa"}
    an = props["Nguyễn Văn An"]["warnings"]
    assert len(an) == 1 and "còn thiếu năm 2023" in an[0] and "2024" not in an[0].split(
        "thiếu")[1]
    assert "cần 3 năm liên tục (2023–2025)" in an[0]
    assert props["Trường Tiểu học Tân Lập"]["warnings"] == []          # 2024 and 2025
    assert "còn thiếu năm 2024" in props["Thôn Đông Hòa"]["warnings"][0]
    assert props["Trường Tiểu học Tân Lập"]["vote"]["votes_for"] == 8
    # adding the passed candidates again adds nothing
    assert upward.add_passed_candidates(actor=clerk, upward_file=f) == 0


def test_rule_is_data_the_leader_can_change(org, clerk, leader):
    f = make_file(clerk, org)
    rules = copy.deepcopy(settings.get("upward_rules"))     # the default is shared: copy
    rules["CSTD_TINH"] = {"years": 2, "titles": ["CSTDCS"]}
    settings.update_settings(actor=leader, values={"upward_rules": rules})
    upward.refresh_warnings(f)
    props, _ = _by_name(f)
    assert props["Nguyễn Văn An"]["warnings"] == []


def test_hand_added_proposal_without_vote_or_years_is_warned_not_blocked(org, clerk):
    f = make_file(clerk, org)
    binh = org["people"][1]
    p = upward.add_proposal(actor=clerk, upward_file=f, subject=binh,
                            title=catalogue.title_by_code("CSTD_TINH"))
    warnings = json.loads(p.warnings)
    assert "còn thiếu năm 2023, 2024, 2025" in warnings[0]
    assert "Không đạt tỷ lệ phiếu" not in " ".join(warnings)    # voted for another title
    assert "chưa bỏ phiếu kín" in warnings[1]


def test_refusals(org, clerk, viewer):
    f = make_file(clerk, org)
    an = org["people"][0]
    with pytest.raises(ValidationError, match="do xã tặng"):
        upward.add_proposal(actor=clerk, upward_file=f, subject=an,
                            title=catalogue.title_by_code("CSTDCS"))
    with pytest.raises(ValidationError, match="không dành cho cá nhân"):
        upward.add_proposal(actor=clerk, upward_file=f, subject=an,
                            title=catalogue.title_by_code("BKT_TT"))
    with pytest.raises(ValidationError, match="cụm/khối thi đua"):
        upward.add_proposal(actor=clerk, upward_file=f, subject=org["bloc"],
                            title=catalogue.title_by_code("BKT_TT"))
    with pytest.raises(ConflictError, match="đã có trong hồ sơ"):
        upward.add_proposal(actor=clerk, upward_file=f, subject=an,
                            title=catalogue.title_by_code("CSTD_TINH"))
    with pytest.raises(PermissionDenied):
        upward.create_file(actor=viewer, year=2025)


def test_texts_are_stored_audited_and_fall_back_to_the_records(org, clerk):
    f = make_file(clerk, org)
    school = UpwardProposal.get(UpwardProposal.unit == org["office"])
    defaults = upward.subject_texts(school)
    assert "Năm 2024" in defaults["achievements"] and "Năm 2023" in defaults["achievements"]
    upward.update_texts(actor=clerk, target=school,
                        texts={"tasks": "Dạy học  cho 450 học sinh\r\nvà phổ cập giáo dục."})
    assert upward.subject_texts(school)["tasks"] == "Dạy học cho 450 học sinh\nvà phổ cập giáo dục."
    row = AuditLog.select().where(AuditLog.action == "update_upward_texts").get()
    assert "450 học sinh" in row.new and row.entity == "upward_proposal"
    upward.update_texts(actor=clerk, target=school, texts={"tasks": ""})
    assert upward.subject_texts(school)["tasks"] == defaults["tasks"]
    upward.update_texts(actor=clerk, target=f, texts={"body": "Nội dung do cán bộ viết."})
    assert upward.file_texts(UpwardFile.get_by_id(f.id))["body"] == "Nội dung do cán bộ viết."
    with pytest.raises(ValidationError, match="Không có mục"):
        upward.update_texts(actor=clerk, target=school, texts={"hometown": "Hà Tĩnh"})
    with pytest.raises(ValidationError, match="dài quá"):
        upward.update_texts(actor=clerk, target=school, texts={"tasks": "x" * 20_001})


def test_data_carries_uuids_and_the_register(org, clerk):
    f = make_file(clerk, org)
    props, data = _by_name(f)
    assert data["commune"]["unit_uuid"] == org["root"].uuid
    assert data["file"]["uuid"] == f.uuid and data["meeting"]["uuid"] == org["meeting"].uuid
    school = props["Trường Tiểu học Tân Lập"]
    assert school["subject"]["uuid"] == org["office"].uuid
    assert [a["year"] for a in school["awards"]] == [2023, 2024, 2025]
    a = school["awards"][1]
    assert a["decision"]["issuer"] == "Chủ tịch Ủy ban nhân dân xã Tân Lập"
    assert a["text"].startswith(f"Quyết định số {a['decision']['number']} ngày 20/12/2024")
    an = props["Nguyễn Văn An"]
    assert an["subject"]["unit"]["uuid"] == org["office"].uuid
    assert an["vote"]["candidate_uuid"] == an["candidate_uuid"]
    json.dumps(data)                 # plain JSON, no dates or Decimals left


def test_demo_has_a_file_upward(database, leader):
    from models import demo
    demo.load_demo(actor=leader, this_year=2026)
    files = upward.file_rows(year=2025)
    assert len(files) == 1 and files[0]["proposals"]
    warned = [p for p in files[0]["proposals"] if p["warnings"]]
    assert any("còn thiếu năm" in w for p in warned for w in p["warnings"])
