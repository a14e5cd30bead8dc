"""Exports written as their rows are read from the cursor (issue 15): the awards register and
the registrations come out complete and in order across read batches, the totals summed on
the way; read back with openpyxl, and again after LibreOffice saved them."""
import datetime

import pytest
from openpyxl import load_workbook

from models import bulk, org, vntext
from models import registrations as rg
from models.entities import Award, Decision, Registration
from reports import award_docs, registration_docs
from tests import office
from tests.decision_fixtures import big_household_decision, make_movement, register
from tests.helpers import make_org


def _table(path):
    """(header, data rows, lines after the table) of an exported sheet."""
    rows = [list(r) for r in load_workbook(path).worksheets[0].iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    data = [r for r in rows[head + 1:] if r and isinstance(r[0], int)]
    after = [r[0] for r in rows[head + 1 + len(data):] if r and r[0]]
    return rows[head], data, after


def _both(path, tmp_path):
    """The table as we wrote it and as LibreOffice saved it."""
    if office.soffice() is None and not __import__("os").environ.get("CI"):
        pytest.skip("LibreOffice (libreoffice-calc-nogui) không có")
    return _table(path), _table(office.saved_by_libreoffice(path, str(tmp_path / "lo")))


def test_awards_register_streamed_in_register_order(leader, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "STREAM_BATCH", 100)          # many read batches
    decision = big_household_decision(leader, 730)
    path = award_docs.export_awards_xlsx(tmp_path / "sổ.xlsx")
    expected = list(Award.select(Award.register_no, Award.display_name, Award.amount)
                    .join(Decision).where(Decision.id == decision)
                    .order_by(Award.register_year, Award.register_no).tuples())
    for header, data, after in _both(path, tmp_path):
        col = {name: i for i, name in enumerate(header)}
        assert [r[0] for r in data] == list(range(1, 731))
        assert [(r[col["Số sổ"]], r[col["Họ và tên / Tên tập thể / Chủ hộ"]],
                 r[col["Số tiền (đồng)"]]) for r in data] == expected
        assert {r[col["Ngày quyết định"]] for r in data} == {datetime.datetime(2026, 1, 15)}
        assert after == [f"Tổng số tiền: {vntext.format_money(730 * 1_065_000)}"]


def _registrations(clerk):
    """Registrations of three kinds in two years, places and names whose Vietnamese order
    differs from the order of ids and from the order of bytes."""
    world = make_org(clerk)
    mv = make_movement()
    villages = world["villages"] + [org.add_unit(actor=clerk, name=name, kind="thon",
                                                 parent=world["bloc"])
                                    for name in ("Thôn Ấp Bắc", "Thôn An Phú", "Thôn Bến")]
    names = ["Đặng Văn Lâm", "Dương Thị Mai", "Bùi Văn Ân", "Ân Thị Hà", "An Văn Hải",
             "Nguyễn Thị Ánh", "Nguyễn Văn Anh", "Lê Thị Ẩn", "Zơ Văn Bé", "Âu Thị Cúc"]
    households = [org.add_household(actor=clerk, head_name=names[i % len(names)],
                                    gender="nam", birth_year=1950 + i,
                                    village=villages[(i * 7) % len(villages)])
                  for i in range(40)]
    for year in (2024, 2025):
        for h in households + world["households"]:
            register(mv, h, "GK_HGD", year=year)
        for p in world["people"]:          # two titles: a row per title in the query
            register(mv, p, "LDTT", "CSTDCS", year=year)
        for u in world["villages"] + [world["office"]]:
            register(mv, u, "TDPVH" if u in world["villages"] else "TTLDTT", year=year)
    return mv


def _old_order(year=None):
    """What the export wrote before it streamed: every row, sorted in Python."""
    order = {k: i for i, (k, _) in enumerate(registration_docs.SECTIONS)}

    def key(r):
        name = (vntext.text_sort_key(r["name"]) if r["kind"] == "unit"
                else vntext.name_sort_key(r["name"]))
        return (order[r["kind"]], -(r["year"] or 0), vntext.text_sort_key(r["place"]), name)
    return sorted(rg.registration_rows(year=year), key=key)


@pytest.mark.parametrize("year", [None, 2025])
def test_registrations_streamed_in_list_order(clerk, tmp_path, monkeypatch, year):
    monkeypatch.setattr(bulk, "STREAM_BATCH", 7)
    _registrations(clerk)
    expected = [[r["year"], r["kind_label"], r["name"], r["place"], r["titles"],
                 r["state_label"]] for r in _old_order(year)]
    query = Registration.select()
    if year:
        query = query.where(Registration.year == year)
    assert len(expected) == query.count() > 40
    assert registration_docs.sorted_rows(year=year) == _old_order(year)
    path = registration_docs.export_registrations_xlsx(str(tmp_path / "dk.xlsx"), year=year)
    for header, data, after in _both(path, tmp_path):
        col = {name: i for i, name in enumerate(header)}
        got = [[r[col[c]] or "" for c in ("Năm", "Đối tượng",
                                          "Họ và tên / Tên tập thể / Chủ hộ",
                                          "Đơn vị, địa chỉ", "Danh hiệu đăng ký",
                                          "Trạng thái")] for r in data]
        assert got == expected
        assert [r[0] for r in data] == list(range(1, len(expected) + 1))
        assert after == [f"Tổng cộng: {vntext.format_int(len(expected))} đăng ký."]
