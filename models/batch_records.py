"""Batch commands of ``main.py`` that work on the records alone (no file written or read
but the database): demo data, the check, lists, exemplary models, deadlines, moving to and
from a server, sudden and themed awards, the blank stock.

Each ``cmd_*(args, db_path)`` is one sub-command (its arguments: ``main.build_parser``); the
contract (output, exit codes) is in DESIGN.md. Commands that write files are in
``reports/batch_files.py``.
"""
import os

from .batch_cli import (TerminalProgress, UsageError, acting_user, open_db, print_json,
                        print_table)
from .errors import UserError


def cmd_demo(args, db_path):
    from . import demo
    open_db(db_path, must_exist=False)
    counts = demo.load_demo(size=args.size, actor=acting_user(args),
                            progress=TerminalProgress("Đang tạo dữ liệu mẫu"))
    print("Đã tạo dữ liệu mẫu: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def cmd_check(args, db_path):
    from . import audit_log, health
    open_db(db_path)
    problems = health.full_check()
    if problems:
        raise UserError("Dữ liệu có vấn đề: " + "; ".join(problems))
    print("Dữ liệu nguyên vẹn, cấu trúc đúng phiên bản.")
    print(audit_log.verify_chain().describe())


def _list_rows(kind, search):
    if kind == "households":
        from . import org_rows         # without the model classes: a faster start
        return org_rows.household_records(search=search)
    from . import org
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
        from . import movements
        return movements.movement_rows(search=search)
    if kind == "decisions":
        from . import decisions
        return decisions.decision_rows(search=search)
    if kind == "postings":
        from . import public_list
        return public_list.posting_rows()
    if kind == "initiatives":
        from . import initiatives
        return initiatives.initiative_rows(search=search)
    if kind == "disciplines":
        from . import discipline
        return discipline.discipline_rows(search=search)
    raise UsageError(kind)


def cmd_list(args, db_path):
    from .db import READS
    from .read_check import checked_reads
    # only reads: the tables it read are checked before printing, not the whole file
    with checked_reads(open_db(db_path, quick_check=READS), db_path):
        rows = _list_rows(args.kind, args.search)
    if args.json:
        print_json(rows)
    else:
        columns = [c for c in (rows[0].keys() if rows else []) if c != "uuid"]
        print_table(rows, columns)


def cmd_models(args, db_path):
    from . import exemplary, movements
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


def cmd_deadlines(args, db_path):
    from . import deadlines
    open_db(db_path)
    rows = deadlines.reminders(include_done=args.all, include_later=args.all)
    if args.json:
        return print_json([{"due": r.due, "state": r.state, "kind": r.kind, "label": r.label,
                            "movement": r.movement, "detail": r.detail} for r in rows])
    for r in rows:
        print(f"{r.due:%d/%m/%Y}\t{deadlines.STATE_NAMES[r.state]}\t{r.label}\t{r.detail}")


def cmd_move_to_server(args, db_path):
    from . import db_copy
    open_db(db_path)
    counts = db_copy.move_file_to_server(os.path.abspath(args.src),
                                         progress=TerminalProgress("Đang chuyển"))
    print(f"Đã chuyển {sum(counts.values())} dòng của {len(counts)} bảng lên máy chủ; "
          "số dòng từng bảng khớp với tệp.")


def cmd_move_to_file(args, db_path):
    from . import db as dbmod
    open_db(db_path)
    if os.path.exists(args.dest):
        raise UserError(f"Đã có tệp {args.dest}; hãy chọn tên tệp mới.")
    dbmod.backup_database(os.path.abspath(args.dest), progress=TerminalProgress("Đang chép"))
    print(f"Đã chép toàn bộ dữ liệu về tệp {args.dest} (đã kiểm tra, số dòng khớp).")


def _recipients(items):
    """[(subject, title)] from "person:12:GK_CN" items (batch commands)."""
    from . import catalogue
    from .entities import Household, Person, Unit
    from .errors import NotFound
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
    from . import special_awards
    open_db(db_path)
    actor = acting_user(args)
    decision = special_awards.create_sudden_award(
        actor=actor, event_date=args.event_date, description=args.description, place=args.place,
        recipients=_recipients(args.recipient), date=args.date, number=args.number)
    print(f"Đã lập dự thảo quyết định khen thưởng đột xuất #{decision.id} "
          f"({decision.awards.count()} đối tượng, {decision.total} đồng).")


def cmd_themed(args, db_path):
    from . import special_awards
    from .entities import Movement, Round
    from .errors import NotFound
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


def cmd_blanks(args, db_path):
    from . import blanks, vntext
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


COMMANDS = {
    "demo": cmd_demo, "check": cmd_check, "list": cmd_list, "models": cmd_models,
    "deadlines": cmd_deadlines, "move-to-server": cmd_move_to_server,
    "move-to-file": cmd_move_to_file, "sudden": cmd_sudden, "themed": cmd_themed,
    "blanks": cmd_blanks,
}
