"""Reading the visit log back: what the next nights' scores take, and tables for analysis.

The feedback queries (:func:`last_visits`, :func:`recent_reports`) read only what happened
*strictly before* ``before``, so replaying past nights never sees the future.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.domain import WIB
from planner.history.rows import OPEN_STATUSES
from planner.history.store import HistoryStore


def _wib_iso(when: dt.datetime) -> str:
    if when.tzinfo is None:
        raise ValueError("`before` must be timezone-aware")
    return when.astimezone(WIB).isoformat(timespec="seconds")


def last_visits(store: HistoryStore, *, before: dt.datetime) -> dict[str, dt.datetime]:
    """Venue id → the (tz-aware, WIB) arrival of its last visit strictly before ``before``.

    This is what ``risk.score(..., last_visits=...)`` takes for rotation.
    """
    rows = store.conn.execute(
        "SELECT venue_id, max(arrived_at) FROM visits WHERE arrived_at < ? GROUP BY venue_id",
        (_wib_iso(before),),
    ).fetchall()
    return {v: dt.datetime.fromisoformat(t) for v, t in rows}


_REPORT_COLUMNS = [
    "report_id",
    "reported_at",
    "night",
    "squad_id",
    "venue_id",
    "desa_code",
    "category",
    "text",
    "police_matter",
    "agency",
    "status",
    "due_date",
    "closed_date",
    "outcome",
]

_REPORT_SELECT = (
    "SELECT "
    + ", ".join(("v." if c in ("night", "squad_id") else "r.") + c for c in _REPORT_COLUMNS)
    + " FROM reports r JOIN visits v USING (visit_id)"
)


def _reports_frame(rows: list[Any]) -> pd.DataFrame:
    cols = {c: [r[i] for r in rows] for i, c in enumerate(_REPORT_COLUMNS)}
    df = pd.DataFrame(
        {
            "report_id": pd.Series(cols["report_id"], dtype="int64"),
            "reported_at": pd.to_datetime(
                pd.Series(cols["reported_at"], dtype=object), format="ISO8601", utc=True
            ).dt.tz_convert(WIB),
            # dates as datetime.date; missing text as None (pandas' str dtype would say NaN)
            "night": pd.Series([_date(x) for x in cols["night"]], dtype=object),
            "squad_id": pd.Series(cols["squad_id"], dtype=object),
            "venue_id": pd.Series(cols["venue_id"], dtype=object),
            "desa_code": pd.Series(cols["desa_code"], dtype=object),
            "category": pd.Series(cols["category"], dtype=object),
            "text": pd.Series(cols["text"], dtype=object),
            "police_matter": pd.Series(cols["police_matter"], dtype=bool),
            "agency": pd.Series(cols["agency"], dtype=object),
            "status": pd.Series(cols["status"], dtype=object),
            "due_date": pd.Series([_date(x) for x in cols["due_date"]], dtype=object),
            "closed_date": pd.Series([_date(x) for x in cols["closed_date"]], dtype=object),
            "outcome": pd.Series(cols["outcome"], dtype=object),
        }
    )
    return df


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def recent_reports(store: HistoryStore, *, before: dt.datetime, days: float) -> pd.DataFrame:
    """Community reports made in the ``days`` before ``before`` (strictly before it).

    Returns a DataFrame with ``reported_at`` (tz-aware, WIB), ``venue_id``, ``desa_code``,
    ``category``, ``police_matter`` (what ``risk.score(..., reports=...)`` takes) and the rest
    of each report (``report_id``, ``text``, ``agency``, ``status``, …), oldest first.
    """
    start = before - dt.timedelta(days=days)
    rows = store.conn.execute(
        _REPORT_SELECT
        + " WHERE r.reported_at < ? AND r.reported_at >= ? ORDER BY r.reported_at, r.report_id",
        (_wib_iso(before), _wib_iso(start)),
    ).fetchall()
    return _reports_frame(rows)


def reports_between(
    store: HistoryStore, *, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """Reports of visits on nights ``start`` to ``end`` (inclusive; ``None`` = unbounded)."""
    rows = store.conn.execute(
        _REPORT_SELECT + " WHERE v.night >= ? AND v.night <= ? ORDER BY r.reported_at, r.report_id",
        (_lo(start), _hi(end)),
    ).fetchall()
    return _reports_frame(rows)


def _lo(d: dt.date | None) -> str:
    return "0000-00-00" if d is None else d.isoformat()


def _hi(d: dt.date | None) -> str:
    return "9999-99-99" if d is None else d.isoformat()


_VISIT_COLUMNS_OUT = [
    "visit_id",
    "night",
    "squad_id",
    "venue_id",
    "arrived_at",
    "left_at",
    "people_met",
    "notes",
    "planned",
    "plan_order",
    "source",
]


def visits_between(
    store: HistoryStore, *, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """Visits on nights ``start`` to ``end`` (inclusive), in order of arrival.

    ``arrived_at``/``left_at`` are tz-aware (WIB); ``people_met`` is a nullable integer.
    """
    rows = store.conn.execute(
        f"SELECT {', '.join(_VISIT_COLUMNS_OUT)} FROM visits"
        " WHERE night >= ? AND night <= ? ORDER BY arrived_at, visit_id",
        (_lo(start), _hi(end)),
    ).fetchall()
    df = pd.DataFrame(rows, columns=_VISIT_COLUMNS_OUT)
    for col in ("arrived_at", "left_at"):
        df[col] = pd.to_datetime(df[col], format="ISO8601", utc=True).dt.tz_convert(WIB)
    df["night"] = [dt.date.fromisoformat(x) for x in df["night"]]
    df["planned"] = df["planned"].astype(bool)
    df["people_met"] = df["people_met"].astype("Int64")
    df["plan_order"] = df["plan_order"].astype("Int64")
    return df


def followups(
    store: HistoryStore,
    *,
    today: dt.date,
    agency: str | None = None,
    overdue: bool = False,
) -> pd.DataFrame:
    """Open follow-ups, oldest first: reports not ``selesai`` that are a police matter or were
    referred to an agency.

    Adds ``days_open`` (since the night of the visit) and ``overdue`` (due date before
    ``today``). ``agency`` filters (case-insensitive); ``overdue`` keeps only the overdue ones.
    """
    df = reports_between(store)
    df = df[df["status"].isin(OPEN_STATUSES) & (df["police_matter"] | df["agency"].notna())]
    if agency is not None:
        df = df[df["agency"].fillna("").str.casefold() == agency.casefold()]
    df = df.copy()
    df["days_open"] = [(today - n).days for n in df["night"]]
    df["overdue"] = [d is not None and d < today for d in df["due_date"]]
    if overdue:
        # a boolean array, not the column: on a log without reports the column is empty and
        # of dtype object, and indexing by it would drop the frame's columns
        df = df[df["overdue"].to_numpy(dtype=bool)]
    return df.sort_values(["reported_at", "report_id"]).reset_index(drop=True)


@dataclass(frozen=True)
class VenueReport:
    """One community report as a route sheet recalls it at its venue."""

    night: dt.date
    category: str
    text: str
    agency: str | None
    status: str
    police_matter: bool


@dataclass(frozen=True)
class VenueNotes:
    """What the visit log says about one venue before tonight, for the squad going there.

    Attributes
    ----------
    last_night
        The night of its last visit (``None``: never visited, only open follow-ups).
    raised
        The reports of that last visit: what people raised there last time.
    open
        Its follow-ups still open (not ``selesai``; a police matter or referred to an agency),
        oldest first, from any earlier visit.
    """

    last_night: dt.date | None = None
    raised: tuple[VenueReport, ...] = ()
    open: tuple[VenueReport, ...] = ()


_NOTE_SELECT = (
    "SELECT v.venue_id, v.night, r.category, r.text, r.agency, r.status, r.police_matter"
    " FROM reports r JOIN visits v USING (visit_id)"
)


def venue_notes(store: HistoryStore, *, before: dt.datetime) -> dict[str, VenueNotes]:
    """Venue id → its :class:`VenueNotes`, from visits strictly before ``before``; only
    venues with something to say (a visit that raised a report, or an open follow-up).

    This is what the route sheet shows as particular to a stop (``NightResult.venue_notes``).
    """
    when = _wib_iso(before)
    last = store.conn.execute(
        "SELECT v.venue_id, v.night, v.visit_id FROM visits v"
        " JOIN (SELECT venue_id, max(arrived_at) AS at FROM visits WHERE arrived_at < ?"
        " GROUP BY venue_id) m ON v.venue_id = m.venue_id AND v.arrived_at = m.at",
        (when,),
    ).fetchall()
    last_night = {venue: _date(night) for venue, night, _ in last}
    raised: dict[str, list[VenueReport]] = {}
    for venue, *rest in store.conn.execute(
        _NOTE_SELECT + " WHERE v.visit_id IN (SELECT visit_id FROM visits v"
        " JOIN (SELECT venue_id, max(arrived_at) AS at FROM visits WHERE arrived_at < ?"
        " GROUP BY venue_id) m USING (venue_id) WHERE v.arrived_at = m.at) ORDER BY r.seq",
        (when,),
    ):
        raised.setdefault(venue, []).append(_venue_report(rest))
    marks = ", ".join("?" * len(OPEN_STATUSES))
    opened: dict[str, list[VenueReport]] = {}
    for venue, *rest in store.conn.execute(
        _NOTE_SELECT + f" WHERE r.reported_at < ? AND r.status IN ({marks})"
        " AND (r.police_matter = 1 OR r.agency IS NOT NULL) ORDER BY r.reported_at, r.report_id",
        (when, *OPEN_STATUSES),
    ):
        opened.setdefault(venue, []).append(_venue_report(rest))
    return {
        venue: VenueNotes(
            last_night=last_night.get(venue),
            raised=tuple(raised.get(venue, ())),
            open=tuple(opened.get(venue, ())),
        )
        for venue in sorted(set(raised) | set(opened))
    }


def _venue_report(row: list[Any]) -> VenueReport:
    night, category, text, agency, status, police = row
    return VenueReport(
        night=dt.date.fromisoformat(night), category=category, text=text, agency=agency,
        status=status, police_matter=bool(police),
    )  # fmt: skip


__all__ = [
    "VenueNotes",
    "VenueReport",
    "followups",
    "last_visits",
    "recent_reports",
    "reports_between",
    "venue_notes",
    "visits_between",
]
