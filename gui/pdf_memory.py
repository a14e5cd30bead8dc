"""Showing a PDF from memory, so the file on disk is never held open by the viewer.

QPdfDocument.load(path) keeps the file open even after close(); on Windows the next preview
written to the same path (or the clerk saving over it, or deleting it) then fails.
"""
from PySide6.QtCore import QBuffer, QByteArray, QIODevice


def load_pdf_from_memory(doc, path):
    """Read ``path`` whole and load it into ``doc`` (a QPdfDocument); returns doc.status()."""
    with open(path, "rb") as fh:
        data = fh.read()
    doc.close()
    old = getattr(doc, "_memory_buffer", None)
    buffer = QBuffer(doc)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.ReadOnly)
    doc._memory_buffer = buffer          # the document reads it for as long as it is shown
    doc.load(buffer)                     # a random-access buffer loads at once
    if old is not None:
        old.deleteLater()
    return doc.status()
