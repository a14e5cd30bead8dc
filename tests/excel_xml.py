"""Workbooks written by hand at the XML level, laid out the way Microsoft Excel saves them.

Not through openpyxl: every text cell is a shared string (``t="s"``), rich-text runs name
their own fonts (``<r><rPr><rFont val=".VnTime"/>``), dates are serial numbers styled with a
custom ``numFmt`` (dd/mm/yyyy …), formulas carry cached results, data validations sit in an
``x14`` extension — so a reader that only understands openpyxl's own output cannot pass.
Also crafted hostile files: a zip bomb and a workbook whose only sheet is a chart.
"""
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"""

ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""

# Fonts: 0 Calibri, 1 Times New Roman bold, 2 .VnTime, 3 Times New Roman.
# cellXfs: 0 general; 1 bold header (wrap); 2 date dd/mm/yyyy; 3 .VnTime text;
#          4 date d/m/yy; 5 date mm/dd/yyyy; 6 text "@"; 7 number 0.
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="d/m/yy;@"/><numFmt numFmtId="166" formatCode="[$-409]mm/dd/yyyy"/></numFmts><fonts count="4" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font><font><b/><sz val="12"/><name val="Times New Roman"/><family val="1"/></font><font><sz val="12"/><name val=".VnTime"/><family val="2"/></font><font><sz val="12"/><name val="Times New Roman"/><family val="1"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="8"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf><xf numFmtId="164" fontId="3" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="165" fontId="3" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="3" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="3" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="1" fontId="3" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/></styleSheet>"""

X14_VALIDATION = """<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1"><x14:formula1><xm:f>DM!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>{sqref}</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>"""


def col_letter(index):
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class SharedStrings:
    """The shared-string table as Excel writes it; ``add`` returns the index."""

    def __init__(self):
        self.items, self.index, self.count = [], {}, 0

    def add(self, text=None, runs=None):
        """Plain ``text``, or ``runs`` = [(text, font name or None, bold)] as rich text."""
        self.count += 1
        if runs:
            xml = "".join(
                "<r>" + ("<rPr>" + ("<b/>" if bold else "") + '<sz val="12"/>'
                         + (f'<rFont val="{font}"/>' if font else "") + "</rPr>"
                         if font or bold else "")
                + f'<t xml:space="preserve">{escape(t)}</t></r>' for t, font, bold in runs)
        else:
            space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
            xml = f"<t{space}>{escape(text)}</t>"
        key = xml
        if key not in self.index:
            self.index[key] = len(self.items)
            self.items.append(xml)
        return self.index[key]

    def xml(self):
        body = "".join(f"<si>{x}</si>" for x in self.items)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{NS}" '
                f'count="{self.count}" uniqueCount="{len(self.items)}">{body}</sst>')


def sheet_xml(rows, *, merges=(), hidden_rows=(), validation=None, dimension=None):
    """rows: list of (row number, [(column, cell xml attributes/inner)]).

    A cell is (column, kind, value, style): kind "s" (shared index), "n", "b", "e",
    "str" (formula text result: value = (formula, result)), "inline", "f" (formula number).
    """
    out = []
    for r, cells in rows:
        attrs = ' hidden="1"' if r in hidden_rows else ""
        parts = []
        for col, kind, value, style in cells:
            ref = f"{col_letter(col)}{r}"
            s = f' s="{style}"' if style else ""
            if kind == "s":
                parts.append(f'<c r="{ref}"{s} t="s"><v>{value}</v></c>')
            elif kind == "n":
                parts.append(f'<c r="{ref}"{s}><v>{value}</v></c>')
            elif kind == "b":
                parts.append(f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>')
            elif kind == "e":
                parts.append(f'<c r="{ref}"{s} t="e"><f>VLOOKUP(B{r},DM!A:B,2,0)</f>'
                             f"<v>{value}</v></c>")
            elif kind == "str":
                formula, result = value
                parts.append(f'<c r="{ref}"{s} t="str"><f>{escape(formula)}</f>'
                             f"<v>{escape(result)}</v></c>")
            elif kind == "f":
                formula, result = value
                parts.append(f'<c r="{ref}"{s}><f>{escape(formula)}</f><v>{result}</v></c>')
            elif kind == "inline":
                parts.append(f'<c r="{ref}"{s} t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        spans = f' spans="1:{max((c[0] for c in cells), default=1)}"'
        out.append(f'<row r="{r}"{spans}{attrs} x14ac:dyDescent="0.25">{"".join(parts)}</row>')
    merge = ""
    if merges:
        merge = f'<mergeCells count="{len(merges)}">' + "".join(
            f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>"
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    ext = X14_VALIDATION.replace("{sqref}", validation) if validation else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS}" '
            f'xmlns:r="{R_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/'
            '2006" mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="http://schemas.microsoft.com/'
            'office/spreadsheetml/2009/9/ac" xmlns:xr="http://schemas.microsoft.com/office/'
            f'spreadsheetml/2014/revision">{dim}<sheetViews><sheetView workbookViewId="0"/>'
            '</sheetViews><sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
            f'<sheetData>{"".join(out)}</sheetData>{merge}<pageMargins left="0.7" right="0.7" '
            f'top="0.75" bottom="0.75" header="0.3" footer="0.3"/>{ext}</worksheet>')


def write_workbook(path, sheets, strings, *, compression=zipfile.ZIP_DEFLATED):
    """sheets: [(name, state, kind, xml)]; kind "worksheet" or "chartsheet"."""
    entries, rels, overrides = [], [], []
    for i, (name, state, kind, xml) in enumerate(sheets, start=1):
        folder = "worksheets" if kind == "worksheet" else "chartsheets"
        part = f"{folder}/sheet{i}.xml"
        entries.append(f'<sheet name="{escape(name)}" sheetId="{i}"'
                       + (f' state="{state}"' if state != "visible" else "")
                       + f' r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{REL}/{kind}" Target="{part}"/>')
        ctype = ("worksheet" if kind == "worksheet" else "chartsheet")
        overrides.append(f'<Override PartName="/xl/{part}" ContentType="application/'
                         f'vnd.openxmlformats-officedocument.spreadsheetml.{ctype}+xml"/>')
    n = len(sheets)
    rels.append(f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>')
    rels.append(f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" '
                'Target="sharedStrings.xml"/>')
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{NS}"'
                f' xmlns:r="{R_NS}"><fileVersion appName="xl" lastEdited="7" lowestEdited="7" '
                'rupBuild="27425"/><workbookPr defaultThemeVersion="166925"/><bookViews>'
                '<workbookView xWindow="-120" yWindow="-120" windowWidth="29040" '
                f'windowHeight="15840"/></bookViews><sheets>{"".join(entries)}</sheets>'
                '<calcPr calcId="191029"/></workbook>')
    with zipfile.ZipFile(path, "w", compression) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES.format(overrides="".join(overrides)))
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels",
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    + "".join(rels) + "</Relationships>")
        zf.writestr("xl/styles.xml", STYLES)
        zf.writestr("xl/sharedStrings.xml", strings.xml())
        for i, (_name, _state, kind, xml) in enumerate(sheets, start=1):
            folder = "worksheets" if kind == "worksheet" else "chartsheets"
            zf.writestr(f"xl/{folder}/sheet{i}.xml", xml)
    return str(path)


CHARTSHEET = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<chartsheet xmlns="{NS}"'
              f' xmlns:r="{R_NS}"><sheetPr/><sheetViews><sheetView zoomScale="100" '
              'workbookViewId="0"/></sheetViews><pageMargins left="0.7" right="0.7" top="0.75" '
              'bottom="0.75" header="0.3" footer="0.3"/></chartsheet>')


def chart_only(path):
    return write_workbook(path, [("Biểu đồ 1", "visible", "chartsheet", CHARTSHEET)],
                          SharedStrings())


# --------------------------------------------------------------------------- a zip bomb

def _local_header(name, crc, csize, usize):
    raw = name.encode()
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, csize, usize,
                       len(raw), 0) + raw


def _central(name, crc, csize, usize, offset):
    raw = name.encode()
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, csize,
                       usize, len(raw), 0, 0, 0, 0, 0, offset) + raw


def zip_bomb(path, *, gigabytes=3):
    """A real workbook's parts plus a sheet of ``gigabytes`` GB of blanks deflated to ~1 MB
    per GB (each 1 MB block compresses alike, so it is built in milliseconds). Sizes and
    names are honest; the CRC is not computed (3 GB of hashing), and a careful reader
    refuses before it would check it."""
    head = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>').encode()
    tail = b"</t></is></c></row></sheetData></worksheet>"
    block = b" " * (1 << 20)
    blocks = gigabytes * 1024
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    middle = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    last = comp.compress(tail) + comp.flush(zlib.Z_FINISH)
    usize = len(head) + blocks * len(block) + len(tail)
    csize = len(first) + blocks * len(middle) + len(last)
    small = SharedStrings()
    small.add("Chủ hộ")
    # Write the ordinary parts with zipfile, then append the bomb entry by hand.
    write_workbook(path, [("Danh sách", "visible", "worksheet",
                           sheet_xml([(1, [(1, "s", 0, 0)])]))], small)
    with zipfile.ZipFile(path) as zf:
        parts = [(i.filename, zf.read(i.filename)) for i in zf.infolist()
                 if i.filename != "xl/worksheets/sheet1.xml"]
    with open(path, "wb") as out:
        central = []
        for name, data in parts:
            packed = zlib.compressobj(6, zlib.DEFLATED, -15)
            body = packed.compress(data) + packed.flush()
            crc = zlib.crc32(data)
            central.append(_central(name, crc, len(body), len(data), out.tell()))
            out.write(_local_header(name, crc, len(body), len(data)) + body)
        name = "xl/worksheets/sheet1.xml"
        central.append(_central(name, 0, csize, usize, out.tell()))
        out.write(_local_header(name, 0, csize, usize))
        out.write(first)
        for _ in range(blocks):
            out.write(middle)
        out.write(last)
        start = out.tell()
        for entry in central:
            out.write(entry)
        size = out.tell() - start
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                              size, start, 0))
    return str(path)
