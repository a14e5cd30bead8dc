"""Entry point: crash hook and logging first, then the GUI or a batch command."""
import sys

from models.console import make_streams_safe

if __name__ == "__main__":
    make_streams_safe()     # before anything prints: no console, cp1258 pipes, closed pipes

from models.crash import install_crash_hook  # noqa: E402

install_crash_hook()

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402

from models import paths  # noqa: E402
from models.errors import UserError  # noqa: E402

log = logging.getLogger("main")

LIST_KINDS = ("units", "people", "households", "movements", "decisions", "postings",
              "initiatives", "disciplines")
IMPORT_KINDS = ("units", "people", "households", "criteria", "targets", "proposals")
EXPORT_KINDS = ("registrations", "scores", "awards", "annual", "statistics")
PASSWORD_ENV = "TDKT_PASSWORD"


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """argparse that reports wrong usage in Vietnamese with exit code 2."""

    def error(self, message):
        self.print_usage(sys.stderr)
        sys.stderr.write(f"Lỗi cách dùng: {message}\n")
        sys.exit(2)


def build_parser():
    p = Parser(prog="main.py", description="Thi đua - Khen thưởng cấp xã: chạy không tham số "
               "để mở chương trình, hoặc dùng các lệnh dưới đây.")
    p.add_argument("--db", metavar="FILE", help="tệp dữ liệu khác tệp mặc định, hoặc máy chủ "
                   "dữ liệu: postgresql://TÊN@MÁY/CSDL")
    p.add_argument("--user", metavar="TÊN", help="tài khoản thực hiện lệnh thay đổi dữ liệu "
                   f"(bắt buộc khi tệp đã có tài khoản; mật khẩu hỏi trên màn hình hoặc lấy "
                   f"từ biến môi trường {PASSWORD_ENV})")
    sub = p.add_subparsers(dest="command", parser_class=Parser)
    d = sub.add_parser("demo", help="nạp dữ liệu mẫu vào cơ sở dữ liệu trống")
    d.add_argument("--size", choices=("small", "large", "xlarge"), default="small")
    sub.add_parser("check", help="kiểm tra tính toàn vẹn và cấu trúc dữ liệu")
    b = sub.add_parser("backup", help="sao lưu ra tệp")
    b.add_argument("dest")
    r = sub.add_parser("restore", help="khôi phục từ tệp sao lưu")
    r.add_argument("src")
    sub.add_parser("move-to-server", help="chuyển tệp dữ liệu lên máy chủ --db (còn trống)"
                   ).add_argument("src")
    sub.add_parser("move-to-file", help="chép toàn bộ dữ liệu máy chủ --db về một tệp"
                   ).add_argument("dest")
    i = sub.add_parser("import", help="nhập danh sách từ Excel")
    i.add_argument("kind", choices=IMPORT_KINDS)
    i.add_argument("file")
    i.add_argument("--movement", type=int, metavar="ID",
                   help="proposals: phong trào nhận danh sách đề nghị")
    i.add_argument("--year", type=int, help="proposals: năm bình xét (mặc định: năm của phong trào)")
    i.add_argument("--unit", metavar="TÊN", help="proposals: đơn vị gửi danh sách")
    i.add_argument("--decision", type=int, metavar="ID",
                   help="proposals: thêm luôn vào dự thảo quyết định này")
    e = sub.add_parser("export", help="xuất Excel (statistics: biểu 0601.N, 0603.N ra .xlsx "
                                      "hoặc .docx)")
    e.add_argument("kind", choices=EXPORT_KINDS)
    e.add_argument("--out", required=True)
    e.add_argument("--year", type=int)
    ls = sub.add_parser("list", help="liệt kê")
    ls.add_argument("kind", choices=LIST_KINDS)
    ls.add_argument("--search")
    ls.add_argument("--json", action="store_true")
    dc = sub.add_parser("decision", help="in quyết định kèm danh sách ra PDF, Word (.docx) "
                                         "hoặc máy in")
    dc.add_argument("id", type=int)
    dest = dc.add_mutually_exclusive_group(required=True)
    dest.add_argument("--out", help="tệp PDF, hoặc tệp Word khi tên có đuôi .docx")
    dest.add_argument("--printer", help="tên máy in (gửi tệp PDF tới hàng đợi CUPS)")
    sd = sub.add_parser("sudden", help="khen thưởng đột xuất: lập dự thảo quyết định kèm danh sách")
    sd.add_argument("--event-date", required=True, metavar="NGÀY", help="ngày xảy ra sự việc")
    sd.add_argument("--description", required=True, metavar="MÔ_TẢ")
    sd.add_argument("--place", default="", metavar="ĐỊA_ĐIỂM")
    sd.add_argument("--recipient", action="append", required=True, metavar="LOẠI:MÃ:DANH_HIỆU",
                    help="person|unit|household, mã đối tượng, mã danh hiệu (ví dụ "
                    "person:12:GK_CN); lặp lại cho nhiều người")
    sd.add_argument("--date", metavar="NGÀY", help="ngày quyết định (mặc định hôm nay)")
    sd.add_argument("--number", metavar="SỐ")
    th = sub.add_parser("themed", help="khen thưởng chuyên đề, theo đợt: lập dự thảo quyết định")
    th.add_argument("--movement", type=int, metavar="MÃ", help="phong trào chuyên đề")
    th.add_argument("--round", type=int, metavar="MÃ", help="đợt thi đua (sơ kết, tổng kết)")
    th.add_argument("--recipient", action="append", default=[], metavar="LOẠI:MÃ:DANH_HIỆU")
    th.add_argument("--date", metavar="NGÀY")
    th.add_argument("--number", metavar="SỐ")
    c = sub.add_parser("certificates", help="in mọi giấy khen của một quyết định ra PDF "
                                            "hoặc máy in")
    c.add_argument("id", type=int)
    dest = c.add_mutually_exclusive_group(required=True)
    dest.add_argument("--out", help="tệp PDF, hoặc tệp Word khi tên có đuôi .docx")
    dest.add_argument("--printer", help="tên máy in (dùng độ lệch đã lưu cho máy in đó)")
    c.add_argument("--template")
    c.add_argument("--mode", choices=("full", "blank"), default="full",
                   help="full: in đầy đủ trên giấy trắng; blank: chỉ nội dung, in trên phôi")
    pl = sub.add_parser("public-list", help="danh sách công khai (thông báo kèm danh sách) ra "
                                            "PDF hoặc Word (.docx)")
    pl.add_argument("id", type=int, help="mã danh sách công khai")
    pl.add_argument("--out", required=True)
    up = sub.add_parser("upward", help="hồ sơ đề nghị cấp trên khen thưởng: xuất ra USB, "
                                       "kiểm tra hồ sơ nhận được")
    upsub = up.add_subparsers(dest="action", required=True, parser_class=Parser)
    ue = upsub.add_parser("export", help="xuất hồ sơ (thư mục hoặc ZIP) có danh mục SHA-256")
    which = ue.add_mutually_exclusive_group(required=True)
    which.add_argument("--year", type=int, help="hồ sơ mới nhất của năm (lập từ kết quả bình "
                                                "xét nếu chưa có)")
    which.add_argument("--file", type=int, metavar="ID", help="mã hồ sơ (xem: upward list)")
    ue.add_argument("--out", required=True, metavar="THƯ_MỤC", help="nơi ghi (ổ USB)")
    ue.add_argument("--zip", action="store_true", help="ghi một tệp ZIP thay cho thư mục")
    ue.add_argument("--name", help="tên thư mục/tệp (mặc định theo xã, năm, ngày)")
    ue.add_argument("--replace", action="store_true", help="ghi đè bản đã có cùng tên")
    uv = upsub.add_parser("verify", help="kiểm tra thư mục/ZIP hồ sơ với danh mục SHA-256")
    uv.add_argument("path")
    ul = upsub.add_parser("list", help="liệt kê hồ sơ và cảnh báo")
    ul.add_argument("--year", type=int)
    ul.add_argument("--json", action="store_true")
    _issue_19_parsers(sub)
    add_ledger_parsers(sub)
    _province_parsers(sub)
    return p


def _province_parsers(sub):
    """The province merging its communes' files (issue 20)."""
    pr = sub.add_parser("province", help="tổng hợp cấp tỉnh: nhận tệp các xã gửi (hồ sơ đề "
                                         "nghị, bản sao lưu), tra cứu, thống kê")
    ps = pr.add_subparsers(dest="action", required=True, parser_class=Parser)
    pi = ps.add_parser("import", help="nhận thư mục/ZIP hồ sơ đề nghị hoặc tệp sao lưu của xã")
    pi.add_argument("paths", nargs="+", metavar="TỆP")
    pi.add_argument("--force", action="store_true", help="vẫn nhận tệp cũ hơn tệp đã nhận")
    pc = ps.add_parser("communes", help="các xã đã nhận tệp")
    pc.add_argument("--json", action="store_true")
    pl = ps.add_parser("lookup", help="tra cứu khen thưởng của một người, tập thể, hộ ở mọi xã")
    pl.add_argument("text")
    pl.add_argument("--birth-year", type=int)
    pl.add_argument("--json", action="store_true")
    pt = ps.add_parser("statistics", help="thống kê khen thưởng toàn tỉnh (biểu 0603.N)")
    pt.add_argument("--year", type=int, required=True)
    pt.add_argument("--out", metavar="TỆP.xlsx")
    pp = ps.add_parser("proposals", help="đề nghị khen thưởng cấp tỉnh nhận được")
    pp.add_argument("--year", type=int)
    pp.add_argument("--commune", metavar="MÃ_XÃ")
    pp.add_argument("--title", metavar="MÃ_HOẶC_TÊN")
    pp.add_argument("--json", action="store_true")


def _issue_19_parsers(sub):
    """Exemplary models, periodic reviews and deadlines (issue 19)."""
    m = sub.add_parser("models", help="điển hình tiên tiến: đang ở khâu nào, mô hình chậm tiến "
                                      "độ, đơn vị nhân rộng")
    m.add_argument("--movement", type=int, metavar="ID")
    m.add_argument("--stage", choices=("discovered", "nurtured", "summarised", "replicated"))
    m.add_argument("--stuck", action="store_true", help="chỉ mô hình dừng lâu ở một khâu")
    m.add_argument("--by-unit", action="store_true", help="đơn vị nào nhân rộng mô hình nào")
    m.add_argument("--json", action="store_true")
    rv = sub.add_parser("review", help="báo cáo sơ kết 6 tháng, tổng kết năm, tổng kết giai "
                                       "đoạn ra PDF hoặc Word (.docx)")
    rv.add_argument("--round", type=int, metavar="ID", help="đợt thi đua")
    rv.add_argument("--movement", type=int, metavar="ID", help="phong trào (khi không theo đợt)")
    rv.add_argument("--kind", required=True, choices=("so-ket", "tong-ket", "giai-doan"))
    rv.add_argument("--year", type=int, help="năm (tổng kết năm của phong trào nhiều năm)")
    rv.add_argument("--out", required=True, help="tệp .pdf hoặc .docx")
    dl = sub.add_parser("deadlines", help="việc đến hạn, quá hạn theo kế hoạch")
    dl.add_argument("--all", action="store_true", help="cả việc đã xong và chưa đến hạn")
    dl.add_argument("--json", action="store_true")


def add_ledger_parsers(sub):
    """Issue 18: the reward-fund ledger and the blank stock (phôi)."""
    f = sub.add_parser("fund", help="sổ quỹ thi đua, khen thưởng: thu/chi, số dư, báo cáo Excel")
    fs = f.add_subparsers(dest="action", parser_class=Parser, required=True)
    fa = fs.add_parser("add", help="ghi một khoản thu hoặc chi")
    fa.add_argument("--kind", required=True, choices=("budget", "contribution", "other_in",
                                                      "other_out"))
    fa.add_argument("--amount", required=True, help="số đồng, ví dụ 50000000 hoặc 50.000.000")
    fa.add_argument("--date", required=True, help="ngày thu/chi (dd/mm/yyyy)")
    fa.add_argument("--content", default="")
    fa.add_argument("--doc-number", default="", help="số chứng từ")
    fa.add_argument("--doc-date", help="ngày chứng từ")
    fa.add_argument("--note", default="")
    fa.add_argument("--over-reason", help="lý do khi khoản chi lớn hơn số dư quỹ")
    fl = fs.add_parser("list", help="sổ quỹ của một năm")
    fl.add_argument("--year", type=int, required=True)
    fl.add_argument("--json", action="store_true")
    fr = fs.add_parser("report", help="báo cáo quỹ ra Excel")
    fr.add_argument("--year", type=int, required=True)
    fr.add_argument("--out", required=True)
    b = sub.add_parser("blanks", help="phôi giấy khen: loại, nhập, hỏng, tồn kho")
    bs = b.add_subparsers(dest="action", parser_class=Parser, required=True)
    bk = bs.add_parser("kind", help="tạo hoặc sửa một loại phôi")
    bk.add_argument("name")
    bk.add_argument("--template", action="append", default=[],
                    help="mẫu giấy khen in trên loại phôi này (lặp lại được)")
    br = bs.add_parser("receive", help="nhập phôi")
    br.add_argument("--kind", required=True)
    br.add_argument("--quantity", type=int)
    br.add_argument("--serial-from", default="")
    br.add_argument("--serial-to", default="")
    br.add_argument("--date")
    br.add_argument("--doc-number", default="")
    bp = bs.add_parser("spoil", help="ghi phôi hỏng (kèm lý do)")
    bp.add_argument("--kind", required=True)
    bp.add_argument("--quantity", type=int, required=True)
    bp.add_argument("--reason", required=True)
    bp.add_argument("--stage", choices=("stock", "print"), default="stock",
                    help="stock: hỏng trong kho; print: trong số phôi đã dùng khi in")
    bt = bs.add_parser("stock", help="tồn kho phôi theo loại")
    bt.add_argument("--json", action="store_true")


class TerminalProgress:
    """Progress on stderr when it is a terminal; silent otherwise."""

    def __init__(self, label):
        self.label = label
        self.tty = sys.stderr.isatty()

    def __call__(self, done, total):
        if self.tty and total:
            sys.stderr.write(f"\r{self.label}: {done}/{total} ({100 * done // total}%)")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()
        return True


def open_db(path, *, must_exist=True, **options):
    from models.db import open_database
    from models.db_pg import is_server_url
    if must_exist and not is_server_url(path) and not os.path.exists(path):
        raise UserError(f"Không có tệp dữ liệu {path}. Hãy chạy chương trình một lần "
                        "hoặc dùng lệnh demo để tạo.")
    return open_database(path, **options)


def acting_user(args):
    """The actor of a data-changing command (call after opening the database).

    While the file has no account (a fresh or demo file): the built-in leader. Otherwise
    ``--user`` and its password (from TDKT_PASSWORD, else asked on the terminal), checked
    by the same sign-in as the window's, delays and lock included.
    """
    import getpass
    from models import accounts
    if not accounts.has_users():
        if args.user:
            raise UserError(f"Tệp dữ liệu chưa có tài khoản nào (kể cả {args.user}); "
                            "hãy bỏ --user hoặc tạo tài khoản trong chương trình.")
        return accounts.batch_actor()
    if not args.user:
        raise UserError("Tệp dữ liệu đã có tài khoản: lệnh thay đổi dữ liệu cần "
                        f"--user TÊN_ĐĂNG_NHẬP (mật khẩu hỏi trên màn hình, hoặc đặt biến "
                        f"môi trường {PASSWORD_ENV} khi chạy bằng tệp lệnh).")
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise UserError(f"Không hỏi được mật khẩu (không có màn hình nhập); hãy đặt biến "
                            f"môi trường {PASSWORD_ENV}.")
        password = getpass.getpass(f"Mật khẩu của {args.user}: ")
    return accounts.authenticate(args.user, password)


def print_json(rows):
    from models import json_text
    sys.stdout.write(json_text.dumps(rows) + "\n")   # json.dumps(…, indent=1), faster


def print_table(rows, columns):
    for row in rows:
        sys.stdout.write("\t".join("" if row.get(c) is None else str(row.get(c))
                                   for c in columns) + "\n")


# --------------------------------------------------------------------------- commands

def cmd_demo(args, db_path):
    from models import demo
    open_db(db_path, must_exist=False)
    counts = demo.load_demo(size=args.size, actor=acting_user(args),
                            progress=TerminalProgress("Đang tạo dữ liệu mẫu"))
    print("Đã tạo dữ liệu mẫu: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def cmd_check(args, db_path):
    from models import audit_log, health
    open_db(db_path)
    problems = health.full_check()
    if problems:
        raise UserError("Dữ liệu có vấn đề: " + "; ".join(problems))
    print("Dữ liệu nguyên vẹn, cấu trúc đúng phiên bản.")
    print(audit_log.verify_chain().describe())


def cmd_backup(args, db_path):
    from reports import backup
    open_db(db_path)
    dest = backup.backup_to(args.dest, progress=TerminalProgress("Đang sao lưu"))
    print(f"Đã sao lưu và kiểm tra: {dest}")


def cmd_restore(args, db_path):
    from models import accounts
    from models.errors import DatabaseError
    from reports import backup
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
    from reports import importer
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
    from reports import proposals_import
    movement, year, unit, decision = proposals.batch_targets(
        movement_id=args.movement, year=args.year, unit_name=args.unit,
        decision_id=args.decision)
    result, _pv = proposals_import.import_proposals_file(
        args.file, actor=actor, movement=movement, year=year, proposer=unit, decision=decision,
        progress=TerminalProgress("Đang đọc danh sách"))
    print(result.summary(movement=movement, year=year,
                         decision_label=f"quyết định #{decision.id}" if decision else None))


def cmd_export(args, db_path):
    from reports import exports
    open_db(db_path)
    if args.kind == "statistics":
        from reports.statistics_report import export_statistics
        print(f"Đã xuất {export_statistics(path=args.out, year=args.year)}")
        return
    path = exports.export(kind=args.kind, path=args.out, year=args.year,
                          progress=TerminalProgress("Đang xuất"))
    print(f"Đã xuất {path}")


def _list_rows(kind, search):
    if kind == "households":
        from models import org_rows         # without the model classes: a faster start
        return org_rows.household_records(search=search)
    from models import org
    if kind == "units":
        return [{"id": u.id, "uuid": u.uuid, "name": u.name, "kind": u.kind.name,
                 "parent_id": u.parent_id, "active": u.active}
                for u in org.list_units(search=search)]
    if kind == "people":
        return [{"id": p.id, "uuid": p.uuid, "full_name": p.full_name,
                 "gender": org.GENDERS[p.gender], "birth_year": p.birth_year,
                 "position": p.position, "unit": p.unit.name if p.unit_id else None,
                 "active": p.active} for p in org.list_people(search=search)]
    if kind == "movements":
        from models import movements
        return movements.movement_rows(search=search)
    if kind == "decisions":
        from models import decisions
        return decisions.decision_rows(search=search)
    if kind == "postings":
        from models import public_list
        return public_list.posting_rows()
    if kind == "initiatives":
        from models import initiatives
        return initiatives.initiative_rows(search=search)
    if kind == "disciplines":
        from models import discipline
        return discipline.discipline_rows(search=search)
    raise UsageError(kind)


def cmd_list(args, db_path):
    from models.db import READS
    from models.read_check import checked_reads
    # only reads: the tables it read are checked before printing, not the whole file
    with checked_reads(open_db(db_path, quick_check=READS), db_path):
        rows = _list_rows(args.kind, args.search)
    if args.json:
        print_json(rows)
    else:
        columns = [c for c in (rows[0].keys() if rows else []) if c != "uuid"]
        print_table(rows, columns)


def cmd_decision(args, db_path):
    from reports import decision_pdf
    open_db(db_path)
    if args.printer:
        from gui.batch_print import print_decision
        job, _ = print_decision(decision_id=args.id, printer_name=args.printer)
        print(f"Đã gửi quyết định tới hàng đợi của máy in {args.printer} (lệnh in {job}).")
        return
    path = decision_pdf.write_decision(decision_id=args.id, path=args.out)
    print(f"Đã in quyết định ra {path}")


def cmd_certificates(args, db_path):
    from reports import certificates
    open_db(db_path)
    if args.printer:
        from gui.batch_print import certificates_command
        for line in certificates_command(     # the print log is data: a signed-in account
                actor=acting_user(args), decision_id=args.id, printer_name=args.printer,
                mode=args.mode, template_name=args.template,
                progress=TerminalProgress("Đang in giấy khen"), warn=sys.stderr.write):
            print(line)
        return
    result = certificates.write_decision_certificates(
        decision_id=args.id, path=args.out, template_name=args.template, mode=args.mode,
        progress=TerminalProgress("Đang in giấy khen"))
    print(f"Đã in {result.count} giấy khen ra {result.path}")


def cmd_public_list(args, db_path):
    from reports.public_list_doc import write_public_list
    open_db(db_path)
    print(f"Đã in danh sách công khai ra {write_public_list(posting_id=args.id, path=args.out)}")


def cmd_upward(args, db_path):
    from reports import upward_export
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


def cmd_models(args, db_path):
    from models import exemplary, movements
    open_db(db_path)
    movement = movements.get_movement(args.movement) if args.movement else None
    if args.by_unit:
        rows = [{"unit": r["unit"], "models": [{"name": n, "date": d, "result": res}
                                               for n, d, res in r["models"]]}
                for r in exemplary.replications_by_unit(movement=movement)]
        if args.json:
            return print_json(rows)
        for r in rows:
            print(f"{r['unit']}: " + "; ".join(f"{m['name']} ({m['date']:%d/%m/%Y})"
                                              for m in r["models"]))
        return
    rows = exemplary.model_rows(movement=movement, stage=args.stage, stuck_only=args.stuck)
    if args.json:
        return print_json(rows)
    print_table([dict(r, stuck="DỪNG LÂU" if r["stuck"] else "") for r in rows],
                ["id", "name", "kind_label", "stage_label", "stage_date", "days_in_stage",
                 "stuck", "replications", "movement"])


def cmd_review(args, db_path):
    """Generate (or reuse) the stored review of the period and write it as PDF or Word."""
    from models import movements, reviews
    from reports import review_docs
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


def cmd_deadlines(args, db_path):
    from models import deadlines
    open_db(db_path)
    rows = deadlines.reminders(include_done=args.all, include_later=args.all)
    if args.json:
        return print_json([{"due": r.due, "state": r.state, "kind": r.kind, "label": r.label,
                            "movement": r.movement, "detail": r.detail} for r in rows])
    for r in rows:
        print(f"{r.due:%d/%m/%Y}\t{deadlines.STATE_NAMES[r.state]}\t{r.label}\t{r.detail}")


def cmd_move_to_server(args, db_path):
    from models import db_copy
    open_db(db_path)
    counts = db_copy.move_file_to_server(os.path.abspath(args.src),
                                         progress=TerminalProgress("Đang chuyển"))
    print(f"Đã chuyển {sum(counts.values())} dòng của {len(counts)} bảng lên máy chủ; "
          "số dòng từng bảng khớp với tệp.")


def cmd_move_to_file(args, db_path):
    from models import db as dbmod
    open_db(db_path)
    if os.path.exists(args.dest):
        raise UserError(f"Đã có tệp {args.dest}; hãy chọn tên tệp mới.")
    dbmod.backup_database(os.path.abspath(args.dest), progress=TerminalProgress("Đang chép"))
    print(f"Đã chép toàn bộ dữ liệu về tệp {args.dest} (đã kiểm tra, số dòng khớp).")


def _recipients(items):
    """[(subject, title)] from "person:12:GK_CN" items (batch commands)."""
    from models import catalogue
    from models.entities import Household, Person, Unit
    from models.errors import NotFound
    models = {"person": Person, "unit": Unit, "household": Household}
    out = []
    for item in items:
        parts = item.split(":")
        if len(parts) != 3 or parts[0] not in models or not parts[1].isdigit():
            raise UsageError(f"--recipient '{item}': hãy viết LOẠI:MÃ:DANH_HIỆU, ví dụ "
                             "person:12:GK_CN (LOẠI là person, unit hoặc household).")
        subject = models[parts[0]].get_or_none(models[parts[0]].id == int(parts[1]))
        if subject is None:
            raise NotFound(f"Không có đối tượng {parts[0]} mã {parts[1]}.")
        out.append((subject, catalogue.title_by_code(parts[2])))
    return out


def cmd_sudden(args, db_path):
    from models import special_awards
    open_db(db_path)
    actor = acting_user(args)
    decision = special_awards.create_sudden_award(
        actor=actor, event_date=args.event_date, description=args.description, place=args.place,
        recipients=_recipients(args.recipient), date=args.date, number=args.number)
    print(f"Đã lập dự thảo quyết định khen thưởng đột xuất #{decision.id} "
          f"({decision.awards.count()} đối tượng, {decision.total} đồng).")


def cmd_themed(args, db_path):
    from models import special_awards
    from models.entities import Movement, Round
    from models.errors import NotFound
    open_db(db_path)
    actor = acting_user(args)
    if (args.movement is None) == (args.round is None):
        raise UsageError("hãy cho --movement MÃ (phong trào chuyên đề) hoặc --round MÃ (đợt).")
    movement = rnd = None
    if args.round is not None:
        rnd = Round.get_or_none(Round.id == args.round)
        if rnd is None:
            raise NotFound(f"Không có đợt thi đua mã {args.round}.")
    else:
        movement = Movement.get_or_none(Movement.id == args.movement)
        if movement is None:
            raise NotFound(f"Không có phong trào mã {args.movement}.")
    decision = special_awards.create_themed_award(
        actor=actor, movement=movement, round=rnd, date=args.date, number=args.number,
        recipients=_recipients(args.recipient))
    print(f"Đã lập dự thảo quyết định khen thưởng chuyên đề #{decision.id} "
          f"({decision.awards.count()} đối tượng).")

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
        from reports import fund_xlsx
        print(f"Đã xuất {fund_xlsx.export_fund_xlsx(args.out, year=args.year)}")


def cmd_blanks(args, db_path):
    from models import blanks, vntext
    open_db(db_path)
    if args.action == "stock":
        rows = [{k: v for k, v in r.items() if k != "kind"} for r in blanks.stock_rows()]
        if args.json:
            print_json(rows)
        else:
            print_table(rows, ("name", "received", "used", "reprints", "spoiled_print",
                               "spoiled_stock", "left"))
        return
    actor = acting_user(args)
    if args.action == "kind":
        existing = next((k for k in blanks.list_kinds()
                         if vntext.fold(k.name) == vntext.fold(args.name)), None)
        kind = blanks.save_kind(actor=actor, name=args.name,
                                kind_id=existing.id if existing else None,
                                templates=args.template or (blanks.kind_templates(existing)
                                                            if existing else []))
        print(f"Đã lưu loại phôi «{kind.name}» (mẫu: "
              f"{', '.join(blanks.kind_templates(kind)) or 'chưa gắn mẫu nào'}).")
        return
    if args.action == "receive":
        move = blanks.receive(actor=actor, kind=args.kind, quantity=args.quantity,
                              date=args.date, serial_from=args.serial_from,
                              serial_to=args.serial_to, doc_number=args.doc_number)
    else:
        move = blanks.spoil(actor=actor, kind=args.kind, quantity=args.quantity,
                            reason=args.reason, stage=args.stage)
    left = blanks.stock_of(move.kind_id)["left"]
    print(f"Đã ghi {'nhận' if move.move == 'receipt' else 'hỏng'} {move.quantity} tờ phôi "
          f"«{move.kind.name}»; còn lại {vntext.format_int(left)} tờ.")


def cmd_province(args, db_path):
    from models import province_query, vntext
    open_db(db_path, must_exist=args.action != "import")
    if args.action == "import":
        from models import province
        from reports import province_files
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
            from reports import province_xlsx
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
    "models": cmd_models, "review": cmd_review, "deadlines": cmd_deadlines,
    "fund": cmd_fund, "blanks": cmd_blanks,
    "demo": cmd_demo, "check": cmd_check, "backup": cmd_backup, "restore": cmd_restore,
    "import": cmd_import, "export": cmd_export, "list": cmd_list, "decision": cmd_decision,
    "certificates": cmd_certificates, "upward": cmd_upward,
    "move-to-server": cmd_move_to_server, "move-to-file": cmd_move_to_file,
    "sudden": cmd_sudden, "themed": cmd_themed,
}
COMMANDS["province"] = cmd_province
COMMANDS["public-list"] = cmd_public_list


def db_target(value):
    """--db: an SQLite file (made absolute) or a postgresql:// server URL (as given)."""
    from models.db_pg import is_server_url
    return value if is_server_url(value) else os.path.abspath(value)


def run_command(argv, parser=None):
    """Run a batch command; returns the exit code (0 ok, 1 user error, 2 usage)."""
    args = (parser or build_parser()).parse_args(argv)
    db_path = db_target(args.db) if args.db else paths.default_db_path()
    try:
        COMMANDS[args.command](args, db_path)
    except UsageError as err:
        sys.stderr.write(f"Lỗi cách dùng: {err}\n")
        return 2
    except UserError as err:
        sys.stderr.write(f"Lỗi: {err}\n")
        for line in err.details[:50]:
            sys.stderr.write(f"  {line}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("Đã dừng theo yêu cầu.\n")
        return 1
    except Exception as exc:  # noqa: BLE001 - SQLite errors (disk full, locked) in one line
        import sqlite3
        import peewee
        from models.db import explain_error
        if not isinstance(exc, (sqlite3.Error, peewee.PeeweeException)):
            raise
        log.warning("database error in %s: %s", args.command, str(exc))
        sys.stderr.write(f"Lỗi: {explain_error(exc, db_path)}\n")
        return 1
    finally:
        from models.db import close_database
        close_database()
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if argv and argv[0] in ("-h", "--help"):
        parser.print_help()
        return 0
    args, _ = parser.parse_known_args(argv)
    if args.command is None:
        from gui.app import run_gui
        return run_gui(db_path=db_target(args.db) if args.db else None)
    return run_command(argv, parser)


if __name__ == "__main__":
    sys.exit(main())
