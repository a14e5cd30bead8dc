"""The calibration sheet ("in thử") as a layout page: rulers, field boxes, sample text.

Everything lies inside the printer's printable area. A black ruler is fixed to the paper;
a blue ruler and the field boxes are shifted by the printer offset, facing the black one,
so the clerk reads the offset directly between the two scales. Labels are placed where they
overprint neither sample text nor each other.
"""
import math

from models import templates as tpl

from .cert_layout import (BLACK, BLUE, GREY, PT, Group, LayoutBuilder, Line, Page, Rect,
                          Text, centred_run, item_bounds)

DEFAULT_MARGINS = (5.0, 5.0, 5.0, 5.0)      # when the printer is unknown (PDF route)
LABEL_SIZE = 6.5


def _overlaps(a, b, pad=0.3):
    return not (a[2] + pad <= b[0] or b[2] + pad <= a[0] or a[3] + pad <= b[1]
                or b[3] + pad <= a[1])


def _ruler(x_range, y_range, *, horizontal, at, facing, color, numbers_at, fonts, dx=0, dy=0,
           label=""):
    """Ticks every mm along one edge. ``at``: the ruler line's position (y for a horizontal
    ruler, x for a vertical one); ``facing`` +1 ticks grow down/right, -1 up/left."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    items = []
    font = fonts.name()
    lo, hi = (x_range if horizontal else y_range)
    shift = dx if horizontal else dy
    for mm in range(math.ceil(lo - shift), math.floor(hi - shift) + 1):
        length = 5 if mm % 10 == 0 else 3 if mm % 5 == 0 else 1.6
        width = 0.35 if mm % 10 == 0 else 0.2
        p = mm + shift
        if horizontal:
            items.append(Line(p, at, p, at + facing * length, width, color))
        else:
            items.append(Line(at, p, at + facing * length, p, width, color))
        if mm % 10 == 0 and hi - lo > 20:
            text = str(mm)
            w = stringWidth(text, font, 6) * PT
            if horizontal:                 # not in the corner where both rulers meet
                x = p - w / 2
                if x >= lo + 20 and x + w <= hi:
                    items.append(Text(x, numbers_at, text, font, 6, color, w))
            elif lo + 20 <= p <= hi - 1:
                items.append(Text(numbers_at, p + 0.8, text, font, 6, color, w))
    return Group(items, label=label)


def test_print_page(template, *, offset=(0, 0), margins=DEFAULT_MARGINS, printer=""):
    """The calibration page for ``template`` on a printer with ``margins`` (l, t, r, b mm)."""
    from .certificates import render_text, sample_values
    template = tpl.validate_template(template)
    dx, dy = tpl.check_offset(*offset, confirmed=True)
    W, H = template.width_mm, template.height_mm
    left, top, right, bottom = (max(m, 0) + 0.5 for m in margins)
    x_range, y_range = (left, W - right), (top, H - bottom)
    builder = LayoutBuilder({}, mode="blank", offset=(dx, dy))
    fonts = builder.fonts(template)
    page = Page(W, H)
    # fixed (black) rulers at the printable edge; shifted (blue) rulers facing them
    page.groups.append(_ruler(x_range, y_range, horizontal=True, at=top, facing=1, color=BLACK,
                              numbers_at=top + 7.5, fonts=fonts, label="Thước cố định"))
    page.groups.append(_ruler(x_range, y_range, horizontal=False, at=left, facing=1,
                              color=BLACK, numbers_at=left + 5.5, fonts=fonts))
    page.groups.append(_ruler(x_range, y_range, horizontal=True, at=top + 14 + dy, facing=-1,
                              color=BLUE, numbers_at=top + 17 + dy, fonts=fonts, dx=dx,
                              label="Thước theo độ lệch"))
    page.groups.append(_ruler(x_range, y_range, horizontal=False, at=left + 16 + dx, facing=-1,
                              color=BLUE, numbers_at=left + 17 + dx, fonts=fonts, dy=dy))
    cx, cy = W / 2, H / 2
    page.groups.append(Group([Line(cx - 5, cy, cx + 5, cy, 0.3), Line(cx, cy - 5, cx, cy + 5, 0.3)],
                             label="Dấu tâm"))
    # sample text (grey, shifted) first: labels must avoid it
    values = sample_values(template)
    taken = []
    fields = [f for f in template.fields if f.enabled]
    for f in fields:
        group, _ = builder.field_group(template, f, render_text(f.text, values), color=GREY)
        page.groups.append(group)
        taken += [_shift(item_bounds(i), dx, dy) for i in group.items]
    taken += [(0, 0, W, top + 19 + dy), (0, 0, left + 19 + dx, H)]      # the rulers
    boxes, legend = [], []
    printable = (left, top, W - right, H - bottom)
    for n, f in enumerate(fields, 1):
        box = _clip((f.x + dx, f.y + dy, f.x + f.w + dx, f.y + f.h + dy), printable)
        if box is None:
            legend.append(f"«{f.label}» nằm ngoài vùng in được")
            continue
        boxes.append(Rect(box[0], box[1], box[2] - box[0], box[3] - box[1], 0.5, BLUE,
                          dash=(2, 2)))
        long = f"{f.label} — x {tpl._num(f.x)}, y {tpl._num(f.y)}, rộng {tpl._num(f.w)} mm"
        run = _place_label(fonts, (long, f.label, str(n)), box, taken, printable)
        if run is not None:
            taken.append(item_bounds(run))
            boxes.append(run)
            if run.text == str(n):
                legend.append(f"{n} = {long}")
    page.groups.append(Group(boxes, label="Khung các ô"))
    lines = [(f"IN THỬ — mẫu «{template.name}», khổ {template.paper_label}"
              + (f", máy in {printer}" if printer else ""), 11, True),
             (f"Độ lệch máy in: X = {tpl._num(dx)} mm, Y = {tpl._num(dy)} mm. In ở tỷ lệ 100 %; "
              "thước đen cố định theo mép giấy, thước xanh dịch theo độ lệch.", 9, False),
             ("Đặt tờ in thử lên phôi, soi đèn, đo khoảng lệch giữa ô xanh và ô trên phôi.", 9,
              False)] + [(text, 8, False) for text in legend]
    page.groups.append(Group(_title_block(fonts, builder.fitter, lines, W, taken, printable),
                             label="Dòng tiêu đề in thử"))
    return page


def _shift(box, dx, dy):
    return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)


def _clip(box, area):
    b = (max(box[0], area[0]), max(box[1], area[1]), min(box[2], area[2]), min(box[3], area[3]))
    return b if b[2] - b[0] > 1 and b[3] - b[1] > 1 else None


def _place_label(fonts, texts, box, taken, printable):
    """A label run just above, below, left or right of the box (or inside its top-left
    corner) that overprints nothing in ``taken``; tries shorter texts, else None."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    font = fonts.name()
    asc, desc = fonts.metrics[font]
    s = LABEL_SIZE
    hgt = s * (asc + desc) * PT
    for text in texts:
        w = stringWidth(text, font, s) * PT
        candidates = [(box[0], box[1] - 0.6 - desc * s * PT),                   # above
                      (box[0], box[3] + 0.6 + asc * s * PT),                    # below
                      (box[0] - w - 1, box[1] + asc * s * PT + 0.5),            # left
                      (box[2] + 1, box[1] + asc * s * PT + 0.5),                # right
                      (box[0] + 0.8, box[1] + asc * s * PT + 0.5),              # inside
                      (box[2] - w - 0.8, box[3] - desc * s * PT - 0.5)]         # inside, low
        for x, y in candidates:
            run = Text(x, y, text, font, s, BLUE, w, asc, desc)
            b = item_bounds(run)
            if b[0] < printable[0] or b[1] < printable[1] or b[2] > printable[2] \
                    or b[3] > printable[3] or b[3] - b[1] > hgt + 0.1:
                continue
            if not any(_overlaps(b, t) for t in taken):
                return run
    return None


def _title_block(fonts, fitter, lines, W, taken, printable):
    """The heading lines, centred, in the first band below the rulers where they overprint
    nothing (fields, labels); a band is searched from the top down, then from the bottom."""
    height = sum(size * 1.35 * PT for _, size, _ in lines)
    top, bottom = printable[1], printable[3]
    tries = [top + 20 + i * 2 for i in range(int((bottom - top - 20 - height) / 2) + 1)]
    width = printable[2] - printable[0] - 40
    for y0 in tries:
        band = (printable[0] + 20, y0, printable[2], y0 + height)
        if not any(_overlaps(band, t) for t in taken):
            break
    else:
        y0 = bottom - height
    runs, y = [], y0
    for text, size, bold in lines:
        y += size * 1.1 * PT
        run = centred_run(fitter, fonts, text, (printable[0] + 20 + printable[2]) / 2, y, size,
                          width=width, bold=bold)
        if run is not None:
            runs.append(run)
        y += size * 0.25 * PT
    return runs
