"""Opening an .xlsx safely and reading its parts: sheets, styles, shared strings.

Every place that opens a workbook goes through ``open_package`` (the one size check): a zip
whose entries would inflate to more than ``MAX_TOTAL_BYTES``, or inflate far more than real
workbooks do (``MAX_RATIO``), or hold more than ``MAX_ENTRIES`` entries, is refused before
anything is parsed, in milliseconds, with "tệp nén bất thường". The declared sizes are
binding: Python's zip reader never returns more bytes than an entry declares.

``Workbook`` reads the small parts the way Excel and LibreOffice write them (both store every
text cell as a shared string, ``t="s"``): the sheet list with each sheet's state and kind,
the date system, per style its font name and whether its number format is a date, and the
shared strings, streamed with lxml; a string made of rich-text runs keeps each run's font
(``RichText``) so TCVN3 text typed in ".VnTime" inside one run is still recognised.
"""
import os
import posixpath
import re
import zipfile

from lxml import etree

from models import vntext
from models.errors import UserError

MAX_ENTRIES = 5000
MAX_TOTAL_BYTES = 600 * 1024 * 1024      # all entries inflated; 200,000 rows need ~150 MB
MAX_RATIO = 150                          # inflated / compressed, for entries over RATIO_FLOOR
RATIO_FLOOR = 8 * 1024 * 1024
MAX_XLS_BYTES = 120 * 1024 * 1024        # old .xls are read whole by xlrd
MAX_SHARED_STRINGS = 3_000_000           # 200,000 rows × 15 text columns

MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
           "http://purl.oclc.org/ooxml/spreadsheetml/main")      # transitional, strict
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL_NS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
              "http://purl.oclc.org/ooxml/officeDocument/relationships")


class ExcelFileError(UserError):
    """The file cannot be read as a workbook (not a workbook, protected, damaged, no sheet)."""


class SuspiciousFileError(ExcelFileError):
    """A zip that would inflate to an abnormal size: refused before parsing."""


def _mb(n):
    return vntext.format_int(max(1, round(n / 1024 / 1024)))


def check_zip(zf, name):
    """Raise SuspiciousFileError unless the sizes inside ``zf`` look like a real workbook."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise SuspiciousFileError(
            f"Tệp {name} là tệp nén bất thường: có {vntext.format_int(len(infos))} thành phần "
            f"bên trong (bảng tính thật có vài chục). Hãy mở tệp bằng Excel, kiểm tra và lưu "
            "lại rồi nhập lại.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR and \
                info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise SuspiciousFileError(
                f"Tệp {name} là tệp nén bất thường: phần '{info.filename}' nén "
                f"{_mb(info.compress_size)} MB nhưng giải nén ra {_mb(info.file_size)} MB "
                f"(gấp {vntext.format_int(info.file_size // max(1, info.compress_size))} lần; "
                "bảng tính thật không nén được như thế). Phần mềm không mở tệp này; hãy kiểm "
                "tra nguồn gốc tệp, mở bằng Excel và lưu lại.")
    if total > MAX_TOTAL_BYTES:
        raise SuspiciousFileError(
            f"Tệp {name} là tệp nén bất thường hoặc quá lớn: giải nén ra {_mb(total)} MB "
            f"(tối đa {_mb(MAX_TOTAL_BYTES)} MB). Hãy chia nhỏ tệp (mỗi tệp dưới 200.000 "
            "dòng) rồi nhập từng phần.")


def open_package(path):
    """The workbook's zip, opened and size-checked; ExcelFileError with a clear message."""
    name = os.path.basename(str(path))
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExcelFileError(
            f"Tệp {name} không phải là bảng tính Excel (.xlsx) hoặc tệp đã bị hỏng. Hãy chọn "
            "đúng tệp Excel, hoặc mở tệp bằng Excel và lưu lại dạng .xlsx.") from exc
    try:
        check_zip(zf, name)
    except BaseException:
        zf.close()
        raise
    return zf


def check_xls_size(path):
    size = os.path.getsize(path)
    if size > MAX_XLS_BYTES:
        raise ExcelFileError(
            f"Tệp {os.path.basename(str(path))} quá lớn ({_mb(size)} MB) cho dạng .xls cũ. Hãy "
            "chia nhỏ tệp hoặc lưu lại dạng .xlsx rồi nhập lại.")


# --------------------------------------------------------------------------- parts

class RichText(str):
    """A cell text made of runs; ``runs`` is [(text, font name or None)] (None: cell font)."""
    __slots__ = ("runs",)


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text):
    """Excel writes control characters as _xHHHH_ (a line break as _x000D_ + newline)."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _join(base_dir, target):
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target))


# Built-in number formats that show dates (Excel's ids; 27-36 and 50-58 are East-Asian dates).
_DATE_IDS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_TIME_ONLY_IDS = {18, 19, 20, 21, 45, 46, 47}
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def is_date_format(code):
    """True for a number format that shows a date: dd/mm/yyyy, d/m/yy, mm/dd/yyyy, yyyy …"""
    if not code:
        return False
    part = _QUOTED.sub("", code.split(";", 1)[0]).lower()
    return bool(re.search(r"[dy]", part)) or bool(re.search(r"m", part) and
                                                  not re.search(r"[hs0#]", part))


class Sheet:
    """One sheet of the workbook: ``name``, ``state`` (visible/hidden/veryHidden), ``kind``
    (worksheet, chartsheet, dialogsheet, macrosheet) and its part ``path`` in the zip."""

    def __init__(self, name, state, kind, path):
        self.name, self.state, self.kind, self.path = name, state, kind, path

    @property
    def visible(self):
        return self.state == "visible"

    def __repr__(self):
        return f"Sheet({self.name!r}, {self.state}, {self.kind})"


class Workbook:
    """The parts of an opened .xlsx needed to read cells; ``close()`` when done."""

    def __init__(self, path):
        self.path = str(path)
        self.zip = open_package(path)
        try:
            self._read_structure()
            self._read_styles()
        except ExcelFileError:
            self.close()
            raise
        except Exception as exc:                  # damaged XML, missing parts …
            self.close()
            raise ExcelFileError(
                f"Không đọc được tệp {os.path.basename(self.path)}: tệp Excel bị hỏng hoặc "
                "không đúng định dạng. Hãy mở bằng Excel, lưu lại dạng .xlsx rồi nhập lại."
            ) from exc
        self._shared = None

    def close(self):
        self.zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _xml(self, part):
        with self.zip.open(part) as fh:
            return etree.parse(fh, etree.XMLParser(resolve_entities=False, huge_tree=False))

    def _rels(self, part):
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        out = {}
        if rels not in self.names:
            return out
        for rel in self._xml(rels).getroot():
            if rel.get("TargetMode") == "External":
                continue
            out[rel.get("Id")] = (rel.get("Type", "").rsplit("/", 1)[-1],
                                  _join(folder, rel.get("Target", "")))
        return out

    def _read_structure(self):
        self.names = set(self.zip.namelist())
        book = "xl/workbook.xml"
        for _rid, (kind, target) in self._rels("").items():
            if kind == "officeDocument":
                book = target
        if book not in self.names:
            book = next((n for n in self.names if n.endswith("workbook.xml")), book)
        root = self._xml(book).getroot()
        ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
        self.ns = "{%s}" % ns if ns else ""
        rels = self._rels(book)
        pr = root.find(f"{self.ns}workbookPr")
        self.date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
        self.sheets = []
        for el in root.iter(f"{self.ns}sheet"):
            rid = next((el.get(f"{{{n}}}id") for n in DOC_REL_NS if el.get(f"{{{n}}}id")), None)
            kind, target = rels.get(rid, ("worksheet", None))
            self.sheets.append(Sheet(el.get("name") or "", el.get("state") or "visible",
                                     kind, target))
        self.styles_part = self.strings_part = None
        for kind, target in rels.values():
            if kind == "styles":
                self.styles_part = target
            elif kind == "sharedStrings":
                self.strings_part = target

    def _read_styles(self):
        """style id → font name, and the set of style ids whose number format is a date."""
        self.fonts, self.date_styles = [], set()
        if not self.styles_part or self.styles_part not in self.names:
            return
        root = self._xml(self.styles_part).getroot()
        ns = self.ns
        codes = {}
        for fmt in root.iter(f"{ns}numFmt"):
            try:
                codes[int(fmt.get("numFmtId"))] = fmt.get("formatCode") or ""
            except (TypeError, ValueError):
                continue
        font_names = []
        fonts = root.find(f"{ns}fonts")
        for font in (fonts if fonts is not None else []):
            name = font.find(f"{ns}name")
            font_names.append(name.get("val") if name is not None else None)
        xfs = root.find(f"{ns}cellXfs")
        for i, xf in enumerate(xfs if xfs is not None else []):
            fid = int(xf.get("fontId") or 0)
            self.fonts.append(font_names[fid] if fid < len(font_names) else None)
            num = int(xf.get("numFmtId") or 0)
            if (num in codes and is_date_format(codes[num])) or \
                    (num not in codes and num in _DATE_IDS and num not in _TIME_ONLY_IDS):
                self.date_styles.add(i)

    @property
    def shared_strings(self):
        """The shared strings, read on first use in one streaming pass."""
        if self._shared is None:
            self._shared = self._read_shared()
        return self._shared

    def _read_shared(self):
        out = []
        if not self.strings_part or self.strings_part not in self.names:
            return out
        ns = self.ns
        si, t, r, rpr, rfont = (f"{ns}si", f"{ns}t", f"{ns}r", f"{ns}rPr", f"{ns}rFont")
        with self.zip.open(self.strings_part) as fh:
            for _ev, el in etree.iterparse(fh, events=("end",), tag=si,
                                           resolve_entities=False):
                runs = None
                parts = []
                for child in el:
                    if child.tag == t:             # plain string (rPh phonetic runs skipped)
                        parts.append(child.text or "")
                    elif child.tag == r:
                        text = child.findtext(t) or ""
                        font = None
                        props = child.find(rpr)
                        if props is not None:
                            f = props.find(rfont)
                            font = f.get("val") if f is not None else None
                        if runs is None:
                            runs = []
                        runs.append((_unescape(text), font))
                        parts.append(text)
                text = _unescape("".join(parts))
                if runs and any(font for _t, font in runs):
                    rich = RichText(text)
                    rich.runs = runs
                    text = rich
                out.append(text)
                if len(out) > MAX_SHARED_STRINGS:
                    raise SuspiciousFileError(
                        f"Tệp {os.path.basename(self.path)} là tệp bất thường: có hơn "
                        f"{vntext.format_int(MAX_SHARED_STRINGS)} ô chữ. Hãy chia nhỏ tệp "
                        "(mỗi tệp dưới 200.000 dòng) rồi nhập từng phần.")
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
        return out

    def worksheet_names(self):
        return [s.name for s in self.sheets]
