"""What every user action shares: role check, one transaction, and the audit log."""
import datetime
import decimal
import functools
import json

import peewee

from .db import db
from .entities import User
from .errors import PermissionDenied
from . import audit_log

ROLES = {"viewer": 0, "clerk": 1, "leader": 2}
ROLE_NAMES = {"viewer": "Người xem", "clerk": "Cán bộ nhập liệu", "leader": "Lãnh đạo"}


def require(actor, role):
    """Raise PermissionDenied unless ``actor`` has at least ``role``.

    The role and the active flag are read again from the database, so an account that a
    leader has just locked or demoted loses its rights at once, in every open window.
    An actor that is not stored (the built-in command-line leader, ``batch_actor``) is
    accepted only while the database has no account at all.
    """
    if actor is None:
        raise PermissionDenied("Bạn cần đăng nhập để làm việc này.")
    if actor.get_id() is None:
        if User.select().exists():
            raise PermissionDenied(
                "Dữ liệu này đã có tài khoản: hãy đăng nhập (trên dòng lệnh: --user TÊN).")
    else:
        fresh = (User.select(User.role, User.active).where(User.id == actor.get_id())
                 .first())
        if fresh is None:
            raise PermissionDenied("Tài khoản này không còn; hãy đăng nhập lại.")
        actor.role, actor.active = fresh.role, fresh.active
    if not actor.active:
        raise PermissionDenied(f"Tài khoản {actor.username} đã bị khóa; hãy hỏi lãnh đạo.")
    if ROLES.get(actor.role, -1) < ROLES[role]:
        raise PermissionDenied(
            f"Tài khoản {actor.username} ({ROLE_NAMES.get(actor.role, actor.role)}) không có "
            f"quyền làm việc này; cần quyền {ROLE_NAMES[role]}.")


def service(role):
    """Decorate a keyword-only user action: check the role, run it in one transaction."""
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*, actor, **kwargs):
            with db.atomic():       # BEGIN IMMEDIATE: the role is checked under the lock
                require(actor, role)
                return fn(actor=actor, **kwargs)
        wrapper.required_role = role
        return wrapper
    return decorate


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, peewee.Model):
        return value.get_id()
    return value


def snapshot(instance, fields=None):
    """A JSON-friendly dict of a model instance's columns (foreign keys as ids)."""
    out = {}
    for name, field in instance._meta.fields.items():
        if fields is not None and name not in fields:
            continue
        if isinstance(field, peewee.BlobField) or name == "version":   # bookkeeping
            continue
        if isinstance(field, peewee.ForeignKeyField):
            out[name] = instance.__data__.get(name)
        else:
            out[name] = _plain(getattr(instance, name))
    return out


def diff(old, new):
    """Only the keys whose value changed: (old_part, new_part)."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


def audited_update(actor, action, record, values, *, reason=None):
    """Set ``values`` on ``record``, save it, and audit what changed (no row when nothing
    did); call inside the action's transaction."""
    old = snapshot(record)
    for key, value in values.items():
        setattr(record, key, value)
    record.save()
    before, after = diff(old, snapshot(record))
    if after:
        audit(actor, action, record, old=before, new=after, reason=reason)
    return record


def audit_many(actor, action, table, changes, *, reason=None):
    """Like ``audit`` for many rows of one table at once: ``changes`` is
    [(entity_id, old, new)] (old/new dicts or None)."""
    def text(value):
        return json.dumps(value, ensure_ascii=False, default=_plain) if value is not None \
            else None
    audit_log.append_many(username=actor.username, entries=[
        {"action": action, "entity": table, "entity_id": ident, "old": text(old),
         "new": text(new), "reason": reason or None} for ident, old, new in changes])


def audit(actor, action, entity, *, entity_id=None, old=None, new=None, reason=None):
    """Write one audit row (call inside the action's transaction)."""
    if isinstance(entity, peewee.Model):
        entity_id = entity.get_id() if entity_id is None else entity_id
        entity = entity._meta.table_name
    audit_log.append(
        username=actor.username, action=action, entity=entity, entity_id=entity_id,
        old=json.dumps(old, ensure_ascii=False, default=_plain) if old is not None else None,
        new=json.dumps(new, ensure_ascii=False, default=_plain) if new is not None else None,
        reason=reason or None)
