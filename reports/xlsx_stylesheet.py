"""styles.xml of ``xlsxdoc`` workbooks built once per set of styles, not at every save.

openpyxl rebuilds styles.xml from its style objects at each save (``write_stylesheet``:
every font, border, format and named style turned into XML through its descriptors) —
about 7 ms of a 100 ms fund or scores form, the same bytes each time. A workbook written
by ``xlsxdoc.write_workbook`` gets all its styles from ``xlsxdoc``'s named styles (built
from fixed specs, in the order the sheets first use them) and the cell styles made from
them, so (the named styles in order, the cell style arrays, the sizes of the style
tables) decides the whole stylesheet. Workbooks without the mark go through openpyxl's
own function unchanged.
"""
import threading

MAX_KEPT = 64
_kept = {}
_lock = threading.Lock()
_MARK = "_tdkt_style_names"


def mark(wb, names):
    """Let ``wb``'s save reuse a stylesheet: ``names`` (a list the caller keeps filling)
    are its named styles in the order they were added; nothing else adds styles to it."""
    setattr(wb, _MARK, names)
    install()


def key_of(wb, names):
    """What decides ``wb``'s styles.xml (see the module's docstring)."""
    return (tuple(names), tuple(tuple(s) for s in wb._cell_styles),
            len(wb._fonts), len(wb._fills), len(wb._borders), len(wb._alignments),
            len(wb._protections), len(wb._number_formats), len(wb._named_styles),
            len(wb._differential_styles.styles), len(wb._table_styles.tableStyle))


def install():
    """Put the caching ``write_stylesheet`` where openpyxl's writer looks it up (once)."""
    from openpyxl.writer import excel
    with _lock:
        if getattr(excel.write_stylesheet, "tdkt_cached", False):
            return
        original = excel.write_stylesheet

        def write_stylesheet(wb):
            names = getattr(wb, _MARK, None)
            if names is None:
                return original(wb)
            key = key_of(wb, names)
            tree = _kept.get(key)
            if tree is None:
                tree = original(wb)
                with _lock:
                    if len(_kept) >= MAX_KEPT:
                        _kept.clear()
                    _kept[key] = tree
            return tree

        write_stylesheet.tdkt_cached = True
        write_stylesheet.original = original
        excel.write_stylesheet = write_stylesheet
