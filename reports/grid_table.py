"""A long bordered table of text drawn straight onto the canvas (issue 15).

reportlab's Table builds a Paragraph per wrapped cell, measures each row again on every
split and draws each cell through its own text object: the public list of 21,932 rows took
31 s, ten times a bare canvas drawing the same page text. ``GridTable`` lays out and draws
the same table itself, page by page, each row measured once:

- a cell's lines are those reportlab's Paragraph makes (the same greedy word wrap, with its
  space shrinkage and long-word splitting, ported from ``Paragraph.breakLines``), a cell
  that fits on one line stays one line, a ``\\n`` starts a new line;
- rows sit where reportlab's Table puts them (padding 3/3/2/3 pt, text centred vertically
  as its MIDDLE valign does), the grid is the same 0.5-pt lines, a section heading spans
  the row in bold, the column header is repeated at the top of every page;
- a page takes every row that fits (as Table.split does), but never ends on a section
  heading, never shows the header without a row and never leaves the total alone.

The text of every page reads the same as with reportlab's Table (pdftotext -layout), on
the same pages. Encoded strings and word widths are cached: a commune's list repeats its
titles, places and family names thousands of times.
"""
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.flowables import Flowable
from reportlab import rl_config

SIZE, LEADING = 11, 13
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 3, 3, 2, 3
LINE_WIDTH = 0.5
_split_words, _strip = rl_paragraph.split, rl_paragraph.strip
_SplitWord, _split_long_word = rl_paragraph._SplitWord, rl_paragraph._splitWord


class Metrics:
    """Word widths and wrapped lines of one font at SIZE, cached."""

    def __init__(self, font):
        self.font = font
        self.widths = {}
        self.wrapped = {}
        self.space = stringWidth(" ", font, SIZE)

    def width(self, text):
        w = self.widths.get(text)
        if w is None:
            w = self.widths[text] = stringWidth(text, self.font, SIZE)
        return w

    def lines(self, text, max_width, split_long=True):
        """[line, …] of ``text`` wrapped into ``max_width`` as a reportlab Paragraph
        would wrap it (``\\n`` breaks a line)."""
        key = (text, max_width, split_long)
        got = self.wrapped.get(key)
        if got is None:
            got = []
            for piece in text.split("\n"):
                got += self._break(piece, max_width, split_long)
            if len(self.wrapped) > 50_000:
                self.wrapped.clear()
            self.wrapped[key] = got
        return got

    def _break(self, text, max_width, split_long):
        """Paragraph.breakLines for one run of one font (reportlab 4–5): greedy, a space
        may shrink by spaceShrinkage, a word longer than the line is cut."""
        text = _strip(text)
        if not text:
            return []
        words = text.split() if "\xa0" not in text else _split_words(text)
        words.reverse()
        space = self.space
        shrink = rl_config.spaceShrinkage * space
        lines, line, current, forced = [], [], -space, False
        while words:
            word = words.pop()
            if not word and isinstance(word, _SplitWord):
                forced = True
            word_width = self.width(word)
            new = current + space + word_width
            limit = max_width + shrink * len(line)
            if (new > limit and not forced and split_long
                    and not isinstance(word, _SplitWord) and word_width > max_width):
                parts = _split_long_word(word, current + space, [max_width], len(lines),
                                         self.font, SIZE)
                words.extend(reversed(parts))
                forced = True
                continue
            if new <= limit or not line or forced:
                if word:
                    line.append(word)
                if forced:
                    forced = False
                    lines.append(" ".join(line))
                    line, current = [], -space
                else:
                    current = new
            else:
                lines.append(" ".join(line))
                line, current = [word], word_width
        if line:
            lines.append(" ".join(line))
        return lines


class Layout:
    """What the table draws, shared by its pages: columns, the header, rows on demand.

    A row is (height, cells, spans): ``cells`` [(line count, [(x, line), …]) per cell]."""

    def __init__(self, head, count, cell_text, widths, *, font, bold_font, align,
                 sections=(), total_row=False, keep_last=1, nowrap=()):
        self.count, self.cell_text, self.widths = count, cell_text, list(widths)
        self.align = [a.lower() for a in align]
        self.sections, self.total_row = set(sections), total_row
        # body rows that stay on the page of the total (a page never ends among them)
        self.keep_last = keep_last if total_row else 0
        self.nowrap = set(nowrap)        # columns whose plain cells never wrap (numbers)
        self.regular, self.bold = Metrics(font), Metrics(bold_font)
        self.x = [0.0]
        for w in self.widths:
            self.x.append(self.x[-1] + w)
        self.width = self.x[-1]
        self._cells = {}
        self._plain = None               # row(): [{text: cell} per column]
        self._encoded, self._chars, self._doc = {}, {}, None
        self._xs, self._ys = {}, {}
        self.head = (self._row([str(h) for h in head], self.bold, ["center"] * len(head),
                               paragraph=True, split_long=False)
                     if head is not None else None)

    def row(self, i):
        """(height, cells, spans) of body row ``i``."""
        if i in self.sections:
            return self._section(self.cell_text(i)[0])
        if self.total_row and i == self.count - 1:
            return self._row(self.cell_text(i), self.bold, self.align, paragraph=True)
        # a plain row (nearly all of them): each column's cells by their text alone, not
        # by a key of six (what _row does for the header, sections and total)
        plain = self._plain
        if plain is None or (not i & 4095 and sum(len(c) for c in plain) > 200_000):
            plain = self._plain = [{} for _ in self.widths]
        cells, most = [], 0
        regular, align = self.regular, self.align
        for j, text in enumerate(self.cell_text(i)):
            cell = plain[j].get(text)
            if cell is None:
                cell = plain[j][text] = self._cell(text, regular, j, align[j], False, True)
            if cell[0] > most:
                most = cell[0]
            cells.append(cell)
        return LEADING * most + PAD_BOTTOM + PAD_TOP, [(regular, cells)], False

    def _cell(self, text, metrics, j, align, paragraph, split_long):
        """(line count, [(x, line), …]) of one cell: where reportlab's Table puts it."""
        room = self.widths[j] - PAD_LEFT - PAD_RIGHT
        # data_table's rule: one line that fits 1 pt inside the padding is a plain cell
        if not paragraph and j in self.nowrap:
            lines = text.split("\n")
        elif not paragraph and "\n" not in text and self.regular.width(text) <= room - 1:
            lines = [text]
        else:
            lines = metrics.lines(text, room, split_long)
        x0, w = self.x[j], self.widths[j]
        placed = []
        for line in lines:
            if not line:
                continue
            if align == "center":
                x = x0 + (w + PAD_LEFT - PAD_RIGHT) * 0.5 - metrics.width(line) * 0.5
            elif align == "right":
                x = x0 + w - PAD_RIGHT - metrics.width(line)
            else:
                x = x0 + PAD_LEFT
            placed.append((x, line))
        return len(lines), placed

    def _row(self, texts, metrics, align, *, paragraph=False, split_long=True):
        cache = self._cells
        if len(cache) > 200_000:
            cache.clear()
        cells, most = [], 0
        for j, text in enumerate(texts):
            key = (j, text, metrics, paragraph, align[j], split_long)
            cell = cache.get(key)
            if cell is None:
                cell = cache[key] = self._cell(text, metrics, j, align[j], paragraph,
                                               split_long)
            if cell[0] > most:
                most = cell[0]
            cells.append(cell)
        return LEADING * most + PAD_BOTTOM + PAD_TOP, [(metrics, cells)], False

    def _section(self, text):
        lines = self.bold.lines(text, self.width - PAD_LEFT - PAD_RIGHT)
        height = LEADING * len(lines) + PAD_BOTTOM + PAD_TOP
        return height, [(self.bold, [(len(lines), [(PAD_LEFT, line) for line in lines])])], True

    # ------------------------------------------------------------------ drawing

    def _encode(self, canv, metrics, text):
        """(first subset, last subset, operators, operators after the first font) of
        ``text`` on this canvas's document, as reportlab's text object writes it: runs of
        one font subset (TTFont.splitString, one character at a time through the font's
        assignments), each after its font when the subset changes. Cached."""
        doc = canv._doc
        if doc is not self._doc:
            self._doc, self._encoded, self._chars = doc, {}, {}
        key = (metrics.font, text)
        got = self._encoded.get(key)
        if got is not None:
            return got
        known = self._chars.get(metrics.font)
        if known is None:
            # per font: {character: (subset, code)}, {subset: its characters}, and
            # {code point: code} for str.translate
            known = self._chars[metrics.font] = ({}, {}, {})
        chars, members, table = known
        runs = None
        if members:
            # a text whose characters all sit in one subset met already is one run: its
            # codes joined by str.translate, not one Python step per character
            letters = set(text)
            for name, member in members.items():
                if letters <= member:
                    runs = [(name, text.translate(table))]
                    break
        if runs is None:
            font = getFont(metrics.font)
            runs, name, run = [], None, []
            for c in text:
                code = chars.get(c)
                if code is None:
                    (subset, data), = font.splitString(c, doc)
                    code = chars[c] = (font.getSubsetInternalName(subset, doc),
                                       canv._escape(data))
                    members.setdefault(code[0], set()).add(c)
                    table[ord(c)] = code[1]
                if code[0] != name:
                    if run:
                        runs.append((name, "".join(run)))
                    name, run = code[0], []
                run.append(code[1])
            if run:
                runs.append((name, "".join(run)))
        tf = f" {SIZE} Tf {LEADING} TL "
        ops = [f"({runs[0][1]}) Tj"] + [f"{n}{tf}({data}) Tj" for n, data in runs[1:]]
        body = " ".join(ops)
        got = (runs[0][0], runs[-1][0], " " + body, f" {runs[0][0]}{tf}{body}")
        if len(self._encoded) > 100_000:
            self._encoded.clear()
        self._encoded[key] = got
        return got

    def draw(self, canv, rows, height):
        """Draw ``rows`` [(height, cells, spans)] from the top of a box ``height`` high,
        whose bottom-left corner is the origin."""
        code = ["q", "0 0 0 rg", "BT"]
        add = code.append
        encode = self._encode
        if canv._doc is not self._doc:
            self._doc, self._encoded, self._chars = canv._doc, {}, {}
        encoded = self._encoded
        xs, ys = self._xs, self._ys    # positions as text: rows repeat them page after page
        if len(ys) > 20_000 or len(xs) > 20_000:
            xs.clear()
            ys.clear()
        current = None
        y = height
        tops = []
        for row_height, parts, spans in rows:
            tops.append((y, spans))
            bottom = y - row_height
            middle = bottom + (PAD_BOTTOM + row_height - PAD_TOP) / 2.0 - SIZE
            for metrics, cells in parts:
                font = metrics.font
                for count, placed in cells:
                    top = middle + count * LEADING / 2.0
                    for x, text in placed:
                        first, last, body, body_tf = (encoded.get((font, text))
                                                      or encode(canv, metrics, text))
                        fx = xs.get(x)
                        if fx is None:
                            fx = xs[x] = f"1 0 0 1 {x:.4f} "
                        fy = ys.get(top)
                        if fy is None:
                            fy = ys[top] = f"{top:.4f} Tm"
                        add(fx + fy + (body if first == current else body_tf))
                        current = last
                        top -= LEADING
            y = bottom
        add("ET")
        # the grid: every row's top and the table's bottom across; the column lines down,
        # broken by a section heading that spans the row
        add(f"0 0 0 RG {LINE_WIDTH} w")
        width = f"{self.width:.4f}"
        for top, _spans in tops:
            add(f"0 {top:.4f} m {width} {top:.4f} l")
        add(f"0 {y:.4f} m {width} {y:.4f} l")
        bottoms = [t for t, _ in tops[1:]] + [y]
        last = len(self.x) - 1
        for j, x in enumerate(self.x):
            if 0 < j < last and any(spans for _, spans in tops):
                run_top = None
                for (top, spans), bottom in zip(tops, bottoms):
                    if spans:
                        if run_top is not None:
                            add(f"{x:.4f} {run_top:.4f} m {x:.4f} {top:.4f} l")
                            run_top = None
                    elif run_top is None:
                        run_top = top
                if run_top is not None:
                    add(f"{x:.4f} {run_top:.4f} m {x:.4f} {y:.4f} l")
            else:
                add(f"{x:.4f} {height:.4f} m {x:.4f} {y:.4f} l")
        add("S")
        add("Q")
        canv._code.extend(code)


class GridPage(Flowable):
    """The rows of a GridTable that go on one page (or the rest of one)."""

    def __init__(self, layout, rows):
        super().__init__()
        self.layout, self.rows = layout, rows
        self.hAlign = "CENTER"
        self.height = sum(r[0] for r in rows)
        self.width = layout.width

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        self.layout.draw(self.canv, self.rows, self.height)
        self.rows = None          # drawn once: the page's rows are dropped


class GridTable(Flowable):
    """The remaining rows of a table from ``start``; always split by the frame into the
    rows that fit there (a GridPage) and the rest. ``tail``: flowables that stay on the
    page of the last row (the total in words); when they would not fit under it, the last
    rows move on to the next page with them."""

    def __init__(self, layout, start=0, with_header=True, pending=None, tail=()):
        super().__init__()
        self.layout, self.start, self.with_header = layout, start, with_header
        self.pending = pending or []       # rows after ``start`` laid out already
        self.tail = list(tail)
        self.hAlign = "CENTER"

    def wrap(self, avail_width, avail_height):
        return self.layout.width, avail_height + 1     # never drawn whole: always split

    def _row(self, k):
        """Row ``start + k`` laid out (each row is laid out once)."""
        while len(self.pending) <= k:
            self.pending.append(self.layout.row(self.start + len(self.pending)))
        return self.pending[k]

    def _tail_height(self, avail_width):
        height = 0
        for flowable in self.tail:
            _, h = flowable.wrap(avail_width, 1e6)
            height += flowable.getSpaceBefore() + h + flowable.getSpaceAfter()
        return height

    def split(self, avail_width, avail_height):
        layout = self.layout
        head = layout.head if self.with_header else None
        placed = [head] if head is not None else []
        used = 0
        if head is not None:
            used = head[0]
        total = layout.count - self.start
        # the last row a page may end on before the total's kept rows
        last_end = layout.count - 2 - layout.keep_last if layout.total_row else layout.count
        cut = early = None            # rows that may end this page (before the last one)
        k = 0
        while k < total:
            row = self._row(k)
            if used + row[0] > avail_height:
                break
            used += row[0]
            k += 1
            i = self.start + k - 1
            if k == total:
                cut = k
            elif i not in layout.sections and i <= last_end:
                cut = early = k
        if k == total and cut == total:
            if not self.tail or used + self._tail_height(avail_width) <= avail_height:
                return [GridPage(layout, placed + self.pending[:total])] + self.tail
            cut = early               # the last rows go on with what follows them
        if not cut:
            self.with_header = True   # tried again at the top of the next page
            return []
        page = GridPage(layout, placed + self.pending[:cut])
        rest = GridTable(layout, self.start + cut, True, self.pending[cut:], self.tail)
        self.pending = []
        return [page, rest]

    def draw(self):
        raise AssertionError("a GridTable is drawn through the pages it splits into")
