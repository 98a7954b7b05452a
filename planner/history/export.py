"""Writing the visit log out: the template format, the follow-ups for the agencies (named from
the dataset, as CSV or a workbook with a sheet per agency), the empty template.

:func:`export_rows` writes what :func:`~planner.history.record.import_file` reads back, so an
export imported into an empty store gives the same visits and reports. The follow-up pages to
print are HTML, rendered in ``planner.render.followups`` (this package does not import render).

Every CSV written here is in the planner's one dialect (``;``, decimal comma, CRLF, UTF-8 with a
BOM, formula-safe cells: :func:`planner._tables.csv_bytes`; docs/dataset.md, "CSV the planner
writes"), and :func:`planner._tables.read_table` reads each of them back.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner._atomic import write_bytes
from planner._tables import cell_text, csv_bytes, frame_csv_bytes, neutralise_cell, xlsx_bytes
from planner.errors import InputError, Problem
from planner.history.queries import reports_between, visits_between
from planner.history.rows import TEMPLATE_COLUMNS, Known
from planner.history.store import HistoryStore
from planner.text import Lang, msg
from planner.text import history as words
from planner.text.history import FOLLOWUP_CSV_COLUMNS


def _yes_no(flag: Any) -> str:
    """``ya``/``tidak``: a yes/no cell as the importer reads it back."""
    return cell_text(bool(flag))


def _date_text(d: dt.date | None) -> str:
    return "" if d is None else d.isoformat()


@dataclass(frozen=True)
class Names:
    """The names the follow-up tables show beside the ids, from the dataset.

    Attributes
    ----------
    venues
        venue_id → the venue's name.
    venue_desa
        venue_id → its desa_code (for a report stored without one).
    desa
        desa_code → (desa, kecamatan).
    """

    venues: Mapping[str, str]
    venue_desa: Mapping[str, str]
    desa: Mapping[str, tuple[str, str]]

    @classmethod
    def from_dataset(cls, dataset: Any) -> Names:
        """Build from a ``sources.Dataset`` (duck-typed: ``venues`` and ``desa`` frames)."""
        venues, desa = dataset.venues, dataset.desa
        ids = [str(v) for v in venues["venue_id"]]
        codes = venues["desa_code"] if "desa_code" in venues.columns else [None] * len(ids)
        return cls(
            venues=dict(zip(ids, (cell_text(n) for n in venues["name"]), strict=True)),
            venue_desa={v: cell_text(c) for v, c in zip(ids, codes, strict=True) if cell_text(c)},
            desa={
                cell_text(c): (cell_text(d), cell_text(k))
                for c, d, k in zip(desa["desa_code"], desa["desa"], desa["kecamatan"], strict=True)
            },
        )


NAME_COLUMNS = ("venue_name", "desa_name", "kecamatan")
"""The columns :func:`name_followups` adds to the follow-up table."""


def name_followups(table: pd.DataFrame, names: Names, *, lang: Lang = "id") -> pd.DataFrame:
    """The follow-up table (:func:`planner.history.followups`) with the venue's name, the desa's
    name and its kecamatan (:data:`NAME_COLUMNS`) from the dataset.

    A venue or desa no longer in the dataset keeps its id in ``venue_id``/``desa_code`` and
    reads "(tidak ada di dataset)" as its name; a report of a venue without a desa has blank
    desa names.
    """
    gone = words.NOT_IN_DATASET(lang)
    venue_name, desa_name, kecamatan = [], [], []
    for venue, code in zip(table["venue_id"], table["desa_code"], strict=True):
        venue_name.append(names.venues.get(venue, gone))
        code = code or names.venue_desa.get(venue)
        desa, kec = names.desa.get(code, (gone, "")) if code else ("", "")
        desa_name.append(desa)
        kecamatan.append(kec)
    out = table.copy()
    at = list(out.columns).index("venue_id") + 1
    columns = (venue_name, desa_name, kecamatan)
    for i, (col, values) in enumerate(zip(NAME_COLUMNS, columns, strict=True)):
        out.insert(at + i, col, pd.Series(values, index=out.index, dtype=object))
    return out


def _agency_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The follow-up table with the CSV's Indonesian headers; blank names when not named."""
    out = table.copy()
    for col in NAME_COLUMNS:
        if col not in out.columns:
            out[col] = ""
    return out[list(FOLLOWUP_CSV_COLUMNS)].rename(columns=FOLLOWUP_CSV_COLUMNS)


def followups_csv(table: pd.DataFrame) -> bytes:
    """The follow-up table (named by :func:`name_followups`, else with blank names) as CSV to
    hand to an agency, with Indonesian headers, in the planner's dialect; every cell
    formula-safe (:func:`planner._tables.neutralise_cell`)."""
    out = _agency_frame(table)
    for col in ("urusan_polisi", "terlambat"):
        out[col] = [_yes_no(x) for x in out[col]]
    return frame_csv_bytes(out)


def agency_of(agency: object, *, lang: Lang = "id") -> str:
    """Who handles a follow-up: its agency, or the police ("Polisi") for a police matter."""
    return str(agency) if agency else words.POLICE_AGENCY(lang)


def by_agency(table: pd.DataFrame, *, lang: Lang = "id") -> dict[str, pd.DataFrame]:
    """The follow-up table split per agency (:func:`agency_of`), agencies A–Z and the police's
    own follow-ups last; each part oldest first, as the table is."""
    keys = [agency_of(a, lang=lang) for a in table["agency"]]
    police = words.POLICE_AGENCY(lang)
    order = sorted(set(keys), key=lambda k: (k == police, k.casefold(), k))
    return {k: table[[x == k for x in keys]].reset_index(drop=True) for k in order}


_SHEET_BAD = re.compile(r"[\\/*?:\[\]]")


def _sheet_titles(agencies: list[str]) -> list[str]:
    """Excel sheet names for ``agencies``: no ``\\ / * ? : [ ]``, at most 31 characters, no
    outer apostrophes, unique whatever the case (Excel compares them case-insensitively)."""
    titles: list[str] = []
    seen: set[str] = set()
    for agency in agencies:
        base = _SHEET_BAD.sub("_", agency).strip().strip("'").strip() or "_"
        title, n = base[:31], 1
        while title.casefold() in seen:
            n += 1
            suffix = f" ({n})"
            title = base[: 31 - len(suffix)] + suffix
        seen.add(title.casefold())
        titles.append(title)
    return titles


def followups_xlsx(table: pd.DataFrame) -> bytes:
    """The follow-up table as a workbook to hand to the agencies: one sheet per agency
    (:func:`by_agency`), Indonesian headers as in the CSV, typed cells (numbers as numbers,
    dates as dates, yes/no as ``ya``/``tidak``), every text cell formula-safe.

    An empty table gives one sheet, ``tindak_lanjut``, with the header only.
    """
    parts = by_agency(table)
    if not parts:
        return xlsx_bytes({words.FOLLOWUP_SHEET: _agency_frame(table)})
    titles = _sheet_titles(list(parts))
    return xlsx_bytes(
        {title: _agency_frame(part) for title, part in zip(titles, parts.values(), strict=True)}
    )


def safe_rows(rows: Any) -> list[list[Any]]:
    """Rows (lists of cells) with every text cell formula-safe."""
    return [[neutralise_cell(c) for c in row] for row in rows]


def export_rows(
    store: HistoryStore, *, start: dt.date | None = None, end: dt.date | None = None
) -> list[list[str]]:
    """The visit log as template rows (header first): one row per report, or per visit without
    reports. Importing them into an empty store gives the same visits and reports back."""
    visits = visits_between(store, start=start, end=end)
    reps = reports_between(store, start=start, end=end)
    by_visit: dict[tuple[str, str, str], list[Any]] = {}
    for r in reps.itertuples(index=False):
        by_visit.setdefault((r.night.isoformat(), r.squad_id, r.venue_id), []).append(r)
    out: list[list[str]] = [list(TEMPLATE_COLUMNS)]
    for v in visits.itertuples(index=False):
        key = (v.night.isoformat(), v.squad_id, v.venue_id)
        base = [
            key[0],
            v.squad_id,
            v.venue_id,
            v.arrived_at.strftime("%H:%M"),
            "" if pd.isna(v.left_at) else v.left_at.strftime("%H:%M"),
            "" if pd.isna(v.people_met) else str(v.people_met),
            _yes_no(v.planned),
            v.notes,
        ]
        reports = by_visit.get(key, [])
        if not reports:
            out.append(base + [""] * (len(TEMPLATE_COLUMNS) - len(base)))
        for r in reports:
            out.append(
                [
                    *base,
                    r.category,
                    r.text,
                    _yes_no(r.police_matter),
                    r.agency or "",
                    r.status,
                    _date_text(r.due_date),
                    _date_text(r.closed_date),
                    r.outcome,
                ]
            )
    return out


def export_csv(
    store: HistoryStore,
    path: Path | str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Path:
    """Write the visit log in the template format (see :func:`export_rows`) as a CSV in the
    planner's dialect, atomically; every cell formula-safe (the importer reads the original text
    back)."""
    header, *rows = export_rows(store, start=start, end=end)
    return write_bytes(path, csv_bytes(rows, header=header))


# ----------------------------------------------------------------------------- the template


def template_help(known: Known, *, lang: Lang = "id") -> list[tuple[str, str, str]]:
    """(column, required?, explanation) for each template column, in Bahasa Indonesia (or
    ``lang``), with the dataset's categories, agencies and due days filled in."""
    return [
        (
            col,
            need(lang),
            text.format(
                cats=", ".join(known.categories),
                ags=", ".join(known.agencies),
                days=known.due_days,
            )(lang),
        )
        for col, need, text in words.TEMPLATE_HELP
    ]


def write_template(path: Path | str, known: Known, *, lang: Lang = "id") -> Path:
    """Write an empty visit template with instructions in Bahasa Indonesia (or ``lang``).

    ``.xlsx``: sheet ``kunjungan`` (the header row) and sheet ``petunjuk`` (instructions).
    ``.csv``: instruction lines starting with ``#`` above the header (the importer skips them).
    The column names are the same in every language: they are what the importer reads.

    Raises
    ------
    InputError
        ``path`` is neither ``.xlsx`` nor ``.csv``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_bytes(path, _template_xlsx(known, lang))
    if suffix == ".csv":
        return write_bytes(path, _template_csv(known, lang))
    raise InputError(
        [
            Problem(
                path.name,
                None,
                None,
                path.suffix,
                msg("nama berkas .csv atau .xlsx", "a .csv or .xlsx file name"),
            )
        ]
    )


def _template_xlsx(known: Known, lang: Lang) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "kunjungan"
    ws.append(list(TEMPLATE_COLUMNS))  # fixed names: nothing to neutralise
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, col in enumerate(TEMPLATE_COLUMNS):
        ws.column_dimensions[chr(ord("A") + i)].width = max(12, len(col) + 2)
    ws.freeze_panes = "A2"
    info = wb.create_sheet("petunjuk")
    # The help names the settings' categories and agencies: text from a person, kept as text
    # (openpyxl would store a cell starting with "=" as a formula).
    info.append([words.TEMPLATE_TITLE(lang)])
    info.append([])
    for rule in words.TEMPLATE_RULES:
        info.append([rule(lang)])
    info.append([])
    info.append([heading(lang) for heading in words.HELP_HEADINGS])
    for row in safe_rows(template_help(known, lang=lang)):
        info.append(row)
    info.column_dimensions["A"].width = 20
    info.column_dimensions["B"].width = 18
    info.column_dimensions["C"].width = 100
    data = io.BytesIO()
    wb.save(data)
    return data.getvalue()


def _template_csv(known: Known, lang: Lang) -> bytes:
    """The instructions as one-cell ``#`` rows above the header, in the planner's dialect: the
    reader skips rows before the header whose first cell starts with ``#``."""
    lines = [f"# {words.TEMPLATE_TITLE(lang)} {words.CSV_COMMENTS_SKIPPED(lang)}"]
    lines += ["# " + rule(lang) for rule in words.TEMPLATE_RULES]
    lines += [f"# {col} ({need}): {text}" for col, need, text in template_help(known, lang=lang)]
    return csv_bytes([*([line] for line in lines), list(TEMPLATE_COLUMNS)])


__all__ = [
    "FOLLOWUP_CSV_COLUMNS",
    "NAME_COLUMNS",
    "Names",
    "agency_of",
    "by_agency",
    "export_csv",
    "export_rows",
    "followups_csv",
    "followups_xlsx",
    "name_followups",
    "safe_rows",
    "template_help",
    "write_template",
]
