"""Words of the printable activity report for the Kapolres (``planner.render.activity``)."""

from __future__ import annotations

from planner.text import Msg, msg

REPORT_TEXT: dict[str, Msg] = {
    "title": msg("Laporan Kegiatan Warkop Kamtibmas", "Warkop Kamtibmas activity report"),
    "org": msg("Polres Trenggalek", "Polres Trenggalek"),
    "period": msg("Periode", "Period"),
    "made": msg("Dibuat", "Generated"),
    "summary": msg("Ringkasan", "Summary"),
    "visits": msg("Kunjungan", "Visits"),
    "planned": msg("sesuai rencana", "as planned"),
    "extra": msg("tambahan", "extra"),
    "people": msg("Warga ditemui (perkiraan)", "People met (estimate)"),
    "nights": msg("Malam patroli", "Patrol nights"),
    "squads": msg("Regu", "Squads"),
    "reports": msg("Laporan warga", "Community reports"),
    "by_kec": msg("Kunjungan per kecamatan", "Visits per kecamatan"),
    "by_desa": msg("Kunjungan per desa", "Visits per desa"),
    "kecamatan": msg("Kecamatan", "Kecamatan"),
    "desa": msg("Desa", "Desa"),
    "venues": msg("Tempat", "Venues"),
    "visited_venues": msg("Tempat dikunjungi", "Venues visited"),
    "people_short": msg("Warga", "People"),
    "not_visited": msg("Tempat yang tidak dikunjungi", "Venues not visited"),
    "not_visited_note": msg(
        "Tempat aktif tanpa kunjungan dalam periode ini: yang paling rawan dulu, lalu yang "
        "paling lama tidak dikunjungi (yang belum pernah dikunjungi di atas).",
        "Active venues without a visit in this period: the most vulnerable first, then the "
        "longest unvisited (never-visited ones first).",
    ),
    "kerawanan": msg("Kerawanan", "Kerawanan"),
    "venue": msg("Tempat", "Venue"),
    "last_visit": msg("Kunjungan terakhir", "Last visit"),
    "never": msg("belum pernah", "never"),
    "by_cat": msg("Laporan warga per kategori", "Community reports by category"),
    "category": msg("Kategori", "Category"),
    "count": msg("Jumlah", "Count"),
    "police": msg("Urusan polisi", "Police matter"),
    "by_agency": msg("Rujukan per instansi", "Referrals by agency"),
    "agency": msg("Instansi", "Agency"),
    "referred": msg("Dirujuk", "Referred"),
    "closed": msg("Selesai", "Closed"),
    "open": msg("Belum selesai", "Open"),
    "overdue_n": msg("Terlambat", "Overdue"),
    "overdue": msg("Tindak lanjut yang terlambat", "Overdue follow-ups"),
    "overdue_note": msg(
        "Semua laporan terbuka yang lewat batas waktu per {today}, dari malam mana pun.",
        "Every open report past its due date as of {today}, from any night.",
    ),
    "no": msg("No.", "No."),
    "night": msg("Malam", "Night"),
    "text": msg("Isi", "Text"),
    "due": msg("Batas waktu", "Due"),
    "days_open": msg("Hari terbuka", "Days open"),
    "status": msg("Status", "Status"),
    "none": msg("Tidak ada.", "None."),
    "yes": msg("ya", "yes"),
    "no_word": msg("tidak", "no"),
}
"""The labels the activity-report template reads as ``t.<key>``."""

UNKNOWN = msg("(tidak dikenal)", "(unknown)")
"""The desa or kecamatan of a visit to a venue that is no longer in the venue list."""

MORE_VENUES = msg("… dan {n} tempat lainnya.", "… and {n} more venues.")
"""Under a capped list of venues not visited."""

__all__ = ["MORE_VENUES", "REPORT_TEXT", "UNKNOWN"]
