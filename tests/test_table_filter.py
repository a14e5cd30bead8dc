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
