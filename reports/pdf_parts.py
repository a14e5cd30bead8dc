"""Platypus documents whose memory does not grow with their length (issue 15).

Two things grow with a long document in reportlab: the canvas keeps every finished page
until it saves, and a list of flowables made up front holds every cell of every row.

``PartsMixin`` (before a reportlab DocTemplate class in the bases) moves the layout onto a
fresh canvas every ``parts_pages`` pages: each part is saved as a temporary file beside the
output and the parts are joined on disk by ``pdf_join`` (a single part is simply renamed).
Page numbers, page templates and frames belong to the document, so they run on across the
parts unchanged; each part embeds its own subset of each font.

``Feed`` is a placeholder in the flowables that the document replaces by the flowables it
makes, a few at a time, when the layout reaches it (``expand()`` returns the next pieces
and, at the end of them, the rest of the feed): the rows of a 40,000-household list are
turned into tables one chunk at a time and dropped once drawn. The layout is the same as
with the whole list made in advance.

reportlab is imported at the top: import this module only where a PDF is written.
"""
from reportlab.platypus import BaseDocTemplate, SimpleDocTemplate
from reportlab.platypus.flowables import Flowable

from .pdf_join import Parts

PARTS_PAGES = 500     # a page of a bordered list holds ~60 KB until saved: ~30 MB a part


class Feed(Flowable):
    """Flowables made on demand: ``make(item)`` returns a list of flowables for each item
    of ``items`` (a sequence), in order."""

    def __init__(self, make, items, start=0):
        super().__init__()
        self.make, self.items, self.start = make, items, start

    def expand(self):
        """The flowables of the next item, followed by the rest of the feed."""
        out = list(self.make(self.items[self.start]))
        if self.start + 1 < len(self.items):
            out.append(Feed(self.make, self.items, self.start + 1))
        return out

    def wrap(self, avail_width, avail_height):
        return avail_width, avail_height + 1      # never drawn: expanded by the document

    def draw(self):
        raise AssertionError("a Feed is expanded by a PartsMixin document, never drawn")


class PartsMixin:
    """Written in parts of ``parts_pages`` pages; expands ``Feed``s as the layout reaches
    them. Use it first in the bases: ``class Doc(PartsMixin, BaseDocTemplate)``."""

    parts_pages = None        # None: PARTS_PAGES

    def _startBuild(self, filename=None, canvasmaker=None):
        self._calc()
        self._doSave = 0          # the parts save themselves (Parts.finish)

        def make_canvas(part):
            seq = getattr(self, "seq", None)
            canv = self._makeCanvas(filename=part, canvasmaker=canvasmaker)
            if seq is not None:
                self.seq = seq    # one paragraph numbering for the whole document
            canv._doctemplate = self
            return canv
        self._parts = Parts(filename or self.filename, make_canvas,
                            self.parts_pages or PARTS_PAGES)
        self.canv = self._parts.canvas()
        self.handle_documentBegin()

    def handle_pageBegin(self):
        self.canv = self._parts.canvas()      # a new part once the current one is full
        super().handle_pageBegin()

    def handle_pageEnd(self):
        super().handle_pageEnd()
        self._parts.page_done()

    def filterFlowables(self, flowables):
        while flowables and isinstance(flowables[0], Feed):
            flowables[0:1] = flowables[0].expand()
        super().filterFlowables(flowables)

    def build(self, *args, **kwargs):
        self._parts = None
        try:
            super().build(*args, **kwargs)
            self._parts.finish()
        except BaseException:
            if self._parts is not None:
                self._parts.discard()
            raise


class PartedDocTemplate(PartsMixin, BaseDocTemplate):
    pass


class PartedSimpleDocTemplate(PartsMixin, SimpleDocTemplate):
    pass
