"""Rounds (đợt thi đua) that take their own registrations (issue 18); the movement's yearly
registrations stay as they are. Registering itself is ``registrations.register(round=…)``."""
from . import versioning, vntext
from .entities import Registration, Round
from .errors import ConflictError
from .service import audit, service, snapshot
from .subjects import display_name, subject_of


@service("clerk")
def set_own_registrations(*, actor, round, enabled):
    """Open (or close) a round to registrations of its own."""
    rnd = versioning.fresh_copy(round)      # refused if changed since ``round`` was read
    enabled = bool(enabled)
    if not enabled and Registration.select().where(Registration.round == rnd).exists():
        raise ConflictError(f"Đợt '{rnd.name}' đã có bản đăng ký riêng; không tắt được "
                            "«đăng ký theo đợt».")
    if rnd.own_registrations != enabled:
        old = snapshot(rnd)
        rnd.own_registrations = enabled
        rnd.save()
        audit(actor, "round_registrations", rnd, old=old, new=snapshot(rnd))
        round.version = rnd.version
    return rnd


def rounds_taking_registrations(movement):
    return list(Round.select().where(Round.movement == movement,
                                     Round.own_registrations == True)  # noqa: E712
                .order_by(Round.start))


def round_registrations(round):
    """[(registration, subject name)] of a round, by name."""
    regs = list(Registration.select().where(Registration.round == round))
    rows = [(r, display_name(subject_of(r))) for r in regs]
    rows.sort(key=lambda rn: vntext.name_sort_key(rn[1]))
    return rows
