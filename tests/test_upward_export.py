"""The file proposed upward on a stick: documents, data, manifest; checking one received."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from models import settings
from models.entities import AuditLog, UpwardFile
from models.errors import UserError
from reports import upward_export
from reports.upward_export import ManifestMismatch
from tests.helpers import pdf_text, set_password
from tests.upward_fixtures import make_file, make_history

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def upfile(database, clerk, leader):
    settings.update_settings(actor=leader, values={"commune_name": "Xã Tân Lập",
                                                   "province_name": "Tỉnh Hà Tĩnh",
                                                   "place_name": "Tân Lập",
                                                   "chairman": "Nguyễn Văn Hùng"})
    org = make_history(clerk, leader)
    return make_file(clerk, org)


def test_folder_has_documents_data_and_a_manifest_sha256sum_accepts(upfile, clerk, tmp_path):
    stick = tmp_path / "usb"
    stick.mkdir()
    result = upward_export.export(upward_file=upfile, dest_dir=str(stick), actor=clerk)
    folder = result["path"]
    assert os.listdir(stick) == [os.path.basename(folder)]        # no temporary left
    names = sorted(os.listdir(folder))
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert pdfs[:3] == ["01-to-trinh.pdf", "02-bien-ban-hop-hoi-dong.pdf", "03-danh-sach.pdf"]
    assert len([n for n in pdfs if n.startswith("04-bao-cao-thanh-tich-")]) == 3
    assert "du-lieu.json" in names and "manifest-sha256.txt" in names
    # another program checks our manifest: coreutils' sha256sum
    check = subprocess.run(["sha256sum", "--strict", "-c", "manifest-sha256.txt"], cwd=folder,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(names) - 1
    letter = pdf_text(os.path.join(folder, "01-to-trinh.pdf"))
    assert "TỜ TRÌNH" in letter and "Số: 15/TTr-UBND" in letter
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Hà Tĩnh." in letter
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: 02 tập thể" in letter
    assert "Chiến sĩ thi đua cấp tỉnh: 01 cá nhân" in letter
    minutes = " ".join(pdf_text(os.path.join(folder, "02-bien-ban-hop-hoi-dong.pdf")).split())
    assert "bỏ phiếu kín" in minutes and "Chiến sĩ thi đua cấp tỉnh" in minutes
    school = next(n for n in pdfs if "truong-tieu-hoc" in n)
    text = " ".join(pdf_text(os.path.join(folder, school)).split())
    for part in ("BÁO CÁO THÀNH TÍCH", "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
                 "II. THÀNH TÍCH ĐẠT ĐƯỢC", "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
                 "Tập thể lao động tiên tiến", "ngày 20/12/2024 của Chủ tịch Ủy ban nhân dân xã "
                 "Tân Lập"):
        assert part in text, part
    listing = pdf_text(os.path.join(folder, "03-danh-sach.pdf"))
    assert "Nguyễn Văn An" in listing and "Kèm theo Tờ trình số 15/TTr-UBND" in listing
    data = json.load(open(os.path.join(folder, "du-lieu.json"), encoding="utf-8"))
    assert data["file"]["uuid"] == upfile.uuid
    assert {d["files"]["pdf"] for d in data["documents"]} == set(pdfs)
    assert UpwardFile.get_by_id(upfile.id).state == "exported"
    row = AuditLog.select().where(AuditLog.action == "export_upward_file").get()
    assert result["manifest_sha256"] in row.new
    assert upward_export.verify(folder)["data"]["file"]["number"] == "15/TTr-UBND"


def test_the_minutes_are_read_once_for_their_pdf_and_word_file(upfile, tmp_path,
                                                                monkeypatch):
    """The minutes carry every vote of the meeting (21,858 on the large demo): the export
    reads them once and writes the same rows as PDF and as Word."""
    from docx import Document
    from reports import minutes_pdf
    reads = []
    real = minutes_pdf.minutes_content

    def counted(meeting):
        reads.append(meeting.id)
        return real(meeting)
    monkeypatch.setattr(minutes_pdf, "minutes_content", counted)
    stick = tmp_path / "usb"
    stick.mkdir()
    folder = upward_export.export(upward_file=upfile, dest_dir=str(stick))["path"]
    assert reads == [upfile.meeting_id]
    pdf = " ".join(pdf_text(os.path.join(folder, "02-bien-ban-hop-hoi-dong.pdf")).split())
    word = Document(os.path.join(folder, "02-bien-ban-hop-hoi-dong.docx"))
    names = [row.cells[1].text for table in word.tables for row in table.rows[1:]
             if row.cells[0].text.strip().isdigit()]
    assert names and all(name in pdf for name in names)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd")
def test_only_the_files_on_the_stick_are_synced(upfile, tmp_path, monkeypatch):
    """The documents are made in a scratch folder, then copied to the stick: the copies are
    synced (and read back), the scratch files need not be."""
    synced = []
    real = os.fsync

    def fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real(fd)
    monkeypatch.setattr(os, "fsync", fsync)
    stick = tmp_path / "usb"
    stick.mkdir()
    result = upward_export.export(upward_file=upfile, dest_dir=str(stick))
    assert len(synced) > len(result["files"])          # every copy, and its folder
    assert all(p.startswith(str(stick)) for p in synced), synced


def test_a_file_changed_by_another_program_is_named(upfile, tmp_path):
    folder = upward_export.export(upward_file=upfile, dest_dir=str(tmp_path))["path"]
    target = os.path.join(folder, "03-danh-sach.pdf")
    # Ghostscript re-writes the PDF (as a clerk "fixing" it in another program would)
    subprocess.run(["gs", "-q", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite",
                    f"-sOutputFile={target}.gs.pdf", target], check=True, capture_output=True)
    os.replace(target + ".gs.pdf", target)
    with pytest.raises(ManifestMismatch, match="03-danh-sach.pdf") as err:
        upward_export.verify(folder)
    assert err.value.details == ["Đã bị thay đổi: 03-danh-sach.pdf"]
    check = subprocess.run(["sha256sum", "-c", "manifest-sha256.txt"], cwd=folder,
                           capture_output=True, text=True)
    assert check.returncode != 0 and "03-danh-sach.pdf: FAILED" in check.stdout


def test_zip_read_back_and_a_file_added_or_removed_by_zip(upfile, tmp_path):
    result = upward_export.export(upward_file=upfile, dest_dir=str(tmp_path), as_zip=True,
                                  name="Hồ sơ gửi tỉnh")
    path = result["path"]
    assert os.path.basename(path) == "ho-so-gui-tinh.zip"
    listed = subprocess.run(["unzip", "-Z1", path], capture_output=True, text=True,
                            check=True).stdout.split()
    assert "ho-so-gui-tinh/manifest-sha256.txt" in listed
    assert "khớp danh mục SHA-256" in upward_export.describe(upward_export.verify(path))
    # Info-ZIP's zip adds a file the manifest does not list
    extra = tmp_path / "ho-so-gui-tinh"
    extra.mkdir()
    (extra / "ghi-chu.txt").write_text("thêm vào sau\n", encoding="utf-8")
    subprocess.run(["zip", "-q", path, "ho-so-gui-tinh/ghi-chu.txt"], cwd=tmp_path, check=True)
    with pytest.raises(ManifestMismatch, match="ghi-chu.txt"):
        upward_export.verify(path)
    subprocess.run(["zip", "-q", "-d", path, "ho-so-gui-tinh/ghi-chu.txt",
                    "ho-so-gui-tinh/du-lieu.json"], check=True)
    with pytest.raises(ManifestMismatch) as err:
        upward_export.verify(path)
    assert err.value.details == ["Bị thiếu: du-lieu.json"]


def test_not_a_file_upward(tmp_path):
    (tmp_path / "rac.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(UserError, match="không phải thư mục hồ sơ"):
        upward_export.verify(tmp_path / "rac.zip")
    with pytest.raises(UserError, match="không có manifest-sha256.txt"):
        upward_export.verify(tmp_path)


def test_existing_name_is_kept_unless_replaced(upfile, tmp_path):
    stick = tmp_path / "usb"
    stick.mkdir()
    first = upward_export.export(upward_file=upfile, dest_dir=str(stick))["path"]
    with pytest.raises(UserError, match="Đã có"):
        upward_export.export(upward_file=upfile, dest_dir=str(stick))
    again = upward_export.export(upward_file=upfile, dest_dir=str(stick), replace=True)
    assert again["path"] == first and os.listdir(stick) == [os.path.basename(first)]


def test_read_only_stick(upfile, tmp_path, tmpfs):
    stick = tmpfs(tmp_path / "ro", "ro,size=1m")
    with pytest.raises(UserError, match="chỉ đọc"):
        upward_export.export(upward_file=upfile, dest_dir=str(stick))


@pytest.mark.parametrize("as_zip", [False, True])
def test_full_stick_leaves_nothing(upfile, tmp_path, as_zip, tmpfs):
    stick = tmpfs(tmp_path / "full", "size=64k")
    with pytest.raises(UserError, match="Không đủ chỗ trống"):
        upward_export.export(upward_file=upfile, dest_dir=str(stick), as_zip=as_zip)
    assert os.listdir(stick) == []
    assert UpwardFile.get_by_id(upfile.id).state == "draft"


def test_stick_filled_during_the_copy_leaves_nothing(upfile, tmp_path, monkeypatch, tmpfs):
    """The free-space check passes (another program fills the stick meanwhile): ENOSPC midway
    leaves no folder that looks complete."""
    stick = tmpfs(tmp_path / "tight", "size=1m")
    real = upward_export._check_destination

    def then_fill(folder, needed):
        real(folder, needed)
        with open(os.path.join(folder, "other.bin"), "wb") as fh:
            fh.write(b"\0" * 700 * 1024)
    monkeypatch.setattr(upward_export, "_check_destination", then_fill)
    with pytest.raises(UserError, match="Ổ đĩa đầy"):
        upward_export.export(upward_file=upfile, dest_dir=str(stick))
    assert os.listdir(stick) == ["other.bin"]


def test_batch_commands(upfile, tmp_path, database, clerk):
    db_path = database.database
    out = tmp_path / "usb"
    out.mkdir()
    env = dict(os.environ, TDKT_PASSWORD=set_password(clerk))

    def run(*args):
        return subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), *args],
                              capture_output=True, text=True, env=env, cwd=ROOT)
    database.close()
    done = run("--db", db_path, "--user", clerk.username, "upward", "export", "--year", "2025",
               "--out", str(out), "--zip")
    assert done.returncode == 0, done.stderr
    assert "Đã xuất hồ sơ ra" in done.stdout and "còn thiếu năm 2023" in done.stderr
    zip_path = str(next(out.iterdir()))
    ok = run("upward", "verify", zip_path)
    assert ok.returncode == 0 and "khớp danh mục" in ok.stdout
    folder = tmp_path / "mo"
    shutil.unpack_archive(zip_path, folder)
    inner = next(folder.iterdir())
    with open(inner / "du-lieu.json", "a", encoding="utf-8") as fh:
        fh.write(" ")
    bad = run("upward", "verify", str(inner))
    assert bad.returncode == 1 and "du-lieu.json" in bad.stderr and "Traceback" not in bad.stderr
    listed = run("--db", db_path, "upward", "list", "--json")
    rows = json.loads(listed.stdout)
    assert rows[0]["state"] == "exported" and len(rows[0]["proposals"]) == 3
