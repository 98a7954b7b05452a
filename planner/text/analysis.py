"""Words of the analysts' tools (``planner.analysis``): replay methods, the replay's metric
table (``planner simulate``), the sweep's summary table and its chart."""

from __future__ import annotations

import math
import numbers
from typing import Any

from planner.text import Lang, Msg, msg, number

METHOD_NAMES: dict[str, Msg] = {
    "optimizer": msg("optimasi", "optimiser"),
    "baseline": msg("manual", "manual"),
}
"""How a replay's method is named to a person (``simulate.METHODS``), in ``planner simulate``
and ``planner sweep`` alike: *optimasi* / *manual* in Bahasa Indonesia, *optimiser* / *manual*
in English. The codes ``optimizer`` and ``baseline`` stay in files a program reads (the
``method`` column of the CSVs, ``--json``, the sweep file's ``methods``)."""

REPLAY_METRICS: tuple[tuple[str, Msg, str], ...] = (
    ("risk_collected", msg("Risiko terkumpul (tolok ukur tetap)", "Risk collected (fixed yardstick)"), "1"),
    ("risk_share", msg("  bagian dari risiko tempat calon", "  share of the candidates' risk"), "pct"),
    ("coverage", msg("Cakupan berbobot risiko", "Risk-weighted coverage"), "pct"),
    ("coverage_night_min", msg("  malam terendah", "  worst night"), "pct"),
    ("visits_per_night", msg("Kunjungan per malam", "Visits per night"), "1"),
    ("km", msg("Kilometer", "Kilometres"), "0"),
    ("km_per_visit", msg("Km per kunjungan", "Km per visit"), "2"),
    ("priority_per_km", msg("Prioritas per km", "Priority per km"), "2"),
    ("desa_7d_share_mean", msg("Desa terjangkau per 7 malam", "Desa reached per 7 nights"), "pct"),
    ("desa_7d_share_min", msg("  jendela terendah", "  worst window"), "pct"),
    ("desa_reached_every_window", msg("  desa di setiap jendela", "  desa in every window"), "0"),
    ("high_desa_missed", msg("Desa rawan terlewat dalam jendela 7 malam", "Rawan desa missed in a 7-night window"), "0"),
    ("rawan_unvisited_14n", msg("Tempat rawan tanpa kunjungan 14 malam (maks.)", "Rawan venues unvisited in 14 nights (max)"), "0"),
    ("high_gap_max_days", msg("Tempat rawan: jeda terpanjang (hari)", "Rawan venues: longest gap (days)"), "0"),
    ("high_gap_mean_days", msg("  rata-rata jeda terpanjang", "  mean longest gap"), "1"),
    ("high_never_visited", msg("  tak pernah dikunjungi", "  never visited"), "0"),
    ("desa_reached_night_mean", msg("Desa dikunjungi per malam", "Desa visited per night"), "1"),
    ("desa_max_visits_night", msg("Kunjungan terbanyak satu desa semalam", "Most visits of one desa in a night"), "0"),
    ("desa_overdue_mean", msg("Desa melewati target kehadiran (per malam)", "Desa past their presence target (per night)"), "1"),
    ("squad_visits_cv", msg("Beban: KV kunjungan per regu", "Workload: CV of visits per squad"), "2"),
    ("squad_km_cv", msg("Beban: KV km per regu", "Workload: CV of km per squad"), "2"),
    ("jaccard_mean", msg("Keterdugaan (Jaccard)", "Predictability (Jaccard)"), "2"),
    ("wall_s", msg("Waktu (detik)", "Wall time (s)"), "1"),
)  # fmt: skip
"""The replay metrics ``planner simulate`` prints: key, label and format (``pct`` a
percentage, else the number of decimals). A key a replay does not have is left out."""

WINNER_HEAD = msg("Unggul", "Better")
TIE = msg("seri", "tie")
ISSUE_WINS = msg(
    "Optimasi unggul pada {won} dari {total} ukuran kehadiran (risiko, jangkauan desa, tempat "
    "rawan, keterdugaan, km per kunjungan).",
    "The optimiser is better on {won} of {total} presence measures (risk, desa reach, rawan "
    "venues, predictability, km per visit).",
)
COMPARE_HEADLINE = msg(
    "Optimasi dibanding manual: cakupan {gain}, prioritas per km {eff}.",
    "Optimiser against manual: coverage {gain}, priority per km {eff}.",
)
"""``planner simulate --baseline``: the optimiser's change over the manual baseline, in % (signed
numbers formatted by :func:`signed_percent`)."""
HEADLINE_NAMES: dict[str, Msg] = {
    "risk_collected": msg("risiko terkumpul", "risk collected"),
    "risk_share": msg("bagian risiko", "risk share"),
    "desa_7d_share_mean": msg("jangkauan desa per 7 malam", "desa reach per 7 nights"),
    "desa_7d_share_min": msg("jendela 7 malam terendah", "worst 7-night window"),
    "high_desa_missed": msg("desa rawan terlewat", "rawan desa missed"),
    "rawan_unvisited_14n": msg(
        "tempat rawan tanpa kunjungan 14 malam", "rawan venues unvisited for 14 nights"
    ),
    "jaccard_mean": msg("keterdugaan", "predictability"),
    "km_per_visit": msg("km per kunjungan", "km per visit"),
    "desa_max_visits_night": msg("kunjungan terbanyak satu desa", "most visits of one desa"),
    "coverage": msg("cakupan", "coverage"),
    "visits_per_night": msg("kunjungan per malam", "visits per night"),
    "priority_per_km": msg("prioritas per km", "priority per km"),
}
"""Short names of the metrics the headline of ``planner simulate --baseline`` lists
(``simulate.HEADLINE_METRICS``)."""
OPTIMIZER_WINS = msg("Optimasi unggul pada: {what}.", "The optimiser is better on: {what}.")
BASELINE_WINS = msg("Manual unggul pada: {what}.", "Manual is better on: {what}.")
NO_WINS = msg("tidak ada", "none")
TIES = msg("Seri: {what}.", "Tied: {what}.")
"""The headline lists where each method is better: the optimiser's wins *and* the manual
baseline's (a metric where the baseline wins is as much a finding as one where it loses)."""

SWEEP_TITLE = msg(
    "{tasks} simulasi: {variants} pengaturan × metode, rata-rata ±simpangan baku atas {starts} "
    "tanggal mulai",
    "{tasks} replays: {variants} settings × methods, mean ±standard deviation over {starts} "
    "start dates",
)
SWEEP_METHOD = msg("Metode", "Method")
SWEEP_SETTING = msg("Pengaturan", "Setting")
SWEEP_STARTS = msg("Tgl mulai", "Starts")
SWEEP_RAW = msg(
    "Tiap simulasi (per tanggal mulai) ada di {path}.",
    "Every replay (per start date) is in {path}.",
)

SWEEP_COLUMNS: tuple[tuple[str, Msg, str], ...] = (
    ("coverage", msg("Cakupan", "Coverage"), "pct"),
    ("risk_share", msg("Risiko", "Risk"), "pct"),
    ("desa_7d_share_mean", msg("Desa/7", "Desa/7"), "pct0"),
    ("high_desa_missed", msg("Desa rawan terlewat", "Rawan desa missed"), "1"),
    ("rawan_unvisited_14n", msg("Rawan 14 malam", "Rawan 14 nights"), "1"),
    ("jaccard_mean", msg("Jaccard", "Jaccard"), "2"),
    ("km_per_visit", msg("Km/kunjungan", "Km/visit"), "1"),
)
"""The measures in ``planner sweep``'s table (one row per setting and method, the mean over the
start dates ± its standard deviation): key, heading, format."""

SWEEP_CHART: dict[str, Msg] = {
    "chart_title": msg(
        "Per pengaturan: rata-rata atas {n} tanggal mulai (garis: terendah–tertinggi)",
        "Per setting: mean over {n} start dates (whiskers: lowest–highest)",
    ),
    "coverage_title": msg("Cakupan", "Coverage"),
    "coverage_axis": msg("Cakupan berbobot risiko (%)", "Risk-weighted coverage (%)"),
    "desa_7d_share_mean_title": msg("Jangkauan desa", "Desa reach"),
    "desa_7d_share_mean_axis": msg(
        "Desa terjangkau per 7 malam (%)", "Desa reached per 7 nights (%)"
    ),
    "risk_share_title": msg("Risiko terkumpul", "Risk collected"),
    "risk_share_axis": msg("Bagian dari tolok ukur tetap (%)", "Share of the fixed yardstick (%)"),
    "jaccard_mean_title": msg("Keterdugaan", "Predictability"),
    "jaccard_mean_axis": msg(
        "Jaccard malam berturut (rendah = sulit ditebak)",
        "Jaccard of consecutive nights (low = hard to guess)",
    ),
    "default_variant": msg("bawaan", "default"),
}
"""Titles, axes and labels of the sweep's comparison chart (``sweep.png``): per panel
``<measure>_title`` and ``<measure>_axis``."""


def signed_percent(value: float, lang: Lang = "id") -> str:
    """A change in % with its sign and one decimal: ``+12,3%`` / ``−4.0%`` (Babel numbers)."""
    x = float(value)
    sign = "+" if x > 0 else "−" if x < 0 else "±"
    return sign + number(abs(x), lang, 1) + "%"


def setting_value(value: Any, lang: Lang = "id") -> str:
    """A grid value as a person reads it: numbers with as many decimals as they have (up to 4)
    in ``lang``'s format (id ``0,25``, en ``0.25``; ``2.0`` is ``2``), anything else as is."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    x = float(value)
    if not math.isfinite(x):
        return str(value)
    digits = next((d for d in range(5) if round(x, d) == round(x, 4)), 4)
    return number(x, lang, digits)


def metric_value(value: float, fmt: str, lang: Lang = "id") -> str:
    """A metric as a person reads it: ``pct`` a percentage with one decimal (``pct0`` none),
    otherwise a number with ``fmt`` decimals (Babel: id ``2.084,9``, en ``2,084.9``)."""
    if fmt.startswith("pct"):
        return number(float(value) * 100, lang, 0 if fmt == "pct0" else 1) + "%"
    return number(float(value), lang, int(fmt))


def metric_spread(mean: float, std: float, fmt: str, lang: Lang = "id") -> str:
    """A mean and its standard deviation: ``61,2% ±3,1`` (the spread in the mean's unit and
    decimals; only the mean when the spread is unknown, e.g. from one start date)."""
    text = metric_value(mean, fmt, lang)
    if std is None or not math.isfinite(float(std)):
        return text
    spread = metric_value(std, fmt, lang).rstrip("%")
    return f"{text} ±{spread}"


__all__ = [
    "BASELINE_WINS",
    "COMPARE_HEADLINE",
    "ISSUE_WINS",
    "METHOD_NAMES",
    "NO_WINS",
    "OPTIMIZER_WINS",
    "REPLAY_METRICS",
    "SWEEP_CHART",
    "SWEEP_COLUMNS",
    "SWEEP_METHOD",
    "SWEEP_RAW",
    "SWEEP_SETTING",
    "SWEEP_STARTS",
    "SWEEP_TITLE",
    "TIE",
    "TIES",
    "WINNER_HEAD",
    "metric_spread",
    "metric_value",
    "setting_value",
    "signed_percent",
]
