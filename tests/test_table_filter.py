"""Filter-as-you-type of FilterTableModel: typing on searches only the rows shown, and every
text gives the rows and order of a search over all rows."""
import random

from gui.table_model import Col, FilterTableModel
from models import vntext

NAMES = ["Nguyễn Văn An", "Nguyễn Thị Bình", "Trần Văn Nguyên", "Lê Thị Ngọc", "Phạm Nguyệt",
         "Nguyễn Văn Anh", "Hoàng Văn Nguyễn", "Đặng Thị Vân", "Ngô Văn Nam", "Bùi Thị Ngân"]
VILLAGES = ["Thôn Đông", "Thôn Bắc Trung", "Tổ dân phố 3", "Xóm Ngang"]


class Model(FilterTableModel):
    COLUMNS = [Col("Tên", 1), Col("Thôn", 2)]
    ACTIVE_INDEX = 3

    def __init__(self, rows):
        super().__init__()
        self._rows = rows

    def load(self):
        return self._rows

    def key(self, row):
        return f"{row[1]} {row[2]}"


def full_search(model):
    """What a search over every row gives, written independently of the model."""
    words = vntext.fold(model.filter_text).split()
    return [i for i, k in enumerate(model.keys)
            if all(w in k for w in words)
            and (model.extra_filter is None or model.extra_filter(model.rows[i]))]


def make_rows(rng, n):
    return [(i, rng.choice(NAMES), rng.choice(VILLAGES), rng.random() < 0.9) for i in range(n)]


def test_typing_on_and_back_gives_the_rows_of_a_full_search(qapp):
    rng = random.Random(15)
    model = Model(make_rows(rng, 3000))
    model.reload()
    texts = ["", "n", "ng", "ngu", "nguy", "nguye", "nguyen", "nguyen ", "nguyen v",
             "nguyen va", "nguyen van", "nguyen van a", "nguyen van", "nguyen", "ngu",
             "Nguyễn Văn", "văn nguyễn", "van nguyen an", "an nguyen", "thon", "thon dong",
             "dong thon", "thon dong n", "xom  ngang", "", "ngoc", "ng oc", "ng", "n g"]
    sizes = set()
    for text in texts:
        model.set_filter(text)
        assert model.visible == full_search(model), text
        sizes.add(len(model.visible))
    assert len(sizes) >= 8 and 0 < min(sizes) and max(sizes) == len(model.rows)


def test_narrowing_after_extra_filter_sort_and_changed_rows(qapp):
    rng = random.Random(7)
    model = Model(make_rows(rng, 800))
    model.reload()
    model.set_filter("ng")
    model.set_extra_filter(lambda row: row[3])
    model.set_filter("ngu")
    assert model.visible == full_search(model)
    # rows changed in place (a name edited elsewhere): "ngu" → "nguy" must see them
    changes = [(i, (model.rows[i][0], "Nguyễn Bích", "Thôn Đông", True), None)
               for i in range(0, 800, 3)]
    changes = [(i, row, vntext.fold(f"{row[1]} {row[2]}")) for i, row, _ in changes]
    model.put_rows(changes)
    for text in ("nguy", "nguyen", "nguyen b", "nguyen bich"):
        model.set_filter(text)
        assert model.visible == full_search(model), text
    assert len(model.visible) >= 800 // 3 - 5
    model.set_extra_filter(None)
    model.set_filter("nguyen bich t")
    assert model.visible == full_search(model)
    # read again: new lists, and a shorter one
    model._rows = make_rows(rng, 200)
    model.reload()
    model.set_filter("nguyen bich th")
    assert model.visible == full_search(model)
    model.sort(0)
    model.set_filter("nguyen bich tho")
    assert model.visible == full_search(model)
    assert [model.rows[i][1] for i in model.visible] == sorted(
        (model.rows[i][1] for i in model.visible), key=vntext.text_sort_key)


class LaterKeys(Model):
    """Keys given as a function (as the candidate list does): made when first needed."""
    made = 0

    def fetch(self):
        rows, keys = super().fetch()

        def make():
            self.made += 1
            return keys
        return rows, make


def test_keys_made_later_give_the_same_search_sort_and_changes(qapp):
    from PySide6.QtCore import Qt
    rng = random.Random(3)
    rows = make_rows(rng, 900)
    now, later = Model(rows), LaterKeys(rows)
    now.reload()
    later.reload()
    assert later.made == 0 and later.visible == now.visible    # shown without keys
    later.set_filter("")
    assert later.made == 0
    later.set_filter("nguyen van")                  # a search before the keys exist
    now.set_filter("nguyen van")
    assert later.made == 1 and later.visible == now.visible == full_search(later)
    # a new list, then rows changed and a sort before any search: keys follow their rows
    for model in (now, later):
        model.set_filter("")
        model.reload()
    assert later.made == 1
    changes = [(5, (5, "Đinh Văn Mới", "Xóm Ngang", True), vntext.fold("Đinh Văn Mới Xóm Ngang"))]
    for model in (now, later):
        model.put_rows(list(changes))
        model.sort(0, Qt.DescendingOrder)
        model.set_filter("dinh van moi")
    assert later.made == 2 and later.keys == now.keys and later.rows == now.rows
    assert [later.rows[i][0] for i in later.visible] == [5]


def test_rows_changed_without_new_keys_leave_the_keys_waiting(qapp):
    """Changes that keep their keys (a vote's columns) do not make the waiting keys; made
    later they are the keys of the changed rows, and a search finds what it finds on a list
    whose keys were made at once."""
    rng = random.Random(11)
    rows = make_rows(rng, 700)
    now, later = Model(rows), LaterKeys(rows)
    now.reload()
    later.reload()
    # the flag (index 3) flips on every 4th row: its searched text (name, village) stays
    changes = [(i, rows[i][:3] + (not rows[i][3],), None) for i in range(0, 700, 4)]
    for model in (now, later):
        model.put_rows(list(changes))
    assert later.made == 0 and later.rows == now.rows
    assert [later.rows[i][3] for i in range(0, 700, 4)] == [not r[3] for r in rows[::4]]
    later.set_filter("nguyen thon")
    now.set_filter("nguyen thon")
    assert later.made == 1 and later.keys == now.keys
    assert later.visible == now.visible == full_search(later) and later.visible
