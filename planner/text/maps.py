"""Words of the route maps (``planner.render.maps``): labels, legend, panels, controls.

Drop reasons come from :data:`planner.text.plan.DROP_REASON_TEXT`, dates and numbers from
:mod:`planner.text`.
"""

from __future__ import annotations

from planner.text import Msg, msg

MAP_TEXT: dict[str, Msg] = {
    "arrival": msg("Tiba", "Arrive"),
    "start": msg("Mulai", "Start"),
    "departure": msg("Berangkat", "Leave"),
    "priority": msg("Prioritas", "Priority"),
    "navigate": msg("Navigasi", "Navigate"),
    "not_visited": msg("Tidak dikunjungi malam ini", "Not visited tonight"),
    "squads": msg("Regu", "Squads"),
    "squad": msg("Regu", "Squad"),
    "visits": msg("Kunjungan", "Visits"),
    "visits_short": msg("Kunj.", "Visits"),
    "priority_short": msg("Prior.", "Prio."),
    "first": msg("Awal", "First"),
    "last": msg("Akhir", "Last"),
    "first_long": msg("Tiba di kunjungan pertama", "Arrival at the first visit"),
    "last_long": msg("Selesai kunjungan terakhir", "End of the last visit"),
    "total": msg("Jumlah", "Total"),
    "unmet": msg("Wajib dikunjungi tetapi tidak terjadwal", "Must-visit venues not planned"),
    "approximate": msg(
        "Sebagian rute digambar sebagai garis lurus (geometri jalan tidak tersedia).",
        "Some legs are drawn as straight lines (no road geometry available).",
    ),
    "kerawanan": msg("Kerawanan desa", "Desa vulnerability (kerawanan)"),
    "symbols": msg("Simbol", "Symbols"),
    "stop_symbol": msg("Kunjungan (urutan)", "Visit (order)"),
    "station_symbol": msg("Polres / Polsek", "Polres / Polsek station"),
    "dropped_symbol": msg("Prioritas tinggi, tidak dikunjungi", "High priority, not visited"),
    "kecamatan_border": msg("Batas kecamatan", "Kecamatan border"),
    "stop_list": msg("Daftar kunjungan", "Stop list"),
    "shift": msg("Shift", "Shift"),
    "leave": msg("berangkat", "leave"),
    "back": msg("kembali", "back"),
    "until": msg("s/d", "to"),
    "no_visits": msg("Tidak ada kunjungan terjadwal malam ini.", "No visits planned tonight."),
}
"""The labels the map templates read as ``t.<key>``."""

OVERVIEW_TITLE = msg("Rencana patroli Warkop Kamtibmas", "Warkop Kamtibmas patrol plan")
HEAT_LAYER = msg(
    "Kejadian {days} hari terakhir (peta panas)", "Incidents, last {days} days (heat map)"
)
STATION_LAYER = msg("Polres / Polsek", "Polres / Polsek")
SHARE = msg(
    "Rencana ini mengumpulkan {pct}% dari total prioritas malam ini ({got} dari {all}).",
    "This plan collects {pct}% of tonight's total priority ({got} of {all}).",
)
SQUAD_SUMMARY = msg(
    "{n} kunjungan · {km} km · kendaraan: {vehicle}",
    "{n} visits · {km} km · vehicle: {vehicle}",
)
FULL_SCREEN = msg("Layar penuh", "Full screen")
EXIT_FULL_SCREEN = msg("Keluar layar penuh", "Exit full screen")
MY_LOCATION = msg("Tunjukkan lokasi saya", "Show my location")

DESA_TOOLTIP: tuple[Msg, ...] = (
    msg("Desa", "Desa"),
    msg("Kecamatan", "Kecamatan"),
    msg("Kerawanan", "Kerawanan"),
)
"""The desa layer's tooltip labels: desa, kecamatan, kerawanan level."""

LEVEL_LABELS: dict[str, Msg] = {
    "rendah": msg("Rendah", "Low"),
    "sedang": msg("Sedang", "Medium"),
    "tinggi": msg("Tinggi", "High"),
    "sangat_tinggi": msg("Sangat tinggi", "Very high"),
}
"""The kerawanan levels in the legend and the desa tooltip; other levels show as written."""

STATION_KIND: dict[str, Msg] = {
    "polres": msg("Polres", "Polres (district police)"),
    "polsek": msg("Polsek", "Polsek (sub-district police)"),
}
"""How a station's kind is named; other kinds show as written."""

__all__ = [
    "DESA_TOOLTIP",
    "EXIT_FULL_SCREEN",
    "FULL_SCREEN",
    "HEAT_LAYER",
    "LEVEL_LABELS",
    "MAP_TEXT",
    "MY_LOCATION",
    "OVERVIEW_TITLE",
    "SHARE",
    "SQUAD_SUMMARY",
    "STATION_KIND",
    "STATION_LAYER",
]
