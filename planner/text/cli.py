"""Words of the ``planner`` command: help texts, table headings, sentences, and the command-line
framework's own words (Usage, Options, "No such option", ...).

The commands in :mod:`planner.cli` read this module as ``T`` (``T.PLAN_DONE(lang)``). A
sentence a person reads after a command ran is a :class:`~planner.text.Msg`. A help text is
a :func:`~planner.text.help_msg`: Typer is given the Bahasa Indonesia wording when the
commands are defined, and ``planner.cli._click_text`` shows its English when ``--lang en``
(or ``PLANNER_LANG=en``) is asked for. The words Typer and Click print themselves are at the
end (``CLICK_*``), with Click's own English as the English.
"""

from __future__ import annotations

from planner.text import Msg, help_msg, msg

# ---------------------------------------------------------------- shared

HELP_APP = help_msg(
    "Perencana patroli Warkop Kamtibmas Polres Trenggalek. Bahasa: --lang id|en atau PLANNER_LANG.",
    "Warkop Kamtibmas patrol planner of Polres Trenggalek. Language: --lang id|en or PLANNER_LANG.",
)
HELP_LANG = help_msg(
    "Bahasa: id (Bahasa Indonesia) atau en (English); juga PLANNER_LANG",
    "Language: id (Bahasa Indonesia) or en (English); also PLANNER_LANG",
)
HELP_DATASET = help_msg(
    "Folder dataset",
    "Dataset folder",
)
HELP_QUIET = help_msg(
    "Tanpa progres",
    "No progress output",
)

LANG_REFUSED = msg(
    "--lang: 'id' (Bahasa Indonesia) atau 'en' (English), bukan {value!r}",
    "--lang: 'id' (Bahasa Indonesia) or 'en' (English), not {value!r}",
)
ENV_LANG_REFUSED = msg(
    "PLANNER_LANG={value!r} tidak dikenal: pakai 'id' (Bahasa Indonesia) atau 'en' (English), "
    "atau hapus variabel itu.",
    "PLANNER_LANG={value!r} is not known: use 'id' (Bahasa Indonesia) or 'en' (English), or "
    "unset it.",
)
"""Printed before the language is known, so both lines are printed."""

INPUT_ERROR_HEADS: tuple[Msg, ...] = (
    msg("Berkas", "File"),
    msg("Baris", "Row"),
    msg("Kolom", "Column"),
    msg("Ditemukan", "Found"),
    msg("Yang diharapkan", "Expected"),
)
CANCELLED = msg("Dibatalkan.", "Cancelled.")
INTERNAL_ERROR = msg(
    "Kesalahan internal (bug): {kind}: {error}", "Internal error (a bug): {kind}: {error}"
)
CRASH_LOG_SAVED = msg(
    "Rincian tersimpan di {log}. Mohon kirimkan berkas itu ke tim pengembang.",
    "Details were saved to {log}. Please send that file to the developers.",
)

DATE_EXPECTED = msg("tanggal YYYY-MM-DD", "a YYYY-MM-DD date")
PLAN_DATE_EXPECTED = msg("tanggal YYYY-MM-DD", "a date YYYY-MM-DD")
"""``planner plan --date`` has always said it this way round in English."""

COUNT_HEADS: tuple[Msg, Msg] = (msg("Data", "What"), msg("Jumlah", "Count"))
"""The two columns of the validate and demo tables."""

# ---------------------------------------------------------------- validate

HELP_VALIDATE = help_msg(
    "Periksa dataset seperti `plan` memeriksanya (semua pemeriksaan sebelum menyusun rute) dan tampilkan ringkasan.",
    "Check a dataset as `plan` would (every check before routing) and print a summary.",
)
HELP_VALIDATE_ROSTER = help_msg(
    "Daftar regu lain (squads.toml)",
    "Another squad roster (squads.toml)",
)
HELP_VALIDATE_JSON = help_msg(
    "Ringkasan sebagai JSON",
    "The summary as JSON",
)

VALIDATE_TITLE = msg("Dataset {dataset}: valid", "Dataset {dataset}: OK")
VALIDATE_ROWS: tuple[tuple[str, Msg], ...] = (
    ("desa", msg("Desa/kelurahan", "Desa/kelurahan")),
    ("kecamatan", msg("Kecamatan", "Kecamatan")),
    ("venues", msg("Tempat (warkop)", "Venues")),
    ("venues_active", msg("  aktif", "  active")),
    ("incidents", msg("Kejadian", "Incidents")),
    ("stations", msg("Kantor (Polres/Polsek)", "Stations")),
    ("squads", msg("Regu", "Squads")),
    ("members", msg("  personel", "  officers")),
)
"""The counts of the dataset summary, by its key, in the order shown."""
VALIDATE_INCIDENT_DATES = msg("Rentang kejadian", "Incident dates")
VALIDATE_ROADS = msg("Jaringan jalan", "Road network")
VALIDATE_PER_KECAMATAN = msg("Tempat per kecamatan", "Venues per kecamatan")
VALIDATE_VENUES = msg("Tempat", "Venues")
HELP_VALIDATE_OUT = help_msg(
    "Periksa juga bahwa folder keluaran ini dapat ditulisi (seperti plan --out)",
    "Also check that this output folder can be written (as plan --out)",
)
HELP_VALIDATE_DATE = help_msg(
    "Malam yang diperiksa (YYYY-MM-DD, WIB); tanpa opsi ini: malam ini",
    "The night to check (YYYY-MM-DD, WIB); without this option: tonight",
)
VALIDATE_NIGHT = msg(
    "Diperiksa seperti `planner plan` untuk malam {date}: {candidates} tempat dapat dikunjungi.",
    "Checked as `planner plan` would for the night of {date}: {candidates} venues can be visited.",
)
WARNINGS_TITLE = msg(
    "{n} peringatan (diterima, tetapi perlu dilihat)", "{n} warning(s) (accepted, worth a look)"
)
UNREACHABLE_TITLE = msg(
    "{n} tempat tidak terjangkau malam ini (tidak direncanakan)",
    "{n} venue(s) unreachable tonight (not planned)",
)
UNREACHABLE_HEADS: tuple[Msg, ...] = (
    msg("Tempat", "Venue"),
    msg("Nama", "Name"),
    msg("Kecamatan", "Kecamatan"),
    msg("Sebab", "Why"),
)
UNREACHABLE_MORE = msg(
    "… dan {n} lainnya (semuanya di plan.json, `dropped`)",
    "… and {n} more (all of them in plan.json, `dropped`)",
)
UNREACHABLE_SHOWN = 20
"""At most this many unreachable venues are listed on screen."""

# ---------------------------------------------------------------- plan

HELP_PLAN = help_msg(
    "Rencanakan rute patroli malam ini dan tulis peta, lembar rute dan ekspor.",
    "Plan tonight's patrol routes and write maps, route sheets and exports.",
)
HELP_PLAN_DATE = help_msg(
    "Tanggal malam (YYYY-MM-DD, WIB); tanpa opsi ini: malam ini",
    "Date of the night (YYYY-MM-DD, WIB); without this option: tonight",
)
HELP_PLAN_ROSTER = help_msg(
    "Daftar regu lain (squads.toml)",
    "Another squad roster (squads.toml)",
)
HELP_PLAN_TIME_LIMIT = help_msg(
    "Batas waktu solver (detik, > 0)",
    "Solver time limit (seconds, > 0)",
)
TIME_LIMIT_EXPECTED = msg(
    "jumlah detik lebih dari 0 (misalnya 30)", "a number of seconds above 0 (for example 30)"
)
HELP_PLAN_SEED = help_msg(
    "Benih acak (hasil dapat diulang)",
    "Random seed (results can be repeated)",
)
HELP_PLAN_REPRODUCIBLE = help_msg(
    "Anggaran pencarian tetap: rencana identik setiap kali",
    "A fixed search budget: the same plan every time",
)
HELP_PLAN_OUT = help_msg(
    "Folder keluaran",
    "Output folder",
)
HELP_PLAN_EXPORT_PROBLEM = help_msg(
    "Tulis NightProblem ke JSON",
    "Write the NightProblem as JSON",
)
HELP_PLAN_QUIET = help_msg(
    "Hanya tampilkan kesalahan",
    "Show errors only",
)
HELP_PLAN_JSON = help_msg(
    "Ringkasan untuk mesin (JSON)",
    "A summary for machines (JSON)",
)

PHASES: dict[str, Msg] = {
    "load": msg("Membaca data", "Loading data"),
    "score": msg("Menghitung prioritas", "Scoring venues"),
    "network": msg("Memuat jaringan jalan", "Loading road network"),
    "matrix": msg("Menghitung waktu tempuh", "Computing travel times"),
    "compile": msg("Menyusun model", "Compiling the model"),
    "solve": msg("Mencari rute (OR-Tools)", "Solving routes (OR-Tools)"),
    "check": msg("Memeriksa kelayakan", "Checking feasibility"),
    "legs": msg("Menggambar rute di jalan", "Drawing legs along roads"),
    "write": msg("Menulis peta dan lembar rute", "Writing maps and sheets"),
}
"""The progress line of each step of ``planner plan`` (an unknown step shows its own name)."""

PLAN_TITLE = msg("Rencana patroli malam {date}", "Patrol plan, night of {date}")
PLAN_HEADS: tuple[Msg, ...] = (
    msg("Regu", "Squad"),
    msg("Jam dinas", "Shift"),
    msg("Kunjungan", "Visits"),
    msg("Prioritas", "Priority"),
    msg("km", "km"),
    msg("Berangkat", "Leave"),
    msg("Kunjungan terakhir selesai", "Last visit ends"),
    msg("Kembali", "Back"),
)
SEARCH_STOPPED_HOW: dict[str, Msg] = {
    "converged": msg("konvergen (tidak membaik lagi)", "converged (no longer improving)"),
    "time_limit": msg("batas waktu", "time limit"),
    "budget": msg("anggaran pencarian tetap", "fixed search budget"),
}
"""``stats["stopped"]`` of a solve (docs/routing.md) as a person reads it."""
SEARCH_STOPPED = msg("Pencarian berhenti: {how}.", "Search stopped: {how}.")
SEARCH_STOPPED_AT = msg(
    "Pencarian berhenti: {how}; perbaikan terakhir pada detik ke-{t}.",
    "Search stopped: {how}; last improvement at {t} s.",
)
PLAN_DONE = msg(
    "{visits} kunjungan, prioritas {collected} dari {total} ({share}%), {km} km. Peta: {map}",
    "{visits} visits, priority {collected} of {total} ({share}%), {km} km. Map: {map}",
)
MUST_VISIT_UNMET = msg(
    "Wajib dikunjungi tetapi tidak dapat dijadwalkan", "Must-visit venue could not be planned"
)
NO_FEASIBLE_PLAN = msg("Tidak ada rencana yang layak.", "No feasible plan.")

# ---------------------------------------------------------------- score

HELP_SCORE = help_msg(
    "Prioritas tiap tempat malam ini beserta alasannya.",
    "Tonight's priority of every venue, with its reasons.",
)
HELP_SCORE_DATE = help_msg(
    "Tanggal malam (YYYY-MM-DD, WIB); tanpa opsi ini: malam ini",
    "Date of the night (YYYY-MM-DD, WIB); without this option: tonight",
)
HELP_SCORE_TOP = help_msg(
    "Jumlah tempat teratas di tabel",
    "How many top venues the table shows",
)
HELP_SCORE_JSON = help_msg(
    "Semua tempat sebagai JSON",
    "Every venue as JSON",
)
HELP_SCORE_CSV = help_msg(
    "Tulis semua tempat ke berkas CSV (titik koma, koma desimal)",
    "Write every venue to a CSV file (semicolons, decimal comma)",
)
HELP_SCORE_XLSX = help_msg(
    "Tulis semua tempat ke berkas XLSX (Excel)",
    "Write every venue to an XLSX (Excel) file",
)

CHOOSE_ONE = msg("pilih satu", "choose one")
SCORE_SHEET = msg("Prioritas", "Priorities")
"""The sheet of ``planner score --xlsx``."""
SCORE_CSV_DONE = msg("{n} tempat ditulis ke {p}", "{n} venues written to {p}")
SCORE_TITLE = msg(
    "{shown} teratas dari {total} tempat, malam {night}",
    "Top {shown} of {total} venues, night of {night}",
)
SCORE_NAME = msg("Nama", "Name")
SCORE_PRIORITY = msg("Prioritas", "Priority")
SCORE_REASONS = msg("Alasan", "Reasons")
SCORE_MUST_VISIT = msg("WAJIB", "MUST VISIT")
SCORE_EXCLUDED = msg("DIKECUALIKAN", "EXCLUDED")

# ---------------------------------------------------------------- check

HELP_CHECK = help_msg(
    "Periksa ulang rencana tersimpan terhadap semua aturan.",
    "Check a saved plan again against every rule.",
)
HELP_CHECK_PLAN = help_msg(
    "plan.json dari `planner plan`",
    "plan.json from `planner plan`",
)
HELP_CHECK_PROBLEM = help_msg(
    "Berkas --export-problem (NightProblem JSON)",
    "A file from --export-problem (NightProblem JSON)",
)

CHECK_UNCHECKED = msg(
    "Rencana ini tidak menyertakan masalah malamnya (plan.json versi 1) dan --problem tidak "
    "diberikan: hanya konsistensi rencana itu sendiri yang diperiksa; {n} aturan TIDAK "
    "diperiksa: {rules}. Beri --problem FILE.json (dari planner plan --export-problem).",
    "This plan holds no problem (a version 1 plan.json) and no --problem was given: only the "
    "plan's own consistency was checked; {n} rules were NOT checked: {rules}. Give --problem "
    "FILE.json (from planner plan --export-problem).",
)
CHECK_OK = msg("{visits} kunjungan, semua aturan terpenuhi.", "{visits} visits, every rule holds.")
CHECK_VIOLATIONS = msg("{n} pelanggaran", "{n} violation(s)")
CHECK_HEADS: tuple[Msg, ...] = (
    msg("Aturan", "Rule"),
    msg("Regu", "Squad"),
    msg("Tempat", "Venue"),
    msg("Rincian", "Detail"),
)

# ---------------------------------------------------------------- demo

HELP_DEMO = help_msg(
    "Buat dataset demo Trenggalek sintetis.",
    "Generate the synthetic Trenggalek demo dataset.",
)
HELP_DEMO_OUT = help_msg(
    "Folder tujuan",
    "Output folder",
)
HELP_DEMO_SEED = help_msg(
    "Benih acak",
    "Random seed",
)
HELP_DEMO_VENUES = help_msg(
    "Jumlah tempat",
    "Number of venues",
)
HELP_DEMO_FORCE = help_msg(
    "Ganti folder yang tidak kosong",
    "Replace a folder that is not empty",
)

DEMO_TITLE = msg(
    "Dataset demo ditulis ke {out} (benih {seed}, {seconds} detik)",
    "Demo dataset written to {out} (seed {seed}, {seconds} s)",
)
DEMO_DESA = msg("Desa/kelurahan", "Desa/kelurahan")
DEMO_VENUES = msg("Tempat", "Venues")
DEMO_INCIDENTS = msg("Kejadian", "Incidents")
DEMO_STATIONS = msg("Kantor (Polres/Polsek)", "Stations")
DEMO_SQUADS = msg("Regu", "Squads")
DEMO_ROADS = msg("Simpul / ruas jalan", "Road nodes / edges")

# ---------------------------------------------------------------- network

HELP_NETWORK = help_msg(
    "Jaringan jalan: unduh atau impor ke GraphML.",
    "Road network: download or import to GraphML.",
)
HELP_NETWORK_IMPORT = help_msg(
    "Ubah berkas jalan ke GraphML dataset.",
    "Convert a road file to the dataset's GraphML.",
)
HELP_NETWORK_SRC = help_msg(
    ".graphml, .osm, .osm.bz2 atau .osm.pbf",
    ".graphml, .osm, .osm.bz2 or .osm.pbf",
)
HELP_NETWORK_OUT = help_msg(
    "GraphML keluaran",
    "The GraphML to write",
)
HELP_NETWORK_FETCH = help_msg(
    "Unduh jaringan jalan dari OpenStreetMap (butuh internet).",
    "Download the road network from OpenStreetMap (needs the internet).",
)
HELP_NETWORK_PLACE = help_msg(
    'Nama wilayah, mis. "Kabupaten Trenggalek, Jawa Timur, Indonesia"',
    'A place name, e.g. "Kabupaten Trenggalek, Jawa Timur, Indonesia"',
)

NETWORK_TITLE = msg("Jaringan jalan ditulis ke {out}", "Road network written to {out}")
NETWORK_KEPT = msg("Dipakai", "Kept")
NETWORK_DROPPED = msg("Dibuang", "Dropped")
NETWORK_NODES = msg("Simpul", "Nodes")
NETWORK_EDGES = msg("Ruas", "Edges")
NETWORK_PIECES_DROPPED = msg(
    "{n} potongan jaringan yang terpisah dibuang (hanya bagian terbesar yang saling terhubung "
    "yang dipakai).",
    "{n} disconnected piece(s) dropped (only the largest strongly connected part is kept).",
)

# ---------------------------------------------------------------- visit log

HELP_VISITS = help_msg(
    "Log kunjungan regu: impor, templat, tambah, ekspor.",
    "The squads' visit log: import, template, add, export.",
)
HELP_STORE = help_msg(
    "Berkas log kunjungan (tanpa opsi ini: <dataset>/history.sqlite)",
    "The visit log file (without this option: <dataset>/history.sqlite)",
)

NO_VISIT_LOG = msg(
    "Belum ada log kunjungan di {path}; impor dulu: planner visits import BERKAS",
    "No visit log at {path} yet; import first: planner visits import FILE",
)
VISIT_LOG = msg("Log kunjungan: ", "Log: ")

HELP_VISITS_IMPORT = help_msg(
    "Impor laporan regu dari HP (WARKOP-LAPORAN) atau templat kunjungan, utuh atau tidak sama sekali.",
    "Import a squad's phone report (WARKOP-LAPORAN) or a visit sheet, whole or not at all.",
)
HELP_VISITS_IMPORT_REPLACE = help_msg(
    "Ganti kunjungan yang sudah tercatat berbeda",
    "Replace visits recorded differently before",
)
VISITS_SAVING = msg("Menyimpan", "Saving")

HELP_VISITS_TEMPLATE = help_msg(
    "Tulis templat laporan kunjungan kosong dengan petunjuk.",
    "Write an empty visit sheet with instructions.",
)
HELP_VISITS_TEMPLATE_OUT = help_msg(
    "templat-kunjungan.xlsx atau .csv",
    "templat-kunjungan.xlsx or .csv",
)
TEMPLATE_DONE = msg("Templat ditulis: {p} (petunjuk di dalamnya)", "Template written: {p}")

HELP_VISITS_ADD = help_msg(
    "Catat satu kunjungan yang diketik tangan.",
    "Record one visit typed by hand.",
)
HELP_ADD_REGU = help_msg(
    "Kode regu, mis. R01",
    "Squad code, e.g. R01",
)
HELP_ADD_VENUE = help_msg(
    "venue_id tempat",
    "The venue's venue_id",
)
HELP_ADD_TIBA = help_msg(
    "Jam tiba, mis. 21:30",
    "Arrival time, e.g. 21:30",
)
HELP_ADD_TANGGAL = help_msg(
    "Tanggal malam (tanpa opsi ini: malam ini)",
    "Date of the night (without this option: tonight)",
)
HELP_ADD_BERANGKAT = help_msg(
    "Jam berangkat",
    "Departure time",
)
HELP_ADD_WARGA = help_msg(
    "Perkiraan warga ditemui",
    "About how many residents were met",
)
HELP_ADD_CATATAN = help_msg(
    "Catatan petugas",
    "The officers' note",
)
HELP_ADD_TAMBAHAN = help_msg(
    "Kunjungan di luar rencana",
    "A stop outside the plan",
)
HELP_ADD_KATEGORI = help_msg(
    "Kategori laporan warga",
    "Category of the residents' report",
)
HELP_ADD_ISI = help_msg(
    "Isi laporan warga",
    "What the residents reported",
)
HELP_ADD_POLISI = help_msg(
    "Urusan polisi atau bukan",
    "A police matter or not",
)
HELP_ADD_RUJUK = help_msg(
    "Instansi tujuan rujukan",
    "The agency it is referred to",
)

HELP_FOLLOWUPS = help_msg(
    "Rujukan dan tindak lanjut yang belum selesai, terlama dulu.",
    "Open referrals and follow-ups, oldest first.",
)
HELP_FOLLOWUPS_AGENCY = help_msg(
    "Hanya instansi ini",
    "Only this agency",
)
HELP_FOLLOWUPS_OVERDUE = help_msg(
    "Hanya yang lewat batas waktu",
    "Only the overdue ones",
)
HELP_FOLLOWUPS_CSV = help_msg(
    "Tulis tabel ke CSV untuk instansi",
    "Write the table to a CSV for the agencies",
)
HELP_FOLLOWUPS_CLOSE = help_msg(
    "Tandai laporan nomor ini selesai",
    "Mark the report with this number done",
)
HELP_FOLLOWUPS_OUTCOME = help_msg(
    "Hasil tindak lanjut",
    "The outcome of the follow-up",
)

REPORT_CLOSED = msg("Laporan {n} selesai.", "Report {n} closed.")
FOLLOWUPS_TITLE = msg("{n} tindak lanjut terbuka", "{n} open follow-ups")

HELP_REPORT = help_msg(
    "Laporan kegiatan untuk Kapolres, siap cetak A4.",
    "The activity report for the Kapolres, ready to print on A4.",
)
HELP_REPORT_FROM = help_msg(
    "Malam pertama YYYY-MM-DD (tanpa opsi ini: 30 hari terakhir)",
    "First night YYYY-MM-DD (without this option: the last 30 days)",
)
HELP_REPORT_TO = help_msg(
    "Malam terakhir YYYY-MM-DD (tanpa opsi ini: hari ini)",
    "Last night YYYY-MM-DD (without this option: today)",
)
HELP_REPORT_OUT = help_msg(
    "Berkas HTML (tanpa opsi ini: maps/laporan-...html)",
    "The HTML file (without this option: maps/laporan-...html)",
)
REPORT_DONE = msg(
    "Laporan ditulis: {p} ({v} kunjungan, {r} laporan warga)",
    "Report written: {p} ({v} visits, {r} reports)",
)

# ---------------------------------------------------------------- simulate, sweep

HELP_SIMULATE = help_msg(
    "Simulasikan ulang beberapa minggu malam patroli.",
    "Replay weeks of patrol nights.",
)
HELP_SIMULATE_START = help_msg(
    "Malam pertama YYYY-MM-DD (tanpa opsi ini: malam-malam terakhir data kejadian)",
    "First night YYYY-MM-DD (without this option: the last nights of the incident data)",
)
HELP_SIMULATE_NIGHTS = help_msg(
    "Jumlah malam",
    "Number of nights",
)
HELP_SIMULATE_BASELINE = help_msg(
    "Bandingkan dengan perencana manual",
    "Compare with the manual planner",
)
HELP_SIMULATE_JITTER = help_msg(
    "Acak prioritas ±persen per malam",
    "Randomise priorities by ±percent per night",
)
HELP_SIMULATE_TIME_LIMIT = help_msg(
    "Detik per malam untuk solver",
    "Solver seconds per night",
)
HELP_SIMULATE_REPRODUCIBLE = help_msg(
    "Anggaran solusi tetap, hasil sama setiap kali",
    "A fixed solution budget, the same results every time",
)
HELP_SIMULATE_SET = help_msg(
    "Ubah pengaturan: weights.incidents=2 (boleh berulang)",
    "Change a setting: weights.incidents=2 (may repeat)",
)
HELP_SIMULATE_OUT = help_msg(
    "Folder untuk tabel CSV",
    "Folder for the CSV tables",
)
HELP_SIMULATE_JSON = help_msg(
    "Ukuran sebagai JSON",
    "The metrics as JSON",
)

REPLAY_TITLE = msg("Simulasi ulang", "Replay")
METRIC_HEAD = msg("Ukuran", "Metric")
SIMULATE_NIGHTS = msg("{n} malam {first} … {last}", "{n} nights {first} … {last}")
SIMULATE_JITTER = msg(", prioritas diacak ±{jitter}%", ", priorities ±{jitter}%")
TABLES = msg("Tabel: ", "Tables: ")

HELP_SWEEP = help_msg(
    "Jalankan kisi pengaturan × tanggal dengan Dask.",
    "Run a grid of settings × dates on Dask.",
)
HELP_SWEEP_FILE = help_msg(
    "SWEEP.toml (lihat docs/analysis.md)",
    "SWEEP.toml (see docs/analysis.md)",
)
HELP_SWEEP_SCHEDULER = help_msg(
    "Scheduler Dask yang sudah berjalan, mis. tcp://host:8786",
    "A running Dask scheduler, e.g. tcp://host:8786",
)
HELP_SWEEP_WORKERS = help_msg(
    "Jumlah pekerja LocalCluster",
    "Number of LocalCluster workers",
)
HELP_SWEEP_THREADS = help_msg(
    "Pekerja berupa thread, bukan proses",
    "Workers as threads, not processes",
)
HELP_SWEEP_SERIAL = help_msg(
    "Tanpa Dask, satu per satu",
    "Without Dask, one at a time",
)
HELP_SWEEP_OUT = help_msg(
    "Folder hasil (tanpa opsi ini: out di berkas)",
    "Output folder (without this option: out in the file)",
)

WRITTEN = msg("Ditulis: ", "Written: ")

# ---------------------------------------------------------------- the framework's own words
# What Typer and Click print themselves (planner.cli._click_text puts these in their place).
# The English is Click's own wording, so ``--lang en`` reads as Click always did.

CLICK_USAGE = msg("Penggunaan: ", "Usage: ")
CLICK_OPTIONS_METAVAR = msg("[OPSI]", "[OPTIONS]")
CLICK_COMMAND_METAVAR = msg("PERINTAH [ARG]...", "COMMAND [ARGS]...")
CLICK_ARGUMENTS = msg("Argumen", "Arguments")
CLICK_OPTIONS = msg("Opsi", "Options")
CLICK_COMMANDS = msg("Perintah", "Commands")
CLICK_ERROR = msg("Kesalahan", "Error")
CLICK_ABORTED = msg("Dibatalkan.", "Aborted.")
CLICK_DEPRECATED = msg("(usang) ", "(deprecated) ")
CLICK_DEFAULT = msg("[bawaan: {}]", "[default: {}]")
CLICK_ENVVAR = msg("[variabel lingkungan: {}]", "[env var: {}]")
CLICK_REQUIRED = msg("[wajib]", "[required]")
CLICK_TRY_HELP = msg(
    "Coba [blue]'{command_path} {help_option}'[/] untuk bantuan.",
    "Try [blue]'{command_path} {help_option}'[/] for help.",
)
"""Rich markup: the command path is escaped by Typer."""
CLICK_HELP_OPTION = msg("Tampilkan bantuan ini lalu keluar.", "Show this message and exit.")

CLICK_TYPES: dict[str, Msg] = {
    "<str>": msg("<teks>", "<text>"),
    "<int>": msg("<bilangan bulat>", "<integer>"),
    "<int range>": msg("<bilangan bulat>", "<integer>"),
    "<float>": msg("<angka>", "<number>"),
    "<float range>": msg("<angka>", "<number>"),
    "<path>": msg("<lokasi>", "<path>"),
    "<file>": msg("<berkas>", "<file>"),
    "<directory>": msg("<folder>", "<folder>"),
    "<list[str]>": msg("<teks>...", "<text>..."),
}
"""The type shown beside an option in ``--help`` (a flag shows none)."""

CLICK_NO_SUCH_OPTION = msg("Opsi tidak dikenal: {name}", "No such option: {name}")
CLICK_POSSIBLE_OPTIONS = msg("(mungkin maksudnya: {options})", "(Possible options: {options})")
CLICK_NO_SUCH_COMMAND = msg("Perintah tidak dikenal: {name!r}.", "No such command {name!r}.")
CLICK_DID_YOU_MEAN = msg("Mungkin maksudnya {names}?", "Did you mean {names}?")
CLICK_MISSING_COMMAND = msg("Perintah belum diberikan.", "Missing command.")
CLICK_EXTRA_ARGUMENTS = msg(
    "Argumen berlebih yang tidak dikenal: ({args})", "Got unexpected extra argument(s) ({args})"
)
CLICK_NEEDS_VALUE = msg("Opsi {name} memerlukan nilai.", "Option {name} requires an argument.")
CLICK_NEEDS_VALUES = msg(
    "Opsi {name} memerlukan {n} nilai.", "Option {name} requires {n} arguments."
)
CLICK_TAKES_NO_VALUE = msg(
    "Opsi {name} tidak menerima nilai.", "Option {name} does not take a value."
)
CLICK_ARGUMENT_VALUES = msg(
    "Argumen {name} memerlukan {n} nilai.", "Argument {name} takes {n} values."
)
CLICK_MISSING: dict[str, Msg] = {
    "option": msg("Opsi {hint} wajib diisi.", "Missing option {hint}."),
    "argument": msg("Argumen {hint} wajib diisi.", "Missing argument {hint}."),
    "parameter": msg("Parameter {hint} wajib diisi.", "Missing parameter {hint}."),
}
CLICK_INVALID_VALUE = msg("Nilai tidak sah untuk {hint}: {why}", "Invalid value for {hint}: {why}")
CLICK_INVALID: dict[str, Msg] = {
    "int_parsing": msg(
        "{value!r} bukan bilangan bulat (misalnya 3)", "{value!r} is not a whole number (e.g. 3)"
    ),
    "int_from_float": msg(
        "{value!r} bukan bilangan bulat (misalnya 3)", "{value!r} is not a whole number (e.g. 3)"
    ),
    "float_parsing": msg(
        "{value!r} bukan angka (misalnya 30 atau 2.5)", "{value!r} is not a number (e.g. 30 or 2.5)"
    ),
    "bool_parsing": msg("{value!r} bukan ya/tidak", "{value!r} is not yes/no"),
    "greater_than_equal": msg("harus paling sedikit {ge}", "must be at least {ge}"),
    "greater_than": msg("harus lebih dari {gt}", "must be more than {gt}"),
    "less_than_equal": msg("harus paling banyak {le}", "must be at most {le}"),
    "less_than": msg("harus kurang dari {lt}", "must be less than {lt}"),
    "literal_error": msg("harus salah satu dari {expected}", "must be one of {expected}"),
    "enum": msg("harus salah satu dari {expected}", "must be one of {expected}"),
}
"""Why a value was refused, by the error type of Typer's (pydantic) conversion."""
CLICK_INVALID_OTHER = msg("{value!r} tidak dapat dipakai", "{value!r} cannot be used")
"""A refused value whose reason :data:`CLICK_INVALID` does not know."""
