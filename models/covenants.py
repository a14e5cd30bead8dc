"""Blocs' covenants (giao ước thi đua): members, head and deputy for the year, content, signing."""
import datetime

from peewee import fn

from .entities import Covenant, CovenantMember, Unit
from .errors import ValidationError
from .movements import check_in_period, year_in_period
from .service import audit, service, snapshot
from . import versioning, vntext


ANY = object()


@service("clerk")
def save_covenant(*, actor, bloc, year, movement=None, members=None, head=None, deputy=None,
                  content="", signed_date=None, place="", signers=None, seen=ANY):
    """Create or update the covenant (giao ước) of a bloc for a year. ``seen``: the covenant
    as the clerk's dialog loaded it (None: there was none) — saved only over that version,
    so another PC's covenant saved meanwhile is never silently overwritten (StaleRecord)."""
    if not bloc.kind.is_bloc:
        raise ValidationError(f"{bloc.name} không phải là cụm/khối thi đua.", field="bloc")
    year = int(year)
    if movement is not None:
        year = year_in_period(movement, year)
    if members is None:
        members = list(Unit.select().where((Unit.parent == bloc) & (Unit.active == True))  # noqa
                       .order_by(Unit.name))
    member_ids = [m.id for m in members]
    if not member_ids:
        raise ValidationError(f"{bloc.name} chưa có đơn vị thành viên.", field="members")
    for role, unit in (("Cụm trưởng", head), ("Cụm phó", deputy)):
        if unit is not None and unit.id not in member_ids:
            raise ValidationError(f"{role} phải là thành viên của {bloc.name}.", field="head")
    if head is not None and deputy is not None and head.id == deputy.id:
        raise ValidationError("Cụm trưởng và cụm phó phải là hai đơn vị khác nhau.",
                              field="deputy")
    if signed_date not in (None, "") and not isinstance(signed_date, datetime.date):
        signed_date = vntext.parse_date(signed_date, field="signed_date")
    if signed_date is not None:
        if movement is not None:
            check_in_period(movement, signed_date, "Ngày ký giao ước", "signed_date")
        elif signed_date.year not in (year - 1, year):
            raise ValidationError(f"Ngày ký giao ước {vntext.format_date(signed_date)} không "
                                  f"thuộc năm {year}.", field="signed_date")
    cov = Covenant.get_or_none((Covenant.bloc == bloc) & (Covenant.year == year)
                               & (Covenant.movement == movement if movement is not None
                                  else Covenant.movement.is_null()))
    if seen is not ANY:
        _check_seen(cov, seen)
    old = dict(snapshot(cov), members=sorted(m.unit_id for m in covenant_members(cov))) \
        if cov else None
    if cov is None:
        cov = Covenant(bloc=bloc, year=year, movement=movement)
    cov.head, cov.deputy = head, deputy
    vntext.validate_name(content or "", label="Nội dung giao ước", max_len=20000,
                         required=False, field="content")
    cov.content = "\n".join(vntext.clean_text(line) for line in (content or "").splitlines())
    cov.signed_date = signed_date
    cov.place = vntext.clean_text(place)
    cov.save()
    CovenantMember.delete().where(CovenantMember.covenant == cov).execute()
    signers = signers or {}
    CovenantMember.insert_many([
        {"covenant": cov.id, "unit": m.id,
         "signer": vntext.clean_text(signers.get(m.id, m.leader_name))} for m in members
    ]).execute()
    audit(actor, "save_covenant", cov, old=old, new=dict(snapshot(cov),
                                                         members=sorted(member_ids)))
    if seen is not ANY and seen is not None:
        seen.version = cov.version
    return cov


def _check_seen(cov, seen):
    """The stored covenant must be the one the dialog showed, at the version it showed."""
    if seen is None and cov is None:
        return
    if seen is None:              # made on another PC while this one typed a new one
        raise versioning.StaleRecord(versioning.stale_message(Covenant, cov.id, 0))
    if cov is None or cov.id != seen.id:
        raise versioning.StaleRecord(versioning.stale_message(Covenant, seen.id,
                                                              seen.version or 1))
    cov.version = seen.version    # cov.save() then writes only over that version


@service("clerk")
def delete_covenant(*, actor, covenant):
    old = snapshot(covenant)
    covenant.delete_instance(recursive=True)
    audit(actor, "delete_covenant", "covenant", entity_id=old["id"], old=old)


def covenants(*, year=None):
    query = Covenant.select(Covenant, Unit).join(Unit, on=(Covenant.bloc == Unit.id))
    if year is not None:
        query = query.where(Covenant.year == year)
    return sorted(query, key=lambda c: (-c.year, vntext.text_sort_key(c.bloc.name)))


def covenant_members(covenant):
    return list(CovenantMember.select(CovenantMember, Unit).join(Unit)
                .where(CovenantMember.covenant == covenant).order_by(CovenantMember.id))




def covenant_rows(*, year=None):
    """(id, bloc, year, head, deputy, members, signed_date, movement) for the covenants table."""
    counts = dict(CovenantMember.select(CovenantMember.covenant, fn.COUNT(CovenantMember.id))
                  .group_by(CovenantMember.covenant).tuples())
    names = dict(Unit.select(Unit.id, Unit.name).tuples())
    out = []
    for c in covenants(year=year):
        out.append((c.id, c.bloc.name, c.year, names.get(c.head_id, ""),
                    names.get(c.deputy_id, ""), counts.get(c.id, 0), c.signed_date,
                    c.movement.name if c.movement_id else ""))
    return out


def get_covenant(covenant_id):
    return Covenant.get_by_id(covenant_id)


def find_covenant(bloc, year):
    """The covenant of ``bloc`` for ``year``, or None."""
    return Covenant.get_or_none((Covenant.bloc == bloc) & (Covenant.year == year))
