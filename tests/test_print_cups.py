"""Printing to a real CUPS queue (our own cupsd, generic PostScript driver with 4.2 mm
hardware margins): what the printer received, rendered by Ghostscript, against our own PDF.
"""
import os
import shutil

import pytest

from gui import batch_print, printing
from models import print_log
from models import templates as tpl
from models.entities import PrintLog
from reports import certificates as certs
from tests import print_measure as pm
from tests.helpers import make_org, set_password
from tests.test_certificates import make_decision

TOL = 0.5                    # mm: shifts (from whole-page ink profiles)
EDGE_TOL = 3 * pm.MM_PER_PX  # mm: single ink edges (anti-aliased glyph edges, 100 dpi)
SHOTS = "/tmp/i11-print/shots"


@pytest.fixture
def issued(leader, qapp):
    decision, awards = make_decision(leader, make_org(leader))
    return decision, awards


def keep_png(raster, name):
    os.makedirs(SHOTS, exist_ok=True)
    raster.image.save(os.path.join(SHOTS, name))


def compare(own_pdf, job_ps, *, pages=2, expect_shift=(0, 0), name="job"):
    """Per page: the job turned upright, same size, shifted by ``expect_shift`` mm against our
    PDF, nothing clipped. Returns [(own bbox, job bbox, shift)] for the report."""
    own, job = pm.render(own_pdf, last=pages), pm.render(job_ps, last=pages)
    assert len(job) == len(own)
    found = []
    for i, (o, j) in enumerate(zip(own, job)):
        up, turned = pm.upright(j, o)
        assert up.size_mm == pytest.approx(o.size_mm, abs=1), "paper size differs"
        dx, dy = pm.shift_mm(o, up)
        assert dx == pytest.approx(expect_shift[0], abs=TOL)
        assert dy == pytest.approx(expect_shift[1], abs=TOL)
        ob, jb = o.bbox_mm(), up.bbox_mm()
        for a, b, e in zip(ob, jb, (expect_shift[0], expect_shift[1]) * 2):
            assert b - a == pytest.approx(e, abs=EDGE_TOL), (ob, jb)   # 100 %, not clipped
        assert up.ink_total() > 0.9 * o.ink_total()               # nothing missing
        keep_png(up, f"{name}-{i + 1}.png")
        found.append((ob, jb, (dx, dy), turned))
    return found


def test_full_design_job_matches_our_pdf(issued, leader, print_queue, tmp_path):
    decision, awards = issued
    run = batch_print.print_certificates(actor=leader, decision_id=decision.id,
                                         printer_name=print_queue.name)
    assert run.outcome.printed == 8 and not run.outcome.error and run.outcome.job
    size = print_queue.received()
    own = tmp_path / "own.pdf"
    certs.write_decision_certificates(decision_id=decision.id, path=str(own))
    found = compare(own, print_queue.out, name="full")
    ob, jb, _shift, turned = found[0]
    assert turned in (90, -90)           # landscape sheet, rotated onto portrait A4 paper
    assert ob[0] == pytest.approx(8.6 - 3.2, abs=EDGE_TOL)     # tip of the corner diamond
    assert jb[2] == pytest.approx(297 - 8.6 + 3.2, abs=EDGE_TOL)
    assert size < 5 * os.path.getsize(own)                        # vector, not page photos
    with open(print_queue.out, "rb") as fh:
        job = fh.read()
    assert job.count(b" Tf") >= 8 * 10          # text operators: the job carries text runs
    # the log says "sent to the queue", with the spooler's job id, until the clerk counts
    rows = list(PrintLog.select().order_by(PrintLog.id))
    assert [r.state for r in rows] == ["sent"] * 8 and {r.job for r in rows} == {run.outcome.job}
    assert tpl.certificate_rows(decision.id)[0][8] == 0           # not yet counted as printed
    spoiled = print_log.confirm_sheets(actor=leader, log_ids=run.log_ids, came_out=6)
    assert spoiled == [awards[6].id, awards[7].id]
    assert print_log.spoiled_award_ids(decision.id) == spoiled


def test_colour_is_kept(issued, leader, print_queue, tmp_path):
    decision, _ = issued
    run = batch_print.print_certificates(actor=leader, decision_id=decision.id,
                                         printer_name=print_queue.name,
                                         award_ids=[issued[1][0].id])
    assert run.outcome.printed == 1
    print_queue.received()
    png = tmp_path / "c.png"
    import subprocess
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=png16m", "-r30",
                    f"-sOutputFile={png}", print_queue.out], check=True)
    from PySide6.QtGui import QImage
    image = QImage(str(png))
    reds = sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if (c := image.pixelColor(x, y)).red() > 150 and c.green() < 80)
    assert reds > 50                      # the red border and heading arrive in red


def test_blank_with_offset_lands_shifted(issued, leader, print_queue, tmp_path):
    decision, awards = issued
    admin = tpl.set_printer_offset.__wrapped__ if hasattr(tpl.set_printer_offset,
                                                          "__wrapped__") else None
    del admin
    tpl.set_printer_offset(actor=leader, printer=print_queue.name, dx_mm=3, dy_mm=-2)
    run = batch_print.print_certificates(actor=leader, decision_id=decision.id,
                                         printer_name=print_queue.name, mode="blank",
                                         award_ids=[a.id for a in awards[:2]])
    assert run.outcome.printed == 2
    print_queue.received()
    own = tmp_path / "own.pdf"          # the same certificates without the offset
    certs.write_decision_certificates(decision_id=decision.id, path=str(own), mode="blank",
                                      award_ids=[a.id for a in awards[:2]])
    compare(own, print_queue.out, expect_shift=(3, -2), name="blank-offset")


def test_test_print_inside_printable_area(database, print_queue, tmp_path, qapp):
    template = tpl.get_template("Giấy khen - hộ gia đình")
    outcome = batch_print.print_test_sheet(template=template, printer_name=print_queue.name,
                                           offset=(1.5, -2))
    assert outcome.printed == 1 and outcome.job
    print_queue.received()
    own = tmp_path / "own.pdf"
    certs.write_test_print(template, str(own), (1.5, -2), margins=(4.23,) * 4,
                           printer=print_queue.name)
    (ob, jb, _s, _t), = compare(own, print_queue.out, pages=1, name="testprint")
    assert min(jb[0], jb[1]) >= 4.23 and jb[2] <= 297 - 4.23 and jb[3] <= 210 - 4.23
    text = shutil.which("pdftotext") and os.popen(f"pdftotext {own} -").read()
    assert "Hộ gia đình ông" in text and "Tập thể" not in text


def test_paper_the_printer_cannot_take_is_refused_before_printing(issued, leader,
                                                                   print_queue, database):
    decision, _ = issued
    blank = tpl.get_template("Giấy khen - cá nhân")
    blank.name, blank.width_mm, blank.height_mm = "Phôi 270x190", 270, 190
    for f in blank.fields:
        f.x, f.w, f.y, f.h = f.x * 0.9, f.w * 0.9, f.y * 0.9, f.h * 0.9
    blank.qr_x, blank.qr_y = blank.qr_x * 0.9, blank.qr_y * 0.9
    tpl.save_template(actor=leader, template=blank, new=True)
    printer = printing.make_printer(print_queue.name)
    with pytest.raises(printing.PrinterProblem) as err:
        batch_print.preflight(printer, [tpl.get_template("Phôi 270x190")])
    assert "270 × 190 mm" in str(err.value) and "Chưa in gì" in str(err.value)
    run = batch_print.print_certificates(actor=leader, decision_id=decision.id,
                                         printer_name=print_queue.name,
                                         template_name="Phôi 270x190")
    assert run.outcome.printed == 0 and "270 × 190 mm" in run.outcome.error
    assert PrintLog.select().count() == 0
    assert print_queue.nothing_received()


def test_paused_queue_and_removed_printer(issued, leader, print_queue, cups_server):
    decision, _ = issued
    cups_server.run("cupsdisable", print_queue.name)
    with pytest.raises(printing.PrinterProblem) as err:
        batch_print.print_certificates(actor=leader, decision_id=decision.id,
                                       printer_name=print_queue.name)
    assert "tạm dừng" in str(err.value)
    cups_server.run("cupsenable", print_queue.name)
    cups_server.run("cupsreject", print_queue.name)
    assert "không nhận lệnh in" in printing.queue_problem(print_queue.name)
    cups_server.run("cupsaccept", print_queue.name)
    printer = printing.make_printer(print_queue.name)
    gone = {"n": 0}

    def still_there():                   # the printer is removed after the third page
        gone["n"] += 1
        if gone["n"] == 4:
            cups_server.remove_queue(print_queue.name)
        return printing.queue_problem(print_queue.name) == ""

    run = batch_print.print_certificates(actor=leader, decision_id=decision.id,
                                         printer_name=print_queue.name, printer=printer,
                                         still_there=still_there, labels=["1. An"])
    assert run.outcome.printed == 0 and "0/8" in run.outcome.error
    assert PrintLog.select().count() == 0
    assert "Không tìm thấy máy in" in printing.queue_problem(print_queue.name)


def test_queue_paused_while_printing_is_told_after_the_job(issued, leader, print_queue,
                                                           cups_server):
    """The queue is stopped after the printer was opened: the job still lands in the
    spooler (a stopped queue keeps jobs) and the clerk is told, from the same lpstat call
    that found the job, that it waits — named by the job id CUPS gave it."""
    decision, _ = issued
    printer = printing.make_printer(print_queue.name)
    run = batch_print.print_certificates(actor=leader, decision_id=decision.id,
                                         printer_name=print_queue.name, printer=printer)
    assert run.outcome.printed == 8 and run.outcome.warnings == []
    first = run.outcome.job
    print_queue.received()
    cups_server.run("cupsdisable", print_queue.name)
    run = batch_print.print_certificates(actor=leader, decision_id=decision.id,
                                         printer_name=print_queue.name, printer=printer)
    job = run.outcome.job
    assert run.outcome.printed == 8 and job != first
    assert printing.job_state(print_queue.name, job) == "waiting"      # CUPS holds it
    assert job in printing.cups_jobs(print_queue.name)
    assert [w for w in run.outcome.warnings if w.startswith(f"Lệnh in {job} ")
            and "tạm dừng" in w], run.outcome.warnings
    assert {r.job for r in PrintLog.select().where(PrintLog.job == job)} == {job}
    cups_server.run("cupsenable", print_queue.name)


def test_libcups_answers_as_lpstat_does(issued, leader, print_queue, cups_server):
    """gui/cups_api asks libcups in-process what lpstat (another program) prints: the same
    job ids, before and after a job; a queue stopped, refusing or removed is not fine."""
    import re
    import subprocess

    from gui import cups_api

    def lpstat_jobs():
        out = subprocess.run(["lpstat", "-W", "all", "-o", print_queue.name],
                             capture_output=True, text=True).stdout
        return {m.group(1) for m in re.finditer(r"^(\S+-\d+)\s", out, re.M)}

    assert cups_api.jobs(print_queue.name) == lpstat_jobs()
    assert cups_api.queue_fine(print_queue.name) is True
    decision, _ = issued
    run = batch_print.print_certificates(actor=leader, decision_id=decision.id,
                                         printer_name=print_queue.name)
    print_queue.received()
    found = cups_api.jobs(print_queue.name)
    assert run.outcome.job in found and found == lpstat_jobs() and len(found) >= 1
    cups_server.run("cupsdisable", print_queue.name)
    assert cups_api.queue_fine(print_queue.name) is False
    cups_server.run("cupsenable", print_queue.name)
    cups_server.run("cupsreject", print_queue.name)
    assert cups_api.queue_fine(print_queue.name) is False
    assert "không nhận lệnh in" in printing.after_job(print_queue.name, run.outcome.job)
    cups_server.run("cupsaccept", print_queue.name)
    assert cups_api.queue_fine(print_queue.name) is True
    assert printing.after_job(print_queue.name, run.outcome.job) == ""
    assert cups_api.queue_fine("TDKT-no-such-queue") is False
    assert cups_api.jobs("TDKT-no-such-queue") in (None, set())


def test_decision_goes_to_the_spooler(issued, print_queue):
    decision, _ = issued
    job, path = batch_print.print_decision(decision_id=decision.id,
                                           printer_name=print_queue.name)
    assert job.startswith(print_queue.name)
    size = print_queue.received()
    assert 0 < size < 20 * os.path.getsize(path)
    pages = pm.render(print_queue.out)
    assert len(pages) >= 1


def test_batch_commands_print_through_the_same_path(issued, leader, print_queue, tmp_path,
                                                    data_dir):
    from tests.test_cli import run
    decision, awards = issued
    tpl.set_printer_offset(actor=leader, printer=print_queue.name, dx_mm=2, dy_mm=1)
    db_path = str(tmp_path / "test.sqlite3")
    signed_in = {"TDKT_PASSWORD": set_password(leader)}
    result = run("--db", db_path, "certificates", decision.id, "--printer", print_queue.name,
                 "--mode", "blank", data_dir=str(data_dir))
    assert result.returncode == 1 and "--user" in result.stderr   # the print log is data
    result = run("--db", db_path, "--user", "lanhdao", "certificates", decision.id,
                 "--printer", print_queue.name, "--mode", "blank", data_dir=str(data_dir),
                 env_extra=signed_in)
    assert result.returncode == 0, result.stderr
    assert "Đã gửi 8 giấy khen" in result.stdout and "X = 2 mm, Y = 1 mm" in result.stdout
    print_queue.received()
    own = tmp_path / "own.pdf"
    certs.write_decision_certificates(decision_id=decision.id, path=str(own), mode="blank")
    compare(own, print_queue.out, pages=1, expect_shift=(2, 1), name="cli-blank")
    assert [r.state for r in PrintLog.select()] == ["sent"] * 8
    result = run("--db", db_path, "--user", "lanhdao", "certificates", decision.id,
                 "--printer", "Không-có", data_dir=str(data_dir), env_extra=signed_in)
    assert result.returncode == 1 and "Không tìm thấy máy in «Không-có»" in result.stderr
    assert PrintLog.select().count() == 8
    print_queue.clear()
    result = run("--db", db_path, "decision", decision.id, "--printer", print_queue.name,
                 data_dir=str(data_dir))
    assert result.returncode == 0 and "Đã gửi quyết định" in result.stdout, result.stderr
    assert print_queue.received() > 0


def test_margin_warning_names_the_part_before_printing(database, leader, print_queue, qapp):
    template = tpl.get_template("Giấy khen - cá nhân")
    template.get_field("register").x = 2
    printer = printing.make_printer(print_queue.name)
    warnings = batch_print.preflight(printer, [template], mode="blank")
    assert len(warnings) == 1 and "Số sổ vàng" in warnings[0] and "trái" in warnings[0]
    assert batch_print.preflight(printer, [tpl.get_template("Giấy khen - cá nhân")]) == []
