"""Long Word tables written into the .docx as they are made, not held as an XML tree.

python-docx keeps the whole document as an lxml tree: a decision list of 40,000 households
is ~3 million elements (850 MB peak, issue 15). ``DocxDocument.table`` puts a placeholder
table (its opening and header row, and one marker row) in the tree for a long list;
``save_streamed`` lets python-docx write the package, then copies it entry by entry,
writing ``word/document.xml`` with each marker row replaced by the list's rows, produced
one at a time (``docx_xml.table_rows_xml``) and compressed as they come. The file is the
one the tree would have given (same XML text).
"""
import io
import uuid
import zipfile

DOCUMENT = "word/document.xml"
BATCH = 500          # rows encoded and written at once


def new_marker():
    """Text no user data holds, naming one placeholder row."""
    return f"TDKT-STREAMED-ROWS-{uuid.uuid4().hex}"


def marker_row_xml(marker):
    return f"<w:tr><w:tc><w:p><w:r><w:t>{marker}</w:t></w:r></w:p></w:tc></w:tr>"


def _write_rows(fh, rows):
    batch = []
    for piece in rows:
        batch.append(piece)
        if len(batch) >= BATCH:
            fh.write("".join(batch).encode("utf-8"))
            batch = []
    if batch:
        fh.write("".join(batch).encode("utf-8"))


def _write_document(fh, xml, pieces):
    pos = 0
    for marker, rows in pieces:
        at = xml.index(marker, pos)
        start = xml.rindex("<w:tr>", pos, at)
        end = xml.index("</w:tr>", at) + len("</w:tr>")
        fh.write(xml[pos:start].encode("utf-8"))
        _write_rows(fh, rows())
        pos = end
    fh.write(xml[pos:].encode("utf-8"))


def save_streamed(document, path, pieces):
    """Save python-docx ``document`` to ``path`` with each (marker, rows) of ``pieces``:
    ``rows()`` gives the XML text of the rows that replace the marker's row."""
    package = io.BytesIO()
    document.save(package)
    with zipfile.ZipFile(package) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != DOCUMENT:
                out.writestr(info, src.read(info))
                continue
            entry = zipfile.ZipInfo(DOCUMENT, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            xml = src.read(info).decode("utf-8")
            with out.open(entry, "w") as fh:
                _write_document(fh, xml, pieces)
    return path
