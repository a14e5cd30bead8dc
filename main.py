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
from models.batch_cli import PASSWORD_ENV, UsageError  # noqa: E402
from models.errors import UserError  # noqa: E402

log = logging.getLogger("main")

LIST_KINDS = ("units", "people", "households", "movements", "decisions", "postings",
              "initiatives", "disciplines")
IMPORT_KINDS = ("units", "people", "households", "criteria", "targets", "proposals")
EXPORT_KINDS = ("registrations", "scores", "awards", "annual", "statistics")


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


def command_for(args):
    """The function running ``args.command``: the command bodies live with the layer they
    use (models/batch_records.py: records only; reports/batch_files.py: files; printing
    through Qt: gui/batch_print.py), imported here so a GUI start does not load them."""
    if getattr(args, "printer", None):       # decision / certificates --printer
        from gui.batch_print import PRINTER_COMMANDS
        return PRINTER_COMMANDS[args.command]
    from models.batch_records import COMMANDS as ON_RECORDS
    from reports.batch_files import COMMANDS as ON_FILES
    return ON_RECORDS.get(args.command) or ON_FILES[args.command]


def db_target(value):
    """--db: an SQLite file (made absolute) or a postgresql:// server URL (as given)."""
    from models.db_pg import is_server_url
    return value if is_server_url(value) else os.path.abspath(value)


def run_command(argv, parser=None):
    """Run a batch command; returns the exit code (0 ok, 1 user error, 2 usage)."""
    args = (parser or build_parser()).parse_args(argv)
    db_path = db_target(args.db) if args.db else paths.default_db_path()
    try:
        command_for(args)(args, db_path)
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
