"""Join PDFs that reportlab wrote into one file, one part in memory at a time.

reportlab keeps every page of a document in memory until it saves; a 40,000-page run of
certificates then needs more memory than an old office PC has. Long documents are
therefore written in parts of a few thousand pages and joined here: the objects of each
part are copied with new numbers (streams byte for byte), the page trees are merged into
one, and the first part's catalog (viewer preferences) and document information are kept.

Only files written by reportlab are joined (classic cross-reference table, no object
streams, no incremental updates): ``join`` refuses anything else.
"""
import re

_LITERAL_OR_REF = re.compile(rb"(\((?:\\.|[^\\()])*\))|(\d+) 0 R\b", re.S)
_STREAM = re.compile(rb">>\s*stream\r?\n")
_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
_TYPE = re.compile(rb"/Type\s*/(\w+)")


class NotOurPdf(ValueError):
    pass


def _read(path):
    """(objects {number: body bytes}, root number, info number or None) of one part."""
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        xref_at = int(data[data.rindex(b"startxref") + 9:].split()[0])
        trailer = data[data.index(b"trailer", xref_at):]
    except ValueError as exc:
        raise NotOurPdf(f"{path}: no cross-reference table") from exc
    if not data.startswith(b"xref", xref_at):
        raise NotOurPdf(f"{path}: cross-reference stream (not written by reportlab)")
    lines = data[xref_at:data.index(b"trailer", xref_at)].split(b"\n")
    first, count = (int(x) for x in lines[1].split()[:2])
    offsets = {}
    for i, line in enumerate(lines[2:2 + count]):
        parts = line.split()
        if len(parts) >= 3 and parts[2] == b"n":
            offsets[first + i] = int(parts[0])
    order = sorted(offsets.items(), key=lambda kv: kv[1])
    objects = {}
    for k, (num, start) in enumerate(order):
        end = order[k + 1][1] if k + 1 < len(order) else xref_at
        chunk = data[start:end]
        head = chunk.index(b"obj") + 3
        tail = chunk.rindex(b"endobj")
        objects[num] = chunk[head:tail]
    root = int(re.search(rb"/Root\s+(\d+) 0 R", trailer).group(1))
    info = re.search(rb"/Info\s+(\d+) 0 R", trailer)
    return objects, root, int(info.group(1)) if info else None


def _refs(body):
    return [int(m.group(2)) for m in _LITERAL_OR_REF.finditer(body) if m.group(2)]


def _pages(objects, node, pages_nodes):
    """Leaf pages under ``node`` in order; every /Pages node met is added to pages_nodes."""
    body = objects[node]
    kind = _TYPE.search(body.split(b"stream", 1)[0])
    if kind and kind.group(1) == b"Pages":
        pages_nodes.add(node)
        leaves = []
        for kid in _refs(_KIDS.search(body).group(1)):
            leaves += _pages(objects, kid, pages_nodes)
        return leaves
    return [node]


def _renumber(body, mapping, pages_nodes, tree):
    """``body`` with references renumbered (literal strings and stream data untouched);
    references to a part's page-tree nodes go to the joined tree ``tree``."""
    match = _STREAM.search(body)
    head, rest = (body[:match.end()], body[match.end():]) if match else (body, b"")

    def swap(m):
        if m.group(1):
            return m.group(1)
        old = int(m.group(2))
        return b"%d 0 R" % (tree if old in pages_nodes else mapping[old])
    return _LITERAL_OR_REF.sub(swap, head) + rest


TREE = 1      # the joined page tree: numbered first, written last


def join(parts, path):
    """Write ``parts`` (paths, in order) as one PDF at ``path``; returns the page count."""
    offsets = [None, None]            # object n starts at offsets[n]; 0 is free, 1 the tree
    kids = []
    catalog = info = None
    with open(path, "wb") as out:
        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

        def write(body, number=None):
            if number is None:
                offsets.append(None)
                number = len(offsets) - 1
            offsets[number] = out.tell()
            out.write(b"%d 0 obj" % number + body + b"endobj\n")
            return number
        for index, part in enumerate(parts):
            objects, root, info_number = _read(part)
            pages_root = int(re.search(rb"/Pages\s+(\d+) 0 R", objects[root]).group(1))
            pages_nodes = set()
            leaves = _pages(objects, pages_root, pages_nodes)
            skip = pages_nodes | {root, info_number}
            kept = [num for num in sorted(objects) if num not in skip]
            mapping = {num: len(offsets) + i for i, num in enumerate(kept)}
            for num in kept:
                write(_renumber(objects[num], mapping, pages_nodes, TREE))
            kids += [mapping[leaf] for leaf in leaves]
            if index == 0:
                catalog = _renumber(objects[root], mapping, pages_nodes, TREE)
                if info_number is not None:
                    info = _renumber(objects[info_number], mapping, pages_nodes, TREE)
            del objects
        write(b"\n<<\n/Count %d /Kids [ %s ] /Type /Pages\n>>\n" % (
            len(kids), b" ".join(b"%d 0 R" % k for k in kids)), TREE)
        catalog_number = write(catalog)
        info_number = write(info) if info is not None else None
        xref_at = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % len(offsets))
        for offset in offsets[1:]:
            out.write(b"%010d 00000 n \n" % offset)
        out.write(b"trailer\n<<\n/Root %d 0 R /Size %d" % (catalog_number, len(offsets)))
        if info_number is not None:
            out.write(b" /Info %d 0 R" % info_number)
        out.write(b"\n>>\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return len(kids)


PART_PAGES = 2000     # reportlab holds a part in memory: ~2,000 certificate pages ≈ 30 MB


class Parts:
    """Canvases of at most ``per_part`` pages, written beside ``path`` as temporary files
    and joined into ``path`` by ``finish()`` (a single part is simply renamed).

    ``make_canvas(part_path)`` opens a canvas; call ``canvas()`` before each page and
    ``page_done()`` after its ``showPage``. ``discard()`` removes the parts (on error)."""

    def __init__(self, path, make_canvas, per_part=None):
        self.path, self.make_canvas = path, make_canvas
        self.per_part = per_part or PART_PAGES
        self.paths, self.current, self.in_part = [], None, 0
        self.opened = 0                   # tells a caller that a new canvas began

    def canvas(self):
        if self.current is None or self.in_part >= self.per_part:
            self._close()
            import os
            import tempfile
            from models.fileops import temp_prefix
            fd, part = tempfile.mkstemp(prefix=temp_prefix(), suffix=".part.pdf",
                                        dir=os.path.dirname(os.path.abspath(self.path)))
            os.close(fd)
            self.paths.append(part)
            self.current, self.in_part = self.make_canvas(part), 0
            self.opened += 1
        return self.current

    def page_done(self):
        self.in_part += 1

    def _close(self):
        if self.current is not None:
            self.current.save()
            self.current = None

    def finish(self):
        import os
        self._close()
        try:
            if len(self.paths) == 1:
                os.replace(self.paths[0], self.path)
                self.paths = []
            elif self.paths:
                join(self.paths, self.path)
        finally:
            self.discard()

    def discard(self):
        from models.fileops import remove_quietly
        self.current = None
        for part in self.paths:
            remove_quietly(part)
        self.paths = []
