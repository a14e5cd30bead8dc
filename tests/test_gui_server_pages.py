"""Pages hidden while another PC saves catch up when shown: the main window on a real
PostgreSQL server, a second process writing (LISTEN/NOTIFY tells this window), then each
page shown and read (decisions; units and people, initiatives; movements; registrations;
exemplary models). The decisions page is told only about decisions ("decisions" area):
its meeting list, candidate list and decision list must all follow."""
import datetime
import os
import subprocess
import sys
import textwrap

import pytest

from models import accounts, candidates
from models import db as dbmod
from tests.decision_fixtures import YEAR, make_year
from tests.pg_server import TEMPLATE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

OTHER_PC = textwrap.dedent("""
    import datetime, sys
    sys.path.insert(0, {root!r})
    from models import accounts, candidates, catalogue, council, decisions, movements, org
    from models import exemplary, initiatives, registrations, db as dbmod
    from models.entities import Movement, Person, Unit
    dbmod.open_database({url!r})
    actor = accounts.batch_actor()
    mv = Movement.get(Movement.year_from == {year})
    if sys.argv[1] == "decisions":
        council.create_meeting(actor=actor, movement=mv, year={year},
                               date=datetime.date({year}, 12, 11), chair="Chủ tọa máy B",
                               secretary="Thư ký máy B", members_total=7, members_present=7)
        candidates.add_candidate(
            actor=actor, movement=mv, year={year},
            subject=Unit.get(Unit.name == "Tổ dân phố 1"),
            title=catalogue.title_by_code("TDPVH"), reason="Máy B thêm")
        decisions.create_draft(actor=actor, date=datetime.date({year}, 12, 21), movement=mv,
                               about="Quyết định lập ở máy B", signer_name="Nguyễn Văn Hùng")
    else:
        office = Unit.get(Unit.name == "Trường Tiểu học Tân Lập")
        person = org.add_person(actor=actor, full_name="Đỗ Văn Máy Bê", gender="nam",
                                birth_year=1990, unit=office)
        movements.add_movement(actor=actor, name="Phong trào lập ở máy B", year_from={year})
        registrations.register(actor=actor, movement=mv, subject=person, year={year},
                               titles=[catalogue.title_by_code("LDTT")])
        initiatives.create_initiative(actor=actor, title="Sáng kiến lập ở máy B",
                                      authors=[person], date=datetime.date({year}, 3, 1))
        exemplary.discover(actor=actor, movement=mv, name="Mô hình lập ở máy B",
                           originator=office, area="Xây dựng chính quyền",
                           date=datetime.date({year}, 2, 10), by_whom="Máy B",
                           evidence="Biên bản máy B")
""")


@pytest.fixture
def server_window(pg_server, qtbot, monkeypatch, data_dir):
    from gui import messages
    from gui.context import AppContext
    from gui.main_window import MainWindow
    name = pg_server.new_name("p")
    url = pg_server.create_database(name, template=TEMPLATE)
    dbmod.open_database(url)
    actor = accounts.batch_actor()
    org = make_year(actor)
    candidates.build_candidates(actor=actor, movement=org["movement"], year=YEAR)
    monkeypatch.setattr(messages, "info", lambda *a, **k: None)
    ctx = AppContext(actor, url)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    ctx.watch_other_pcs(interval_ms=60_000)
    qtbot.waitUntil(lambda: ctx.server_watch.connected, timeout=10_000)
    yield window, url
    ctx.stop_watching()
    window.close()
    dbmod.close_database()
    pg_server.drop_database(name)


def _other_pc(qtbot, url, what):
    """The second process saves; the event loop runs meanwhile (the notification arrives)."""
    proc = subprocess.Popen([sys.executable, "-c", OTHER_PC.format(root=ROOT, url=url,
                                                                   year=YEAR), what],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=120_000)
    assert proc.returncode == 0, proc.stderr.read()
    qtbot.wait(300)                                    # the notification is read


def _texts(model):
    return {str(cell) for row in model.rows for cell in row}


def _reasons(tab):
    return {row[11] for row in tab.model.rows}


def _combo(box):
    return [box.itemText(i) for i in range(box.count())]


def _go(window, key):
    row = next(i for i, page in enumerate(window.pages) if page[0] == key)
    window.show_page(row)
    return window.page(key)


def test_hidden_pages_show_another_pcs_saves_when_shown(qtbot, server_window):
    window, url = server_window
    page = _go(window, "decisions")
    tab = page.candidates
    tab.year.setValue(YEAR)
    editor = page.editor                               # built: it must be told, too
    page.tabs.setCurrentWidget(tab)
    assert _combo(tab.meeting) == [] and "Máy B thêm" not in _reasons(tab)
    assert not any("máy B" in t for t in _texts(editor.list_model))
    _go(window, "overview")                            # the page is hidden
    assert not page.isVisible()

    _other_pc(qtbot, url, "decisions")
    _go(window, "decisions")
    assert _combo(tab.meeting) == ["Họp ngày 11/12/2025 (7/7)"]
    assert "Máy B thêm" in _reasons(tab)
    assert "Quyết định lập ở máy B" in _texts(editor.list_model)

    for key in ("org", "movements", "registrations", "exemplary"):   # built, then hidden
        _go(window, key)
    _go(window, "overview")
    _other_pc(qtbot, url, "others")
    org = _go(window, "org")
    assert "Đỗ Văn Máy Bê" in _texts(org.people.model)
    assert any("Sáng kiến lập ở máy B" in t for t in _texts(org.initiatives.model))
    exemplary = _go(window, "exemplary")
    assert any("Mô hình lập ở máy B" in t for t in _texts(exemplary.models_tab.model))
    movements = _go(window, "movements")
    assert any("Phong trào lập ở máy B" in t for t in _texts(movements.model))
    registrations = _go(window, "registrations")
    assert any("Đỗ Văn Máy Bê" in t for t in _texts(registrations.model)), \
        sorted(_texts(registrations.model))[:20]
