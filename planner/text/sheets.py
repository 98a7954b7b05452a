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
    "time": msg("Rencana", "Planned"),
    "arrive": msg("tiba", "arrive"),
    "venue": msg("Warkop · Desa / Kec.", "Venue · Desa / Kec."),
    "attention": msg("Yang perlu diperhatikan", "What to pay attention to"),
    "arrived": msg("Tiba", "Arrived"),
    "left": msg("Selesai", "Left"),
    "people_met": msg("Warga", "People"),
    "category": msg("Kat.", "Cat."),
    "agency": msg("Ke", "To"),
    "issues": msg("Keluhan / aspirasi", "Complaints / aspirations"),
    "categories": msg("Kategori laporan (kolom Kat.)", "Report category (column Cat.)"),
    "agencies": msg(
        "Diteruskan ke instansi (kolom Ke, kosong bila tidak)",
        "Referred to agency (column To, empty if not)",
    ),
    "fill_hint": msg(
        "Tulis jam tiba dan selesai (mis. 23:40, 00:15), perkiraan jumlah warga, satu keluhan/"
        "aspirasi dengan nomor kategorinya di kotak K dan, bila diteruskan, nomor instansinya di "
        "kotak I (mis. K12, I3); laporan lain di Catatan. Kolom CSV:",
        "Write the arrival and leaving times (e.g. 23:40, 00:15), about how many people, one "
        "complaint/aspiration with its category's number in box K and, when referred, the "
        "agency's number in box I (e.g. K12, I3); more reports under Notes. CSV columns:",
    ),
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
    "{n} kunjungan · {km} km · berangkat {dep} · kembali {ret} WIB",
    "{n} visits · {km} km · leave {dep} · back {ret} WIB",
)
"""A squad's totals under its stop list (``km`` formatted by :func:`planner.text.number`)."""

RAISED = msg("Terakhir ({date}): {items}", "Last time ({date}): {items}")
"""What people raised at the venue on its last visit (``items``: ``category — text; …``)."""

OPEN_FOLLOWUP = msg(
    "Belum selesai: {category} — {text} ({who}, {date})",
    "Still open: {category} — {text} ({who}, {date})",
)
"""A follow-up still open at the venue: ``who`` is the agency, or the police."""

POLICE = msg("polisi", "police")
"""``who`` of an open police matter that was not referred to an agency."""

MORE = msg("+{n} lainnya", "+{n} more")
"""The count of a venue's further open follow-ups the sheet does not print."""

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

__all__ = [
    "MORE",
    "NIGHT_DATE",
    "OFFICE_LINE",
    "OPEN_FOLLOWUP",
    "POLICE",
    "RAISED",
    "SHEET_TEXT",
    "TOTALS",
]
