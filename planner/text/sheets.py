"""Words of the printable route sheet (``planner.render.sheets``), in the sheet's own terms."""

from __future__ import annotations

from planner.text import Msg, msg

SHEET_TEXT: dict[str, Msg] = {
    "institution": msg(
        "KEPOLISIAN RESOR TRENGGALEK", "TRENGGALEK POLICE RESORT (POLRES TRENGGALEK)"
    ),
    "title": msg("RENCANA PATROLI WARKOP KAMTIBMAS", "WARKOP KAMTIBMAS PATROL PLAN"),
    "squad": msg("Regu", "Squad"),
    "shift": msg("Jam dinas", "Shift"),
    "station": msg("Markas", "Station"),
    "members": msg("Jumlah personel", "Officers"),
    "people": msg("orang", ""),
    "vehicle": msg("Kendaraan", "Vehicle"),
    "area": msg("Wilayah", "Area"),
    "all_area": msg("Seluruh wilayah", "Whole regency"),
    "no": msg("No", "No"),
    "time": msg("Jam", "Time"),
    "arrive": msg("tiba", "arrive"),
    "venue": msg("Warkop", "Venue"),
    "desa": msg("Desa / Kec.", "Desa / Kec."),
    "attention": msg("Yang perlu diperhatikan", "What to pay attention to"),
    "people_met": msg("Jumlah warga ditemui", "People met"),
    "issues": msg("Keluhan / aspirasi", "Complaints / aspirations"),
    "no_stops": msg(
        "Tidak ada kunjungan terjadwal untuk regu ini malam ini.",
        "No visits planned for this squad tonight.",
    ),
    "notes": msg(
        "Catatan (keluhan, aspirasi, yang dirujuk ke instansi lain):",
        "Notes (complaints, aspirations, referrals to other agencies):",
    ),
    "leader": msg("Ketua Regu", "Squad leader"),
    "kanit": msg("Kanit", "Kanit"),
    "known": msg("Mengetahui,", "Acknowledged,"),
    "kasat": msg("Kasat Samapta", "Kasat Samapta"),
    "footer": msg(
        "Dibuat oleh perencana patroli Warkop Kamtibmas. Waktu dalam WIB.",
        "Made by the Warkop Kamtibmas patrol planner. Times in WIB.",
    ),
}
"""The labels the route-sheet template reads as ``t.<key>``."""

TOTALS = msg(
    "{n} kunjungan · {km:.1f} km · berangkat {dep} · kembali {ret} WIB",
    "{n} visits · {km:.1f} km · leave {dep} · back {ret} WIB",
)
"""A squad's totals under its stop list (``km`` keeps the sheet's one-decimal ``.1f``)."""

OFFICE_LINE = msg(
    "Di HP: buka peta regu {map}, tekan Tiba dan Selesai di tiap warkop, isi laporannya, lalu "
    "Kirim laporan (lewat WhatsApp ke piket Polres). Piket mengimpornya besok pagi dengan "
    "planner visits import.",
    "On the phone: open the squad map {map}, press Arrived and Done at each venue, fill in the "
    "report, then Send report (by WhatsApp to the Polres duty desk). The duty desk imports it "
    "the next morning with planner visits import.",
)
"""The line for the office under each squad's stops: how the night comes back (docs/office.md)."""

NIGHT_DATE = msg("{date} (malam)", "{date} (night)")
"""The sheet's date line: the long date of the night, then "(malam)"."""

__all__ = ["NIGHT_DATE", "OFFICE_LINE", "SHEET_TEXT", "TOTALS"]
