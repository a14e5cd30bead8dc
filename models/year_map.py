"""The clerk's map of the year (DOMAIN.md §2): each step's state computed from the records.

``year_steps(year)`` returns the steps in the order of the yearly cycle — launch,
registrations, criteria table, score sheets, scoring, council, public list, decision,
certificates, backup — each with its state (not started / in progress / done), what has been done, what is
still missing, and the page (with a filter) where the clerk continues. Plain aggregate
queries: the large commune (108,000 registrations, 84,000 awards) answers in milliseconds.
"""
import datetime
import os
from dataclasses import dataclass, field

from peewee import JOIN, fn

from . import vntext
from .award_history import IN_FORCE, award_year
from .entities import (Award, Candidate, CriteriaSet, Criterion, Decision, Meeting, Movement,
                       PrintLog, PublicComment, PublicPosting, Registration, ScoreSheet,
                       Target, Vote)

TODO, PROGRESS, DONE = "todo", "progress", "done"
STATE_NAMES = {TODO: "Chưa bắt đầu", PROGRESS: "Đang làm", DONE: "Đã xong"}


@dataclass
class Step:
    key: str
    label: str
    page: str                      # main-window page key that continues the step
    state: str = TODO
    done: str = ""                 # what the records show ("3 phong trào")
    missing: list = field(default_factory=list)   # what is still to do, one line each
    hint: str = ""                 # what to do first when the step has not started
    filters: dict = field(default_factory=dict)  # handed to the page (year, movement, …)


def _n(value):
    return vntext.format_int(value)


def _launch(year):
    step = Step("launch", "Phát động phong trào thi đua", "movements",
                hint="Tạo phong trào thi đua của năm (tên, chủ đề, chỉ tiêu, đợt thi đua).")
    movements = list(Movement.select(Movement.id, Movement.name)
                     .where((Movement.year_from <= year) & (Movement.year_to >= year)))
    if movements:
        step.state = DONE
        step.done = f"{_n(len(movements))} phong trào áp dụng cho năm {year}"
        targets = (Target.select(fn.COUNT(Target.id))
                   .where(Target.movement.in_([m.id for m in movements])).scalar())
        if not targets:
            step.missing.append("Chưa có chỉ tiêu nào (dán danh sách chỉ tiêu từ kế hoạch).")
    else:
        step.missing.append(f"Chưa có phong trào nào cho năm {year}.")
    step.filters = {"year": year}
    return step


def _registrations(year):
    step = Step("registrations", "Đăng ký thi đua", "registrations",
                hint="Đăng ký cho đơn vị, cá nhân, hộ gia đình (có đăng ký hàng loạt theo thôn).",
                filters={"year": year})
    counts = dict(Registration.select(Registration.state, fn.COUNT(Registration.id))
                  .where(Registration.year == year).group_by(Registration.state).tuples())
    total = sum(counts.values())
    if not total:
        step.missing.append("Chưa có đăng ký thi đua nào.")
        return step
    accepted = counts.get("accepted", 0)
    waiting = counts.get("submitted", 0)
    drafts = counts.get("draft", 0)
    returned = counts.get("returned", 0)
    # counted as "Báo cáo" counts them (statistics.annual_summary): without the returned ones
    step.done = (f"{_n(total - returned)} đăng ký, {_n(accepted)} đã duyệt"
                 + (f" (không tính {_n(returned)} bị trả lại)" if returned else ""))
    if waiting:
        step.missing.append(f"{_n(waiting)} đăng ký đã gửi, chờ duyệt.")
        step.filters["state"] = "submitted"
    if drafts:
        step.missing.append(f"{_n(drafts)} đăng ký còn nháp, chưa gửi.")
    if returned:
        step.missing.append(f"{_n(returned)} đăng ký bị trả lại, chờ sửa.")
    step.state = PROGRESS if step.missing else DONE
    return step


def _criteria(year):
    step = Step("criteria", "Bảng tiêu chí chấm điểm", "scoring", filters={"year": year},
                hint="Tạo bảng tiêu chí (hoặc sao chép từ năm trước, nhập từ Excel).")
    sets = list(CriteriaSet.select(CriteriaSet.id, CriteriaSet.name, fn.COUNT(Criterion.id))
                .join(Criterion, JOIN.LEFT_OUTER).where(CriteriaSet.year == year)
                .group_by(CriteriaSet.id).tuples())
    if not sets:
        step.missing.append(f"Chưa có bảng tiêu chí nào cho năm {year}.")
        return step
    empty = [name for _, name, n in sets if not n]
    step.done = f"{_n(len(sets))} bảng tiêu chí"
    for name in empty:
        step.missing.append(f"Bảng «{name}» chưa có tiêu chí nào.")
    step.state = PROGRESS if empty else DONE
    return step


def _registered_units(year):
    return set(Registration.select(Registration.unit)
               .where((Registration.year == year) & Registration.unit.is_null(False)
                      & (Registration.state != "returned")).tuples())


def _sheets(year):
    """(sheet step, scoring step): sheets exist for the registered units; then finalised."""
    sheets = Step("sheets", "Phiếu chấm điểm của đơn vị", "scoring", filters={"year": year},
                  hint="Mở bảng tiêu chí và tạo phiếu chấm cho các đơn vị đã đăng ký.")
    scoring = Step("scoring", "Chấm điểm, thẩm định, chốt kết quả", "scoring",
                   filters={"year": year},
                   hint="Đơn vị tự chấm, Hội đồng/khối trưởng thẩm định rồi chốt phiếu.")
    states = dict(ScoreSheet.select(ScoreSheet.state, fn.COUNT(ScoreSheet.id))
                  .join(CriteriaSet).where(CriteriaSet.year == year)
                  .group_by(ScoreSheet.state).tuples())
    total = sum(states.values())
    registered = {u for (u,) in _registered_units(year)}
    with_sheet = {u for (u,) in ScoreSheet.select(ScoreSheet.unit).join(CriteriaSet)
                  .where((CriteriaSet.year == year) & ScoreSheet.unit.is_null(False)).tuples()}
    without = registered - with_sheet
    if total:
        sheets.done = f"{_n(total)} phiếu chấm điểm"
        sheets.state = PROGRESS if without else DONE
    elif registered:
        sheets.missing.append(f"{_n(len(registered))} đơn vị đã đăng ký chưa có phiếu chấm điểm.")
    if total and without:
        sheets.missing.append(f"{_n(len(without))} đơn vị đã đăng ký chưa có phiếu chấm điểm.")
    if total:
        final = states.get("finalised", 0)
        scoring.done = f"{_n(final)}/{_n(total)} phiếu đã chốt"
        labels = (("draft", "chưa nộp phiếu chấm điểm (còn nháp)"),
                  ("submitted", "đã nộp, chờ thẩm định"), ("checked", "đã thẩm định, chưa chốt"))
        for state, text in labels:
            if states.get(state):
                scoring.missing.append(f"{_n(states[state])} đơn vị {text}.")
        started = final or len(states) > 1 or "draft" not in states or (
            ScoreSheet.select().join(CriteriaSet)
            .where((CriteriaSet.year == year) & ScoreSheet.self_total.is_null(False)).exists())
        scoring.state = DONE if final == total else PROGRESS if started else TODO
    return sheets, scoring


def _council(year):
    step = Step("council", "Hội đồng bình xét, biểu quyết", "decisions",
                filters={"year": year, "tab": "candidates"},
                hint="Lập danh sách ứng viên từ đăng ký và kết quả chấm, rồi ghi cuộc họp "
                     "Hội đồng và kết quả biểu quyết.")
    candidates = (Candidate.select(fn.COUNT(Candidate.id))
                  .where((Candidate.year == year) & (Candidate.removed == False))  # noqa: E712
                  .scalar()) or 0
    meetings = Meeting.select(fn.COUNT(Meeting.id)).where(Meeting.year == year).scalar() or 0
    if not candidates and not meetings:
        step.missing.append("Chưa có danh sách ứng viên.")
        return step
    voted = (Vote.select(fn.COUNT(fn.DISTINCT(Vote.candidate))).join(Meeting)
             .where(Meeting.year == year).scalar()) or 0
    passed = (Vote.select(fn.COUNT(fn.DISTINCT(Vote.candidate))).join(Meeting)
              .where((Meeting.year == year) & (Vote.passed == True)).scalar()) or 0  # noqa: E712
    step.done = (f"{_n(candidates)} ứng viên, {_n(meetings)} cuộc họp, "
                 f"{_n(passed)} được đề nghị")
    if not meetings:
        step.missing.append("Chưa ghi cuộc họp Hội đồng nào.")
    unvoted = max(candidates - voted, 0)
    if unvoted:
        step.missing.append(f"{_n(unvoted)} ứng viên chưa có kết quả biểu quyết.")
    step.state = PROGRESS if step.missing else DONE
    return step


def _public_list(year, today=None):
    """Danh sách công khai (Law 06/2022: công khai, minh bạch): every meeting's result posted,
    the comment period over, every comment settled before the decision."""
    today = today or datetime.date.today()
    step = Step("public", "Công khai danh sách, nhận ý kiến", "decisions",
                filters={"year": year, "tab": "public"},
                hint="Niêm yết kết quả bình xét tại trụ sở UBND và nhà văn hóa các thôn, "
                     "ghi nhận ý kiến trong thời gian công khai.")
    meetings = [m for (m,) in Meeting.select(Meeting.id).where(Meeting.year == year).tuples()]
    if not meetings:
        step.missing.append("Chưa có cuộc họp Hội đồng để công khai kết quả.")
        return step
    postings = list(PublicPosting.select(PublicPosting.meeting, PublicPosting.comments_until)
                    .where(PublicPosting.meeting.in_(meetings)).tuples())
    comments = dict(PublicComment.select(PublicComment.state, fn.COUNT(PublicComment.id))
                    .join(Candidate).where(Candidate.year == year)
                    .group_by(PublicComment.state).tuples())
    open_count = comments.get("open", 0)
    step.done = (f"{_n(len(postings))} danh sách đã niêm yết, "
                 f"{_n(sum(comments.values()))} ý kiến ({_n(comments.get('resolved', 0))} "
                 "đã giải quyết)")
    unposted = len(set(meetings) - {m for m, _ in postings})
    if unposted:
        step.missing.append(f"{_n(unposted)} cuộc họp chưa công khai danh sách.")
    running = [until for _, until in postings if until and until >= today]
    if running:
        step.missing.append("Đang trong thời gian nhận ý kiến đến "
                            f"{vntext.format_date(max(running))}.")
    if open_count:
        step.missing.append(f"{_n(open_count)} ý kiến phản ánh chưa giải quyết.")
    if not postings:
        return step
    step.state = PROGRESS if step.missing else DONE
    return step


def _decisions(year):
    step = Step("decisions", "Quyết định khen thưởng", "decisions",
                filters={"year": year, "tab": "decisions"},
                hint="Tạo dự thảo quyết định từ kết quả bình xét, kiểm tra số tiền rồi ban hành.")
    year_of = fn.COALESCE(Decision.period_year, Decision.year)
    states = dict(Decision.select(Decision.state, fn.COUNT(Decision.id))
                  .where(year_of == year).group_by(Decision.state).tuples())
    if not states:
        step.missing.append(f"Chưa có quyết định khen thưởng nào cho năm {year}.")
        return step
    issued = states.get("issued", 0)
    awards, amount = (Award.select(fn.COUNT(Award.id), fn.COALESCE(fn.SUM(Award.amount), 0))
                      .join(Decision).where((award_year() == year)
                                            & (Decision.state == IN_FORCE)).tuples().get())
    step.done = (f"{_n(issued)} quyết định đã ban hành, {_n(awards)} khen thưởng, "
                 f"{vntext.format_money(amount)}")
    if states.get("draft"):
        step.missing.append(f"{_n(states['draft'])} quyết định còn là dự thảo, chưa ban hành.")
    passed_free = (Vote.select(fn.COUNT(fn.DISTINCT(Vote.candidate))).join(Meeting)
                   .switch(Vote).join(Award, JOIN.LEFT_OUTER,
                                      on=(Award.candidate == Vote.candidate))
                   .where((Meeting.year == year) & (Vote.passed == True)  # noqa: E712
                          & Award.id.is_null()).scalar()) or 0
    if passed_free:
        step.missing.append(f"{_n(passed_free)} ứng viên được Hội đồng đề nghị chưa có "
                            "trong quyết định nào.")
    step.state = PROGRESS if step.missing or not issued else DONE
    return step


def _certificates(year):
    step = Step("certificates", "In giấy khen và vào sổ", "certificates", filters={"year": year},
                hint="Chọn quyết định đã ban hành và in giấy khen (trên phôi hoặc giấy trắng).")
    awards = (Award.select(fn.COUNT(Award.id)).join(Decision)
              .where((award_year() == year) & (Decision.state == IN_FORCE)).scalar()) or 0
    if not awards:
        step.missing.append("Chưa có quyết định đã ban hành để in giấy khen.")
        return step
    printed = (Award.select(fn.COUNT(fn.DISTINCT(Award.id))).join(Decision).switch(Award)
               .join(PrintLog, on=(PrintLog.award == Award.id))
               .where((award_year() == year) & (Decision.state == IN_FORCE)).scalar()) or 0
    step.done = f"{_n(printed)}/{_n(awards)} giấy khen đã in"
    if printed < awards:
        step.missing.append(f"{_n(awards - printed)} giấy khen chưa in.")
    step.state = DONE if printed >= awards else PROGRESS if printed else TODO
    return step


def _backup(year, backup_folder):
    step = Step("backup", "Báo cáo năm và sao lưu", "backup", filters={"year": year},
                hint="Xuất báo cáo năm (Excel) và sao lưu dữ liệu ra USB.")
    newest = None
    if backup_folder and os.path.isdir(backup_folder):
        times = [os.path.getmtime(os.path.join(backup_folder, name))
                 for name in os.listdir(backup_folder) if name.endswith(".sqlite3")]
        newest = max(times) if times else None
    if newest is None:
        step.missing.append("Chưa có bản sao lưu nào.")
        return step
    when = datetime.datetime.fromtimestamp(newest)
    step.done = f"Bản sao lưu gần nhất: {vntext.format_date(when.date())}"
    age = (datetime.datetime.now() - when).days
    if age > 7:
        step.missing.append(f"Bản sao lưu gần nhất đã {age} ngày: hãy sao lưu ra USB.")
    step.state = PROGRESS if step.missing else DONE
    return step


def year_steps(year, *, backup_folder=None):
    """The steps of ``year`` in the order of the yearly cycle (see module docstring)."""
    sheets, scoring = _sheets(year)
    return [_launch(year), _registrations(year), _criteria(year), sheets, scoring,
            _council(year), _public_list(year), _decisions(year), _certificates(year),
            _backup(year, backup_folder)]


def first_to_do(steps):
    """The first step that is not done (what the clerk should do next), or None."""
    return next((s for s in steps if s.state != DONE), None)


def active_years():
    """Years that have any record, newest first, always including this year."""
    years = {datetime.date.today().year}
    years.update(y for (y,) in Registration.select(Registration.year).distinct().tuples())
    years.update(y for (y,) in CriteriaSet.select(CriteriaSet.year).distinct().tuples())
    years.update(y for (y,) in Decision.select(
        fn.COALESCE(Decision.period_year, Decision.year)).distinct().tuples())
    for a, b in Movement.select(Movement.year_from, Movement.year_to).tuples():
        years.update(range(a, min(b, a + 20) + 1))
    return sorted((y for y in years if y), reverse=True)
