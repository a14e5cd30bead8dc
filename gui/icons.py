"""One consistent icon set, shipped with the program (resources/icons, Adwaita symbolic
icons, LGPL-3 / CC-BY-SA-3.0 — see resources/icons/LICENSE.txt); no network, no theme.

``icon(name)`` gives a QIcon (dark, and white when selected); ``page_icon(key)`` the icon of
a navigation page; ``decorate_buttons(widget)`` gives the main action buttons of a page
their icon from the wording of their label, so every page (also pages added later)
uses the same picture for the same action.
"""
import functools
import os
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QAbstractButton

from models import vntext
from resources import resource_path

_COLOUR = re.compile(rb"#[0-9a-fA-F]{6}\b")


def _whiten(svg):
    """The same drawing with its dark colours white (for the selected navigation row)."""
    def swap(match):
        value = int(match.group()[1:], 16)
        r, g, b = value >> 16, (value >> 8) & 255, value & 255
        return b"#ffffff" if (r * 299 + g * 587 + b * 114) // 1000 < 128 else match.group()
    return _COLOUR.sub(swap, svg)
SIZES = (16, 24, 32)

PAGE_ICONS = {
    "overview": "go-home", "org": "system-users", "movements": "emoji-flags",
    "registrations": "document-edit", "scoring": "x-office-spreadsheet",
    "decisions": "emblem-ok", "lookup": "edit-find", "certificates": "document-print",
    "reports": "x-office-document", "backup": "drive-removable-media",
    "settings": "preferences-system",
}
DEFAULT_PAGE_ICON = "emblem-documents"

# (folded words or phrases, icon): the first match wins; "^" = only at the label's start
ACTIONS = [
    (("xem truoc", "xem ban in thu"), "document-print-preview"),
    (("excel",), "x-office-spreadsheet"),
    (("word",), "x-office-document"),
    (("pdf",), "document-save-as"),
    (("^in",), "document-print"),
    (("^nhap",), "document-open"),
    (("^them", "^tao", "dang ky moi", "^lap"), "list-add"),
    (("^sua",), "document-edit"),
    (("^xoa",), "edit-delete"),
    (("sao luu",), "document-save"),
    (("^gui",), "document-send"),
    (("ban hanh", "^duyet", "^chot", "^xac nhan", "tham dinh xong"), "emblem-ok"),
    (("khoi phuc", "mo lai", "tra lai"), "edit-undo"),
    (("^tim",), "edit-find"),
    (("tai lai", "lam moi"), "view-refresh"),
]


def _path(name):
    return resource_path("icons", f"{name}-symbolic.svg")


@functools.lru_cache(maxsize=None)
def icon(name):
    """The QIcon ``name`` (e.g. "document-print"); an empty icon if it is not shipped."""
    path = _path(name)
    result = QIcon()
    if not os.path.exists(path):
        return result
    with open(path, "rb") as fh:
        svg = fh.read()
    for data, mode in ((svg, QIcon.Normal), (_whiten(svg), QIcon.Selected)):
        pixmap = QPixmap()          # rendered once (at the drawing's own size), then scaled
        if pixmap.loadFromData(data, "SVG"):
            for size in SIZES:
                result.addPixmap(pixmap.scaled(size, size, Qt.KeepAspectRatio,
                                               Qt.SmoothTransformation), mode)
    return result


def page_icon(key):
    return icon(PAGE_ICONS.get(key, DEFAULT_PAGE_ICON))


def action_icon_name(label):
    """The icon name for a button label ("Lưu PDF…" → document-save-as), or None."""
    words = vntext.fold(label.replace("&", "")).replace("…", " ").replace("(", " ") \
        .replace(")", " ").split()
    text = " " + " ".join(words) + " "
    for keys, name in ACTIONS:
        for key in keys:
            if key.startswith("^"):
                if text.startswith(" " + key[1:] + " "):
                    return name
            elif f" {key} " in text:
                return name
    return None


# keys of a page's main actions: the key clicks the page's visible, enabled button of that
# kind — the one marked ``main_action`` when a page has several side by side ("Thêm phong
# trào…" beside "Thêm đợt…"), else the one on the shown tab
ACTION_KEYS = {"list-add": "Ins", "document-edit": "F2", "document-print": "Ctrl+P",
               "document-save-as": "Ctrl+Shift+P", "document-print-preview": "F5"}
MAIN = "main_action"


def mark_main(*buttons):
    """The buttons a page's action keys (Ins, F2 …) should click among several alike."""
    for b in buttons:
        b.setProperty(MAIN, True)


def decorate_buttons(widget):
    """Give every push/tool button under ``widget`` that has text and no icon the icon
    of its action, and the page's main actions their key (``ACTION_KEYS``, shown in the
    tooltip); returns how many buttons got an icon."""
    widget._decorated = True
    n, by_kind = _give_icons(widget)
    for name, key in ACTION_KEYS.items():
        buttons = [b for b in by_kind.get(name, []) if not b.shortcut().toString()]
        marked = [b for b in buttons if b.property(MAIN)]
        if marked or buttons:
            add_key(widget, marked or buttons, key)
    return n


def _give_icons(widget):
    n, by_kind = 0, {}
    for button in widget.findChildren(QAbstractButton):
        if not button.text() or \
                button.metaObject().className() in ("QCheckBox", "QRadioButton"):
            continue
        name = action_icon_name(button.text())
        if not name:
            continue
        by_kind.setdefault(name, []).append(button)
        if button.icon().isNull():
            button.setIcon(icon(name))
            n += 1
    return n, by_kind


def decorate_added(page, part):
    """``part`` was built inside ``page`` after ``decorate_buttons(page)`` (a tab built
    when first shown): its buttons get their icons, and the page's action keys click them
    too (one shortcut per key and page: a second one would make the key ambiguous)."""
    if not getattr(page, "_action_keys", None) and not getattr(page, "_decorated", False):
        return 0            # the page itself is not decorated (not in the main window)
    n, by_kind = _give_icons(part)
    keys = _keys_of(page)
    for name, key in ACTION_KEYS.items():
        buttons = [b for b in by_kind.get(name, []) if not b.shortcut().toString()]
        marked = [b for b in buttons if b.property(MAIN)]
        if not (marked or buttons):
            continue
        if key in keys:
            keys[key].extend(marked or buttons)
            _tell_key(marked or buttons, key)
        else:
            add_key(page, marked or buttons, key)
    return n


def _keys_of(page):
    keys = getattr(page, "_action_keys", None)
    if keys is None:
        keys = page._action_keys = {}
    return keys


def _tell_key(buttons, key):
    shown = QKeySequence(key).toString(QKeySequence.NativeText)
    for b in buttons:
        tip = b.toolTip()
        b.setToolTip(f"{tip} ({shown})" if tip else f"{b.text().rstrip('…')} ({shown})")


def add_key(page, buttons, key):
    """``key`` clicks the first of ``buttons`` that is shown and enabled while the focus
    is on ``page``; their tooltips say so."""
    shortcut = QShortcut(QKeySequence(key), page)
    shortcut.setContext(Qt.WidgetWithChildrenShortcut)
    buttons = list(buttons)
    _keys_of(page)[key] = buttons           # decorate_added extends the list

    def click():
        for b in buttons:
            if b.isVisible() and b.isEnabled():
                b.click()
                return
    shortcut.activated.connect(click)
    _tell_key(buttons, key)
    return shortcut
