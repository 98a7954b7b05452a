"""Words of the independent checker (:mod:`planner.check`): what each broken rule found.

Each message is a :class:`~planner.text.Msg` template; :func:`say` fills it for both languages
at once, each with its own numbers (Babel: ``1.234,5`` / ``1,234.5``) and with night-clock
seconds as the clock times a person reads (``20:40:05``). The rule's id (``wrong_time``) is not
part of the sentence: :meth:`planner.check.Violation.text` and ``planner check`` print it in
brackets after it, so a person reads the sentence and a developer can still search for the id.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.text import LANGS, Lang, Msg, exact_number, msg, number


@dataclass(frozen=True)
class Clock:
    """Seconds after 12:00 WIB of the night (the checker's times), shown as a clock time."""

    seconds: int

    def text(self) -> str:
        total = 12 * 3600 + int(self.seconds)
        h, rest = divmod(total, 3600)
        m, s = divmod(rest, 60)
        return f"{h % 24:02d}:{m:02d}:{s:02d}" if s else f"{h % 24:02d}:{m:02d}"


def _value(value: object, lang: Lang) -> str:
    if isinstance(value, Clock):
        return value.text()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return number(value, lang, 0)
    if isinstance(value, float):
        return exact_number(value, lang)
    if isinstance(value, Msg):
        return value(lang)
    return str(value)


def say(template: Msg, **values: object) -> Msg:
    """``template`` filled with ``values``, each written the way its language writes it."""
    filled = {
        lg: template(lg).format(**{k: _value(v, lg) for k, v in values.items()}) for lg in LANGS
    }
    return Msg(filled["id"], filled["en"])


UNKNOWN_SQUAD = msg(
    "Regu tidak ada di masalah malam ini, atau direncanakan dua kali",
    "Squad not in tonight's problem, or planned twice",
)
LEG_NOT_CHECKED = msg(
    "Perjalanan {a} → {b} tidak ada di masalah yang disertakan di plan.json (hanya perjalanan "
    "rencana aslinya); waktunya tidak diperiksa: beri --problem",
    "The leg {a} → {b} is not in the problem embedded in plan.json (it holds the original "
    "plan's legs only); its times were not checked: give --problem",
)
WRONG_STATION = msg(
    "Berangkat dari {got}, seharusnya dari {want}", "Starts at {got}, should start at {want}"
)
START_BEFORE_SHIFT = msg(
    "Berangkat {depart}, sebelum shift mulai {shift}",
    "Leaves at {depart}, before the shift starts at {shift}",
)
TOO_MANY_STOPS = msg(
    "{n} singgahan, lebih dari batas {most}", "{n} stops, more than the limit of {most}"
)
NOT_A_VENUE = msg("Bukan tempat dalam masalah malam ini", "Not a venue of tonight's problem")
RETURN_TRAVEL = msg(
    "Perjalanan pulang {got} detik, menurut matriks {want} detik",
    "Return travel {got} s, the matrix says {want} s",
)
RETURN_DISTANCE = msg(
    "Jarak pulang {got} m, menurut matriks {want} m",
    "Return distance {got} m, the matrix says {want} m",
)
RETURN_TIME = msg(
    "Tiba kembali {got}, seharusnya {want} (berangkat terakhir + perjalanan pulang)",
    "Back at {got}, should be {want} (last departure + travel back)",
)
PAST_SHIFT = msg(
    "Tiba kembali {back}, setelah shift berakhir {shift}",
    "Back at {back}, after the shift ends at {shift}",
)
OUTSIDE_AREA = msg(
    "Regu ini tidak boleh mengunjungi tempat ini (wilayah atau waktu)",
    "This squad may not visit this venue (area or time)",
)
LEG_TRAVEL = msg(
    "Waktu tempuh {got} detik, menurut matriks {want} detik",
    "Travel {got} s, the matrix says {want} s",
)
LEG_DISTANCE = msg(
    "Jarak {got} m, menurut matriks {want} m", "Distance {got} m, the matrix says {want} m"
)
ARRIVAL = msg(
    "Tiba {got}, seharusnya {want} (berangkat sebelumnya {clock} + perjalanan {leg} detik)",
    "Arrives at {got}, should be {want} (previous departure {clock} + travel {leg} s)",
)
START_BEFORE_ARRIVAL = msg(
    "Mulai {start}, sebelum tiba {arrival}", "Starts at {start}, before arriving at {arrival}"
)
DEPARTURE = msg(
    "Berangkat {got}, seharusnya {want} (mulai {start} + singgah {dwell} detik)",
    "Leaves at {got}, should be {want} (start {start} + a stay of {dwell} s)",
)
OUTSIDE_WINDOW = msg(
    "Mulai {start}, di luar jendela waktu {lo}–{hi}",
    "Starts at {start}, outside the window {lo}–{hi}",
)
STOP_PRIORITY = msg(
    "Prioritas {got}, menurut masalah {want}", "Priority {got}, the problem says {want}"
)
TOO_MANY_IN_DESA = msg(
    "Desa {code}: {n} tempat, lebih dari batas {most}",
    "Desa {code}: {n} venues, more than the limit of {most}",
)
MUST_VISIT_NOT_PLANNED = msg(
    "Tempat wajib kunjung tidak direncanakan", "A must-visit venue is not planned"
)
MUST_VISIT_PRUNED = msg(
    "Tempat wajib kunjung disisihkan: {why}", "A must-visit venue was left out: {why}"
)
VISITED_TIMES = msg("Dikunjungi {n} kali", "Visited {n} times")
VISITED_AND_DROPPED = msg(
    "Dikunjungi, dan juga terdaftar tidak dikunjungi", "Visited, and also listed as not visited"
)
TOTAL_PRIORITY = msg(
    "Total prioritas {got}, menurut masalah {want}", "Total priority {got}, the problem says {want}"
)
OBJECTIVE = msg(
    "Nilai tujuan solver {got}, dihitung ulang {want}", "Solver objective {got}, recomputed {want}"
)
UNKNOWN_REASON = msg(
    "Alasan tidak dikunjungi {reason!r} tidak dikenal (yang dikenal: {known})",
    "Unknown reason {reason!r} for a venue not visited (known: {known})",
)
PRUNING_REASON_FOR_CANDIDATE = msg(
    "Disebut «{reason}», padahal ada regu yang dapat mengunjunginya malam ini",
    "Given as «{reason}», yet a squad can serve it tonight",
)
OTHER_PRUNING_REASON = msg(
    "Disebut «{reason}», padahal masalah menyisihkannya sebagai «{want}»",
    "Given as «{reason}», but the problem left it out as «{want}»",
)
DROPPED_NOT_IN_PROBLEM = msg(
    "Terdaftar tidak dikunjungi, tetapi tidak ada di masalah malam ini",
    "Listed as not visited, but not in tonight's problem",
)
NEITHER_VISITED_NOR_DROPPED = msg(
    "Tidak dikunjungi dan tidak terdaftar sebagai tidak dikunjungi",
    "Neither visited nor listed as not visited",
)
TOTALS_DIFFER = msg(
    "Jumlah «{key}» tertulis {got}, dihitung ulang {want}",
    "Total «{key}» says {got}, recomputed {want}",
)
ARRIVAL_CHAIN = msg(
    "Tiba tidak sama dengan berangkat sebelumnya + perjalanan",
    "Arrival is not the previous departure + travel",
)
ORDER_OF_TIMES = msg(
    "Harus tiba ≤ mulai ≤ berangkat (tiba {arrival}, mulai {start}, berangkat {departure})",
    "Needs arrival ≤ start ≤ departure (arrives {arrival}, starts {start}, leaves {departure})",
)
RETURN_CHAIN = msg(
    "Tiba kembali tidak sama dengan berangkat terakhir + perjalanan pulang",
    "Back at the station is not the last departure + travel back",
)
PLAN_BREAKS = msg("Rencana melanggar {n} aturan:\n{lines}", "The plan breaks {n} rule(s):\n{lines}")

AN_EXISTING_FILE = msg("berkas yang ada", "an existing file")
VALID_JSON = msg("JSON yang valid", "valid JSON")

TOTAL_NAMES: dict[str, Msg] = {
    "collected": msg("prioritas terkumpul", "priority collected"),
    "value": msg("nilai dengan kurva kehadiran", "value under the presence curve"),
    "visits": msg("kunjungan", "visits"),
    "travel_s": msg("waktu tempuh (detik)", "travel time (s)"),
    "dist_m": msg("jarak (m)", "distance (m)"),
}
"""The totals of ``plan.meta["totals"]`` as a person reads them (else the key as it is)."""

__all__ = ["Clock", "say"]
