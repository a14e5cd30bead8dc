"""Template model: built-ins, validation, JSON, choice by title, offsets, print log."""
import datetime
import json

import pytest

from models import templates as tpl
from models.entities import Award, AuditLog, CertTemplate, Decision, PrintLog, Title
from models.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from tests.helpers import small_png, make_org


def test_builtins_seeded_once_and_all_valid(database):
    names = [t.name for t in tpl.list_templates()]
    assert names[:3] == ["Giấy khen - cá nhân", "Giấy khen - tập thể", "Giấy khen - hộ gia đình"]
    for required in ("Lao động tiên tiến", "Chiến sĩ thi đua cơ sở", "Tập thể lao động tiên tiến",
                     "Thôn, tổ dân phố văn hóa", "Gia đình văn hóa"):
        assert required in names
    tpl.ensure_builtin_templates()
    assert CertTemplate.select().count() == len(names) == 8
    for t in tpl.list_templates():
        assert (t.width_mm, t.height_mm) == (297, 210)
        keys = {f.key for f in t.fields}
        assert {"recipient", "place", "achievement", "decision", "register", "date_place",
                "signer_title", "signer_name"} <= keys


@pytest.mark.parametrize("title,kind,expected", [
    ("Giấy khen của Chủ tịch Ủy ban nhân dân xã", "person", "Giấy khen - cá nhân"),
    ("Giấy khen của Chủ tịch Ủy ban nhân dân xã", "unit", "Giấy khen - tập thể"),
    ("Giấy khen của Chủ tịch Ủy ban nhân dân xã", "household", "Giấy khen - hộ gia đình"),
    ("Lao động tiên tiến", "person", "Lao động tiên tiến"),
    ("Tập thể lao động tiên tiến", "unit", "Tập thể lao động tiên tiến"),
    ("Chiến sĩ thi đua cơ sở", "person", "Chiến sĩ thi đua cơ sở"),
    ("Thôn, tổ dân phố văn hóa", "unit", "Thôn, tổ dân phố văn hóa"),
    ("Gia đình văn hoá", "household", "Gia đình văn hóa"),        # old-style accent placement
    ("Danh hiệu lạ", "unit", "Giấy khen - tập thể"),
])
def test_choose_template_by_title_and_subject(database, title, kind, expected):
    assert tpl.choose_template(title, kind).name == expected


def test_json_round_trip_and_unknown_placeholder(database):
    t = tpl.get_template("Lao động tiên tiến")
    again, bg = tpl.template_from_json(tpl.template_to_json(t))
    assert again == t and bg is None
    data = tpl.template_to_dict(t)
    data["fields"][0]["text"] = "{ten_sai}"
    with pytest.raises(ValidationError) as err:
        tpl.template_from_dict(data)
    assert "{ten_sai}" in str(err.value)
    with pytest.raises(ValidationError):
        tpl.template_from_json("{not json")
    data = tpl.template_to_dict(t)
    data["version"] = 99
    with pytest.raises(ValidationError) as err:
        tpl.template_from_dict(data)
    assert "phiên bản mới hơn" in str(err.value)


@pytest.mark.parametrize("change,word", [
    (dict(x=280), "ngoài khổ giấy"),
    (dict(y=-1), "ngoài khổ giấy"),
    (dict(h=250), "ngoài khổ giấy"),
    (dict(size=2), "cỡ chữ"),
    (dict(min_size=30), "cỡ chữ nhỏ nhất"),
    (dict(align="justify"), "căn lề"),
    (dict(w="abc"), "không phải là số"),
])
def test_validation_names_the_field(database, change, word):
    t = tpl.get_template("Giấy khen - cá nhân")
    f = t.get_field("recipient")
    for k, v in change.items():
        setattr(f, k, v)
    with pytest.raises(ValidationError) as err:
        tpl.validate_template(t)
    assert word in str(err.value) and "Người nhận" in str(err.value)


def test_custom_paper_size(database):
    t = tpl.get_template("Giấy khen - cá nhân")
    t.width_mm, t.height_mm = 250, 180
    with pytest.raises(ValidationError):
        tpl.validate_template(t)           # the built-in boxes do not fit the smaller blank
    for f in t.fields:
        f.x, f.y, f.w, f.h = 10, 10 + t.fields.index(f) * 15, 200, 12
    t.qr_y = 150
    assert tpl.validate_template(t).paper_label == "250 × 180 mm"


def test_save_rename_delete_audited(database, clerk, viewer):
    t = tpl.get_template("Giấy khen - cá nhân")
    t.name = "Phôi Giấy khen 2025"
    png = small_png()
    tpl.save_template(actor=clerk, template=t, background=png)
    assert tpl.template_background("Phôi Giấy khen 2025") == png
    t.get_field("recipient").size = 26
    t.name = "Phôi Giấy khen"
    tpl.save_template(actor=clerk, template=t, original_name="Phôi Giấy khen 2025")
    assert tpl.get_template("Phôi Giấy khen").get_field("recipient").size == 26
    assert tpl.template_background("Phôi Giấy khen") == png
    with pytest.raises(NotFound):
        tpl.get_template("Phôi Giấy khen 2025")
    t.name = "Gia đình văn hóa"
    with pytest.raises(ConflictError):
        tpl.save_template(actor=clerk, template=t, original_name="Phôi Giấy khen")
    with pytest.raises(ValidationError) as err:
        tpl.save_template(actor=clerk, template=tpl.get_template("Phôi Giấy khen"),
                          background=b"%PDF-1.4 not an image")
    assert "không phải là ảnh" in str(err.value)
    with pytest.raises(PermissionDenied):
        tpl.save_template(actor=viewer, template=tpl.get_template("Phôi Giấy khen"))
    with pytest.raises(ConflictError):
        tpl.delete_template(actor=clerk, name="Gia đình văn hóa")
    tpl.delete_template(actor=clerk, name="Phôi Giấy khen")
    actions = [a.action for a in AuditLog.select().order_by(AuditLog.id)]
    assert actions == ["create_template", "update_template", "delete_template"]


def test_printer_offsets_confirm_beyond_20mm(database, clerk):
    assert tpl.printer_offset("HP LaserJet") == (0.0, 0.0)
    tpl.set_printer_offset(actor=clerk, printer="HP LaserJet", dx_mm="1,5", dy_mm=-2)
    assert tpl.printer_offset("HP LaserJet") == (1.5, -2.0)
    with pytest.raises(tpl.NeedsConfirmation) as err:
        tpl.set_printer_offset(actor=clerk, printer="HP LaserJet", dx_mm=25, dy_mm=0)
    assert "25 mm" in str(err.value)
    assert tpl.printer_offset("HP LaserJet") == (1.5, -2.0)          # nothing saved
    tpl.set_printer_offset(actor=clerk, printer="HP LaserJet", dx_mm=25, dy_mm=0, confirmed=True)
    assert tpl.printer_offset("HP LaserJet") == (25.0, 0.0)
    with pytest.raises(ValidationError):
        tpl.set_printer_offset(actor=clerk, printer="HP LaserJet", dx_mm=150, dy_mm=0,
                               confirmed=True)
    assert tpl.printer_offset("Canon") == (0.0, 0.0)                 # per printer


def test_log_prints_marks_reprints(database, leader, clerk):
    org = make_org(leader)
    d = Decision.create(year=2025, number="1/QĐ-UBND", date=datetime.date(2025, 1, 2),
                        state="draft")
    title = Title.get(Title.code == "LDTT")
    awards = [Award.create(decision=d, title=title, display_name=p.full_name, person=p, order=i)
              for i, p in enumerate(org["people"])]
    Decision.update(state="issued").where(Decision.id == d.id).execute()  # awards first
    template = tpl.get_template("Lao động tiên tiến")
    tpl.log_prints(actor=clerk, awards=awards[:2], template=template, target="HP LaserJet")
    tpl.log_prints(actor=clerk, awards=awards, template=template, target="/tmp/a.pdf")
    rows = list(PrintLog.select().order_by(PrintLog.id))
    assert [r.reprint for r in rows] == [False, False, True, True, False]
    assert rows[0].target == "HP LaserJet" and rows[0].username == "canbo"
    assert tpl.printed_award_ids([a.id for a in awards]) == {a.id for a in awards}
    audit = AuditLog.select().where(AuditLog.action == "print_certificates").order_by(AuditLog.id)
    assert json.loads(list(audit)[-1].new)["reprints"] == 2
    assert len(tpl.print_history(awards[0])) == 2
