"""Words of the analysts' tools (``planner.analysis``): replay methods, the replay's metric
table (``planner simulate``), the sweep's summary table and its chart."""

from __future__ import annotations

from planner.text import Lang, Msg, msg, number

METHOD_NAMES: dict[str, Msg] = {
    "optimizer": msg("optimasi", "optimiser"),
    "baseline": msg("manual", "manual"),
}
"""How a replay's method is named to a person (``simulate.METHODS``)."""

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

SWEEP_COLUMNS: tuple[tuple[str, Msg, str], ...] = (
    ("coverage", msg("Cakupan", "Coverage"), "pct"),
    ("risk_share", msg("Risiko", "Risk"), "pct"),
    ("desa_7d_share_mean", msg("Desa/7", "Desa/7"), "pct0"),
    ("high_desa_missed", msg("Desa rawan terlewat", "Rawan desa missed"), "0"),
    ("rawan_unvisited_14n", msg("Rawan 14 malam", "Rawan 14 nights"), "0"),
    ("jaccard_mean", msg("Jaccard", "Jaccard"), "2"),
    ("km_per_visit", msg("Km/kunjungan", "Km/visit"), "1"),
)
"""The measures of each task in ``planner sweep``'s summary table: key, heading, format."""

SWEEP_CHART: dict[str, Msg] = {
    "coverage_axis": msg("Cakupan berbobot risiko (%)", "Risk-weighted coverage (%)"),
    "coverage_title": msg("Cakupan per pengaturan", "Coverage per setting"),
    "jaccard_axis": msg(
        "Keterdugaan: Jaccard malam berturut", "Predictability: Jaccard of consecutive nights"
    ),
    "tradeoff_title": msg("Cakupan vs keterdugaan", "Coverage vs predictability"),
    "risk_axis": msg(
        "Risiko terkumpul: bagian dari tolok ukur (%)", "Risk collected: share of the yardstick (%)"
    ),
    "reach_axis": msg("Desa terjangkau per 7 malam (%)", "Desa reached per 7 nights (%)"),
    "presence_title": msg("Risiko vs jangkauan desa", "Risk vs desa reach"),
    "default_variant": msg("default", "default"),
}
"""Titles, axes and labels of the sweep's comparison chart (``sweep.png``)."""


def metric_value(value: float, fmt: str, lang: Lang = "id") -> str:
    """A metric as a person reads it: ``pct`` a percentage with one decimal (``pct0`` none),
    otherwise a number with ``fmt`` decimals (Babel: id ``2.084,9``, en ``2,084.9``)."""
    if fmt.startswith("pct"):
        return number(float(value) * 100, lang, 0 if fmt == "pct0" else 1) + "%"
    return number(float(value), lang, int(fmt))


__all__ = [
    "ISSUE_WINS",
    "METHOD_NAMES",
    "REPLAY_METRICS",
    "SWEEP_CHART",
    "SWEEP_COLUMNS",
    "TIE",
    "WINNER_HEAD",
    "metric_value",
]
