"""Vietnamese order as plain strings, so SQLite can sort and index it (ORDER BY sort_key).

``name_sort_string(name)`` compares (as code points, which is how SQLite compares UTF-8
text) exactly like ``vntext.name_sort_key(name)`` compares as tuples.
"""
import functools
import heapq

from . import vntext

_END_LIST = "\x01"      # end of a list of words (sorts before any word)
_END_WORD = "\x02"      # end of a word's syllables (sorts before any syllable)
_END = "\x03"           # end of a letter or tone sequence (a prefix sorts first)
_DIGITS = "\x04"        # a run of digits (before any letter)
_BASE = 0x30
_MAX = 0xD7FF           # stay below the surrogate range


def _seq(letters):
    out = []
    for kind, value in letters:
        if kind == 0:
            out.append(_DIGITS + f"{value:012d}"[-12:])
        else:
            out.append(chr(min(_BASE + value, _MAX)))
    return "".join(out) + _END


def _tones(tones):
    return "".join(chr(_BASE + t) for t in tones) + _END


@functools.lru_cache(maxsize=65536)        # a word's key is a tuple: the same word, same string
def _word(key):
    """A word's key is one (letters, tones) pair per syllable ("Hà-Khoa": two)."""
    return "".join(_seq(letters) + _tones(tones) for letters, tones in key) + _END_WORD


def name_sort_string(full_name):
    given, middle, family, lower, text = vntext.name_sort_key(full_name or "")
    return (_word(given) + "".join(_word(w) for w in middle) + _END_LIST + _word(family)
            + lower + _END + text)


def text_sort_string(text):
    words, lower, cleaned = vntext.text_sort_key(text or "")
    return "".join(_word(w) for w in words) + _END_LIST + lower + _END + cleaned


def sorted_gently(items, key, *, reverse=False, run=2000):
    """``sorted(items, key=key, reverse=reverse)`` (stable) sorted in runs of ``run`` items
    merged in Python. One C sort of tens of thousands of items holds Python's GIL for its
    whole length — a window waiting for the GIL froze 0.2–0.5 s while a reading thread
    sorted 20,000 names; between runs and merge steps other threads get their turn."""
    sign = -1 if reverse else 1
    keyed = [(key(item), sign * i, item) for i, item in enumerate(items)]
    if len(keyed) <= run:
        keyed.sort(key=_first_two, reverse=reverse)
        return [item for _, _, item in keyed]
    runs = [sorted(keyed[start:start + run], key=_first_two, reverse=reverse)
            for start in range(0, len(keyed), run)]
    return [item for _, _, item in heapq.merge(*runs, key=_first_two, reverse=reverse)]


def _first_two(entry):
    return entry[0], entry[1]
