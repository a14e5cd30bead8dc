"""A long bordered table laid out a chunk of rows at a time, so its cost grows with its
rows, not with rows²: reportlab's Table re-measures every remaining row at each page break
(the minutes of 22,000 votes took 95 s, each doubling 2.3–3× longer).

``LongTable`` is a platypus flowable that never draws itself: when the frame asks it to
split, it builds a Table of the next TABLE_CHUNK rows only, lets reportlab split that, and
continues after what fitted — with the column header again at the top of each new page,
section headings kept with their first row and the total kept with the row above.

Lists of text are drawn by ``grid_table.GridTable`` (faster, same pages); this path stays
for tables with a flowable in a cell, and as the reference GridTable is tested against.
"""
from reportlab.platypus import Table, TableStyle
from reportlab.platypus.flowables import Flowable

TABLE_CHUNK = 40      # about a page and a half of one-line rows

GRID = [("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("FONTSIZE", (0, 0), (-1, -1), 11), ("LEADING", (0, 0), (-1, -1), 13),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]


class LazyRows:
    """Table rows made when a chunk asks for them: ``rows[start:end]`` calls
    ``make(i)`` for each row (no cache: a chunk is laid out once, or again on a new page)."""

    def __init__(self, count, make):
        self.count, self.make = count, make

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.make(i) for i in range(*index.indices(self.count))]
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(index)
        return self.make(index)


class LongTable(Flowable):
    def __init__(self, head, body, widths, sections=(), total_row=False, *, font,
                 align=None, start=0, with_header=True, chunk=TABLE_CHUNK):
        super().__init__()
        self.chunk = chunk
        self.head, self.body, self.widths = head, body, widths
        self.align = align or ["left"] * len(widths)
        self.sections, self.total_row, self.font = set(sections), total_row, font
        self.start, self.with_header = start, with_header

    def part(self, start, end, *, with_header):
        """A reportlab Table of body[start:end], with the header row when asked."""
        header = with_header and self.head is not None
        data = ([self.head] if header else []) + self.body[start:end]
        table = Table(data, colWidths=self.widths, repeatRows=1 if header else 0)
        offset = 1 if header else 0
        cmds = list(GRID) + [("FONTNAME", (0, 0), (-1, -1), self.font)]
        # plain-text cells (one line) take the column's alignment from the style
        cmds += [("ALIGN", (j, offset), (j, -1), a.upper()) for j, a in enumerate(self.align)
                 if a != "left"]
        for i in range(start, end):
            if i in self.sections:
                r = i - start + offset
                cmds.append(("SPAN", (0, r), (-1, r)))
                # a section heading never stays alone at a page foot
                cmds.append(("NOSPLIT", (0, r), (-1, min(r + 1, len(data) - 1))))
        if header and end > start:
            cmds.append(("NOSPLIT", (0, 0), (-1, 1)))        # header keeps its first row
        last = len(self.body) - 1
        if self.total_row and start < last < end:
            r = last - start + offset
            cmds.append(("NOSPLIT", (0, r - 1), (-1, r)))    # total kept with the row above
        table.setStyle(TableStyle(cmds))
        return table

    def _rest(self, start, with_header, chunk=None):
        return LongTable(self.head, self.body, self.widths, self.sections, self.total_row,
                         font=self.font, align=self.align, start=start,
                         with_header=with_header, chunk=chunk or self.chunk)

    def wrap(self, avail_width, avail_height):
        return avail_width, avail_height + 1     # never drawn whole: always split

    def split(self, avail_width, avail_height):
        end = min(self.start + self.chunk, len(self.body))
        if end < len(self.body) and end - 1 > self.start and (
                end - 1 in self.sections or (self.total_row and end == len(self.body) - 1)):
            end -= 1    # a heading starts, and the total ends, a chunk with its neighbour row
        chunk = self.part(self.start, end, with_header=self.with_header)
        _w, height = chunk.wrap(avail_width, avail_height)
        if height <= avail_height:
            return [chunk] if end >= len(self.body) else [chunk, self._rest(end, False)]
        parts = chunk.split(avail_width, avail_height)
        if not parts:
            self.with_header = True      # tried again at the top of the next page
            return []
        header_rows = 1 if self.with_header and self.head is not None else 0
        shown = len(parts[0]._cellvalues) - header_rows
        # next time measure about a page of rows, not many more (each is measured again)
        return [parts[0], self._rest(self.start + shown, True, max(10, min(shown + 4, 80)))]

    def draw(self):
        raise AssertionError("a LongTable is drawn through the tables it splits into")
