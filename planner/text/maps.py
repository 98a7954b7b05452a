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
    "geo": msg("Aplikasi peta lain", "Other maps app"),
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
    "road_symbol": msg("Jalan utama / jalan lain (dataset)", "Main / other roads (dataset)"),
    "stop_list": msg("Daftar kunjungan", "Stop list"),
    "shift": msg("Shift", "Shift"),
    "leave": msg("berangkat", "leave"),
    "back": msg("kembali", "back"),
    "until": msg("s/d", "to"),
    "no_visits": msg("Tidak ada kunjungan terjadwal malam ini.", "No visits planned tonight."),
    "presence": msg(
        "Kehadiran di desa (sejak kunjungan terakhir)",
        "Presence in the desa (since the last visit)",
    ),
    "fold": msg("Lipat ringkasan", "Fold the summary"),
    "unfold": msg("Buka ringkasan", "Unfold the summary"),
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

PAGE_TEXT: dict[str, Msg] = {
    "map": msg("Peta", "Map"),
    "roads": msg("Jalan (dari dataset)", "Roads (from the dataset)"),
    "desa_names": msg("Nama desa", "Desa names"),
    "stations": STATION_LAYER,
    "kecamatan": msg("Batas kecamatan", "Kecamatan borders"),
    "osm": msg("Peta OpenStreetMap (perlu internet)", "OpenStreetMap (needs internet)"),
    "locate": MY_LOCATION,
    "fullscreen": FULL_SCREEN,
    "fullscreen_exit": EXIT_FULL_SCREEN,
    "no_location": msg(
        "Lokasi tidak tersedia (izinkan lokasi atau aktifkan GPS).",
        "Location not available (allow location or switch GPS on).",
    ),
    "route_links": msg("Seluruh rute di Google Maps", "The whole route in Google Maps"),
    "route_links_note": msg(
        "Tiap tautan memuat paling banyak 4 kunjungan (batas Google Maps di ponsel).",
        "Each link holds at most 4 stops (Google Maps' limit on phones).",
    ),
    "route_back_only": msg("Kembali ke pos", "Back to the station"),
}
"""Words of the map pages' own controls, layers and links (``p.<key>`` in the squad panel)."""
ROUTE_LINK = msg("Kunjungan {first}–{last}", "Stops {first}–{last}")
ROUTE_LINK_BACK = msg("Kunjungan {first} s/d kembali ke pos", "Stops {first} to the station")

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

DESA_FILL_LAYERS: dict[str, Msg] = {
    "kerawanan": msg("Warna desa: kerawanan", "Desa colour: kerawanan"),
    "presence": msg("Warna desa: kehadiran", "Desa colour: presence"),
    "none": msg("Warna desa: tidak ada", "Desa colour: none"),
}
"""The overview's choice of desa fill (one at a time, radio buttons in the layer control)."""

# ----------------------------------------------------------------- why this venue, in desa terms

CURVE_FIRST = msg(
    "kunjungan pertama dari {n} di Desa {desa} malam ini",
    "1st of {n} visits in desa {desa} tonight",
)
"""The curve line of the first (full-value) visit of a desa that gets more than one tonight."""
CURVE_NEXT = msg(
    "kunjungan ke-{k} di Desa {desa} malam ini — nilai {weight}",
    "{k}{suffix} visit in desa {desa} tonight — worth {weight}",
)
"""The curve line of a later visit: its rank in the desa tonight and the share of priority it
counts (``½``, ``¼``, ``⅛`` with the default decay, otherwise ``×0,75``)."""
PRESENCE_LINE = msg(
    "Desa {desa}: target {target}, terakhir {last}",
    "Desa {desa}: target {target}, last visit {last}",
)
"""The presence line: the desa's target interval and the days since a squad was there."""
PRESENCE_NEVER = msg(
    "Desa {desa}: target {target}, belum pernah dikunjungi",
    "Desa {desa}: target {target}, never visited",
)
CURVE_SHORT: dict[str, Msg] = {
    "first": msg("kunjungan pertama dari {n} di desa ini", "1st of {n} visits in this desa"),
    "next": msg(
        "kunjungan ke-{k} di desa ini — nilai {weight}",
        "{k}{suffix} visit in this desa — worth {weight}",
    ),
}
"""The curve line in the squad's stop list, under the desa's name."""
PRESENCE_SHORT: dict[str, Msg] = {
    "last": msg("target {target}, terakhir {last}", "target {target}, last visit {last}"),
    "never": msg("target {target}, belum pernah dikunjungi", "target {target}, never visited"),
}
"""The presence line in the squad's stop list, under the desa's name."""
DAYS: dict[str, Msg] = {
    "one": msg("1 hari", "1 day"),
    "many": msg("{d} hari", "{d} days"),
    "ago_under_one": msg("kurang dari 1 hari lalu", "less than a day ago"),
    "ago_one": msg("1 hari lalu", "1 day ago"),
    "ago_many": msg("{d} hari lalu", "{d} days ago"),
}
"""Days: a target interval, and how long ago the last visit was (whole days, rounded down)."""

PRESENCE_TOOLTIP = msg(
    "Desa {desa} ({level}): terakhir {last}, target {target}; {tonight}",
    "Desa {desa} ({level}): last visit {last}, target {target}; {tonight}",
)
"""The presence layer's tooltip of one desa."""
PRESENCE_TOOLTIP_NEVER = msg(
    "Desa {desa} ({level}): belum pernah dikunjungi, target {target}; {tonight}",
    "Desa {desa} ({level}): never visited, target {target}; {tonight}",
)
PRESENCE_TOOLTIP_NO_DATA = msg(
    "Desa {desa} ({level}): tidak ada data kehadiran (tidak ada warkop yang dinilai); {tonight}",
    "Desa {desa} ({level}): no presence data (no venue scored); {tonight}",
)
TONIGHT_VISITS: dict[str, Msg] = {
    "none": msg("malam ini tidak ada kunjungan", "no visit tonight"),
    "one": msg("malam ini 1 kunjungan", "1 visit tonight"),
    "many": msg("malam ini {n} kunjungan", "{n} visits tonight"),
}
PRESENCE_STATES: dict[str, Msg] = {
    "within": msg("Dalam target", "Within target"),
    "due": msg("Jatuh tempo (≥ target)", "Due (≥ target)"),
    "overdue": msg("Terlambat (≥ 2× target)", "Overdue (≥ 2× target)"),
    "never": msg("Belum pernah dikunjungi", "Never visited"),
    "no_data": msg("Tanpa data (tidak ada warkop)", "No data (no venue)"),
}
"""The presence layer's legend, from the best state to the worst, then no data."""


def en_ordinal_suffix(k: int) -> str:
    """The English ordinal suffix of ``k``: ``st``, ``nd``, ``rd`` or ``th`` (11th, 12th, 13th)."""
    if 10 <= k % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")


STATION_KIND: dict[str, Msg] = {
    "polres": msg("Polres", "Polres (district police)"),
    "polsek": msg("Polsek", "Polsek (sub-district police)"),
}
"""How a station's kind is named; other kinds show as written."""

__all__ = [
    "CURVE_FIRST",
    "CURVE_NEXT",
    "CURVE_SHORT",
    "DAYS",
    "DESA_FILL_LAYERS",
    "DESA_TOOLTIP",
    "EXIT_FULL_SCREEN",
    "FULL_SCREEN",
    "HEAT_LAYER",
    "LEVEL_LABELS",
    "MAP_TEXT",
    "MY_LOCATION",
    "OVERVIEW_TITLE",
    "PAGE_TEXT",
    "PRESENCE_LINE",
    "PRESENCE_NEVER",
    "PRESENCE_SHORT",
    "PRESENCE_STATES",
    "PRESENCE_TOOLTIP",
    "PRESENCE_TOOLTIP_NEVER",
    "PRESENCE_TOOLTIP_NO_DATA",
    "ROUTE_LINK",
    "ROUTE_LINK_BACK",
    "SHARE",
    "SQUAD_SUMMARY",
    "STATION_KIND",
    "STATION_LAYER",
    "TONIGHT_VISITS",
    "en_ordinal_suffix",
]
