"""The official list of provinces and communes after the 2025 merger (package vietnam-provinces)."""
import functools

from . import vntext


@functools.lru_cache(maxsize=1)
def provinces():
    """[(code, name)] sorted in Vietnamese order, e.g. (42, 'Tỉnh Hà Tĩnh')."""
    from vietnam_provinces import Province
    return sorted(((int(p.code), p.name) for p in Province.iter_all()),
                  key=lambda p: vntext.text_sort_key(_bare(p[1])))


@functools.lru_cache(maxsize=64)
def communes(province_code):
    """[(code, name)] of the communes, wards and special zones of a province."""
    from vietnam_provinces import Ward
    return sorted(((int(w.code), w.name) for w in Ward.iter_by_province(province_code)),
                  key=lambda w: vntext.text_sort_key(_bare(w[1])))


PREFIXES = ("thành phố ", "tỉnh ", "đặc khu ", "phường ", "xã ", "thị trấn ")


def _bare(name):
    low = name.lower()
    for prefix in PREFIXES:
        if low.startswith(prefix):
            return name[len(prefix):]
    return name


def place_name(commune_name):
    """The place name used in date lines: 'Xã Tân Lập' → 'Tân Lập'."""
    return _bare(vntext.clean_text(commune_name))


def data_version():
    import vietnam_provinces
    return getattr(vietnam_provinces, "__data_version__", "")
