"""The reason sentences: kerawanan level names, rotation days and kind weights as a person reads them."""

from __future__ import annotations

import math

from planner.risk.reasons import kerawanan_reason, kind_reason, rotation_reason
from planner.text.risk import level_name


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
    assert kind_reason("kafe", 1.2, "id") == "Jenis kafe ×1,2"
    assert kind_reason("kafe", 2.0, "en") == "Kind kafe ×2"
