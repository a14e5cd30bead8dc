"""A file proposed upward on a USB stick (one folder or one ZIP) and the check of one received.

The folder holds every document as .pdf and .docx, ``du-lieu.json`` (the data with the UUID
of every record) and ``manifest-sha256.txt``: one ``<sha256>  <name>`` line per file, the
format ``sha256sum -c`` reads, so the receiving office can check nothing was changed even
without this program. Nothing half-written is ever left: the files are made in a local
staging folder, copied to a temporary name on the stick, read back and checked, and only
then renamed to their final name.
"""
import hashlib
import json
import os
import shutil
import tempfile
import zipfile

from models import fileops, upward, upward_data
from models.errors import UserError, ValidationError
from models.fileops import fsync_dir, os_error_message
from . import safefile, upward_docs, upward_pdf
from .backup import _check_destination, _size_text

MANIFEST = "manifest-sha256.txt"
DATA = "du-lieu.json"
JUNK = {"thumbs.db", "desktop.ini", ".ds_store"}     # files Windows/macOS add by themselves
MAX_ZIP_ENTRIES = 2000
MAX_READ_BYTES = 500 * 1024 * 1024


class ManifestMismatch(UserError):
    """A received file whose contents are not what its manifest says."""


def default_name(upward_file):
    commune = upward_data.commune_identity()["name"]
    return (f"ho-so-de-nghi-khen-thuong-{upward_file.year}-{upward_docs.slug(commune)}"
            f"-{upward_file.date:%Y%m%d}")


def _docx_writer():
    """The Word writer, or None while this build has none."""
    try:
        from . import upward_docx
    except ImportError:
        return None
    return upward_docx.write


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_files(upward_file, folder, *, progress=None):
    """Write every file of ``upward_file`` into ``folder``; returns the names, manifest last."""
    if not upward_file.meeting_id:
        raise ValidationError("Hồ sơ chưa gắn cuộc họp Hội đồng Thi đua - Khen thưởng: hồ sơ "
                              "gửi cấp trên phải có biên bản họp và kết quả bỏ phiếu kín. Hãy "
                              "chọn cuộc họp rồi xuất lại.", field="meeting")
    upward.refresh_warnings(upward_file)
    data = upward_data.file_data(upward_file)
    if not data["proposals"]:
        raise ValidationError("Hồ sơ chưa có đề nghị nào; hãy thêm tập thể, cá nhân được đề "
                              "nghị trước khi xuất.")
    docs = upward_docs.documents(data)
    docx = _docx_writer()
    names, listing = [], []
    steps = len(docs) * (2 if docx else 1) + 1
    for i, doc in enumerate(docs):
        meeting_id = upward_pdf.minutes_of(doc)
        if meeting_id is not None:      # 21,858 votes read once for the PDF and the Word file
            from . import minutes_pdf
            doc = dict(doc, minutes_content=minutes_pdf.minutes_content(
                minutes_pdf.get_meeting(meeting_id)))
        files = {"pdf": doc["name"] + ".pdf"}
        upward_pdf.write(doc, os.path.join(folder, files["pdf"]))
        if docx is not None and docx(doc, os.path.join(folder, doc["name"] + ".docx")):
            files["docx"] = doc["name"] + ".docx"
        names += list(files.values())
        listing.append({"title": doc["title"], "files": files,
                        "proposal_uuid": doc.get("proposal_uuid")})
        if progress is not None and progress((i + 1) * (2 if docx else 1), steps) is False:
            from models.errors import Cancelled
            raise Cancelled()
    data["documents"] = listing
    with open(os.path.join(folder, DATA), "w", encoding="utf-8", newline="\n") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")
    names.append(DATA)
    lines = [f"{sha256_of(os.path.join(folder, n))}  {n}\n" for n in sorted(names)]
    with open(os.path.join(folder, MANIFEST), "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(lines)
    return names + [MANIFEST]


def _copy_synced(src, dst):
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        shutil.copyfileobj(fin, fout, 1 << 20)
        fout.flush()
        os.fsync(fout.fileno())


def _write_zip(staging, names, path, top):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in names:
            zf.write(os.path.join(staging, n), f"{top}/{n}")
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def export(*, upward_file, dest_dir, as_zip=False, name=None, replace=False, actor=None,
           progress=None):
    """Export ``upward_file`` to ``dest_dir`` as a folder (or ZIP) named ``name``; read it
    back and check its manifest before it gets its final name. Returns {"path", "files",
    "manifest_sha256", "size"}. With ``actor`` the export is recorded (audited)."""
    name = upward_docs.slug(name) if name else default_name(upward_file)
    final = os.path.join(os.path.abspath(dest_dir), name + (".zip" if as_zip else ""))
    if os.path.exists(final) and not replace:
        raise UserError(f"Đã có {final}. Hãy chọn tên khác, hoặc đồng ý ghi đè.")
    staging = tempfile.mkdtemp(prefix="tdkt-ho-so-")
    try:
        with safefile.staging():         # scratch files: the copies on the stick are synced
            names = build_files(upward_file, staging, progress=progress)
        size = sum(os.path.getsize(os.path.join(staging, n)) for n in names)
        _check_destination(dest_dir, size * 2 if as_zip else size)
        tmp = os.path.join(os.path.abspath(dest_dir), fileops.temp_prefix() + name
                           + (".zip" if as_zip else ""))
        try:
            if as_zip:
                _write_zip(staging, names, tmp, name)
            else:
                os.mkdir(tmp)
                for n in names:
                    _copy_synced(os.path.join(staging, n), os.path.join(tmp, n))
                fsync_dir(tmp)
            verify(tmp)                      # read back from the stick before it is final
            _put_in_place(tmp, final)
        except OSError as exc:
            _remove(tmp)
            raise UserError(os_error_message(exc, final)) from exc
        except BaseException:
            _remove(tmp)
            raise
        digest = sha256_of(os.path.join(staging, MANIFEST))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if actor is not None:
        upward.mark_exported(actor=actor, upward_file=upward_file, path=final, digest=digest)
    return {"path": final, "files": names, "manifest_sha256": digest,
            "size": os.path.getsize(final) if as_zip else size}


def _remove(path):
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        fileops.remove_quietly(path)


def _put_in_place(tmp, final):
    folder = os.path.dirname(final)
    old = None
    if os.path.exists(final):
        old = os.path.join(folder, fileops.temp_prefix() + "cu-" + os.path.basename(final))
        os.replace(final, old)
    try:
        os.replace(tmp, final)
    except OSError:
        if old is not None:
            os.replace(old, final)
        raise
    fsync_dir(folder)
    if old is not None:
        _remove(old)


# --------------------------------------------------------------------------- reading back

def _parse_manifest(text, where):
    entries = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        name = name.lstrip("*")
        if (not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest)
                or not name or name.startswith("/") or ".." in name.split("/")):
            raise UserError(f"Tệp {MANIFEST} trong {where} hỏng ở dòng {number}: cần "
                            "'<SHA-256>  <tên tệp>'.")
        entries[name] = digest
    return entries


def _folder_reader(path):
    def names():
        out = []
        for root, _dirs, files in os.walk(path):
            for f in files:
                rel = os.path.relpath(os.path.join(root, f), path).replace(os.sep, "/")
                out.append(rel)
        return out

    def digest(name):
        return sha256_of(os.path.join(path, name))

    def read(name):
        with open(os.path.join(path, name), "rb") as fh:
            return fh.read()
    return names, digest, read


def _zip_reader(zf):
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_READ_BYTES:
        raise UserError("Tệp ZIP quá lớn hoặc có quá nhiều tệp; đây không phải hồ sơ đề "
                        "nghị do chương trình xuất.")
    tops = {i.filename.split("/", 1)[0] for i in infos}
    prefix = (tops.pop() + "/") if len(tops) == 1 and all("/" in i.filename for i in infos) \
        else ""

    def names():
        return [i.filename[len(prefix):] for i in infos]

    def digest(name):
        h = hashlib.sha256()
        with zf.open(prefix + name) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()

    def read(name):
        return zf.read(prefix + name)
    return names, digest, read


def verify(path):
    """Check a received folder or ZIP against its manifest; returns {"data", "files"}.

    Raises ``ManifestMismatch`` naming every changed, missing or added file."""
    path = os.path.abspath(str(path))
    if os.path.isdir(path):
        return _verify(path, *_folder_reader(path))
    try:
        with zipfile.ZipFile(path) as zf:
            return _verify(path, *_zip_reader(zf))
    except zipfile.BadZipFile as exc:
        raise UserError(f"{path} không phải thư mục hồ sơ hay tệp ZIP đọc được.") from exc
    except OSError as exc:
        raise UserError(f"Không đọc được {path}: {exc.strerror or exc}") from exc


def _verify(where, names, digest, read):
    present = [n for n in names() if os.path.basename(n).lower() not in JUNK]
    if MANIFEST not in present:
        raise UserError(f"{where} không có {MANIFEST}: không kiểm tra được hồ sơ.")
    try:
        expected = _parse_manifest(read(MANIFEST).decode("utf-8"), where)
    except UnicodeDecodeError as exc:
        raise UserError(f"Tệp {MANIFEST} trong {where} không phải văn bản UTF-8.") from exc
    changed = [n for n in sorted(expected) if n in present and digest(n) != expected[n]]
    missing = [n for n in sorted(expected) if n not in present]
    added = sorted(n for n in present if n not in expected and n != MANIFEST)
    if changed or missing or added:
        details = ([f"Đã bị thay đổi: {n}" for n in changed]
                   + [f"Bị thiếu: {n}" for n in missing]
                   + [f"Không có trong danh mục: {n}" for n in added])
        first = (changed or missing or added)[0]
        raise ManifestMismatch(
            f"Hồ sơ {os.path.basename(where)} không khớp danh mục SHA-256 ({len(details)} tệp, "
            f"ví dụ {first}): hồ sơ đã bị sửa hoặc chép thiếu sau khi xuất. Hãy đề nghị xã "
            "gửi lại bản gốc.", details=details)
    try:
        data = json.loads(read(DATA).decode("utf-8")) if DATA in expected else None
    except (UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"{DATA} trong {where} không đọc được.") from exc
    if not isinstance(data, dict) or data.get("format") != upward_data.FORMAT:
        raise UserError(f"{where} không phải hồ sơ đề nghị khen thưởng do chương trình xuất.")
    return {"data": data, "files": sorted(expected), "where": where}


def describe(result):
    """One paragraph for the clerk about a checked file."""
    data = result["data"]
    c, f = data["commune"], data["file"]
    return (f"Hồ sơ của {c['name'] or '(chưa rõ xã)'}, {c['province'] or ''} — năm {f['year']}, "
            f"tờ trình số {f['number'] or '(chưa ghi số)'}: {len(data['proposals'])} đề nghị, "
            f"{len(result['files'])} tệp, khớp danh mục SHA-256.")


def size_text(n):
    return _size_text(n)
