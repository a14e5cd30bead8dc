"""Wording of decisions: numbers, labels, the 'Căn cứ' lines, movement phrases, the default
achievement line and the signer's title lines (DOMAIN.md §6). No database writes."""
import re

from . import settings, vntext
from .errors import ValidationError


def format_number(seq):
    """'01/QĐ-UBND': numbers below 10 get a leading zero (Decree 30/2020)."""
    suffix = settings.get("decision_suffix") or "QĐ-UBND"
    return f"{int(seq):02d}/{suffix}"


def label(decision):
    """'Quyết định số 12/QĐ-UBND ngày 05/02/2026' (or 'Dự thảo quyết định …' without a number)."""
    if decision.number:
        return f"Quyết định số {decision.number} ngày {vntext.format_date(decision.date)}"
    return f"Dự thảo quyết định ngày {vntext.format_date(decision.date)}"


def default_bases(movement=None, meeting=None, amends=None):
    """The 'Căn cứ …' lines of a new decision: the settings' defaults, then its own sources."""
    lines = list(settings.get("decision_bases") or [])
    if movement is not None and movement.doc_number:
        when = f" ngày {vntext.format_date(movement.doc_date)}" if movement.doc_date else ""
        lines.append(f"Căn cứ Kế hoạch số {movement.doc_number}{when} về việc phát động "
                     f"{movement_phrase(movement, movement.year_from)}")
    if meeting is not None:
        lines.append("Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng xã ngày "
                     f"{vntext.format_date(meeting.date)}")
    if amends is not None:
        who = "Ủy ban nhân dân" if amends.on_behalf else "Chủ tịch Ủy ban nhân dân"
        where = settings.sentence_name(settings.get("commune_name") or "") or "xã"
        lines.append(f"Căn cứ {label(amends)} của {who} {where}"
                     + (f" {amends.about[0].lower()}{amends.about[1:]}" if amends.about else ""))
    return lines


def movement_phrase(movement, year):
    """'phong trào thi đua yêu nước năm 2025' for use inside a sentence."""
    if movement is None:
        return f"phong trào thi đua năm {year}"
    name = movement.name
    if vntext.fold(name).startswith("phong trao"):
        name = name[0].lower() + name[1:]
    return name if _YEAR.search(name) else f"{name} năm {year}"


_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


def check_movement_period(movement, period_year):
    """A decision for ``period_year`` may only cite a movement running in that year."""
    if movement is None:
        return
    start, end = movement.year_from, movement.year_to or movement.year_from
    named = {int(m.group(0)) for m in _YEAR.finditer(movement.name)}
    if (start and not start <= period_year <= end) or (
            named and not min(named) <= period_year <= max(named)):
        span = f"năm {start}" if start == end else f"các năm {start}–{end}"
        raise ValidationError(
            f"Phong trào '{movement.name}' ({span}) không thuộc năm {period_year} mà quyết định "
            "khen thưởng. Hãy chọn phong trào của năm đó, hoặc sửa năm khen thưởng.",
            field="movement")


def default_about(movement, year):
    return f"Về việc khen thưởng thành tích trong {movement_phrase(movement, year)}"


def default_achievement(movement, year, title=None):
    """The achievement line of a list row and certificate; it cites a movement only when
    the decision has one."""
    if movement is not None and movement.achievement_text:
        return movement.achievement_text
    if movement is not None:
        return f"Đã có thành tích xuất sắc trong {movement_phrase(movement, year)}"
    if title is not None and title.kind == "title":
        return f"Đạt danh hiệu “{title.name}” năm {year}"
    return f"Đã có thành tích xuất sắc năm {year}"


def signature_lines(decision):
    """Signer's title lines: 'TM. ỦY BAN NHÂN DÂN' / 'KT. CHỦ TỊCH' / 'PHÓ CHỦ TỊCH' …"""
    lines = ["TM. ỦY BAN NHÂN DÂN"] if decision.on_behalf else []
    title = (decision.signer_title or "CHỦ TỊCH").upper()
    if title != "CHỦ TỊCH":
        lines.append("KT. CHỦ TỊCH")
    lines.append(title)
    return lines
