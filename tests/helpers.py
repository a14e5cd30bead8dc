"""Test helpers: read PDFs back as text, build a small organisation quickly."""
import subprocess

from models import org


def pdf_text(path, *, layout=False):
    """The text of a PDF as pdftotext extracts it (Vietnamese comes back exactly)."""
    args = ["pdftotext"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_pages(path):
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo gave no page count")


def pdf_fonts(path):
    """[(name, embedded)] of the fonts a PDF uses."""
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        parts = line.split()
        if parts:
            # columns: name type [type2] encoding emb sub uni id gen; emb is 5th from the end
            rows.append((parts[0], parts[-5] == "yes"))
    return rows


def make_org(actor):
    """A commune with one bloc, two villages, one office, a few people and households."""
    root = org.add_unit(actor=actor, name="Xã Tân Lập", kind="xa")
    bloc = org.add_unit(actor=actor, name="Cụm thi đua số 1", kind="cum", parent=root)
    v1 = org.add_unit(actor=actor, name="Thôn Đông Hòa", kind="thon", parent=bloc)
    v2 = org.add_unit(actor=actor, name="Tổ dân phố 1", kind="tdp", parent=bloc)
    office = org.add_unit(actor=actor, name="Trường Tiểu học Tân Lập", kind="truong",
                          parent=root)
    people = [
        org.add_person(actor=actor, full_name="Nguyễn Văn An", gender="nam", birth_year=1980,
                       position="Giáo viên", unit=office),
        org.add_person(actor=actor, full_name="Trần Thị Bình", gender="nu", birth_year=1985,
                       position="Hiệu trưởng", unit=office),
        org.add_person(actor=actor, full_name="Lê Đức Cường", gender="nam", birth_year=1975,
                       position="Trưởng thôn", unit=v1),
    ]
    households = [
        org.add_household(actor=actor, head_name="Phạm Văn Dũng", gender="nam", village=v1,
                          birth_year=1960),
        org.add_household(actor=actor, head_name="Hoàng Thị Em", gender="nu", village=v2,
                          birth_year=1970),
    ]
    return dict(root=root, bloc=bloc, villages=[v1, v2], office=office, people=people,
                households=households)


def set_password(user, password="Mat-khau-2026"):
    """Give a fixture account a real password (hashed at the tests' low cost) and return it."""
    from models.accounts import hash_password
    from models.entities import User
    User.update(password_hash=hash_password(password)).where(User.id == user.id).execute()
    return password
def small_png(width=40, height=30):
    """A real PNG made by Pillow (another program's encoder, not ours)."""
    import io
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buf, "PNG")
    return buf.getvalue()


def sql_statements(run):
    """(run(), the SQL statements it sent) on either engine: SQLite's trace callback, or on
    a server every statement peewee sends through the database's execute_sql."""
    from models import db as dbmod
    seen = []
    if dbmod.is_server():
        database = dbmod.db.obj
        original = database.execute_sql

        def traced(sql, params=None, *args, **kwargs):
            seen.append(sql)
            return original(sql, params, *args, **kwargs)
        database.execute_sql = traced
        try:
            return run(), seen
        finally:
            del database.execute_sql
    connection = dbmod.db.connection()
    connection.set_trace_callback(seen.append)
    try:
        return run(), seen
    finally:
        connection.set_trace_callback(None)


def gs_pages(pdf, folder):
    """Every page of ``pdf`` as Ghostscript renders it (grey, 50 dpi), as raw bytes."""
    import subprocess
    from PIL import Image
    folder.mkdir()
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pnggray",
                    "-r50", f"-sOutputFile={folder}/p-%03d.png", str(pdf)], check=True)
    return [Image.open(p).tobytes() for p in sorted(folder.iterdir())]
