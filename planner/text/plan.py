"""Words of a plan: why a venue is not in tonight's plan, and how a solve ended."""

from __future__ import annotations

from planner.text import Msg, msg

DROP_REASON_TEXT: dict[str, Msg] = {
    "not_worth": msg(
        "prioritas tidak sebanding dengan jarak tempuh", "priority did not pay for the detour"
    ),
    "no_fit": msg(
        "tidak muat dalam shift regu mana pun bersama lokasi yang lebih penting",
        "could not fit into any squad's shift together with better venues",
    ),
    "unreachable": msg(
        "tidak terjangkau tepat waktu dari pos mana pun",
        "not reachable in time from any station",
    ),
    "outside_area": msg(
        "di luar wilayah semua regu malam ini", "outside every squad's area tonight"
    ),
    "closed": msg("tutup selama shift semua regu", "closed during every squad's shift"),
    "excluded": msg("dikecualikan oleh pimpinan malam ini", "excluded by command tonight"),
    "inactive": msg("ditandai tidak aktif", "marked inactive"),
}
"""How a person reads each drop reason (and each unmet must-visit reason)."""
