"""A subject is exactly one of unit, person, household: helpers to pass and show it."""
from .entities import HOUSEHOLD, PERSON, UNIT, Household, Person, Unit
from .errors import ValidationError


def subject_kind(obj):
    if isinstance(obj, Person):
        return PERSON
    if isinstance(obj, Unit):
        return UNIT
    if isinstance(obj, Household):
        return HOUSEHOLD
    raise ValidationError("Đối tượng phải là đơn vị, cá nhân hoặc hộ gia đình.")


def subject_fields(obj):
    """Keyword arguments for a model with the three subject foreign keys."""
    kind = subject_kind(obj)
    return {"unit": obj if kind == UNIT else None,
            "person": obj if kind == PERSON else None,
            "household": obj if kind == HOUSEHOLD else None}


def subject_of(row):
    """The subject object of a row that has unit/person/household foreign keys."""
    if row.unit_id is not None:
        return row.unit
    if row.person_id is not None:
        return row.person
    return row.household


def subject_where(model, obj):
    """A peewee expression selecting rows of ``model`` about ``obj``."""
    kind = subject_kind(obj)
    return getattr(model, kind) == obj


def display_name(obj):
    """Name as a list shows it: a person's or household head's full name, a unit's name."""
    if isinstance(obj, Person):
        return obj.full_name
    if isinstance(obj, Household):
        return obj.head_name
    return obj.name


def salutation(obj):
    """'Ông'/'Bà' for a person, 'Hộ gia đình ông/bà' for a household, 'Tập thể' for a unit."""
    if isinstance(obj, Person):
        return "Ông" if obj.gender == "nam" else "Bà"
    if isinstance(obj, Household):
        return "Hộ gia đình ông" if obj.gender == "nam" else "Hộ gia đình bà"
    return "Tập thể"
