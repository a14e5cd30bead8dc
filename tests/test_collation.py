"""The stored sort strings order names exactly as the Vietnamese sort keys do."""
from hypothesis import given, settings
from hypothesis import strategies as st

from models import collation, vntext

LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
word = st.text(alphabet=LETTERS + LETTERS.upper() + "0123456789", min_size=1, max_size=7)
name = st.lists(word, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(name, min_size=2, max_size=30))
def test_name_sort_string_orders_like_name_sort_key(names):
    assert sorted(names, key=collation.name_sort_string) == sorted(names, key=vntext.name_sort_key)


@settings(max_examples=200, deadline=None)
@given(st.lists(name, min_size=2, max_size=30))
def test_text_sort_string_orders_like_text_sort_key(names):
    assert sorted(names, key=collation.text_sort_string) == sorted(names, key=vntext.text_sort_key)


def test_known_order():
    names = ["Hoàng Ân", "Phạm Văn Ánh", "Nguyễn Thị An", "Lê Đức Anh", "Trần Văn Bình",
             "Đỗ Văn Đức", "Dương Văn Dũng"]
    ordered = sorted(names, key=collation.name_sort_string)
    assert [n.split()[-1] for n in ordered] == ["An", "Anh", "Ánh", "Ân", "Bình", "Dũng", "Đức"]
