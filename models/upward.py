"""Proposals upward (hồ sơ đề nghị cấp trên khen thưởng): who, for which provincial title,
whether the records give the years it needs, and the clerk's edited texts (issue 17).

The documents are built from ``file_data`` (reports/upward_docs.py); the same data, with the
UUID of every record, is the ``du-lieu.json`` of the exported file.
"""
import datetime
import json

from . import catalogue, settings, versioning, vntext
from .award_history import consecutive_run, subject_infos, subject_key, title_years
from .entities import (HOUSEHOLD, PERSON, SUBJECT_KINDS, UNIT, Candidate, Household, Meeting,
                       Person, Title, UpwardFile, UpwardProposal, Vote)
from .errors import ConflictError, NotFound, ValidationError
from .service import audit, service, snapshot
from .subjects import display_name, subject_fields, subject_kind, subject_of

PROVINCE = "province"
TEXT_MAX = 20_000                         # characters of one edited section
FILE_TEXTS = ("recipient", "about", "bases", "body", "closing", "recipients")
SUBJECT_TEXTS = {
    UNIT: ("characteristics", "tasks", "achievements", "measures"),
    PERSON: ("birth", "hometown", "residence", "qualification", "duties", "achievements"),
    HOUSEHOLD: ("residence", "characteristics", "achievements"),
}
# the sections' names as the clerk sees them (dialogs, and a refused save names them)
FILE_LABELS = {"recipient": "Kính gửi", "about": "Trích yếu (Về việc …)",
               "bases": "Căn cứ (mỗi dòng một căn cứ)", "body": "Nội dung đề nghị",
               "closing": "Hồ sơ kèm theo và lời kết", "recipients": "Nơi nhận (mỗi dòng một nơi)"}
SUBJECT_LABELS = {"characteristics": "Đặc điểm, tình hình", "tasks": "Chức năng, nhiệm vụ",
                  "achievements": "Thành tích đạt được (theo năm)",
                  "measures": "Biện pháp, nguyên nhân đạt thành tích", "birth": "Năm sinh",
                  "hometown": "Quê quán", "residence": "Trú quán / địa chỉ",
                  "qualification": "Trình độ chuyên môn, nghiệp vụ",
                  "duties": "Quyền hạn, nhiệm vụ được giao"}
TASKS_BY_KIND = {
    "thon": "Tổ chức thực hiện chủ trương của Đảng, chính sách, pháp luật của Nhà nước và các "
            "nhiệm vụ Ủy ban nhân dân xã giao trên địa bàn thôn; vận động nhân dân tham gia các "
            "phong trào thi đua, xây dựng đời sống văn hóa, giữ gìn an ninh trật tự.",
    "xa": "Thực hiện chức năng quản lý nhà nước trên địa bàn theo Luật Tổ chức chính quyền "
          "địa phương; tổ chức và phát động các phong trào thi đua.",
    "truong": "Tổ chức giảng dạy, giáo dục học sinh theo chương trình giáo dục phổ thông; "
              "quản lý đội ngũ giáo viên, nhân viên và cơ sở vật chất của nhà trường.",
}
TASKS_BY_KIND["tdp"] = TASKS_BY_KIND["thon"].replace("thôn", "tổ dân phố")
DEFAULT_TASKS = "Thực hiện chức năng, nhiệm vụ được giao theo quy định."
UNFILLED = "……"


# --------------------------------------------------------------------------- look-ups

def upward_titles(*, subject_kind=None):
    """Titles and forms the province confers (the catalogue's ``conferred_by`` province)."""
    query = (Title.select()
             .where(Title.conferred_by == PROVINCE, Title.active == True)  # noqa: E712
             .order_by(Title.subject_kind, Title.rank.desc(), Title.name))
    if subject_kind:
        query = query.where(Title.subject_kind == subject_kind)
    return list(query)


def get_file(file_id):
    found = UpwardFile.get_or_none(UpwardFile.id == file_id)
    if found is None:
        raise NotFound(f"Không có hồ sơ đề nghị cấp trên mã {file_id}.")
    return found


def files(*, year=None):
    query = UpwardFile.select().order_by(UpwardFile.year.desc(), UpwardFile.id.desc())
    if year is not None:
        query = query.where(UpwardFile.year == year)
    return list(query)


def proposals(upward_file):
    return list(UpwardProposal.select(UpwardProposal, Title).join(Title)
                .where(UpwardProposal.file == upward_file)
                .order_by(UpwardProposal.order, UpwardProposal.id))


# --------------------------------------------------------------------------- eligibility

def rule_for(title):
    """(consecutive years needed, catalogue codes that count) for a provincial title."""
    rule = (settings.get("upward_rules") or {}).get(title.code) or {}
    years = int(rule.get("years") or settings.get("upward_years") or 2)
    return max(1, years), [c for c in rule.get("titles") or [] if c]


def _titles_text(codes):
    if not codes:
        return "danh hiệu thi đua"
    names = {c: n for c, n in Title.select(Title.code, Title.name)
             .where(Title.code.in_(codes)).tuples()}
    return " hoặc ".join(f"'{names.get(c, c)}'" for c in codes)


def _span_text(first, last):
    return str(last) if first == last else f"{first}–{last}"


def eligibility(key, title, year, *, cache=None):
    """What the records say about ``key`` (kind, id) for provincial ``title`` in ``year``.

    Returns {"needed", "years" (run ending at year), "missing" (years without a counting
    title), "warning" (text or "")}. ``cache`` keeps title histories between calls."""
    needed, codes = rule_for(title)
    if needed == 1 and not codes:
        return {"needed": 1, "years": [], "missing": [], "warning": ""}
    cache = {} if cache is None else cache
    cache_key = tuple(codes)
    if cache_key not in cache:
        cache[cache_key] = (title_years(kinds=None, codes=codes) if codes
                            else title_years())
    by_year = cache[cache_key].get(key, {})
    span = list(range(year - needed + 1, year + 1))
    missing = [y for y in span if y not in by_year]
    warning = ""
    if missing:
        warning = (f"Chưa đủ điều kiện '{title.name}': cần {needed} năm liên tục "
                   f"({_span_text(span[0], span[-1])}) có {_titles_text(codes)}; còn thiếu "
                   f"năm {', '.join(str(y) for y in missing)}.")
    return {"needed": needed, "years": consecutive_run(set(by_year), year),
            "missing": missing, "warning": warning}


def _vote_of(proposal, meeting):
    """The council's vote on this subject and title in ``meeting`` (or None)."""
    if meeting is None:
        return None
    query = (Vote.select(Vote, Candidate).join(Candidate)
             .where(Vote.meeting == meeting, Candidate.title == proposal.title_id))
    kind, ident = subject_key(proposal)
    return query.where(getattr(Candidate, kind) == ident).first()


def compute_warnings(proposal, meeting, *, cache=None):
    w = []
    result = eligibility(subject_key(proposal), proposal.title, proposal.file.year,
                         cache=cache)
    if result["warning"]:
        w.append(result["warning"])
    if meeting is None:
        w.append("Hồ sơ chưa gắn cuộc họp Hội đồng Thi đua - Khen thưởng (biên bản, kết quả "
                 "bỏ phiếu kín).")
    else:
        vote = _vote_of(proposal, meeting)
        if vote is None:
            w.append("Hội đồng chưa bỏ phiếu kín cho đề nghị này trong cuộc họp ngày "
                     f"{vntext.format_date(meeting.date)}.")
        elif not vote.passed:
            w.append(f"Không đạt tỷ lệ phiếu: {vntext.format_decimal(vote.percent, 2)} % "
                     "đồng ý.")
    return w


def refresh_warnings(upward_file):
    cache = {}
    meeting = upward_file.meeting if upward_file.meeting_id else None
    for p in proposals(upward_file):
        p.file = upward_file
        text = json.dumps(compute_warnings(p, meeting, cache=cache), ensure_ascii=False)
        if text != p.warnings:
            UpwardProposal.update(warnings=text).where(UpwardProposal.id == p.id).execute()


# --------------------------------------------------------------------------- actions

def _date(value, label="Ngày tờ trình"):
    if isinstance(value, datetime.date):
        return value
    return vntext.parse_date(value, field="date") if value else datetime.date.today()


@service("clerk")
def create_file(*, actor, year, date=None, movement=None, meeting=None, number="",
                signer_name=None):
    """A new file of proposals upward for the achievements of ``year``."""
    if not 2000 <= int(year) <= 2100:
        raise ValidationError(f"Năm {year} không hợp lệ.", field="year")
    if meeting is not None and movement is None and meeting.movement_id:
        movement = meeting.movement
    commune = settings.commune()
    f = UpwardFile.create(year=int(year), date=_date(date), movement=movement, meeting=meeting,
                          number=vntext.clean_text(number), on_behalf=commune.on_behalf,
                          signer_name=vntext.clean_text(signer_name or commune.chairman))
    audit(actor, "create_upward_file", f, new=snapshot(f))
    return f


FILE_FIELDS = ("number", "date", "signer_name", "signer_title", "on_behalf", "meeting",
               "movement")


@service("clerk")
def update_file(*, actor, upward_file, **changes):
    unknown = set(changes) - set(FILE_FIELDS)
    if unknown:
        raise ValidationError(f"Không sửa được: {', '.join(sorted(unknown))}.")
    old = snapshot(upward_file)
    for name, value in changes.items():
        if name == "date":
            value = _date(value)
        elif name in ("number", "signer_name", "signer_title"):
            value = vntext.clean_text(value)
        setattr(upward_file, name, value)
    upward_file.save()
    before, after = diff_of(old, snapshot(upward_file))
    if after:
        audit(actor, "update_upward_file", upward_file, old=before, new=after)
    refresh_warnings(upward_file)
    return upward_file


def diff_of(old, new):
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


def _check_title(subject, title):
    kind = subject_kind(subject)
    if title.conferred_by != PROVINCE:
        raise ValidationError(f"'{title.name}' do xã tặng; hồ sơ đề nghị cấp trên chỉ gồm danh "
                              "hiệu, hình thức do tỉnh tặng.", field="title")
    if kind == UNIT and subject.kind.is_bloc:
        raise ValidationError(f"'{subject.name}' là cụm/khối thi đua, không phải một tập thể "
                              "được khen thưởng.", field="subject")
    unit_kind = subject.kind.code if kind == UNIT else None
    if not catalogue.title_allows(title, subject_kind=kind, unit_kind_code=unit_kind):
        raise ValidationError(f"'{title.name}' không dành cho {SUBJECT_KINDS[kind].lower()} "
                              f"'{display_name(subject)}'.", field="title")


def _add(upward_file, subject, title, candidate=None):
    _check_title(subject, title)
    kind = subject_kind(subject)
    exists = (UpwardProposal.select().where(UpwardProposal.file == upward_file,
                                            UpwardProposal.title == title,
                                            getattr(UpwardProposal, kind) == subject).exists())
    if exists:
        raise ConflictError(f"'{display_name(subject)}' đã có trong hồ sơ với đề nghị "
                            f"'{title.name}'.")
    order = (UpwardProposal.select().where(UpwardProposal.file == upward_file).count()) + 1
    return UpwardProposal.create(file=upward_file, title=title, candidate=candidate,
                                 order=order, **subject_fields(subject))


@service("clerk")
def add_proposal(*, actor, upward_file, subject, title, candidate=None):
    """Propose ``subject`` for ``title``; returns the proposal with its warnings (the missing
    years are a warning, never a block: the council may still decide to propose)."""
    p = _add(upward_file, subject, title, candidate)
    refresh_warnings(upward_file)
    p = UpwardProposal.get_by_id(p.id)
    audit(actor, "add_upward_proposal", p, new=snapshot(p))
    return p


@service("clerk")
def add_passed_candidates(*, actor, upward_file):
    """Every candidate for a provincial title that passed the file's meeting; returns the
    number added (those already in the file are skipped)."""
    meeting = upward_file.meeting if upward_file.meeting_id else None
    if meeting is None:
        raise ValidationError("Hãy chọn cuộc họp Hội đồng (bình xét) của hồ sơ trước.",
                              field="meeting")
    query = (Vote.select(Vote, Candidate, Title).join(Candidate).join(Title)
             .where(Vote.meeting == meeting, Vote.passed == True,  # noqa: E712
                    Candidate.removed == False, Title.conferred_by == PROVINCE)  # noqa: E712
             .order_by(Candidate.id))
    added = 0
    for vote in query:
        cand = vote.candidate
        subject = subject_of(cand)
        kind = subject_kind(subject)
        if (UpwardProposal.select().where(UpwardProposal.file == upward_file,
                                          UpwardProposal.title == cand.title_id,
                                          getattr(UpwardProposal, kind) == subject).exists()):
            continue
        _add(upward_file, subject, cand.title, cand)
        added += 1
    refresh_warnings(upward_file)
    audit(actor, "add_upward_from_votes", upward_file, new={"meeting": meeting.id,
                                                            "added": added})
    return added


@service("clerk")
def remove_proposal(*, actor, proposal):
    old = snapshot(proposal)
    proposal.delete_instance()
    audit(actor, "remove_upward_proposal", "upward_proposal", entity_id=old["id"], old=old)


@service("clerk")
def delete_file(*, actor, upward_file):
    old = snapshot(upward_file)
    UpwardProposal.delete().where(UpwardProposal.file == upward_file).execute()
    upward_file.delete_instance()
    audit(actor, "delete_upward_file", "upward_file", entity_id=old["id"], old=old)


def _clean_section(value, key):
    text = vntext.nfc(value or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(lines).strip()
    if len(text) > TEXT_MAX:
        raise ValidationError(f"Đoạn '{key}' dài quá {vntext.format_int(TEXT_MAX)} ký tự.",
                              field=key)
    return text


@service("clerk")
def update_texts(*, actor, target, texts, was=None):
    """Store the clerk's wording of sections of the tờ trình (``target`` an UpwardFile) or
    of a báo cáo thành tích (an UpwardProposal). A section set back to its default, or
    emptied, returns to the text the records give.

    Several clerks at once (issue 20): the sections are merged onto what is stored now, so
    another PC's edit of another section is kept; ``was`` ({section: text as the dialog
    showed it}) refuses the save (StaleRecord, nothing written) when one of the sections
    being saved was changed meanwhile. Without ``was`` a file's save is checked against the
    version ``target`` was loaded with."""
    caller = target
    target = type(caller).get_or_none(type(caller).id == caller.id)
    if target is None:
        raise versioning.StaleRecord("Trong lúc bạn sửa, hồ sơ/đề nghị này đã bị xóa ở máy "
                                     "khác; nội dung vừa sửa chưa được lưu.")
    if isinstance(target, UpwardFile):
        allowed, defaults = FILE_TEXTS, default_file_texts(target)
        if was is None:
            target.version = caller.version
    else:
        allowed, defaults = SUBJECT_TEXTS[subject_kind(subject_of(target))], \
            default_subject_texts(target)
    unknown = set(texts) - set(allowed)
    if unknown:
        raise ValidationError(f"Không có mục: {', '.join(sorted(unknown))}.")
    stored = json.loads(target.texts or "{}")
    if was is not None:
        _check_sections(target, dict(defaults, **stored), texts, was)
    old = dict(stored)
    for key, value in texts.items():
        value = _clean_section(value, key)
        if not value or value == defaults.get(key):
            stored.pop(key, None)
        else:
            stored[key] = value
    if stored != old:
        target.texts = json.dumps(stored, ensure_ascii=False, sort_keys=True)
        target.save()
        audit(actor, "update_upward_texts", target, old=old, new=stored)
    caller.texts = target.texts
    if isinstance(target, UpwardFile):
        caller.version = target.version
    return target


def _check_sections(target, current, texts, was):
    """Every section being saved still reads as the dialog showed it."""
    changed = [k for k in texts if k in was and (was[k] or "") != (current.get(k) or "")]
    if not changed:
        return
    from .entities import AuditLog
    last = (AuditLog.select(AuditLog.username, AuditLog.at)
            .where((AuditLog.entity == target._meta.table_name)
                   & (AuditLog.entity_id == target.id)
                   & (AuditLog.action == "update_upward_texts"))
            .order_by(AuditLog.id.desc()).first())
    who = f" ({last.username} lúc {last.at:%H:%M %d/%m/%Y})" if last else ""
    labels = dict(FILE_LABELS, **SUBJECT_LABELS)
    names = "; ".join(f"«{labels.get(k, k)}» nay là: {_short(current.get(k))}"
                      for k in changed)
    raise versioning.StaleRecord(
        f"Trong lúc bạn sửa, {len(changed)} mục đã được sửa ở máy khác{who}: {names}. Các "
        "mục bạn vừa sửa CHƯA được lưu (không ghi đè việc của người khác); chữ bạn gõ vẫn "
        "còn trên màn hình — hãy đối chiếu rồi lưu lại.")


def _short(text, limit=160):
    text = " ".join((text or "").split())
    return "(trống)" if not text else (text if len(text) <= limit else text[:limit] + "…")


@service("clerk")
def mark_exported(*, actor, upward_file, path, digest):
    """Record that the file left the machine (where, and the manifest's own SHA-256)."""
    old = snapshot(upward_file, fields=("state", "exported_at"))
    upward_file.state = "exported"
    upward_file.exported_at = datetime.datetime.now().replace(microsecond=0)
    upward_file.save()
    audit(actor, "export_upward_file", upward_file, old=old,
          new={"state": "exported", "path": path, "manifest_sha256": digest})


# --------------------------------------------------------------------------- texts

def _lines(value):
    return [line for line in (value or "").split("\n") if line.strip()]


def province_in_sentence(name):
    """'Tỉnh Hà Tĩnh' → 'tỉnh Hà Tĩnh', 'Thành phố Huế' → 'thành phố Huế' inside a sentence."""
    name = vntext.clean_text(name)
    for word in ("tỉnh", "thành phố"):
        if name.lower().startswith(word + " "):
            return word + name[len(word):]
    return name


def default_file_texts(upward_file):
    commune = settings.commune()
    province = commune.province or "……"
    plain_province = province_in_sentence(province) if commune.province else "tỉnh ……"
    recipient = (settings.get("upward_recipient")
                 or f"Chủ tịch Ủy ban nhân dân {plain_province}")
    counts = _counts_by_title(upward_file)
    about = f"Về việc đề nghị khen thưởng năm {upward_file.year}"
    bases = ["Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022",
             "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy "
             "định chi tiết một số điều của Luật Thi đua, khen thưởng"]
    meeting = upward_file.meeting if upward_file.meeting_id else None
    if meeting is not None:
        bases.append(f"Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng "
                     f"{commune.in_sentence} {vntext.format_date_long(meeting.date)}")
    body = (f"Năm {upward_file.year}, các tập thể, cá nhân trong danh sách kèm theo đã có thành "
            "tích xuất sắc trong phong trào thi đua, hoàn thành xuất sắc nhiệm vụ được giao, "
            f"đủ tiêu chuẩn theo quy định. Ủy ban nhân dân {commune.in_sentence} kính đề nghị "
            f"{recipient} xem xét, khen thưởng:")
    closing = (f"Hồ sơ kèm theo gồm: Biên bản họp và kết quả bỏ phiếu kín của Hội đồng Thi đua "
               f"- Khen thưởng; Báo cáo thành tích của {counts['reports']}; Danh sách đề nghị.\n"
               f"Ủy ban nhân dân {commune.in_sentence} kính trình {recipient} xem xét, "
               "quyết định./.")
    recipients = ["Như trên", f"Sở Nội vụ {plain_province}", "Lưu: VT"]
    return {"recipient": recipient, "about": about, "bases": "\n".join(bases), "body": body,
            "closing": closing, "recipients": "\n".join(recipients)}


def _counts_by_title(upward_file):
    by_title, units, people, households = {}, 0, 0, 0
    for p in proposals(upward_file):
        kind = subject_key(p)[0]
        entry = by_title.setdefault(p.title.name, {PERSON: 0, UNIT: 0, HOUSEHOLD: 0})
        entry[kind] += 1
        units += kind == UNIT
        people += kind == PERSON
        households += kind == HOUSEHOLD
    parts = []
    for count, word in ((units, "tập thể"), (people, "cá nhân"), (households, "hộ gia đình")):
        if count:
            parts.append(f"{count:02d} {word}")
    return {"by_title": by_title, "reports": ", ".join(parts) or "0 đối tượng"}


def counts_lines(upward_file):
    """'Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: 02 tập thể, 01 cá nhân' per title."""
    out = []
    for name, entry in _counts_by_title(upward_file)["by_title"].items():
        parts = [f"{entry[k]:02d} {w}" for k, w in ((UNIT, "tập thể"), (PERSON, "cá nhân"),
                                                    (HOUSEHOLD, "hộ gia đình")) if entry[k]]
        out.append(f"{name}: {', '.join(parts)}")
    return out


def file_texts(upward_file):
    texts = default_file_texts(upward_file)
    texts.update(json.loads(upward_file.texts or "{}"))
    return texts


def _history_lines(subject):
    from .award_history import subject_history
    lines = []
    kinds = dict(Title.select(Title.name, Title.kind).tuples())
    for year in sorted(subject_history(subject), key=lambda y: y["year"]):
        parts = []
        for s in year["scores"]:
            if s["total"] is not None and s["band"]:
                rank = f", xếp hạng {s['rank']}" if s["rank"] else ""
                parts.append(f"đạt {vntext.format_decimal(s['total'])} điểm, xếp loại "
                             f"{s['band']}{rank}")
        titles = [a["title"] for a in year["awards"] if a["in_force"]]
        named = [t for t in titles if kinds.get(t) == "title"]
        forms = [t for t in titles if kinds.get(t) != "title"]
        if named:
            parts.append("đạt danh hiệu " + ", ".join(named))
        if forms:
            parts.append("được tặng " + ", ".join(forms))
        regs = [r["titles"] for r in year["registrations"] if r["titles"]]
        if regs and not titles:
            parts.append("đăng ký thi đua " + "; ".join(regs))
        if parts:
            lines.append(f"- Năm {year['year']}: {'; '.join(parts)}.")
    return lines


def default_subject_texts(proposal):
    subject = subject_of(proposal)
    kind = subject_kind(subject)
    commune = settings.commune()
    history = "\n".join(_history_lines(subject)) or UNFILLED
    if kind == UNIT:
        members = (Person.select()
                   .where(Person.unit == subject, Person.active == True).count())  # noqa: E712
        homes = Household.select().where(Household.village == subject,
                                         Household.active == True).count()  # noqa: E712
        where = settings.sentence_name(commune.name) if commune.name else "xã"
        if commune.province:
            where += ", " + province_in_sentence(commune.province)
        facts = [f"- {subject.name} thuộc {where}"
                 f"{'; địa chỉ: ' + subject.address if subject.address else ''}."]
        if subject.leader_name:
            facts.append(f"- Người đứng đầu: {subject.leader_name}.")
        if members:
            facts.append(f"- Số cán bộ, thành viên: {members} người.")
        if homes:
            facts.append(f"- Số hộ gia đình: {vntext.format_int(homes)} hộ.")
        return {"characteristics": "\n".join(facts),
                "tasks": TASKS_BY_KIND.get(subject.kind.code, DEFAULT_TASKS),
                "achievements": history,
                "measures": "Đơn vị chủ động xây dựng kế hoạch, đăng ký thi đua từ đầu năm, phát "
                            "huy sức mạnh đoàn kết và thực hiện tốt các phong trào thi đua."}
    if kind == PERSON:
        unit = subject.unit.name if subject.unit_id else UNFILLED
        return {"birth": str(subject.birth_year) if subject.birth_year else UNFILLED,
                "hometown": UNFILLED, "residence": UNFILLED, "qualification": UNFILLED,
                "duties": f"{subject.position or 'Cán bộ'} tại {unit}.",
                "achievements": history}
    village = subject.village.name if subject.village_id else ""
    return {"residence": ", ".join(p for p in (subject.address, village) if p) or UNFILLED,
            "characteristics": UNFILLED, "achievements": history}


def subject_texts(proposal):
    texts = default_subject_texts(proposal)
    texts.update(json.loads(proposal.texts or "{}"))
    return texts


@service("clerk")
def file_for_year(*, actor, year):
    """The newest file of ``year``, or a new one from the year's last council meeting with
    every candidate for a provincial title it passed (the batch command's default)."""
    found = (UpwardFile.select().where(UpwardFile.year == year)
             .order_by(UpwardFile.id.desc()).first())
    if found is not None:
        return found
    meeting = (Meeting.select().where(Meeting.year == year)
               .order_by(Meeting.date.desc(), Meeting.id.desc()).first())
    if meeting is None:
        raise NotFound(f"Năm {year} chưa có cuộc họp Hội đồng Thi đua - Khen thưởng nào; hãy "
                       "bình xét (bỏ phiếu kín) trước khi lập hồ sơ đề nghị cấp trên.")
    f = create_file(actor=actor, year=year, meeting=meeting)
    add_passed_candidates(actor=actor, upward_file=f)
    return f


def file_rows(*, year=None):
    """Files with their proposals and warnings, for lists and ``upward list --json``."""
    out = []
    for f in files(year=year):
        infos = subject_infos([subject_key(p) for p in proposals(f)])
        out.append({
            "id": f.id, "uuid": f.uuid, "year": f.year, "number": f.number,
            "date": vntext.format_date(f.date), "state": f.state,
            "meeting_id": f.meeting_id,
            "proposals": [{"id": p.id, "uuid": p.uuid, "kind": subject_key(p)[0],
                           "name": infos.get(subject_key(p), {}).get("name", ""),
                           "title": p.title.name,
                           "warnings": json.loads(p.warnings or "[]")}
                          for p in proposals(f)]})
    return out
