"""How a decision commends (phương thức khen thưởng): regular, themed or sudden."""
from peewee import JOIN

from .entities import AwardOccasion, Decision, Movement

REGULAR, THEMED, SUDDEN = "thuong_xuyen", "chuyen_de", "dot_xuat"
METHOD_NAMES = {REGULAR: "Thường xuyên", THEMED: "Chuyên đề", SUDDEN: "Đột xuất"}
METHODS = (REGULAR, THEMED, SUDDEN)
# AwardOccasion.method (issue 18: a sudden act, the review of a themed movement or a round)
OCCASION_METHODS = {"sudden": SUDDEN, "themed": THEMED}


def decision_method(decision):
    """"thuong_xuyen" | "chuyen_de" | "dot_xuat" for ``decision`` (a Decision row).

    A decision made as a sudden or themed award carries an AwardOccasion (issue 18) that
    says so; otherwise a decision of a themed movement (``Movement.kind == "themed"``) is
    chuyên đề, a decision with no movement is đột xuất, every other one thường xuyên. The
    statistics report (biểu 0603.N), the annual report and everything else that asks "by
    method" call only this function (or ``methods_by_decision`` for many).
    """
    occasion = (AwardOccasion.select(AwardOccasion.method)
                .where(AwardOccasion.decision == decision.id).scalar())
    if occasion is not None:
        return OCCASION_METHODS[occasion]
    if decision.movement_id is None:
        return SUDDEN
    if decision.movement.kind == "themed":
        return THEMED
    return REGULAR


def methods_by_decision(decision_ids):
    """{decision id: method} for many decisions in a few queries (same rule as above)."""
    ids = list(decision_ids)
    out = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for ident, movement_id, kind in (
                Decision.select(Decision.id, Decision.movement, Movement.kind)
                .join(Movement, JOIN.LEFT_OUTER, on=(Decision.movement == Movement.id))
                .where(Decision.id.in_(chunk)).tuples()):
            out[ident] = (SUDDEN if movement_id is None
                          else THEMED if kind == "themed" else REGULAR)
        for ident, method in (AwardOccasion.select(AwardOccasion.decision, AwardOccasion.method)
                              .where(AwardOccasion.decision.in_(chunk)).tuples()):
            out[ident] = OCCASION_METHODS[method]
    return {i: out.get(i, REGULAR) for i in ids}
