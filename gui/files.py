"""File dialogs as a clerk expects them: they start in the last folder used (else Documents),
and after a file is saved the program offers to open it or its folder.

Drop-in for ``QFileDialog.getSaveFileName`` / ``getOpenFileName`` / ``getExistingDirectory``:
same arguments, same results; a suggested bare file name is placed in the last folder.
"""
import os

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

KEY = "files/last_folder"


def _store():
    from .main_window import settings_store
    return settings_store()


def last_folder():
    """The folder of the last file chosen, else the user's Documents folder."""
    folder = _store().value(KEY)
    if folder and os.path.isdir(folder):
        return folder
    docs = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    return docs if docs and os.path.isdir(docs) else os.path.expanduser("~")


def remember(path):
    if path:
        folder = path if os.path.isdir(path) else os.path.dirname(path)
        if folder:
            store = _store()
            store.setValue(KEY, folder)
            store.sync()


def _start(suggested):
    suggested = suggested or ""
    if os.path.dirname(suggested):
        return suggested
    return os.path.join(last_folder(), suggested) if suggested else last_folder()


def save_name(parent, caption, suggested="", filters=""):
    path, chosen = QFileDialog.getSaveFileName(parent, caption, _start(suggested), filters)
    remember(path)
    return path, chosen


def open_name(parent, caption, start="", filters=""):
    path, chosen = QFileDialog.getOpenFileName(parent, caption, _start(start), filters)
    remember(path)
    return path, chosen


def folder_name(parent, caption, start=""):
    path = QFileDialog.getExistingDirectory(parent, caption, start or last_folder())
    remember(path)
    return path


def open_path(path):
    """Open a file or folder with the system's program (Excel, the PDF reader, Explorer)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.abspath(path)))


PDF_FILTER = "PDF (*.pdf)"
WORD_FILTER = "Word (*.docx)"


def document_name(parent, caption, stem, *, word=False):
    """Where to save a document as PDF or, with ``word``, as Word (.docx); '' if cancelled.
    The writers choose the format by the extension, so a name typed without it gets it."""
    ext, pattern = (".docx", WORD_FILTER) if word else (".pdf", PDF_FILTER)
    path, _ = save_name(parent, caption, stem + ext, pattern)
    if path and os.path.splitext(path)[1].lower() != ext:
        path += ext
    return path
