"""Words of a plan: why a venue is not in tonight's plan, and how a solve ended."""

from __future__ import annotations

from planner.text import Lang, Msg, msg

DROP_REASON_TEXT: dict[str, Msg] = {
    "not_worth": msg(
        "prioritas tidak sebanding dengan jarak tempuh", "priority did not pay for the detour"
    ),
    "no_fit": msg(
        "tidak muat dalam shift regu mana pun bersama lokasi yang lebih penting",
        "could not fit into any squad's shift together with better venues",
    ),
    "unreachable": msg(
        "tidak terjangkau dari pos regu mana pun (pergi, singgah dan kembali dalam shift)",
        "no squad can get there from its station, stay and get back within its shift",
    ),
    "outside_area": msg(
        "di luar wilayah semua regu malam ini", "outside every squad's area tonight"
    ),
    "closed": msg("tutup selama shift semua regu", "closed during every squad's shift"),
    "excluded": msg("dikecualikan oleh pimpinan malam ini", "excluded by command tonight"),
    "inactive": msg("ditandai tidak aktif", "marked inactive"),
}
"""How a person reads each drop reason (and each unmet must-visit reason)."""

DROP_DETAIL_TEXT: dict[str, Msg] = {
    "no_road": msg(
        "tidak ada jalan dari pos regu ke sana dan kembali",
        "no road from a squad's station there and back",
    ),
    "in_time": msg(
        "ada jalan, tetapi terlalu jauh untuk shift regu",
        "there is a road, but too far for the squads' shifts",
    ),
    "isolated": msg(
        "di potongan jaringan jalan yang tidak terhubung dengan pos mana pun",
        "on a piece of the road network not connected to any station",
    ),
    "too_far": msg("terlalu jauh dari jalan terdekat", "too far from the nearest road"),
    "shifts": msg("hanya buka di luar shift regu", "open only outside the squads' shifts"),
    "closed_days": msg("hari tutup", "a closed day"),
}
"""How a person reads the ``detail`` of a drop (``Dropped.detail``) where it is a code."""


def drop_text(reason: str, detail: str, lang: Lang) -> str:
    """A drop's reason and, when it is a known code, its detail, in one line: what the map's
    dropped venues and the command line say."""
    why = DROP_REASON_TEXT.get(reason)
    text = why(lang) if why else reason
    more = DROP_DETAIL_TEXT.get(detail)
    if more is not None:
        return f"{text} ({more(lang)})"
    return f"{text} ({detail})" if detail else text


def detail_text(detail: str, lang: Lang) -> str:
    """A drop's ``detail`` as a person reads it (a known code in words, else as it is)."""
    more = DROP_DETAIL_TEXT.get(detail)
    return more(lang) if more is not None else detail


RULE_TEXT: dict[str, Msg] = {
    "unknown_squad": msg("regu tak dikenal", "unknown squad"),
    "wrong_station": msg("pos salah", "wrong station"),
    "unknown_venue": msg("tempat tak dikenal", "unknown venue"),
    "visited_twice": msg("dikunjungi dua kali", "visited twice"),
    "outside_area": msg("di luar wilayah regu", "outside the squad's area"),
    "start_before_shift": msg("berangkat sebelum shift", "leaves before the shift"),
    "past_shift": msg("kembali setelah shift", "back after the shift"),
    "wrong_time": msg("waktu tidak cocok", "times do not match"),
    "outside_window": msg("di luar jam buka", "outside opening hours"),
    "max_stops": msg("terlalu banyak singgahan", "too many stops"),
    "max_per_desa": msg("terlalu banyak tempat dalam satu desa", "too many venues in one desa"),
    "must_visit_missing": msg("wajib kunjung tidak direncanakan", "must-visit not planned"),
    "wrong_totals": msg("jumlah tidak cocok", "totals do not match"),
    "wrong_drop": msg("alasan tidak dikunjungi salah", "wrong reason for a venue left out"),
    "not_checked": msg("tidak dapat diperiksa", "could not be checked"),
}
"""How a person reads each rule of the checker (``planner.check.RULES``)."""

__all__ = ["DROP_DETAIL_TEXT", "DROP_REASON_TEXT", "RULE_TEXT", "detail_text", "drop_text"]
