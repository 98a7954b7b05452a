"""Words of the ``planner`` command: help texts, table headings and sentences.

The commands in :mod:`planner.cli` read this module as ``T`` (``T.PLAN_DONE(lang)``). A
sentence a person reads after a command ran is a :class:`~planner.text.Msg`; a help text is
one string, Bahasa Indonesia first, sometimes with its English gloss, because ``--help`` is
printed before ``--lang`` is known.
"""

from __future__ import annotations

from planner.text import Msg, msg

# ---------------------------------------------------------------- shared

HELP_APP = (
    "Perencana patroli Warkop Kamtibmas Polres Trenggalek. "
    "(Warkop Kamtibmas patrol planner; use --lang en for English.)"
)
HELP_LANG = "id (Bahasa Indonesia) atau en (English)"
HELP_DATASET = "Folder dataset (default: data/demo)"
HELP_QUIET = "tanpa progres"

LANG_REFUSED = "--lang: 'id' atau 'en' (got {value!r})"
"""Printed before the language is known, so in both at once."""

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

HELP_VALIDATE = (
    "Periksa dataset seperti `plan` memeriksanya (semua pemeriksaan sebelum menyusun rute) dan "
    "tampilkan ringkasan. (Check a dataset as plan would, without solving.)"
)
HELP_VALIDATE_ROSTER = "squads.toml lain / another roster file"
HELP_VALIDATE_JSON = "ringkasan sebagai JSON"

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
HELP_VALIDATE_OUT = "Periksa juga bahwa folder keluaran ini dapat ditulisi (seperti plan --out)"
HELP_VALIDATE_DATE = "Malam yang diperiksa (YYYY-MM-DD, WIB); default: malam ini"
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

HELP_PLAN = (
    "Rencanakan rute patroli malam ini dan tulis peta, lembar rute dan ekspor.\n\n"
    "(Plan tonight's routes and write maps, route sheets and exports.)"
)
HELP_PLAN_DATE = "Tanggal malam (YYYY-MM-DD, WIB); default: malam ini"
HELP_PLAN_ROSTER = "Daftar regu lain (squads.toml)"
HELP_PLAN_TIME_LIMIT = "Batas waktu solver (detik, > 0)"
TIME_LIMIT_EXPECTED = msg(
    "jumlah detik lebih dari 0 (misalnya 30)", "a number of seconds above 0 (for example 30)"
)
HELP_PLAN_SEED = "Benih acak (hasil dapat diulang)"
HELP_PLAN_REPRODUCIBLE = "Anggaran pencarian tetap: rencana identik setiap kali"
HELP_PLAN_OUT = "Folder keluaran (default: maps/)"
HELP_PLAN_EXPORT_PROBLEM = "Tulis NightProblem ke JSON"
HELP_PLAN_QUIET = "Hanya tampilkan kesalahan"
HELP_PLAN_JSON = "Ringkasan untuk mesin (JSON)"

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
PLAN_DONE = msg(
    "{visits} kunjungan, prioritas {collected:.1f} dari {total:.1f} ({share:.0f}%), "
    "{km:.0f} km. Peta: {map}",
    "{visits} visits, priority {collected:.1f} of {total:.1f} ({share:.0f}%), "
    "{km:.0f} km. Map: {map}",
)
MUST_VISIT_UNMET = msg(
    "Wajib dikunjungi tetapi tidak dapat dijadwalkan", "Must-visit venue could not be planned"
)
NO_FEASIBLE_PLAN = msg("Tidak ada rencana yang layak.", "No feasible plan.")

# ---------------------------------------------------------------- score

HELP_SCORE = "Prioritas tiap tempat malam ini beserta alasannya. (Tonight's venue priorities.)"
HELP_SCORE_DATE = "tanggal malam (YYYY-MM-DD, WIB); default: malam ini"
HELP_SCORE_TOP = "jumlah tempat teratas di tabel / rows shown"
HELP_SCORE_JSON = "semua tempat sebagai JSON"
HELP_SCORE_CSV = "tulis semua tempat ke berkas CSV / write a CSV"

CHOOSE_ONE = msg("pilih satu", "choose one")
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

HELP_CHECK = "Periksa ulang rencana tersimpan terhadap semua aturan. (Re-verify a saved plan.)"
HELP_CHECK_PLAN = "plan.json dari `planner plan`"
HELP_CHECK_PROBLEM = "Berkas --export-problem (NightProblem JSON)"

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

HELP_DEMO = "Buat dataset demo Trenggalek sintetis. (Generate the synthetic demo dataset.)"
HELP_DEMO_OUT = "folder tujuan / output folder (default: data/demo)"
HELP_DEMO_SEED = "seed acak / random seed"
HELP_DEMO_VENUES = "jumlah tempat / number of venues"
HELP_DEMO_FORCE = "ganti folder yang tidak kosong / replace a folder"

DEMO_TITLE = msg(
    "Dataset demo ditulis ke {out} (seed {seed}, {seconds:.1f} dtk)",
    "Demo dataset written to {out} (seed {seed}, {seconds:.1f} s)",
)
DEMO_DESA = msg("Desa/kelurahan", "Desa/kelurahan")
DEMO_VENUES = msg("Tempat", "Venues")
DEMO_INCIDENTS = msg("Kejadian", "Incidents")
DEMO_STATIONS = msg("Kantor (Polres/Polsek)", "Stations")
DEMO_SQUADS = msg("Regu", "Squads")
DEMO_ROADS = msg("Simpul / ruas jalan", "Road nodes / edges")

# ---------------------------------------------------------------- network

HELP_NETWORK = "Jaringan jalan: unduh atau impor ke GraphML. (Road network: fetch or import.)"
HELP_NETWORK_IMPORT = (
    "Ubah berkas jalan ke GraphML dataset. (Convert a road file to the dataset's GraphML.)"
)
HELP_NETWORK_SRC = ".graphml, .osm, .osm.bz2 atau .osm.pbf"
HELP_NETWORK_OUT = "GraphML keluaran / output GraphML"
HELP_NETWORK_FETCH = (
    "Unduh jaringan jalan dari OpenStreetMap (butuh internet). (Download from OSM.)"
)
HELP_NETWORK_PLACE = 'mis. "Kabupaten Trenggalek, Jawa Timur, Indonesia"'

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

HELP_VISITS = "Log kunjungan regu: impor, templat, tambah. (Visit log: import, template, add.)"
HELP_STORE = "Berkas log kunjungan (default: <dataset>/history.sqlite)"

NO_VISIT_LOG = msg(
    "Belum ada log kunjungan di {path}; impor dulu: planner visits import BERKAS",
    "No visit log at {path} yet; import first: planner visits import FILE",
)
VISIT_LOG = msg("Log kunjungan: ", "Log: ")

HELP_VISITS_IMPORT = (
    "Impor laporan regu dari HP (WARKOP-LAPORAN) atau templat kunjungan, utuh atau tidak sama "
    "sekali. (Import a phone report or a visit sheet.)"
)
HELP_VISITS_IMPORT_REPLACE = "ganti kunjungan yang sudah tercatat berbeda"
VISITS_SAVING = msg("Menyimpan", "Saving")

HELP_VISITS_TEMPLATE = (
    "Tulis templat laporan kunjungan kosong dengan petunjuk. (Write the visit template.)"
)
HELP_VISITS_TEMPLATE_OUT = "templat-kunjungan.xlsx atau .csv"
TEMPLATE_DONE = msg("Templat ditulis: {p} (petunjuk di dalamnya)", "Template written: {p}")

HELP_VISITS_ADD = "Catat satu kunjungan yang diketik tangan. (Record one visit by hand.)"
HELP_ADD_REGU = "kode regu, mis. R01"
HELP_ADD_VENUE = "venue_id tempat"
HELP_ADD_TIBA = "jam tiba, mis. 21:30"
HELP_ADD_TANGGAL = "tanggal malam (default: malam ini)"
HELP_ADD_BERANGKAT = "jam berangkat"
HELP_ADD_WARGA = "perkiraan warga ditemui"
HELP_ADD_CATATAN = "catatan petugas"
HELP_ADD_TAMBAHAN = "kunjungan di luar rencana / an extra stop"
HELP_ADD_KATEGORI = "kategori laporan warga"
HELP_ADD_ISI = "isi laporan warga"
HELP_ADD_POLISI = "urusan polisi atau bukan"
HELP_ADD_RUJUK = "instansi tujuan rujukan"

HELP_FOLLOWUPS = "Rujukan dan tindak lanjut yang belum selesai, terlama dulu. (Open follow-ups.)"
HELP_FOLLOWUPS_AGENCY = "hanya instansi ini"
HELP_FOLLOWUPS_OVERDUE = "hanya yang lewat batas waktu"
HELP_FOLLOWUPS_CSV = "tulis tabel ke CSV untuk instansi"
HELP_FOLLOWUPS_CLOSE = "tandai laporan nomor ini selesai"
HELP_FOLLOWUPS_OUTCOME = "hasil tindak lanjut"

REPORT_CLOSED = msg("Laporan {n} selesai.", "Report {n} closed.")
FOLLOWUPS_WRITTEN = msg("{n} tindak lanjut ditulis ke {p}", "{n} follow-ups written to {p}")
FOLLOWUPS_TITLE = msg("{n} tindak lanjut terbuka", "{n} open follow-ups")
FOLLOWUPS_HEADS: tuple[Msg, ...] = (
    msg("No.", "No."),
    msg("Malam", "Night"),
    msg("Tempat", "Venue"),
    msg("Kategori", "Category"),
    msg("Isi", "Report"),
    msg("Instansi", "Agency"),
    msg("Status", "Status"),
    msg("Batas", "Due"),
    msg("Hari", "Days"),
)
POLICE = msg("Polisi", "Police")
"""The agency of a follow-up that the police handle themselves."""

HELP_REPORT = "Laporan kegiatan untuk Kapolres, siap cetak A4. (Printable activity report.)"
HELP_REPORT_FROM = "malam pertama YYYY-MM-DD (default: 30 hari)"
HELP_REPORT_TO = "malam terakhir YYYY-MM-DD (default: hari ini)"
HELP_REPORT_OUT = "berkas HTML (default: maps/laporan-...html)"
REPORT_DONE = msg(
    "Laporan ditulis: {p} ({v} kunjungan, {r} laporan warga)",
    "Report written: {p} ({v} visits, {r} reports)",
)

# ---------------------------------------------------------------- simulate, sweep

HELP_SIMULATE = "Simulasikan ulang beberapa minggu malam patroli. (Replay weeks of nights.)"
HELP_SIMULATE_START = "malam pertama YYYY-MM-DD (default: malam-malam terakhir data kejadian)"
HELP_SIMULATE_NIGHTS = "jumlah malam"
HELP_SIMULATE_BASELINE = "bandingkan dengan perencana manual / vs. the manual baseline"
HELP_SIMULATE_JITTER = "acak prioritas ±persen per malam / randomise priorities ±%"
HELP_SIMULATE_TIME_LIMIT = "detik per malam untuk solver / solver seconds per night"
HELP_SIMULATE_REPRODUCIBLE = "anggaran solusi, hasil sama setiap kali"
HELP_SIMULATE_SET = "ubah pengaturan: weights.incidents=2 (boleh berulang)"
HELP_SIMULATE_OUT = "folder untuk tabel CSV / folder for the CSV tables"
HELP_SIMULATE_JSON = "ukuran sebagai JSON"

METHODS: dict[str, Msg] = {
    "optimizer": msg("optimasi", "optimiser"),
    "baseline": msg("manual", "manual"),
}
"""How a replay's method is named in the progress bar and the metric table."""

METRIC_ROWS: tuple[tuple[str, Msg, str], ...] = (
    ("coverage", msg("Cakupan berbobot risiko", "Risk-weighted coverage"), "pct"),
    ("coverage_night_min", msg("  malam terendah", "  worst night"), "pct"),
    ("visits_per_night", msg("Kunjungan per malam", "Visits per night"), "1"),
    ("km", msg("Kilometer", "Kilometres"), "0"),
    ("priority_per_km", msg("Prioritas per km", "Priority per km"), "2"),
    ("desa_7d_share_mean", msg("Desa terjangkau per 7 malam", "Desa reached per 7 nights"), "pct"),
    ("desa_reached_every_window", msg("  di setiap jendela", "  in every window"), "0"),
    ("high_gap_max_days", msg("Tempat rawan: jeda terpanjang (hari)", "Rawan venues: longest gap (days)"), "0"),
    ("high_gap_mean_days", msg("  rata-rata jeda terpanjang", "  mean longest gap"), "1"),
    ("high_never_visited", msg("  tak pernah dikunjungi", "  never visited"), "0"),
    ("squad_visits_cv", msg("Beban: KV kunjungan per regu", "Workload: CV of visits per squad"), "2"),
    ("squad_km_cv", msg("Beban: KV km per regu", "Workload: CV of km per squad"), "2"),
    ("jaccard_mean", msg("Keterdugaan (Jaccard)", "Predictability (Jaccard)"), "2"),
    ("wall_s", msg("Waktu (detik)", "Wall time (s)"), "1"),
)  # fmt: skip
"""The replay metrics: key, label and format (``pct`` a percentage, else decimals)."""
REPLAY_TITLE = msg("Simulasi ulang", "Replay")
METRIC_HEAD = msg("Ukuran", "Metric")
SIMULATE_NIGHTS = msg("{n} malam {first} … {last}", "{n} nights {first} … {last}")
SIMULATE_JITTER = msg(", prioritas diacak ±{jitter:g}%", ", priorities ±{jitter:g}%")
SIMULATE_COMPARE = msg(
    "Optimasi vs manual: cakupan {gain:+.1f}%, prioritas per km {eff:+.1f}%.",
    "Optimiser vs manual: coverage {gain:+.1f}%, priority per km {eff:+.1f}%.",
)
TABLES = msg("Tabel: ", "Tables: ")

HELP_SWEEP = "Jalankan kisi pengaturan × tanggal dengan Dask. (Run a settings sweep on Dask.)"
HELP_SWEEP_FILE = "SWEEP.toml (lihat docs/analysis.md)"
HELP_SWEEP_SCHEDULER = "scheduler Dask yang ada, mis. tcp://host:8786"
HELP_SWEEP_WORKERS = "pekerja LocalCluster"
HELP_SWEEP_THREADS = "pekerja berupa thread, bukan proses"
HELP_SWEEP_SERIAL = "tanpa Dask, satu per satu"
HELP_SWEEP_OUT = "folder hasil (default: out di berkas)"

SWEEP_TITLE = msg("{n} simulasi", "{n} replays")
SWEEP_METHOD = msg("Metode", "Method")
SWEEP_START = msg("Mulai", "Start")
SWEEP_COVERAGE = msg("Cakupan", "Coverage")
WRITTEN = msg("Ditulis: ", "Written: ")
