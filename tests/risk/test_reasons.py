"""The reason sentences: kerawanan level names, rotation days and kind weights as a person reads them."""

from __future__ import annotations

import math

import numpy as np

from planner.risk.reasons import _top_categories, kerawanan_reason, kind_reason, rotation_reason
from planner.text.risk import CATEGORY_TEXT, category_name, kind_name, level_name


def test_level_names() -> None:
    assert level_name("sangat_tinggi") == "sangat tinggi"
    assert level_name("sangat_tinggi", "en") == "very high"
    # a level of one's own reads as its key (spaces for underscores in Bahasa Indonesia only)
    assert level_name("zona_merah") == "zona merah"
    assert level_name("zona_merah", "en") == "zona_merah"


def test_reason_sentences() -> None:
    assert kerawanan_reason("tinggi", own=False, lang="id") == "Desa rawan tinggi"
    assert kerawanan_reason("rendah", own=True, lang="en") == "Venue vulnerability: low"
    assert rotation_reason(math.inf, "id") == "Belum pernah dikunjungi"
    assert rotation_reason(12.9, "en") == "Not visited for 12 days"
    assert kind_reason("kafe", 1.2, "id") == "Kafe (jenis tempat): prioritas ×1,2"
    assert kind_reason("kafe", 2.0, "en") == "A café (kind of venue): priority ×2"
    assert kind_reason("kedai_kopi", 1.5, "id") == "Kedai kopi (jenis tempat): prioritas ×1,5"


def test_no_category_code_reaches_a_reason() -> None:
    """``balap_liar`` is a settings code: a person reads 'balap liar' / 'street racing'."""
    names = ["balap_liar", "curanmor", "judi"]
    row = np.array([2, 1, 0])
    assert _top_categories(row, names, "id") == "balap liar, curanmor"
    assert _top_categories(row, names, "en") == "street racing, vehicle theft"
    assert category_name("tawuran_pelajar") == "tawuran pelajar"  # one's own category
    for code, words in CATEGORY_TEXT.items():
        assert "_" not in words("id") and "_" not in words("en"), code
    assert kind_name("kafe", "en") == "A café"
