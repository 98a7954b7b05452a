"""Words of the visit log: the import summary, the visit template's instructions, the follow-up
table's column labels.

The template's column names themselves (``tanggal``, ``regu``, …) are not here: they are the
file format the importer reads (``planner.history.rows.TEMPLATE_COLUMNS``), the same in every
language.
"""

from __future__ import annotations

from planner.text import Msg, help_msg, msg

# ---------------------------------------------------------------- the import summary

ALREADY_IMPORTED = msg(
    "{file}: sudah diimpor sebelumnya: 0 kunjungan baru ({existing} sudah tercatat)",
    "{file}: already imported: 0 new visits ({existing} already recorded)",
)
"""A re-import that found every visit already stored."""
IMPORTED = msg(
    "{file}: {visits} kunjungan baru, {reports} laporan baru",
    "{file}: {visits} new visits, {reports} new reports",
)
VISITS_EXISTING = msg("{n} sudah tercatat", "{n} existing")
VISITS_REPLACED = msg("{n} diganti", "{n} replaced")
ROWS_NOT_VISITED = msg("{n} baris tidak dikunjungi", "{n} rows not visited")

# ---------------------------------------------------------------- importing (planner visits import)

HELP_IMPORT_SOURCE = help_msg(
    "CSV/XLSX (templat kunjungan atau lembar rencana) atau laporan WARKOP-LAPORAN dari HP "
    "(berkas .txt); '-' atau tanpa berkas: laporan ditempel lewat standard input",
    "CSV/XLSX (visit sheet or route sheet) or a WARKOP-LAPORAN report from a phone (.txt "
    "file); '-' or no file: the report pasted on standard input",
)
HELP_IMPORT_DATE = help_msg(
    "tolak laporan HP atau baris templat dari malam lain (YYYY-MM-DD)",
    "refuse phone reports or sheet rows of another night (YYYY-MM-DD)",
)
HELP_IMPORT_PLAN = help_msg(
    "folder malam (maps/<tanggal>) atau plan.json: tolak laporan malam/rencana lain",
    "night folder (maps/<date>) or plan.json: refuse reports of another night or plan",
)
NO_IMPORT_SOURCE = msg(
    "Tidak ada yang diimpor: berikan berkas (planner visits import laporan.txt) atau tempel "
    "laporan HP lewat standard input (planner visits import - < laporan.txt).",
    "Nothing to import: give a file (planner visits import report.txt) or paste the phone's "
    "report on standard input (planner visits import - < report.txt).",
)
STDIN_SOURCE = "stdin"
"""How problems name the standard input."""
STDIN_NOT_REPORT = msg(
    "laporan WARKOP-LAPORAN v1 dari tombol Kirim laporan (templat CSV/XLSX diimpor sebagai "
    "berkas, bukan lewat standard input)",
    "a WARKOP-LAPORAN v1 report from the Kirim laporan button (CSV/XLSX templates are imported "
    "as files, not on standard input)",
)
PLAN_NOT_READ = msg(
    "folder malam dengan plan.json, atau berkas plan.json, yang bisa dibaca",
    "a night folder holding plan.json, or a plan.json file, that can be read",
)
DATE_VS_PLAN = msg(
    "tanggal yang sama dengan rencana ({plan})",
    "the same date as the plan's ({plan})",
)
OTHER_NIGHT_ROW = msg(
    "kunjungan malam {night} (berkas ini berisi malam lain)",
    "a visit of the night of {night} (this file holds another night)",
)

# ---------------------------------------------------------------- the visit template

TEMPLATE_TITLE = msg(
    "Petunjuk pengisian laporan kunjungan Warkop Kamtibmas",
    "How to fill in the Warkop Kamtibmas visit report",
)
"""The first line of the instructions (sheet ``petunjuk``, or the CSV's ``#`` lines)."""
CSV_COMMENTS_SKIPPED = msg("(baris # diabaikan)", "(# lines are skipped)")
HELP_HEADINGS: tuple[Msg, Msg, Msg] = (
    msg("kolom", "column"),
    msg("wajib?", "required?"),
    msg("keterangan", "explanation"),
)
"""The heading row of the column table in the ``petunjuk`` sheet."""

REQUIRED = msg("wajib", "required")
OPTIONAL = msg("boleh kosong", "optional")
WITH_REPORT = msg("jika ada laporan", "with a report")

TEMPLATE_HELP: tuple[tuple[str, Msg, Msg], ...] = (
    (
        "tanggal",
        REQUIRED,
        msg(
            "Tanggal malam patroli, mis. 2024-05-01 atau 01/05/2024. Kunjungan "
            "lewat tengah malam tetap memakai tanggal malam itu.",
            "The patrol night's date, e.g. 2024-05-01 or 01/05/2024. A visit after midnight "
            "keeps the night's date.",
        ),
    ),
    (
        "regu",
        REQUIRED,
        msg(
            "Kode regu seperti di daftar regu (squads.toml), mis. R01.",
            "The squad id as in the squad list (squads.toml), e.g. R01.",
        ),
    ),
    (
        "venue_id",
        REQUIRED,
        msg(
            "Kode tempat (warung kopi) seperti di daftar tempat, mis. V0012.",
            "The venue (coffee stall) id as in the venue list, e.g. V0012.",
        ),
    ),
    (
        "tiba",
        REQUIRED,
        msg(
            "Jam tiba, mis. 21:30 atau 21.30 (WIB). 01:15 berarti dini hari setelah tanggal "
            "malam itu.",
            "Arrival time, e.g. 21:30 or 21.30 (WIB). 01:15 is the early morning after the "
            "night's date.",
        ),
    ),
    (
        "berangkat",
        OPTIONAL,
        msg(
            "Jam berangkat dari tempat itu, setelah jam tiba.",
            "Departure time from the venue, after the arrival.",
        ),
    ),
    (
        "jumlah_warga",
        OPTIONAL,
        msg(
            "Perkiraan jumlah warga yang ditemui (bilangan bulat).",
            "Estimated number of people met (a whole number).",
        ),
    ),
    (
        "sesuai_rencana",
        OPTIONAL,
        msg(
            "ya = tempat ada di rencana patroli; tidak = kunjungan tambahan. Kosong = ya.",
            "ya (yes) = the venue is in the patrol plan; tidak (no) = an extra stop. Empty = ya.",
        ),
    ),
    (
        "catatan",
        OPTIONAL,
        msg("Catatan petugas tentang kunjungan.", "The officer's notes on the visit."),
    ),
    (
        "laporan_kategori",
        WITH_REPORT,
        msg(
            "Kategori keluh kesah/aspirasi warga: {cats}.",
            "Category of what people raised: {cats}.",
        ),
    ),
    (
        "laporan_isi",
        WITH_REPORT,
        msg("Isi laporan warga, singkat.", "What people reported, in short."),
    ),
    (
        "urusan_polisi",
        OPTIONAL,
        msg(
            "ya/tidak. Kosong: ya untuk kategori kamtibmas, tidak untuk yang lain.",
            "ya/tidak (yes/no). Empty: ya for the kamtibmas categories, tidak for the others.",
        ),
    ),
    (
        "dirujuk_ke",
        OPTIONAL,
        msg(
            "Instansi yang menangani jika bukan urusan polisi: {ags}.",
            "The agency in charge if it is not a police matter: {ags}.",
        ),
    ),
    (
        "status",
        OPTIONAL,
        msg(
            "baru / ditindaklanjuti / dirujuk / selesai. Kosong: dirujuk "
            "jika ada instansi, selain itu baru.",
            "baru (new) / ditindaklanjuti (in progress) / dirujuk (referred) / selesai (done). "
            "Empty: dirujuk with an agency, else baru.",
        ),
    ),
    (
        "batas_waktu",
        OPTIONAL,
        msg(
            "Batas waktu tindak lanjut. Kosong: {days} hari setelah malam kunjungan.",
            "Follow-up due date. Empty: {days} days after the night of the visit.",
        ),
    ),
    (
        "tanggal_selesai",
        OPTIONAL,
        msg("Tanggal laporan selesai ditangani.", "The date the report was dealt with."),
    ),
    ("hasil", OPTIONAL, msg("Hasil tindak lanjut.", "The outcome of the follow-up.")),
)
"""(column, required?, explanation) per template column; ``{cats}``, ``{ags}`` and ``{days}`` are
filled from the dataset's settings."""

TEMPLATE_RULES: tuple[Msg, ...] = (
    msg(
        "Satu baris untuk satu kunjungan. Jika dalam satu kunjungan ada beberapa laporan warga, "
        "salin baris kunjungan itu (tanggal, regu, venue_id, tiba, berangkat, jumlah_warga, "
        "catatan sama persis) dan isi satu laporan per baris.",
        "One row per visit. If people raised several things during one visit, copy the visit's "
        "row (tanggal, regu, venue_id, tiba, berangkat, jumlah_warga, catatan exactly the same) "
        "and fill in one report per row.",
    ),
    msg(
        "Satu regu mengunjungi satu tempat paling banyak sekali dalam satu malam.",
        "A squad visits a venue at most once a night.",
    ),
    msg(
        "Berkas diimpor utuh atau tidak sama sekali: jika ada baris yang salah, tidak ada yang "
        "disimpan dan semua kesalahan ditampilkan sekaligus. Perbaiki lalu impor lagi.",
        "A file is imported whole or not at all: if a row is wrong, nothing is saved and every "
        "mistake is shown at once. Fix them and import again.",
    ),
    msg(
        "Mengimpor berkas yang sama dua kali tidak menambah apa pun.",
        "Importing the same file twice adds nothing.",
    ),
    msg(
        "Lembar rencana patroli (rencana-patroli-<tanggal>.csv) yang diisi kolom tiba, "
        "berangkat, dst. juga bisa langsung diimpor; baris yang tidak diisi dianggap tidak "
        "dikunjungi.",
        "A patrol route sheet (rencana-patroli-<tanggal>.csv) with tiba, berangkat, etc. filled "
        "in can be imported as is; a row left empty counts as not visited.",
    ),
)
"""The rules above the column table, in the order a squad reads them."""

# ---------------------------------------------------------------- the follow-up table

FOLLOWUP_CSV_COLUMNS: dict[str, str] = {
    "report_id": "nomor",
    "night": "tanggal",
    "venue_id": "venue_id",
    "venue_name": "nama_tempat",
    "desa_code": "desa_code",
    "desa_name": "desa",
    "kecamatan": "kecamatan",
    "category": "kategori",
    "text": "isi",
    "police_matter": "urusan_polisi",
    "agency": "dirujuk_ke",
    "status": "status",
    "due_date": "batas_waktu",
    "days_open": "hari_terbuka",
    "overdue": "terlambat",
}
"""Follow-up column → its header in the CSV and XLSX handed to an agency (Indonesian: the
agencies are Indonesian offices, whatever ``--lang`` the planner reads)."""

FOLLOWUP_SHEET = "tindak_lanjut"
"""The one sheet of a follow-up workbook without any follow-up."""

NOT_IN_DATASET = msg("(tidak ada di dataset)", "(not in the dataset)")
"""The name of a venue (or desa) of the visit log that the dataset no longer lists."""

POLICE_AGENCY = msg("Polisi", "Police")
"""Who handles a follow-up without an agency: a police matter."""

STATUS_TEXT: dict[str, Msg] = {
    "baru": msg("baru", "new"),
    "ditindaklanjuti": msg("ditindaklanjuti", "in progress"),
    "dirujuk": msg("dirujuk", "referred"),
    "selesai": msg("selesai", "done"),
}
"""A report's status as a person reads it (the stored value is the Indonesian word)."""

FOLLOWUP_HEADS: tuple[Msg, ...] = (
    msg("No.", "No."),
    msg("Malam", "Night"),
    msg("Tempat", "Venue"),
    msg("Desa", "Desa"),
    msg("Kategori", "Category"),
    msg("Isi", "Report"),
    msg("Instansi", "Agency"),
    msg("Status", "Status"),
    msg("Batas", "Due"),
    msg("Hari", "Days"),
)
"""The columns of ``planner followups``' table in the terminal."""

HELP_FOLLOWUPS_XLSX = help_msg(
    "Tulis tabel ke XLSX, satu sheet per instansi",
    "Write the table to an XLSX, one sheet per agency",
)
HELP_FOLLOWUPS_HTML = help_msg(
    "Tulis halaman A4 siap cetak, satu halaman per instansi",
    "Write printable A4 pages, one per agency",
)
FOLLOWUPS_FILES_WRITTEN = msg(
    "{n} tindak lanjut untuk {a} instansi ditulis ke {p}",
    "{n} follow-ups for {a} agencies written to {p}",
)
HELP_VISITS_EXPORT = help_msg(
    "Tulis log kunjungan ke CSV berformat templat kunjungan (bisa diimpor lagi).",
    "Write the visit log to a CSV in the visit sheet's format (it can be imported again).",
)
HELP_EXPORT_OUT = help_msg(
    "Berkas CSV (tanpa opsi ini: kunjungan.csv, atau kunjungan-<dari>_<sampai>.csv)",
    "CSV file (default: kunjungan.csv, or kunjungan-<from>_<to>.csv)",
)
HELP_EXPORT_FROM = help_msg(
    "Malam pertama YYYY-MM-DD (tanpa opsi ini: sejak awal log)",
    "First night YYYY-MM-DD (default: the start of the log)",
)
HELP_EXPORT_TO = help_msg(
    "Malam terakhir YYYY-MM-DD (tanpa opsi ini: sampai akhir log)",
    "Last night YYYY-MM-DD (default: the end of the log)",
)
EXPORT_DONE = msg(
    "{v} kunjungan ({r} laporan warga) ditulis ke {p}",
    "{v} visits ({r} reports) written to {p}",
)

FOLLOWUP_PAGE: dict[str, Msg] = {
    "title": msg("Tindak Lanjut Laporan Warga", "Community reports to follow up"),
    "org": msg("Polres Trenggalek · Warkop Kamtibmas", "Polres Trenggalek · Warkop Kamtibmas"),
    "to": msg("Kepada", "To"),
    "as_of": msg("Per", "As of"),
    "count": msg(
        "{n} laporan belum selesai, {k} lewat batas waktu",
        "{n} open reports, {k} past their due date",
    ),
    "intro": msg(
        "Laporan berikut disampaikan warga kepada regu Warkop Kamtibmas dan diteruskan kepada "
        "instansi Bapak/Ibu. Mohon isi kolom hasil tindak lanjut dan kembalikan lembar ini "
        "kepada Polres; sebutkan nomor laporan.",
        "Residents raised the following with the Warkop Kamtibmas squads; they are passed to "
        "your agency. Please write the outcome of each and return this sheet to the Polres, "
        "quoting the report number.",
    ),
    "police_intro": msg(
        "Laporan berikut adalah urusan polisi dan ditindaklanjuti oleh Polres/Polsek.",
        "The following are police matters, followed up by the Polres/Polsek.",
    ),
    "no": msg("No.", "No."),
    "night": msg("Malam", "Night"),
    "venue": msg("Tempat", "Venue"),
    "desa": msg("Desa / Kecamatan", "Desa / Kecamatan"),
    "category": msg("Kategori", "Category"),
    "text": msg("Isi laporan", "Report"),
    "due": msg("Batas waktu", "Due"),
    "days_open": msg("Hari", "Days"),
    "status": msg("Status", "Status"),
    "outcome": msg("Hasil tindak lanjut", "Outcome"),
    "late": msg("terlambat", "overdue"),
    "handed": msg("Diserahkan oleh", "Handed over by"),
    "received": msg("Diterima oleh", "Received by"),
    "name": msg("Nama", "Name"),
    "signature": msg("Tanda tangan", "Signature"),
    "date": msg("Tanggal", "Date"),
    "none": msg("Tidak ada tindak lanjut yang terbuka.", "No open follow-ups."),
}
"""The labels of the follow-up pages handed to each agency (``planner followups --html``)."""


__all__ = [
    "ALREADY_IMPORTED",
    "CSV_COMMENTS_SKIPPED",
    "DATE_VS_PLAN",
    "EXPORT_DONE",
    "FOLLOWUPS_FILES_WRITTEN",
    "FOLLOWUP_CSV_COLUMNS",
    "FOLLOWUP_HEADS",
    "FOLLOWUP_PAGE",
    "FOLLOWUP_SHEET",
    "HELP_EXPORT_FROM",
    "HELP_EXPORT_OUT",
    "HELP_EXPORT_TO",
    "HELP_FOLLOWUPS_HTML",
    "HELP_FOLLOWUPS_XLSX",
    "HELP_HEADINGS",
    "HELP_IMPORT_DATE",
    "HELP_IMPORT_PLAN",
    "HELP_IMPORT_SOURCE",
    "HELP_VISITS_EXPORT",
    "IMPORTED",
    "NOT_IN_DATASET",
    "NO_IMPORT_SOURCE",
    "OPTIONAL",
    "OTHER_NIGHT_ROW",
    "PLAN_NOT_READ",
    "POLICE_AGENCY",
    "REQUIRED",
    "ROWS_NOT_VISITED",
    "STATUS_TEXT",
    "STDIN_NOT_REPORT",
    "STDIN_SOURCE",
    "TEMPLATE_HELP",
    "TEMPLATE_RULES",
    "TEMPLATE_TITLE",
    "VISITS_EXISTING",
    "VISITS_REPLACED",
    "WITH_REPORT",
]
