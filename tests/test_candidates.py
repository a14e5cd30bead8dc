"""Candidates built from registrations and scores, with the warnings of DOMAIN.md §3."""
import json

import pytest

from models import candidates, catalogue, settings
from models.entities import Candidate
from models.errors import ConflictError, PermissionDenied, ValidationError
from tests.decision_fixtures import YEAR, make_year


def _rows(org):
    return candidates.candidate_rows(movement=org["movement"], year=YEAR)


def _find(rows, name, title):
    return next(r for r in rows if r["name"] == name and r["title"] == title)


def test_build_from_registrations_and_bands(database, clerk):
    org = make_year(clerk)
    result = candidates.build_candidates(actor=clerk, movement=org["movement"], year=YEAR)
    rows = _rows(org)
    names = {(r["name"], r["title"]) for r in rows}
    # Tổ dân phố 1 is only "Khá": registered but not a candidate
    assert ("Tổ dân phố 1", "Thôn, tổ dân phố văn hóa") not in names
    assert ("Thôn Đông Hòa", "Thôn, tổ dân phố văn hóa") in names
    assert ("Trường Tiểu học Tân Lập", "Tập thể lao động tiên tiến") in names
    assert ("Nguyễn Văn An", "Chiến sĩ thi đua cơ sở") in names
    assert ("Hoàng Thị Em", "Giấy khen của Chủ tịch Ủy ban nhân dân xã") in names
    assert result["added"] == len(rows) == 8
    # order: individuals, then collectives, then households
    assert [r["kind"] for r in rows] == sorted((r["kind"] for r in rows),
                                               key=["person", "unit", "household"].index)
    # building again adds nothing and keeps the list
    again = candidates.build_candidates(actor=clerk, movement=org["movement"], year=YEAR)
    assert again["added"] == 0 and again["total"] == 8


def test_warnings_from_the_records(database, clerk):
    org = make_year(clerk)
    candidates.build_candidates(actor=clerk, movement=org["movement"], year=YEAR)
    rows = _rows(org)
    binh = _find(rows, "Trần Thị Bình", "Chiến sĩ thi đua cơ sở")
    assert any("Lao động tiên tiến" in w for w in binh["warnings"])
    an = _find(rows, "Nguyễn Văn An", "Chiến sĩ thi đua cơ sở")
    assert not any("điều kiện của Chiến sĩ" in w for w in an["warnings"])
    school = _find(rows, "Trường Tiểu học Tân Lập", "Tập thể lao động tiên tiến")
    # An is LĐTT, Bình is not: 1/2 = 50 % < 70 %
    assert any("1/2" in w and "70 %" in w for w in school["warnings"])
    cuong = _find(rows, "Lê Đức Cường", "Lao động tiên tiến")
    assert "Bản đăng ký thi đua chưa được duyệt." in cuong["warnings"]
    em = _find(rows, "Hoàng Thị Em", "Giấy khen của Chủ tịch Ủy ban nhân dân xã")
    assert any("Khá" in w for w in em["warnings"])      # her village is only "Khá"
    # the share is a setting
    settings.update_settings(actor=_leader(), values={"collective_ldtt_share": 50})
    candidates.refresh_warnings(movement=org["movement"], year=YEAR)
    school = _find(_rows(org), "Trường Tiểu học Tân Lập", "Tập thể lao động tiên tiến")
    assert not any("thành viên" in w for w in school["warnings"])


def _leader():
    from models.entities import User
    return User.create(username="ld2", full_name="Lãnh đạo", role="leader",
                       password_hash="x")


def test_caps_are_configurable_and_none_by_default(database, clerk):
    org = make_year(clerk)
    candidates.build_candidates(actor=clerk, movement=org["movement"], year=YEAR)
    assert not any("vượt giới hạn" in w for r in _rows(org) for w in r["warnings"])
    settings.update_settings(actor=_leader(),
                             values={"title_caps": {"CSTDCS": {"of": "LDTT", "max_pct": 50}}})
    candidates.refresh_warnings(movement=org["movement"], year=YEAR)
    # 2 CSTĐCS against 2 LĐTT at 50 % → at most 1
    capped = [r for r in _rows(org) if any("vượt giới hạn" in w for w in r["warnings"])]
    assert {r["title"] for r in capped} == {"Chiến sĩ thi đua cơ sở"} and len(capped) == 2


def test_add_and_remove_need_a_reason(database, clerk, viewer):
    org = make_year(clerk)
    mv = org["movement"]
    candidates.build_candidates(actor=clerk, movement=mv, year=YEAR)
    v2 = org["villages"][1]
    tdpvh = catalogue.title_by_code("TDPVH")
    with pytest.raises(ValidationError):
        candidates.add_candidate(actor=clerk, movement=mv, year=YEAR, subject=v2, title=tdpvh,
                                 reason="  ")
    with pytest.raises(PermissionDenied):
        candidates.add_candidate(actor=viewer, movement=mv, year=YEAR, subject=v2,
                                 title=tdpvh, reason="x")
    cand = candidates.add_candidate(actor=clerk, movement=mv, year=YEAR, subject=v2,
                                    title=tdpvh, reason="Hội đồng đề nghị bổ sung")
    assert cand.source == "manual"
    with pytest.raises(ConflictError):
        candidates.add_candidate(actor=clerk, movement=mv, year=YEAR, subject=v2, title=tdpvh,
                                 reason="lần hai")
    # a title that does not fit the subject
    with pytest.raises(ValidationError) as err:
        candidates.add_candidate(actor=clerk, movement=mv, year=YEAR, subject=org["office"],
                                 title=tdpvh, reason="x")
    assert "không dành cho" in str(err.value)
    with pytest.raises(ValidationError):
        candidates.remove_candidate(actor=clerk, candidate=cand, reason="")
    candidates.remove_candidate(actor=clerk, candidate=cand, reason="Có đơn thư")
    row = _find(_rows(org), "Tổ dân phố 1", "Thôn, tổ dân phố văn hóa")
    assert row["removed"] and row["reason"] == "Có đơn thư"
    # a rebuild keeps the clerk's removal
    candidates.build_candidates(actor=clerk, movement=mv, year=YEAR)
    assert Candidate.get_by_id(cand.id).removed
    assert json.loads(Candidate.get_by_id(cand.id).warnings) is not None


def test_many_removed_at_once_with_one_warning_pass(database, clerk, viewer):
    from models.entities import AuditLog
    org = make_year(clerk)
    candidates.build_candidates(actor=clerk, movement=org["movement"], year=YEAR)
    rows = _rows(org)
    ldtt = [r for r in rows if r["kind"] == "person" and r["title"] == "Lao động tiên tiến"]
    school = _find(rows, "Trường Tiểu học Tân Lập", "Tập thể lao động tiên tiến")
    assert any("1/2" in w for w in school["warnings"]) and len(ldtt) >= 2
    first = Candidate.get_by_id(ldtt[0]["id"])
    candidates.remove_candidate(actor=clerk, candidate=first, reason="Có đơn thư")
    ids = [r["id"] for r in ldtt]
    with pytest.raises(ValidationError):
        candidates.remove_candidates(actor=clerk, ids=ids, reason="  ")
    with pytest.raises(PermissionDenied):
        candidates.remove_candidates(actor=viewer, ids=ids, reason="x")
    seen = []
    removed = candidates.remove_candidates(actor=clerk, ids=ids, reason="Chuyển công tác",
                                           progress=lambda done, total: seen.append(total))
    assert removed == len(ids) - 1 and seen and seen[-1] == len(ids)
    after = {r["id"]: r for r in _rows(org)}
    assert after[first.id]["reason"] == "Có đơn thư"          # already removed: kept as it was
    assert all(after[i]["removed"] and after[i]["reason"] == "Chuyển công tác" for i in ids[1:])
    assert (AuditLog.select().where(AuditLog.action == "remove_candidate").count()
            == len(ids))
    # the warnings were recomputed: no member of the school is a LĐTT candidate any more
    school = after[school["id"]]
    assert any("0/2" in w for w in school["warnings"])


def test_long_lists_read_the_same_history_in_one_scan(database, clerk, monkeypatch):
    """Lists longer than FEW_IDS read every title award once and keep their subjects'; the
    rows and warnings are those a short list's own history gives."""
    from models.entities import Award, Decision, Person, Title
    org = make_year(clerk)
    candidates.build_candidates(actor=clerk, movement=org["movement"], year=YEAR)
    an = Person.get(Person.full_name == "Nguyễn Văn An")
    ldtt = Title.get(Title.code == "LDTT")
    for year in (YEAR - 2, YEAR - 1):        # An's titles of the two years before
        decision = Decision.create(number=f"{year}/QĐ", date=f"{year}-12-20", year=year,
                                   period_year=year, state="draft", signer_name="X")
        Award.create(decision=decision, person=an, title=ldtt, display_name=an.full_name,
                     order=1)
        Decision.update(state="issued").where(Decision.id == decision.id).execute()
    short = _rows(org)
    warnings = {c.id: c.warnings for c in Candidate.select()}
    assert any(r["years"] == [YEAR - 2, YEAR - 1] for r in short if r["subject_id"] == an.id)
    monkeypatch.setattr(candidates, "FEW_IDS", 0)
    assert _rows(org) == short
    candidates.refresh_warnings(movement=org["movement"], year=YEAR)
    assert {c.id: c.warnings for c in Candidate.select()} == warnings


def _issue(year, awards, *, state="issued"):
    """A decision for ``year`` with ``awards`` [(subject field, subject, title code)]."""
    from models.entities import Award, Decision, Title
    decision = Decision.create(number=f"{year}-{state}-{len(awards)}/QĐ",
                               date=f"{min(year, 2099)}-12-20", year=year, period_year=year,
                               state="draft", signer_name="X")
    for order, (field, subject, code) in enumerate(awards, 1):
        Award.create(decision=decision, title=Title.get(Title.code == code), order=order,
                     display_name=str(subject.id), **{field: subject})
    Decision.update(state=state).where(Decision.id == decision.id).execute()


def test_years_in_a_row_are_those_of_the_title_years(database, clerk, monkeypatch):
    """The years in a row of the list (one SQL sum of title-year bits per subject) are those
    the subject's own title years give: a gap ends a run, a year not decided yet leaves the
    run ending the year before, two titles in one year count once, later years, drafts and
    forms (not titles) do not count; long lists, and runs longer than the bits, the same."""
    from models import award_history
    org = make_year(clerk)
    candidates.build_candidates(actor=clerk, movement=org["movement"], year=YEAR)
    an, binh, cuong = org["people"]
    village = org["villages"][0]
    house = org["households"][0]
    _issue(YEAR - 4, [("person", binh, "LDTT"), ("unit", village, "TDPVH")])
    _issue(YEAR - 3, [("person", an, "LDTT"), ("unit", village, "TDPVH")])
    _issue(YEAR - 2, [("person", an, "LDTT"), ("person", binh, "LDTT"),
                      ("household", house, "GDVH"), ("unit", village, "TDPVH")])
    _issue(YEAR - 1, [("person", an, "LDTT"), ("person", an, "CSTDCS"),
                      ("person", binh, "LDTT"), ("unit", village, "TDPVH")])
    _issue(YEAR, [("person", binh, "LDTT"), ("unit", village, "TDPVH")])
    _issue(YEAR + 1, [("person", cuong, "LDTT")])                 # a later year
    _issue(YEAR, [("person", cuong, "LDTT")], state="draft")      # not in force
    _issue(YEAR - 1, [("person", cuong, "GK_CN")])                # a form, not a title
    rows = _rows(org)
    years = {(r["kind"], r["subject_id"]): (r["years"], r["years_text"]) for r in rows}
    assert years[("person", an.id)] == ([YEAR - 3, YEAR - 2, YEAR - 1],
                                        f"{YEAR - 3}–{YEAR - 1} (3 năm liên tục)")
    assert years[("person", binh.id)] == ([YEAR - 2, YEAR - 1, YEAR],
                                          f"{YEAR - 2}–{YEAR} (3 năm liên tục)")
    assert years[("unit", village.id)][0] == list(range(YEAR - 4, YEAR + 1))
    assert years[("person", cuong.id)] == ([], "")
    assert years[("household", house.id)] == ([], "")        # YEAR - 1 missing
    # the same as the years the awards give, row by row (what the list showed before)
    history = award_history.title_year_sets(keys=set(years))
    for key, (run, text) in years.items():
        by_year = history.get(key, set())
        expected = award_history.consecutive_run(
            by_year, YEAR if YEAR in by_year else YEAR - 1)
        assert run == expected and text == (award_history.format_run(run) if run else "")
    # proposed upward: the warning names the run (stored with the candidate)
    settings.update_settings(actor=_leader(), values={"upward_years": 4})
    tinh = catalogue.title_by_code("CSTD_TINH")
    for person in (an, cuong):
        candidates.add_candidate(actor=clerk, movement=org["movement"], year=YEAR,
                                 subject=person, title=tinh, reason="Đề nghị tỉnh")
    rows = _rows(org)
    upward = {r["subject_id"]: r["warnings"] for r in rows if r["title"] == tinh.name}
    assert (f"Đề nghị cấp trên: mới có danh hiệu {YEAR - 3}–{YEAR - 1} (3 năm liên tục); "
            "thường cần 4 năm liên tục.") in upward[an.id]
    assert ("Đề nghị cấp trên: mới có danh hiệu chưa có năm nào; thường cần 4 năm liên "
            "tục.") in upward[cuong.id]
    stored = {c.id: c.warnings for c in Candidate.select()}
    monkeypatch.setattr(candidates, "FEW_IDS", 0)                 # a long list: one scan
    assert _rows(org) == rows
    monkeypatch.setattr(award_history, "RUN_YEARS", 3)            # runs longer than the bits
    assert _rows(org) == rows
    candidates.refresh_warnings(movement=org["movement"], year=YEAR)
    assert {c.id: c.warnings for c in Candidate.select()} == stored
    monkeypatch.setattr(candidates, "FEW_IDS", 500)
    assert _rows(org) == rows
    candidates.refresh_warnings(movement=org["movement"], year=YEAR)
    assert {c.id: c.warnings for c in Candidate.select()} == stored
    tuples = candidates.candidate_tuples(movement=org["movement"], year=YEAR)
    assert [dict(zip(candidates.ROW_FIELDS, t), warnings=list(t[12]), years=list(t[13]))
            for t in tuples] == rows
