"""Certificate PDFs read back: wording, order, modes, offsets, fitting inside boxes, refusals."""
import datetime
import html
import os
import re
import shutil
import subprocess

import pytest

from models import db as dbmod
from models import settings, templates as tpl
from models.entities import Award, Decision, Title
from models.errors import Cancelled, NotFound, ValidationError
from reports import certificates as certs
from tests.helpers import small_png, make_org, pdf_fonts, pdf_pages, pdf_text

LONG_NAME = ("Nguyễn Thị Hồng Nhung Phương Thảo Ngọc Ánh Diệu Linh Quỳnh Hương " * 4)[:200]
LONG_ACHIEVEMENT = ("Đã có thành tích xuất sắc đặc biệt trong phong trào thi đua yêu nước, "
                    "xây dựng nông thôn mới kiểu mẫu, bảo vệ môi trường và giữ gìn trật tự "
                    * 3)[:200]


def make_decision(actor, org, *, state="issued", names=None, seq=12, reg_base=100):
    settings.save_initial_settings(actor=actor, values={"commune_name": "Xã Tân Lập", "chairman": "Trần Văn Bình",
                                    "place_name": "Tân Lập"})
    decision = Decision.create(year=2025, seq=seq, number=f"{seq}/QĐ-UBND",
                               date=datetime.date(2025, 12, 5), state="draft",
                               signer_name="Trần Văn Bình", about="khen thưởng")
    titles = {t.code: t for t in Title.select()}
    p1, p2, p3 = org["people"]
    h1, h2 = org["households"]
    v1 = org["villages"][0]
    rows = [
        (p1, "GK_CN", "Nguyễn Văn An", "Giáo viên", "Trường Tiểu học Tân Lập"),
        (p2, "LDTT", "Trần Thị Bình", "Hiệu trưởng", "Trường Tiểu học Tân Lập"),
        (p3, "CSTDCS", "Lê Đức Cường", "Trưởng thôn", "Thôn Đông Hòa"),
        (org["office"], "TTLDTT", "Trường Tiểu học Tân Lập", "", "Xã Tân Lập"),
        (v1, "TDPVH", "Thôn Đông Hòa", "", "Xã Tân Lập"),
        (h1, "GDVH", "Phạm Văn Dũng", "", "Thôn Đông Hòa"),
        (h2, "GK_HGD", "Hoàng Thị Em", "", "Tổ dân phố 1"),
        (v1, "GK_TT", "Thôn Đông Hòa", "", "Xã Tân Lập"),
    ]
    awards = []
    for i, (subject, code, name, position, place) in enumerate(rows):
        kind = type(subject).__name__.lower()
        awards.append(Award.create(
            decision=decision, order=i, title=titles[code], display_name=(names or {}).get(i, name),
            position=position, place=place, register_year=2025, register_no=reg_base + i,
            achievement="Đã có thành tích xuất sắc trong phong trào thi đua năm 2025",
            **{kind: subject}))
    if state != "draft":            # the database refuses awards added to an issued decision
        Decision.update(state=state).where(Decision.id == decision.id).execute()
        decision = Decision.get_by_id(decision.id)
    return decision, awards


def issue(decision):
    """Issued once its list is final: the database refuses changes after that."""
    Decision.update(state="issued").where(Decision.id == decision.id).execute()
    return Decision.get_by_id(decision.id)


@pytest.fixture
def issued(leader):
    org = make_org(leader)
    decision, awards = make_decision(leader, org)
    return decision, awards


def test_full_design_every_template_in_list_order(issued, tmp_path):
    decision, awards = issued
    out = tmp_path / "gk.pdf"
    result = certs.write_decision_certificates(decision_id=decision.id, path=str(out))
    assert result.count == 8 and pdf_pages(out) == 8
    text = pdf_text(out)
    pages = text.split("\f")
    assert "Ông Nguyễn Văn An" in pages[0] and "GIẤY KHEN" in pages[0]
    assert "Bà Trần Thị Bình" in pages[1] and "GIẤY CHỨNG NHẬN" in pages[1]
    assert "Đạt danh hiệu “Lao động tiên tiến” năm 2025" in pages[1]
    assert "Chiến sĩ thi đua cơ sở" in pages[2]
    assert "Tập thể: Trường Tiểu học Tân Lập" in pages[3]
    assert "GIẤY CÔNG NHẬN" in pages[4] and "Thôn, tổ dân phố văn hóa" in pages[4]
    assert "Hộ gia đình ông Phạm Văn Dũng" in pages[5] and "Gia đình văn hóa" in pages[5]
    assert "Hộ gia đình bà Hoàng Thị Em" in pages[6] and "GIẤY KHEN" in pages[6]
    assert "Tập thể: Thôn Đông Hòa" in pages[7]
    for page in pages[:8]:
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
        assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN LẬP" in page
        assert "Quyết định số 12/QĐ-UBND ngày 05 tháng 12 năm 2025" in page
        assert "Tân Lập, ngày 05 tháng 12 năm 2025" in page
        assert "Trần Văn Bình" in page
    assert "Số sổ vàng: 100" in pages[0] and "Số sổ vàng: 107" in pages[7]
    assert result.templates[awards[5].id] == "Gia đình văn hóa"
    assert all(embedded for _, embedded in pdf_fonts(out))
    raw = out.read_bytes()
    assert b"/PrintScaling /None" in raw


def test_blank_mode_prints_only_fields_with_offset(issued, tmp_path):
    decision, awards = issued
    plain, shifted = tmp_path / "a.pdf", tmp_path / "b.pdf"
    certs.write_decision_certificates(decision_id=decision.id, path=str(plain), mode="blank",
                                      award_ids=[awards[0].id])
    certs.write_decision_certificates(decision_id=decision.id, path=str(shifted), mode="blank",
                                      award_ids=[awards[0].id], printer_offset=(3, -2))
    text = pdf_text(plain)
    assert "Ông Nguyễn Văn An" in text
    assert "CỘNG HÒA" not in text and "GIẤY KHEN" not in text
    w1 = {w["text"]: w for w in words_bbox(plain)[0]}
    w2 = {w["text"]: w for w in words_bbox(shifted)[0]}
    dx = (w2["Ông"]["xMin"] - w1["Ông"]["xMin"]) / certs.MM
    dy = (w2["Ông"]["yMin"] - w1["Ông"]["yMin"]) / certs.MM
    assert dx == pytest.approx(3, abs=0.05) and dy == pytest.approx(-2, abs=0.05)
    # the field lands where the template says (box top-left at x=38 mm)
    tmpl = tpl.get_template("Giấy khen - cá nhân")
    box = tmpl.get_field("recipient")
    assert box.x * certs.MM <= w1["Ông"]["xMin"] <= (box.x + box.w) * certs.MM


def words_bbox(path):
    """Per page: [{text, xMin, yMin, xMax, yMax}] in points from the top-left (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    pages = []
    for chunk in out.split("<page ")[1:]:
        pages.append([{"text": html.unescape(m.group(5)), "xMin": float(m.group(1)),
                       "yMin": float(m.group(2)), "xMax": float(m.group(3)),
                       "yMax": float(m.group(4))} for m in WORD_RE.finditer(chunk)])
    return pages


WORD_RE = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                     r'(.*?)</word>')


@pytest.mark.parametrize("mode", ["blank", "full"])
def test_long_names_and_achievements_stay_inside_their_boxes(leader, tmp_path, mode):
    org = make_org(leader)
    decision, awards = make_decision(leader, org, names={i: LONG_NAME for i in range(8)},
                                     state="draft")
    for a in awards:
        a.achievement = LONG_ACHIEVEMENT
        a.place = LONG_ACHIEVEMENT[:150]
        a.save()
    decision = issue(decision)
    out = tmp_path / "long.pdf"
    result = certs.write_decision_certificates(decision_id=decision.id, path=str(out), mode=mode)
    text = pdf_text(out)
    assert " ".join(LONG_NAME.split()[:5]) in " ".join(text.split())
    pages = words_bbox(out)
    assert len(pages) == 8
    tol = 0.6  # points: rounding in pdftotext's coordinates
    for page_words, award in zip(pages, awards):
        template = tpl.get_template(result.templates[award.id])
        boxes = [f for f in template.fields if f.enabled]
        name_words = set(LONG_NAME.split())
        ach_words = set(LONG_ACHIEVEMENT.split())
        rec = template.get_field("recipient")
        ach = template.get_field("achievement")
        in_rec = [w for w in page_words if inside(w, rec, tol)]
        in_ach = [w for w in page_words if inside(w, ach, tol)]
        assert sum(1 for w in in_rec if w["text"] in name_words) >= len(LONG_NAME.split()) - 1
        assert sum(1 for w in in_ach if w["text"] in ach_words) >= len(LONG_ACHIEVEMENT.split()) - 1
        # every word printed from a field lies inside one box, and boxes do not overlap
        for w in page_words:
            if mode == "blank":
                assert any(inside(w, f, tol) for f in boxes), (w, template.name)
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not overlap(a, b), (template.name, a.key, b.key)


def inside(word, f, tol):
    return (word["xMin"] >= f.x * certs.MM - tol and word["xMax"] <= (f.x + f.w) * certs.MM + tol
            and word["yMin"] >= f.y * certs.MM - tol
            and word["yMax"] <= (f.y + f.h) * certs.MM + tol)


def overlap(a, b):
    return not (a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y)


def test_fitter_shrinks_then_wraps_then_truncates():
    fonts = certs.Fonts()
    fitter = certs.TextFitter()
    font = fonts.name(bold=True)
    m = fonts.metrics[font]
    short = fitter.fit("Nguyễn Văn An", font, 24, 17, 200 * certs.MM, 15 * certs.MM, metrics=m)
    assert short.size == 24 and short.lines == ["Nguyễn Văn An"]
    mid = fitter.fit("Nguyễn Thị Hồng Nhung Phương Thảo Ngọc Ánh", font, 24, 17, 140 * certs.MM,
                     15 * certs.MM, metrics=m)
    assert 17 <= mid.size < 24 and len(mid.lines) == 1
    long = fitter.fit(LONG_NAME, font, 24, 17, 200 * certs.MM, 15 * certs.MM, metrics=m)
    assert len(long.lines) >= 2 and not long.truncated
    assert all(w <= 200 * certs.MM + 0.01 for w in long.widths)
    assert " ".join(long.lines) == " ".join(LONG_NAME.split())
    nospace = fitter.fit("X" * 300, font, 12, 10, 30 * certs.MM, 5 * certs.MM, metrics=m)
    assert nospace.truncated and nospace.lines[-1].endswith("…")
    assert all(w <= 30 * certs.MM + 0.01 for w in nospace.widths)


def test_nfd_input_prints_as_nfc(leader, tmp_path):
    import unicodedata
    decision, awards = make_decision(leader, make_org(leader), state="draft")
    Award.update(display_name=unicodedata.normalize("NFD", "Nguyễn Văn Ấn")).where(
        Award.id == awards[0].id).execute()
    decision = issue(decision)
    out = tmp_path / "nfd.pdf"
    certs.write_decision_certificates(decision_id=decision.id, path=str(out),
                                      award_ids=[awards[0].id])
    assert "Ông Nguyễn Văn Ấn" in pdf_text(out)


def test_refuses_decision_not_issued(leader, tmp_path):
    org = make_org(leader)
    decision, _ = make_decision(leader, org, state="draft")
    out = tmp_path / "x.pdf"
    with pytest.raises(ValidationError) as err:
        certs.write_decision_certificates(decision_id=decision.id, path=str(out))
    assert "dự thảo" in str(err.value) and "đã ban hành" in str(err.value)
    assert not out.exists()
    with pytest.raises(NotFound):
        certs.write_decision_certificates(decision_id=9999, path=str(out))


def test_subset_template_and_qr(issued, tmp_path):
    decision, awards = issued
    out = tmp_path / "sub.pdf"
    result = certs.write_decision_certificates(
        decision_id=decision.id, path=str(out), award_ids=[awards[6].id, awards[1].id],
        qr=True)
    assert result.award_ids == [awards[1].id, awards[6].id]     # decision order, not given order
    pages = pdf_text(out).split("\f")
    assert "Bà Trần Thị Bình" in pages[0] and "GIẤY CHỨNG NHẬN" in pages[0]
    assert "GIẤY KHEN" in pages[1]
    # a template of another title cannot be forced onto an award
    with pytest.raises(ValidationError):
        certs.write_decision_certificates(decision_id=decision.id, path=str(out),
                                          award_ids=[awards[1].id],
                                          template_name="Giấy khen - cá nhân")
    forced = certs.write_decision_certificates(decision_id=decision.id, path=str(out),
                                               award_ids=[awards[0].id],
                                               template_name="Giấy khen - cá nhân")
    assert forced.count == 1 and "GIẤY KHEN" in pdf_text(out)
    assert b"/XObject" in out.read_bytes() or pdf_pages(out) == 2
    assert "TDKT|Xã Tân Lập|QĐ 12/QĐ-UBND" in certs.qr_text(
        certs.award_values(awards[1], certs.decision_values(decision, certs.commune_values()))[0])


def test_cancel_removes_partial_file(issued, tmp_path):
    decision, _ = issued
    out = tmp_path / "cancel.pdf"
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return done < 3

    with pytest.raises(Cancelled):
        certs.write_decision_certificates(decision_id=decision.id, path=str(out),
                                          progress=progress)
    assert seen[-1] == (3, 8)
    assert not out.exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".pdf")]


def test_test_print_has_ruler_and_boxes(database, tmp_path):
    template = tpl.get_template("Giấy khen - cá nhân")
    out = tmp_path / "test.pdf"
    certs.write_test_print(template, str(out), offset=(1.5, -2))
    text = pdf_text(out)
    assert "IN THỬ" in text and "Người nhận" in text and "X = 1,5 mm, Y = -2 mm" in text
    assert text.count("100") >= 2 and text.count("280") >= 2   # fixed and shifted rulers
    assert "290" not in text                # 290 mm lies in the 5 mm margin of a PDF route
    household = tpl.get_template("Giấy khen - hộ gia đình")
    certs.write_test_print(household, str(out))
    text = pdf_text(out)
    assert "Hộ gia đình ông" in text and "Tập thể" not in text      # sample follows the kind


def test_template_with_field_outside_paper_is_refused(database, tmp_path):
    template = tpl.get_template("Giấy khen - cá nhân")
    template.get_field("recipient").x = 200
    with pytest.raises(ValidationError) as err:
        certs.write_test_print(template, str(tmp_path / "x.pdf"))
    assert "ngoài khổ giấy" in str(err.value) and "Người nhận" in str(err.value)


def test_font_is_an_installed_family_with_vietnamese_letters(database, tmp_path):
    from reports import pdfdoc
    template = tpl.get_template("Giấy khen - cá nhân")
    template.font_family = "Khong Co Phong Nay"
    with pytest.raises(ValidationError) as err:
        certs.write_template_sample(template, str(tmp_path / "x.pdf"))
    assert "không có phông chữ «Khong Co Phong Nay»" in str(err.value)
    # an installed family that lacks Vietnamese letters (LibreOffice's OpenSymbol)
    if pdfdoc.family_faces("OpenSymbol") is not None:
        template.font_family = "OpenSymbol"
        with pytest.raises(ValidationError) as err:
            certs.write_template_sample(template, str(tmp_path / "y.pdf"))
        assert "thiếu" in str(err.value) and "chữ tiếng Việt" in str(err.value)
    # an installed family with every Vietnamese letter prints, embedded (pdffonts reads it)
    template.font_family = "DejaVu Sans"
    certs.write_template_sample(template, str(tmp_path / "z.pdf"))
    fonts = pdf_fonts(str(tmp_path / "z.pdf"))
    assert any("DejaVu" in name for name, _ in fonts) and all(emb for _, emb in fonts)


def test_template_file_round_trip_and_bad_files(database, tmp_path):
    template = tpl.get_template("Gia đình văn hóa")
    png = small_png()
    path = tmp_path / "mau.json"
    certs.save_template_file(template, str(path), background=png)
    loaded, background = certs.load_template_file(str(path))
    assert loaded == template and background == png
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe garbage")
    with pytest.raises(ValidationError):
        certs.load_template_file(str(bad))
    bad.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ValidationError):
        certs.load_template_file(str(bad))


def test_batch_command(leader, tmp_path):
    import sys
    org = make_org(leader)
    decision, _ = make_decision(leader, org)
    draft, _ = make_decision(leader, org, state="draft", seq=14, reg_base=300)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    db_path = dbmod.current_path()        # the file, or the server's URL
    out = tmp_path / "cli.pdf"

    def run(*args):
        return subprocess.run([sys.executable, os.path.join(root, "main.py"), "--db", db_path,
                               *args], capture_output=True, text=True, cwd=root)
    forced = run("certificates", str(decision.id), "--out", str(out), "--template",
                 "Giấy khen - cá nhân")
    assert forced.returncode == 1 and "Lao động tiên tiến" in forced.stderr
    assert "Traceback" not in forced.stderr and not out.exists()
    done = run("certificates", str(decision.id), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert pdf_pages(out) == 8 and "GIẤY CHỨNG NHẬN" in pdf_text(out)
    refused = run("certificates", str(draft.id), "--out", str(tmp_path / "no.pdf"))
    assert refused.returncode == 1 and "dự thảo" in refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "no.pdf").exists()
    unknown = run("certificates", str(decision.id), "--out", str(out), "--template", "Không có")
    assert unknown.returncode == 1 and "Không có mẫu giấy khen" in unknown.stderr


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg (zbar-tools) not installed")
def test_qr_code_reads_back(issued, tmp_path):
    decision, awards = issued
    out = tmp_path / "qr.pdf"
    certs.write_decision_certificates(decision_id=decision.id, path=str(out), qr=True,
                                      award_ids=[awards[5].id])
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-singlefile", str(out),
                    str(tmp_path / "qr")], check=True)
    read = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "qr.png")],
                          capture_output=True, text=True).stdout.strip()
    assert read == ("TDKT|Xã Tân Lập|QĐ 12/QĐ-UBND 05/12/2025|Sổ vàng 105/2025|"
                    "Hộ gia đình ông Phạm Văn Dũng")


def test_vice_chairman_signs_for_the_chairman(leader, tmp_path):
    decision, awards = make_decision(leader, make_org(leader), state="draft")
    Decision.update(signer_title="Phó Chủ tịch", signer_name="Trần Thị Mai").where(
        Decision.id == decision.id).execute()
    decision = issue(decision)
    out = tmp_path / "kt.pdf"
    certs.write_decision_certificates(decision_id=decision.id, path=str(out),
                                      award_ids=[awards[0].id], mode="blank")
    lines = [line.strip() for line in pdf_text(out).splitlines() if line.strip()]
    i = lines.index("KT. CHỦ TỊCH")
    assert lines[i + 1] == "PHÓ CHỦ TỊCH" and "Trần Thị Mai" in lines
