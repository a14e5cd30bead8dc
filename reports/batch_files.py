"""Batch commands of ``main.py`` that read or write files: backup and restore, imports,
exports, documents (PDF, Word), upward files, the fund report, the province's files.

Each ``cmd_*(args, db_path)`` is one sub-command (its arguments: ``main.build_parser``); the
contract (output, exit codes) is in DESIGN.md. ``decision``/``certificates --printer`` print
through Qt and are ``gui/batch_print.PRINTER_COMMANDS``.
"""
import os
import sys

from models.batch_cli import (TerminalProgress, UsageError, acting_user, open_db, print_json,
                              print_table)
from models.errors import UserError


def cmd_backup(args, db_path):
    from . import backup
    open_db(db_path)
    dest = backup.backup_to(args.dest, progress=TerminalProgress("Đang sao lưu"))
    print(f"Đã sao lưu và kiểm tra: {dest}")


def cmd_restore(args, db_path):
    from models import accounts
    from models.errors import DatabaseError
    from . import backup
    print(f"Bản sao lưu: {backup.backup_info(args.src).describe()}")
    actor = None
    if os.path.isfile(db_path) and os.path.getsize(db_path) > 0:
        try:
            open_db(db_path)
        except DatabaseError as err:      # too damaged to read its accounts: restore_from
            sys.stderr.write(f"Chú ý: {err}\n")   # decides, and names the actor in the log
        else:
            actor = acting_user(args)
    kept = backup.restore_from(args.src, db_path, actor=actor or accounts.batch_actor())
    print(f"Đã khôi phục từ {args.src}." + (f" Dữ liệu cũ được giữ ở {kept}." if kept else ""))


def cmd_import(args, db_path):
    from . import importer
    proposal_args = (args.movement, args.year, args.unit, args.decision)
    if args.kind == "proposals":
        if args.movement is None:
            raise UsageError("nhập danh sách đề nghị cần --movement ID (xem: main.py list "
                             "movements)")
        open_db(db_path)
        return cmd_import_proposals(args, acting_user(args))
    if any(a is not None for a in proposal_args):
        raise UsageError("--movement, --year, --unit, --decision chỉ dùng với 'import proposals'")
    open_db(db_path)
    result = importer.import_file(kind=args.kind, path=args.file, actor=acting_user(args),
                                  only_valid=False,
                                  progress=TerminalProgress("Đang nhập"))
    print(result.summary())


def cmd_import_proposals(args, actor):
    from models import proposals
    from . import proposals_import
    movement, year, unit, decision = proposals.batch_targets(
        movement_id=args.movement, year=args.year, unit_name=args.unit,
        decision_id=args.decision)
    result, _pv = proposals_import.import_proposals_file(
        args.file, actor=actor, movement=movement, year=year, proposer=unit, decision=decision,
        progress=TerminalProgress("Đang đọc danh sách"))
    print(result.summary(movement=movement, year=year,
                         decision_label=f"quyết định #{decision.id}" if decision else None))


def cmd_export(args, db_path):
    from . import exports
    open_db(db_path)
    if args.kind == "statistics":
        from .statistics_report import export_statistics
        print(f"Đã xuất {export_statistics(path=args.out, year=args.year)}")
        return
    path = exports.export(kind=args.kind, path=args.out, year=args.year,
                          progress=TerminalProgress("Đang xuất"))
    print(f"Đã xuất {path}")


def cmd_decision(args, db_path):
    """``decision ID --out FILE`` (``--printer``: gui/batch_print.decision_to_printer)."""
    from . import decision_pdf
    open_db(db_path)
    path = decision_pdf.write_decision(decision_id=args.id, path=args.out)
    print(f"Đã in quyết định ra {path}")


def cmd_certificates(args, db_path):
    """``certificates ID --out FILE`` (``--printer``: gui/batch_print)."""
    from . import certificates
    open_db(db_path)
    result = certificates.write_decision_certificates(
        decision_id=args.id, path=args.out, template_name=args.template, mode=args.mode,
        progress=TerminalProgress("Đang in giấy khen"))
    print(f"Đã in {result.count} giấy khen ra {result.path}")


def cmd_public_list(args, db_path):
    from .public_list_doc import write_public_list
    open_db(db_path)
    print(f"Đã in danh sách công khai ra {write_public_list(posting_id=args.id, path=args.out)}")


def cmd_upward(args, db_path):
    from . import upward_export
    if args.action == "verify":
        print(upward_export.describe(upward_export.verify(args.path)))
        return
    from models import upward
    open_db(db_path)
    if args.action == "list":
        rows = upward.file_rows(year=args.year)
        if args.json:
            print_json(rows)
        for f in [] if args.json else rows:
            print(f"{f['id']}\t{f['year']}\t{f['number'] or '(chưa số)'}\t{f['date']}\t"
                  f"{len(f['proposals'])} đề nghị\t{f['state']}")
            for p in f["proposals"]:
                print(f"\t{p['name']} — {p['title']}" + "".join(
                    f"\n\t  ! {w}" for w in p["warnings"]))
        return
    actor = acting_user(args)
    upward_file = (upward.get_file(args.file) if args.file
                   else upward.file_for_year(actor=actor, year=args.year))
    result = upward_export.export(upward_file=upward_file, dest_dir=args.out, as_zip=args.zip,
                                  name=args.name, replace=args.replace, actor=actor,
                                  progress=TerminalProgress("Đang lập hồ sơ"))
    for row in upward.file_rows(year=upward_file.year):
        for p in row["proposals"] if row["id"] == upward_file.id else []:
            for w in p["warnings"]:
                sys.stderr.write(f"Cảnh báo: {p['name']} — {w}\n")
    print(f"Đã xuất hồ sơ ra {result['path']} ({len(result['files'])} tệp, "
          f"{upward_export.size_text(result['size'])}); SHA-256 của danh mục: "
          f"{result['manifest_sha256']}")


def cmd_review(args, db_path):
    """Generate (or reuse) the stored review of the period and write it as PDF or Word."""
    from models import movements, reviews
    from . import review_docs
    open_db(db_path)
    kind = reviews.KIND_ARGS[args.kind]
    rnd = reviews.get_round(args.round) if args.round else None
    if rnd is None and not args.movement:
        raise UsageError("cần --round ID (xem đợt trong trang Phong trào) hoặc --movement ID")
    movement = rnd.movement if rnd is not None else movements.get_movement(args.movement)
    review = reviews.find_or_none(movement=movement, kind=kind, round=rnd, year=args.year)
    if review is None:
        review = reviews.create_review(actor=acting_user(args), movement=movement, kind=kind,
                                       round=rnd, year=args.year)
    path = review_docs.write_review(review, args.out)
    print(f"Đã xuất báo cáo «{reviews.title_of(review)}» ra {path}")


def cmd_fund(args, db_path):
    from models import fund, vntext
    open_db(db_path)
    if args.action == "add":
        try:
            entry = fund.add_entry(
                actor=acting_user(args), kind=args.kind, date=args.date, amount=args.amount,
                content=args.content, doc_number=args.doc_number, doc_date=args.doc_date,
                note=args.note, over_reason=args.over_reason)
        except fund.FundOverdraft as err:
            raise UserError(f"{err} (thêm --over-reason \"LÝ DO\" để vẫn ghi)") from None
        s = fund.year_summary(entry.year)
        print(f"Đã ghi {fund.DIRECTION_NAMES[entry.direction].lower()} "
              f"{vntext.format_money(entry.amount)}; số dư quỹ cuối năm {entry.year}: "
              f"{vntext.format_money(s['closing'])}.")
    elif args.action == "list":
        rows = fund.ledger_rows(args.year)
        s = fund.year_summary(args.year)
        if args.json:
            print_json({"summary": s, "entries": rows})
            return
        print(f"Số dư đầu năm {args.year}: {vntext.format_money(s['opening'])}")
        print_table(rows, ("date", "direction_label", "kind_label", "content", "doc_number",
                           "receipt", "payment", "balance"))
        print(f"Thu {vntext.format_money(s['receipts'])}, chi "
              f"{vntext.format_money(s['payments'])}; số dư cuối năm: "
              f"{vntext.format_money(s['closing'])}")
    else:
        from . import fund_xlsx
        print(f"Đã xuất {fund_xlsx.export_fund_xlsx(args.out, year=args.year)}")


def cmd_province(args, db_path):
    from models import province_query, vntext
    open_db(db_path, must_exist=args.action != "import")
    if args.action == "import":
        from models import province
        from . import province_files
        results = province_files.import_files(args.paths, actor=acting_user(args),
                                              force=args.force,
                                              progress=TerminalProgress("Đang nhận tệp"))
        for r in results:
            c, n = r["commune"], r["counts"]
            print(f"{province.result_verb(r)} {c.name} ({c.commune_code}) "
                  f"từ {c.file_name}: {vntext.format_int(n['subjects'])} đối tượng, "
                  f"{vntext.format_int(n['awards'])} khen thưởng, {n['proposals']} đề nghị.")
        return
    if args.action == "communes":
        rows = province_query.communes()
        if args.json:
            print_json(rows)
            return
        for r in rows:
            print(f"{r['commune_code']}\t{r['name']}\t{r['source_name']}\t{r['file_name']}\t"
                  f"{r['file_time']:%d/%m/%Y %H:%M}\t{r['subjects']} đối tượng\t"
                  f"{r['awards']} khen thưởng\t{r['proposals']} đề nghị")
        return
    if args.action == "lookup":
        rows = province_query.lookup(args.text, birth_year=args.birth_year)
        if args.json:
            print_json(rows)
            return
        if not rows:
            print("Không tìm thấy ai ở các xã đã nhận.")
        for r in rows:
            born = f", sinh {r['birth_year']}" if r["birth_year"] else ""
            print(f"{r['name']} ({r['kind_name']}{born}) — {r['unit_name']}, {r['commune']}")
            for a in r["awards"]:
                print(f"\t{a['year']}\t{a['title']}\t{a['decision_number']}")
            for p in r["proposals"]:
                print(f"\t{p['year']}\tĐề nghị: {p['title']}")
        return
    if args.action == "statistics":
        data = province_query.statistics(args.year)
        if args.out:
            from . import province_xlsx
            province_xlsx.write_statistics(args.out, year=args.year)
        for r in data["by_commune"]:
            print(f"{r['commune']}\t{r['awards']} lượt\t{vntext.format_int(r['amount'])} đồng")
        print(f"Toàn tỉnh năm {args.year}: {data['total'].value('01')} lượt khen thưởng"
              + (f"; đã ghi {os.path.abspath(args.out)}" if args.out else ""))
        return
    rows = province_query.proposals(year=args.year, commune=args.commune, title=args.title)
    if args.json:
        print_json(rows)
        return
    for r in rows:
        vote = "" if r["passed"] is None else (" (đạt " if r["passed"] else " (không đạt ") \
            + f"{r['vote_percent']}%)"
        print(f"{r['commune']}\t{r['year']}\t{r['name']}\t{r['title']}{vote}")


COMMANDS = {
    "backup": cmd_backup, "restore": cmd_restore, "import": cmd_import, "export": cmd_export,
    "decision": cmd_decision, "certificates": cmd_certificates,
    "public-list": cmd_public_list, "upward": cmd_upward, "review": cmd_review,
    "fund": cmd_fund, "province": cmd_province,
}
