"""The layout description shared by the PDF and the printer: test print placement and the
parts that fall into a printer's unprintable margin."""
import pytest

from models import templates as tpl
from reports import cert_layout as L
from reports.cert_testprint import test_print_page as make_test_print

MARGINS = (4.23, 4.23, 4.23, 4.23)


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("offset", [(0, 0), (3, -2), (-6, 5)])
def test_test_print_labels_never_overprint_sample_text(database, offset):
    for template in tpl.list_templates():
        page = make_test_print(template, offset=offset, margins=MARGINS)
        samples = [L.item_bounds(i) for g in page.groups if g.label.startswith("Ô «")
                   for i in g.items]
        samples = [(b[0] + offset[0], b[1] + offset[1], b[2] + offset[0], b[3] + offset[1])
                   for b in samples]
        boxes = next(g for g in page.groups if g.label == "Khung các ô")
        labels = [L.item_bounds(i) for i in boxes.items if isinstance(i, L.Text)]
        assert len(labels) >= len([f for f in template.fields if f.enabled])
        for lab in labels:
            assert not any(_overlap(lab, s) for s in samples), (template.name, lab)
        # rulers, boxes and labels all lie inside the printable area
        for g in page.groups:
            if g.label.startswith("Ô «"):
                continue
            box = L.group_bounds(g)
            assert box[0] >= 4.23 and box[1] >= 4.23, (g.label, box)
            assert box[2] <= template.width_mm - 4.23 and box[3] <= template.height_mm - 4.23


def test_sample_text_follows_the_template_kind(database):
    def words(name):
        page = make_test_print(tpl.get_template(name), margins=MARGINS)
        return " ".join(i.text for g in page.groups for i in g.items if isinstance(i, L.Text))
    assert "Hộ gia đình ông" in words("Giấy khen - hộ gia đình")
    assert "Tập thể" not in words("Giấy khen - hộ gia đình")
    assert "Tập thể: Thôn Đông Hòa" in words("Giấy khen - tập thể")
    assert "Ông Nguyễn Văn An" in words("Giấy khen - cá nhân")


def test_parts_in_the_unprintable_margin_are_named(database):
    from reports.certificates import sample_page
    template = tpl.get_template("Giấy khen - cá nhân")
    assert L.parts_in_margin(sample_page(template), MARGINS) == []
    template.get_field("register").x = 2            # 2 mm from the left edge
    found = dict(L.parts_in_margin(sample_page(template, mode="blank"), MARGINS))
    assert list(found) == ["Ô «Số sổ vàng»"] and found["Ô «Số sổ vàng»"].startswith("trái 2,2")
    # a printer offset can push the design's border into the margin too
    shifted = dict(L.parts_in_margin(sample_page(template, offset=(0, -4)), MARGINS))
    assert "Khung viền" in shifted and "trên" in shifted["Khung viền"]
