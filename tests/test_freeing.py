"""models.freeing: big temporaries emptied a piece at a time (a reading thread freeing a
dict of every subject's history in one C call held the window 0.18 s)."""
import sys
import weakref

from models import freeing


class Held:
    """An object whose end a test can watch."""


def test_free_gradually_empties_dicts_and_lists_and_frees_what_only_they_held():
    kept = Held()
    dropped = [Held() for _ in range(3 * freeing.PIECE + 7)]
    watch = [weakref.ref(obj) for obj in dropped]
    history = {i: {"years": [2024, 2025], "obj": obj} for i, obj in enumerate(dropped)}
    rows = [(i, obj) for i, obj in enumerate(dropped)] + [(-1, kept)]
    del dropped
    text = "left alone"
    freeing.free_gradually(rows, history, text, None)
    assert rows == [] and history == {}
    assert all(ref() is None for ref in watch)        # gone already, no collection needed
    assert isinstance(kept, Held) and text == "left alone"


def test_free_gradually_leaves_what_something_else_still_refers_to():
    shared = {"years": [2025]}
    by_subject = {("household", i): shared for i in range(1000)}
    freeing.free_gradually(by_subject)
    assert by_subject == {} and shared == {"years": [2025]}
    assert sys.getrefcount(shared) == 2        # this test's name and getrefcount's argument


def test_one_copy_keeps_the_first_of_equal_values():
    from models.freeing import one_copy
    share = one_copy()
    a, b = "".join(["Thôn ", "Bắc"]), "".join(["Thôn ", "Bắc"])
    assert a is not b
    assert share(a) is a and share(b) is a
    assert share(None) is None and share("") == ""
