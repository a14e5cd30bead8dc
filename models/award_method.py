"""How a decision commends (phương thức khen thưởng): regular, themed or sudden."""

REGULAR, THEMED, SUDDEN = "thuong_xuyen", "chuyen_de", "dot_xuat"
METHOD_NAMES = {REGULAR: "Thường xuyên", THEMED: "Chuyên đề", SUDDEN: "Đột xuất"}


def decision_method(decision):
    """"thuong_xuyen" | "chuyen_de" | "dot_xuat" for ``decision`` (a Decision row).

    Today: a decision of a themed movement (``Movement.kind == "themed"``) is chuyên đề, a
    decision with no movement is đột xuất, every other one thường xuyên. The sudden and
    themed awards work (issue 18) extends this rule; the statistics report (biểu 0603.N)
    and everything else that asks "by method" call only this function.
    """
    if decision.movement_id is None:
        return SUDDEN
    if decision.movement.kind == "themed":
        return THEMED
    return REGULAR
