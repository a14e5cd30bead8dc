"""Page "Tổng hợp cấp tỉnh" driven by qtbot: files of a demo commune received, the four tabs,
an older file confirmed, a tampered one refused; a screenshot at 1366×768."""
import datetime
import os
import subprocess

import pytest

from gui import files, messages
from gui.context import AppContext
from gui.pages.province import ProvincePage
from models import db as dbmod
from models.entities import ProvCommune, ProvSubject, User
from tests.test_province import COMMUNES, YEAR, _make_commune

pytestmark = pytest.mark.slow   # one demo commune made for the module


@pytest.fixture(scope="module")
def commune(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("xa"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TDKT_DATA_DIR", os.path.join(folder, "data"))
        return _make_commune(folder, *COMMUNES[0])


@pytest.fixture
def ctx(database, qapp, monkeypatch):
    leader = User.create(username="tinh", full_name="Ban TĐKT tỉnh", role="leader",
                         password_hash="x")
    shown = []
    monkeypatch.setattr(messages, "info", lambda parent, text, **kw: shown.append(text))
    monkeypatch.setattr(messages, "show_error", lambda parent, err, **kw: shown.append(str(err)))
    monkeypatch.setattr(messages, "saved", lambda parent, path, text=None: shown.append(path))
    context = AppContext(leader, dbmod.current_path())
    context.shown = shown
    return context


def test_receive_look_up_count_and_list(commune, ctx, qtbot, monkeypatch, tmp_path):
    page = ProvincePage(ctx)
    qtbot.addWidget(page)
    page.resize(1366 - 200, 768 - 60)
    assert page.communes_model.rowCount() == 0 and "Chưa nhận tệp nào" in \
        page.communes_note.text()
    monkeypatch.setattr(files, "open_name", lambda *a, **kw: (commune["backup"], ""))
    page.receive_button.click()
    assert "Đã nhận Xã Tân Lập" in ctx.shown[-1]
    assert page.communes_model.rowCount() == 1
    assert page.communes_model.rows[0][:3] == ("18070", "Xã Tân Lập", "Bản sao lưu")
    # Thống kê: the year of the awards, the commune and the province's total
    page.tabs.setCurrentIndex(2)
    assert page.stats_year.currentData() == YEAR + 1 or page.stats_year.findData(YEAR) >= 0
    page.stats_year.setCurrentIndex(page.stats_year.findData(YEAR))
    rows = page.stats_model.rows
    assert [r[0] for r in rows] == ["Xã Tân Lập", "Toàn tỉnh"]
    assert rows[0][1] == str(commune["expected"]["01"]).replace(",", ".") or \
        int(rows[0][1].replace(".", "")) == commune["expected"]["01"]
    out = tmp_path / "tk.xlsx"
    monkeypatch.setattr(files, "save_name", lambda *a, **kw: (str(out), ""))
    page.export_button.click()
    assert out.exists() and ctx.shown[-1] == str(out)
    # Đề nghị nhận được, then Tra cứu of one proposed person, typed without marks
    page.tabs.setCurrentIndex(3)
    assert page.prop_model.rowCount() >= 1
    name = next(r[3] for r in page.prop_model.rows if r[2] == "Cá nhân")
    page.tabs.setCurrentIndex(1)
    from models import vntext
    qtbot.keyClicks(page.search, vntext.fold(name))
    qtbot.waitUntil(lambda: name in page.found.toPlainText(), timeout=3000)
    assert "Xã Tân Lập" in page.found.toPlainText()
    # a word in a collective's name and in people's ("thi": Thị, thi đua) raised TypeError
    # into the event loop while the clerk typed; now people, then collectives
    people = [k for (k,) in ProvSubject.select(ProvSubject.name_key)
              .where(ProvSubject.kind != "unit").tuples()]
    word = next(w for (k,) in ProvSubject.select(ProvSubject.name_key)
                .where(ProvSubject.kind == "unit").tuples()
                for w in k.split() if len(w) > 1 and any(w in p for p in people))
    page.search.clear()
    qtbot.keyClicks(page.search, word)
    qtbot.waitUntil(lambda: "Tập thể" in page.found.toPlainText(), timeout=5000)
    kinds = [line.split(",")[0].split(" — ")[0] for line in page.found.toPlainText()
             .splitlines() if line.startswith(("Cá nhân", "Hộ gia đình", "Tập thể"))]
    units = [k == "Tập thể" for k in kinds]
    assert False in units and units == sorted(units), kinds
    page.tabs.setCurrentIndex(0)
    page.show()
    shots = os.environ.get("TDKT_SCREENSHOTS") or str(tmp_path)     # to look at the page
    for index, name in ((0, "province-page.png"), (1, "province-lookup.png")):
        page.tabs.setCurrentIndex(index)
        assert page.grab().save(os.path.join(shots, name))


def test_older_file_asks_then_replaces_and_tampered_refused(commune, ctx, qtbot, monkeypatch,
                                                            tmp_path):
    page = ProvincePage(ctx)
    qtbot.addWidget(page)
    page.receive([commune["dir"]])
    ProvCommune.update(file_time=datetime.datetime(2099, 1, 1)).execute()   # a later file
    asked = []
    monkeypatch.setattr(messages, "confirm", lambda parent, text, **kw: asked.append(text)
                        or False)
    page.receive([commune["backup"]])
    assert "cũ hơn" in asked[-1] and ProvCommune.get().source == "upward"
    monkeypatch.setattr(messages, "confirm", lambda parent, text, **kw: True)
    page.receive([commune["backup"]])
    assert ProvCommune.get().source == "backup"
    assert page.communes_model.rows[0][2] == "Bản sao lưu"
    # the upward file on top of the backup adds its proposals, asks nothing, loses nothing
    awards = ProvCommune.get().awards
    asked.clear()
    monkeypatch.setattr(files, "folder_name", lambda *a, **kw: commune["dir"])
    page.folder_button.click()
    assert asked == [] and ProvCommune.get().source == "backup"
    assert ProvCommune.get().awards == awards
    assert ctx.shown[-1].startswith("Đã thêm hồ sơ đề nghị vào số liệu của")
    work = tmp_path / "unz"
    subprocess.run(["unzip", "-q", commune["zip"], "-d", str(work)], check=True)
    (work / "ho-so" / "01-to-trinh.pdf").write_bytes(b"%PDF-1.4 sua\n")
    bad = tmp_path / "sua.zip"
    subprocess.run(["zip", "-q", "-r", str(bad), "ho-so"], cwd=work, check=True)
    page.receive([str(bad)])
    assert "01-to-trinh.pdf" in ctx.shown[-1] and "không khớp" in ctx.shown[-1]
