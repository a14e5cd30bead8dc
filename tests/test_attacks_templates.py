"""Hostile or careless shared files other than databases: certificate template files, their
images, and what a backup says about itself. Each is refused at load with a clear message."""
import json
import os
import struct
import time
import zlib

import pytest

from models import templates as tpl
from models.errors import ValidationError
from reports import certificates as certs
from tests.helpers import small_png


@pytest.fixture
def good(database):
    return tpl.template_to_dict(tpl.get_template("Giấy khen - cá nhân"))


def load(tmp_path, data, name="mau.json"):
    path = tmp_path / name
    if isinstance(data, (dict, list)):
        data = json.dumps(data, ensure_ascii=False)
    path.write_text(data, encoding="utf-8") if isinstance(data, str) else path.write_bytes(data)
    started = time.perf_counter()
    try:
        return certs.load_template_file(str(path))
    finally:
        assert time.perf_counter() - started < 2          # refused quickly, not after minutes


@pytest.mark.parametrize("font", [
    "../../etc/passwd", "/etc/passwd", "/dev/zero", "\\\\may-khac\\chia-se\\times.ttf",
    "C:\\Windows\\Fonts\\times.ttf", "times.ttf", "Times New Roman\x00", "a" * 65,
])
@pytest.mark.parametrize("key", ["font_family", "font_file"])
def test_font_must_be_a_family_name_not_a_path(good, tmp_path, font, key):
    good.pop("font_family", None)
    good[key] = font
    with pytest.raises(ValidationError) as err:
        load(tmp_path, good)
    message = str(err.value)
    assert "phông chữ" in message and "không ghi đường dẫn" in message
    assert "root:" not in message                        # nothing of the file was read


def test_font_family_not_installed_is_refused_at_load(good, tmp_path):
    good["font_family"] = "Phong Khong Co"
    with pytest.raises(ValidationError, match="không có phông chữ «Phong Khong Co»"):
        load(tmp_path, good)
    good["font_family"] = "DejaVu Sans"
    template, _ = load(tmp_path, good)
    assert template.font_family == "DejaVu Sans"


@pytest.mark.parametrize("where", ["heading", "issuer", "field text", "field label", "name"])
def test_over_long_text_is_refused_at_load(good, tmp_path, where):
    huge = "Â" * 1_000_000
    if where == "field text":
        good["fields"][0]["text"] = huge
    elif where == "field label":
        good["fields"][0]["label"] = huge
    else:
        good[where] = huge
    with pytest.raises(ValidationError) as err:
        load(tmp_path, good)
    assert "1.000.000 ký tự" in str(err.value) and len(str(err.value)) < 400


def test_deeply_nested_json(tmp_path, database):
    for text in ('{"fields": ' + "[" * 100_000 + "]" * 100_000 + "}",
                 "[" * 100_000 + "]" * 100_000,
                 '{"fields": [{"key": "a", "x": {"b": {"c": {"d": 1}}}}]}'):
        with pytest.raises(ValidationError) as err:
            load(tmp_path, text)
        assert "lồng nhau quá sâu" in str(err.value) or "không đúng định dạng" in str(err.value)


@pytest.mark.parametrize("change, words", [
    (lambda d: d.update(fields={"a": 1}), "phải là một mảng"),
    (lambda d: d.update(name=123), "phải là chữ"),
    (lambda d: d.update(heading={"a": 1}), "phải là chữ"),
    (lambda d: d["fields"][0].update(x=[1]), "phải là số"),
    (lambda d: d["fields"][0].update(x=True), "phải là số"),
    (lambda d: d["fields"][0].update(x=1e308), "ngoài khoảng"),
    (lambda d: d["fields"][0].update(bold="có"), "true hoặc false"),
    (lambda d: d["fields"][0].update(size="x" * 50), "không phải là số"),
    (lambda d: d.update(width_mm="1e999"), "không phải là số"),
    (lambda d: d.update(heading_size=5000), "Cỡ chữ tiêu đề"),
    (lambda d: d.update(fields=[d["fields"][0]] * 10_000), "tối đa 40"),
    (lambda d: d.update(background_png_base64=12), "Ảnh nền"),
])
def test_mistyped_template_file(good, tmp_path, change, words):
    change(good)
    with pytest.raises(ValidationError) as err:
        load(tmp_path, good)
    assert words in str(err.value)


def _png_header(width, height):
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)))


def test_image_bombs_are_refused_before_decoding(good, tmp_path):
    import base64
    for data, words in ((_png_header(100_000, 100_000), "vượt giới hạn"),
                        (_png_header(0, 10), "vượt giới hạn"),
                        (b"\xff\xd8\xff" + b"\0" * 100, "Không đọc được kích thước"),
                        (b"GIF89a\xff\xff\xff\xff" + b"\0" * 20, "vượt giới hạn"),
                        (b"\x89PNG\r\n\x1a\n" + b"\0" * (16 * 1024 * 1024), "tối đa 15 MB")):
        with pytest.raises(ValidationError, match=words):
            tpl.validate_image(data)
        good["background_png_base64"] = base64.b64encode(data).decode()
        with pytest.raises(ValidationError, match=f"{words}|quá lớn"):
            load(tmp_path, good)
    # real images made by Pillow pass, and their size is read from the header
    from io import BytesIO
    from PIL import Image
    for fmt in ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP"):
        buf = BytesIO()
        Image.new("RGB", (321, 123), "white").save(buf, fmt)
        from models.template_bounds import image_size
        assert image_size(buf.getvalue())[1:] == (321, 123), fmt
        assert tpl.validate_image(buf.getvalue()) == fmt


def test_stored_background_that_is_a_bomb_is_not_handed_out(clerk, database):
    from models.entities import CertTemplate
    t = tpl.get_template("Giấy khen - cá nhân")
    t.name = "Có ảnh"
    tpl.save_template(actor=clerk, template=t, background=small_png())
    assert tpl.template_background("Có ảnh") == small_png()
    CertTemplate.update(background=_png_header(90_000, 90_000)).where(
        CertTemplate.name == "Có ảnh").execute()            # as a crafted backup would hold
    assert tpl.template_background("Có ảnh") is None


def test_huge_template_file_is_refused_without_reading_it_all(tmp_path, database):
    path = tmp_path / "to.json"
    with open(path, "wb") as fh:
        fh.truncate(2 * 1024 * 1024 * 1024)                # 2 GB sparse file
    with pytest.raises(ValidationError, match="quá lớn"):
        certs.load_template_file(str(path))


def test_backup_info_is_bounded(tmp_path, leader):
    from models import db as dbmod
    from reports import backup
    dbmod.db.execute_sql("INSERT OR REPLACE INTO setting (key, value) VALUES "
                         "('commune_name', ?)", (json.dumps("Xã " + "A" * 5_000_000),))
    saved = backup.backup_to(str(tmp_path / "usb" / "b.sqlite3"))
    info = backup.backup_info(saved)
    assert len(info.describe()) < 1000
    assert os.path.getsize(saved) > 5_000_000
