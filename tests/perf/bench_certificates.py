"""Benchmark: 1,000 full-design certificates vs a bare reportlab canvas drawing the same strings.

    python tests/perf/bench_certificates.py [--quick]

The product path reads the decision from SQLite, picks templates, fits every field and draws
the full design. The baseline draws the same strings (the lines the product printed, read
back from its own layout) with the same fonts at fixed positions on a bare canvas, and the
fixed design once as a form shown on every page (as the product does). Names, positions
and achievements vary as in a real commune (thousands of distinct strings: font subsetting
and text fitting see real work). Runs interleaved; the median of the per-pair ratios.
"""
import datetime
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

GOAL = 1.5


def _setup(folder, n):
    os.environ["TDKT_DATA_DIR"] = folder
    from models import db as dbmod, settings
    from models.entities import Award, Decision, Household, Person, Title, Unit, UnitKind
    from models.accounts import batch_actor      # a fresh file: the built-in leader
    dbmod.open_database(os.path.join(folder, "bench.sqlite3"))
    settings.save_initial_settings(actor=batch_actor(), values={"commune_name": "Xã Tân Lập", "chairman": "Trần Văn Bình",
                                    "place_name": "Tân Lập"})
    kind = UnitKind.get(UnitKind.code == "thon")
    village = Unit.create(name="Thôn Đông Hòa", name_key="thon dong hoa", kind=kind)
    decision = Decision.create(year=2025, seq=1, number="125/QĐ-UBND",
                               date=datetime.date(2025, 12, 15), state="draft",
                               signer_name="Trần Văn Bình")
    titles = {t.code: t for t in Title.select()}
    import random
    from models.demo import POSITIONS, VILLAGE_WORDS, person_name
    rng = random.Random(15)
    fields = ["phong trào thi đua “Toàn dân đoàn kết xây dựng đời sống văn hóa”",
              "công tác giáo dục và đào tạo", "phong trào “Xây dựng nông thôn mới”",
              "công tác chăm sóc sức khỏe nhân dân", "phong trào “Vì người nghèo”",
              "công tác bảo đảm an ninh, trật tự", "phong trào khuyến học, khuyến tài",
              "sản xuất, kinh doanh giỏi", "công tác dân vận", "chuyển đổi số"]
    Person.insert_many([
        {"full_name": person_name(rng, "nam" if i % 2 else "nu"), "name_key": "x",
         "gender": "nam" if i % 2 else "nu", "unit": village} for i in range(n // 2)]).execute()
    Household.insert_many([
        {"head_name": person_name(rng, "nam" if i % 3 else "nu"), "name_key": "x",
         "gender": "nam" if i % 3 else "nu", "village": village} for i in range(n - n // 2)]
    ).execute()
    rows = []
    for i, p in enumerate(Person.select()):
        place = f"Thôn {rng.choice(VILLAGE_WORDS)} {rng.choice(VILLAGE_WORDS)}"
        rows.append({"decision": decision, "order": i, "person": p, "household": None,
                     "title": titles["GK_CN"],
                     "display_name": p.full_name, "position": rng.choice(POSITIONS),
                     "place": place, "register_year": 2025,
                     "register_no": i + 1,
                     "achievement": f"Đã có thành tích xuất sắc trong {rng.choice(fields)} "
                                    f"tại {place}, năm 2025 (đợt {rng.randint(1, 40)})"})
    base = len(rows)
    for i, h in enumerate(Household.select()):
        rows.append({"decision": decision, "order": base + i, "household": h, "person": None,
                     "title": titles["GDVH"], "display_name": h.head_name,
                     "place": f"Số {rng.randint(1, 400)}, Thôn {rng.choice(VILLAGE_WORDS)} "
                              f"{rng.choice(VILLAGE_WORDS)}, xã Tân Lập",
                     "register_year": 2025, "register_no": base + i + 1,
                     "achievement": ""})
    for i in range(0, len(rows), 500):
        Award.insert_many(rows[i:i + 500]).execute()
    Decision.update(state="issued").where(Decision.id == decision.id).execute()  # list first
    return Decision.get_by_id(decision.id)


def _baseline_strings(decision_id):
    """Per certificate: [(font, size, x, y, text)] exactly as the product lays them out."""
    from models import templates as tpl
    from reports import certificates as certs
    decision = certs.issued_decision(decision_id)
    base = certs.decision_values(decision, certs.commune_values())
    fonts = certs.Fonts()
    fitter = certs.TextFitter()
    out = []
    templates = tpl.list_templates()
    for award in certs.decision_awards(decision):
        values, kind = certs.award_values(award, base)
        t = tpl.choose_template(award.title.name, kind, templates)
        page = [(fonts.name(True), 14, 420, 560, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                (fonts.name(True), 14, 420, 540, "Độc lập - Tự do - Hạnh phúc"),
                (fonts.name(True), 15, 420, 505, certs.render_text(t.issuer, base)),
                (fonts.name(True), t.heading_size, 420, 440, t.heading),
                (fonts.name(False, True), 16, 420, 400, t.lead)]
        for f in t.fields:
            font = fonts.name(f.bold, f.italic)
            fitted = fitter.fit(certs.render_text(f.text, values), font, f.size, f.min_size,
                                f.w * certs.MM, f.h * certs.MM, f.fit, fonts.metrics[font])
            y = (t.height_mm - f.y) * certs.MM - fitted.size
            for line in fitted.lines:
                page.append((font, fitted.size, f.x * certs.MM, y, line))
                y -= fitted.size * certs.LEADING
        out.append(page)
    return out


def _design(decision_id):
    """The fixed design (frame, emblem, ornaments) of the first certificate's template."""
    from reports import certificates as certs
    decision, awards, base = certs.decision_certificates(decision_id)
    _, _, page = next(iter(certs.certificate_pages(awards[:1], base)))
    return page


def _bare(path, pages, design):
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas
    from reports import pdfdoc
    from reports.certificates import PdfDrawer
    c = Canvas(path, pagesize=landscape(A4), initialFontName=pdfdoc.FONT, pageCompression=0)
    c.beginForm("design")          # drawn once, shown on every page
    for g in design.groups:
        if g.key:
            PdfDrawer(c).items(g.items, design.height_mm)
    c.endForm()
    for page in pages:
        c.doForm("design")
        for font, size, x, y, text in page:
            c.setFont(font, size)
            c.drawString(x, y, text)
        c.showPage()
    c.save()


def run(quick=False):
    from tests.perf.run import Result, interleaved
    from reports import certificates as certs
    from models import db as dbmod
    n = 200 if quick else 1000
    folder = tempfile.mkdtemp(prefix="bench-cert-")
    decision = _setup(folder, n)
    product_pdf = os.path.join(folder, "product.pdf")
    bare_pdf = os.path.join(folder, "bare.pdf")
    pages = _baseline_strings(decision.id)
    design = _design(decision.id)
    distinct = len({text for page in pages for *_, text in page})

    def product():
        certs.write_decision_certificates(decision_id=decision.id, path=product_pdf)

    product()   # warm: fonts parsed, templates seeded
    _bare(bare_pdf, pages, design)
    ratio, t_product, t_bare = interleaved(product, lambda: _bare(bare_pdf, pages, design),
                                           2 if quick else 3)
    detail = (f"{n} certificates, {distinct} distinct strings: product {t_product:.2f} s, "
              f"bare canvas with the design as a form {t_bare:.2f} s; "
              f"{os.path.getsize(product_pdf) // n} B/page")
    dbmod.close_database()
    import shutil
    shutil.rmtree(folder, ignore_errors=True)       # 1,000 certificates: tens of MB each run
    return [Result(name=f"certificates ({n} full design)", value=ratio, unit="×",
                   goal=f"≤ {GOAL}×", ok=ratio <= GOAL, detail=detail)]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
