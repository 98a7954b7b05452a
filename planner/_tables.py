"""The one table reader: CSV, XLSX and GeoPackage/GeoJSON/Shapefile read as text cells.

Every input table of the planner (venues, incidents, stations, desa attributes, the visit sheets
the squads send back) goes through :func:`read_table`, so one rule decides what a cell says:

- a cell is the text a person typed (:func:`cell_text`): blanks are ``""``, a whole float is an
  integer, a date at midnight is a date, a time is ``HH:MM``, a yes/no cell is ``ya``/``tidak``;
- a CSV is UTF-8 (with or without BOM), else Windows-1252 (Excel's older "CSV" export), and its
  separator is whichever of ``; , tab |`` its header line uses most;
- blank rows, and rows before the header whose first cell starts with ``#`` (instructions), are
  skipped; row numbers count as a spreadsheet does (the first line is row 1);
- headers are lower-case with spaces and dashes as ``_``.

Yes/no words (:data:`YES`, :data:`NO`, :func:`parse_yes_no`) live here too, for every column
and key that takes one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import ProblemCollector
from planner.text import msg

CSV_SUFFIXES = frozenset({".csv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
GEO_SUFFIXES = frozenset({".gpkg", ".geojson", ".json", ".shp"})

YES = frozenset({"ya", "y", "iya", "yes", "true", "1", "benar", "aktif"})
"""Words read as yes (compared lower-case, stripped). A lone ``t`` is neither yes nor no: on an
Indonesian form ``Y/T`` means *ya/tidak*, in a database export ``t/f`` means true/false, and a
wrong guess would silently switch a venue off; it is reported as a problem instead."""
NO = frozenset({"tidak", "tdk", "n", "no", "false", "f", "0", "bukan", "salah", "nonaktif"})
"""Words read as no; ``tidak_aktif`` is accepted too (a header-style spelling)."""
_NO_EXTRA = frozenset({"tidak_aktif", "tidak aktif"})


def parse_yes_no(text: object) -> bool | None:
    """``True`` for a yes word, ``False`` for a no word, ``None`` for anything else."""
    if isinstance(text, bool | np.bool_):
        return bool(text)
    t = str(text).strip().lower()
    if t in YES:
        return True
    if t in NO or t in _NO_EXTRA:
        return False
    return None


def norm_header(name: object) -> str:
    """``" Nama Warkop "`` → ``"nama_warkop"`` (BOM and outer spaces dropped)."""
    text = str(name if name is not None else "").replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def cell_text(value: object) -> str:
    """A cell as the text a person would have typed into it."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "ya" if value else "tidak"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time(0, 0):
            if value.year < 1901:
                return ""  # pragma: no cover - Excel's empty-date artefacts
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, dt.timedelta):  # Excel duration cells for times
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    return str(value).strip()


@dataclass
class Table:
    """A file read as text.

    Attributes
    ----------
    name
        The file's name, as problems name it.
    data
        One column per header (normalised), ``str`` cells (``""`` for blank).
    rows
        The spreadsheet row number of each record.
    geometry
        The features' geometry in EPSG:4326 (geo files only).
    """

    name: str
    data: pd.DataFrame
    rows: np.ndarray
    geometry: object | None = None

    @property
    def header(self) -> list[str]:
        return [str(c) for c in self.data.columns]

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """``(spreadsheet row, cells)`` per record, in file order."""
        for row, cells in zip(self.rows.tolist(), self.data.itertuples(index=False), strict=True):
            yield int(row), list(cells)


def _frame(name: str, header: list[object], records: list[list[str]], rows: list[int]) -> Table:
    """The table of ``records`` (cells already text), cut or padded to the header's width."""
    cols = [norm_header(h) for h in header]
    width = len(cols)
    for rec in records:  # in place: a second list per row costs 200,000 lists on big files
        if len(rec) > width:
            del rec[width:]
        elif len(rec) < width:
            rec.extend([""] * (width - len(rec)))
    data = pd.DataFrame(records, columns=cols, dtype=object) if cols else pd.DataFrame()
    return Table(name, data, np.asarray(rows, dtype=int))


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
"""Byte-order marks of the Unicode encodings Excel and Notepad save ("Unicode Text")."""

_ENCODING = msg(
    "encoding teks yang dikenal: UTF-8 (Excel: Simpan Sebagai → CSV UTF-8), UTF-16 dengan BOM "
    "atau Windows-1252; simpan ulang berkas ini sebagai CSV UTF-8",
    "a text encoding the planner reads: UTF-8 (Excel: Save As → CSV UTF-8), UTF-16 with a BOM "
    "or Windows-1252; save this file again as CSV UTF-8",
)


def _decode(raw: bytes, bag: ProblemCollector) -> str | None:
    """The text of a CSV file, or ``None`` after one problem that names the encoding.

    UTF-8 (with or without a BOM), UTF-16/32 with a BOM and Windows-1252 (older Excel "CSV
    (MS-DOS)" exports; it decodes every byte) are read. NUL bytes without a BOM mean UTF-16
    without one, or a file that is not text (an Excel workbook renamed ``.csv``): reported once,
    so nothing else about the file (or about other files that refer to it) is reported.
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                bag.add(value=f"{encoding.upper()} BOM", expected=_ENCODING)
                return None
    if b"\x00" in raw:
        if raw.startswith(b"PK\x03\x04"):
            bag.add(
                value="xlsx/zip",
                expected=msg(
                    "berkas teks CSV; ini buku kerja Excel: ganti namanya menjadi .xlsx",
                    "a CSV text file; this is an Excel workbook: rename it to .xlsx",
                ),
            )
            return None
        head = raw[:4096]
        utf16 = head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4
        bag.add(value="UTF-16" if utf16 else "NUL", expected=_ENCODING)
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _is_instruction(cells: list[str]) -> bool:
    return bool(cells) and cells[0].lstrip().startswith("#")


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


_HEADER = msg("baris judul kolom", "a header row")


def _split_header(
    name: str, lines: Iterable[tuple[int, list[object]]], bag: ProblemCollector
) -> Table | None:
    """Find the header among ``(row, cells)`` and build the table from the records after it."""
    header: list[object] | None = None
    records: list[list[str]] = []
    rows: list[int] = []
    # One object per distinct cell text: kinds, hours, codes and yes/no words repeat on every
    # row, so a 200,000-row file holds a few thousand strings instead of two million.
    seen: dict[str, str] = {}
    for rowno, rec in lines:
        # CSV cells are already text (the common case): strip only
        texts = [
            seen.setdefault(t, t)
            for t in (c.strip() if type(c) is str else cell_text(c) for c in rec)
        ]
        if not any(texts):
            continue
        if header is None:
            if _is_instruction(texts):
                continue
            header = list(rec)
            while header and cell_text(header[-1]) == "":
                header.pop()
            continue
        if len(rec) > len(header) and any(texts[len(header) :]):
            bag.add(
                row=rowno,
                value=" | ".join(t for t in texts[len(header) :] if t),
                expected=msg(
                    f"paling banyak {len(header)} kolom seperti judulnya; beri tanda kutip pada "
                    "nilai yang mengandung pemisah",
                    f"at most {len(header)} columns like the header; quote values that contain "
                    "the separator",
                ),
            )
        records.append(texts)  # each cell is turned into text once
        rows.append(rowno)
    if header is None:
        bag.add(value=None, expected=_HEADER)
        return None
    return _frame(name, header, records, rows)


def _read_csv(path: Path, bag: ProblemCollector) -> Table | None:
    text = _decode(path.read_bytes(), bag)
    if text is None:
        return None
    if "\x00" in text:
        bag.add(value="NUL", expected=_ENCODING)
        return None
    first = next(
        (ln for ln in text.splitlines() if ln.strip() and not ln.lstrip('"').startswith("#")), ""
    )
    if not first:
        bag.add(value=None, expected=_HEADER)
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(first))
    # streamed: each record is turned into text once, without a second list of every row
    lines: Iterable[tuple[int, list[object]]] = enumerate(reader, start=1)  # type: ignore[arg-type]
    try:
        return _split_header(path.name, lines, bag)
    except csv.Error as exc:
        bag.add(value=str(exc), expected=msg("CSV yang valid", "valid CSV"))
        return None


def _read_xlsx(path: Path, bag: ProblemCollector, *, sheet: str | None) -> Table | None:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's style/extension chatter
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any unreadable workbook is a user problem
        bag.add(value=type(exc).__name__, expected=msg("berkas Excel .xlsx", "an Excel .xlsx file"))
        return None
    try:
        names = wb.sheetnames
        if sheet is not None and sheet in names:
            ws = wb[sheet]
        else:  # the first sheet that is not the instructions
            data_sheets = [n for n in names if n.strip().lower() != "petunjuk"]
            ws = wb[data_sheets[0] if data_sheets else names[0]]
        lines = [
            (rowno, list(rec)) for rowno, rec in enumerate(ws.iter_rows(values_only=True), start=1)
        ]
    finally:
        wb.close()
    return _split_header(path.name, lines, bag)


def _read_geo(path: Path, bag: ProblemCollector) -> Table | None:
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # GDAL's many errors are all "cannot read"
        bag.add(
            value=str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__,
            expected=msg(
                "berkas GeoPackage/GeoJSON/Shapefile yang bisa dibaca",
                "a readable GeoPackage/GeoJSON/Shapefile",
            ),
        )
        return None
    if gdf.crs is None:
        xmin, ymin, xmax, ymax = gdf.total_bounds if len(gdf) else (0, 0, 0, 0)
        if len(gdf) and not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
            bag.add(
                value=msg("tanpa CRS", "no CRS")("en"),
                expected=msg(
                    "berkas dengan sistem koordinat (CRS); simpan ulang dengan .prj",
                    "a file with a coordinate reference system; save it again with its .prj",
                ),
            )
            return None
        gdf = gdf.set_crs(4326)
    elif not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs(4326)
    attrs = gdf.drop(columns=gdf.geometry.name)
    header = list(attrs.columns)
    records = attrs.astype(object).where(attrs.notna(), None).values.tolist()
    texts = [[cell_text(c) for c in rec] for rec in records]
    table = _frame(path.name, header, texts, list(range(2, len(gdf) + 2)))
    table.geometry = gdf.geometry.reset_index(drop=True)
    return table


def read_table(
    path: Path | str,
    bag: ProblemCollector,
    *,
    geo_ok: bool = False,
    sheet: str | None = None,
) -> Table | None:
    """Read ``path`` (CSV or XLSX; with ``geo_ok`` also GeoPackage, GeoJSON, Shapefile).

    Problems (unreadable file, no header, a row wider than its header, an unknown file type)
    go to ``bag`` and give ``None`` (or a table without the bad cells). In a workbook the sheet
    ``sheet`` is read when it exists, else the first sheet that is not ``petunjuk``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            return _read_csv(path, bag)
        if suffix in XLSX_SUFFIXES:
            return _read_xlsx(path, bag, sheet=sheet)
        if geo_ok and suffix in GEO_SUFFIXES:
            return _read_geo(path, bag)
    except OSError as exc:
        bag.add(value=str(exc), expected=msg("berkas yang bisa dibaca", "a readable file"))
        return None
    kinds = "CSV, XLSX, GeoPackage, GeoJSON, Shapefile" if geo_ok else "CSV, XLSX"
    bag.add(
        value=path.suffix or path.name,
        expected=msg(f"jenis berkas: {kinds}", f"a file type: {kinds}"),
    )
    return None


__all__ = [
    "CSV_SUFFIXES",
    "GEO_SUFFIXES",
    "NO",
    "XLSX_SUFFIXES",
    "YES",
    "Table",
    "cell_text",
    "norm_header",
    "parse_yes_no",
    "read_table",
]


# ---------------------------------------------------------------- spreadsheet-safe cells

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def neutralise_cell(value: object) -> object:
    """A cell as written to a CSV or XLSX the planner produces, safe from formula injection.

    Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
    tab or a carriage return; OWASP "CSV injection") gets a leading apostrophe; plain numbers
    such as ``-8.05`` and everything else pass unchanged. :func:`restore_cell` undoes it.
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _PLAIN_NUMBER.fullmatch(value.strip()):
        return value
    return "'" + value


def restore_cell(text: str) -> str:
    """The original text of a cell :func:`neutralise_cell` protected (``'=1+1`` → ``=1+1``)."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


# ---------------------------------------------------------------- the one CSV dialect written

CSV_DELIMITER = ";"
CSV_DECIMAL = ","
CSV_LINETERMINATOR = "\r\n"
CSV_BOM = "\ufeff"
"""Every CSV the planner writes uses the Indonesian office dialect (docs/dataset.md, "CSV the
planner writes"): ``;`` between cells, a decimal comma, CRLF line ends and UTF-8 with a BOM, so
Excel set to Indonesian opens it in columns with numbers as numbers. :func:`read_table` reads it
back (it sniffs the ``;`` and skips the BOM); pandas reads it with
``pd.read_csv(path, sep=";", decimal=",")``."""


def csv_cell(value: object) -> object:
    """One cell as written: a float with a decimal comma, text formula-safe, the rest as is."""
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        return repr(float(value)).replace(".", CSV_DECIMAL)
    return neutralise_cell(value)


def csv_bytes(rows: Iterable[Iterable[object]], *, header: Iterable[object] | None = None) -> bytes:
    """Rows (and an optional header row) as a CSV in the planner's dialect (:data:`CSV_BOM` …).

    Every cell goes through :func:`csv_cell`: floats get a decimal comma and text that a
    spreadsheet would run as a formula is neutralised (:func:`neutralise_cell`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=CSV_DELIMITER, lineterminator=CSV_LINETERMINATOR)
    if header is not None:
        writer.writerow(list(header))
    for row in rows:
        writer.writerow([csv_cell(c) for c in row])
    return (CSV_BOM + buf.getvalue()).encode("utf-8")


def frame_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A DataFrame (its columns as the header, no index) as :func:`csv_bytes` writes it."""
    return csv_bytes(
        frame.itertuples(index=False, name=None), header=[str(c) for c in frame.columns]
    )


# ---------------------------------------------------------------- XLSX the planner writes

_XLSX_NUMBER_FORMATS = {
    "int": "#,##0",
    "float": "#,##0.00",
    "date": "yyyy-mm-dd",
    "time": "hh:mm",
    "datetime": "yyyy-mm-dd hh:mm",
}


def _xlsx_value(value: object) -> tuple[object, str | None]:
    """A cell's value as openpyxl stores it (typed) and its number format kind."""
    if value is None or (isinstance(value, float | np.floating) and math.isnan(value)):
        return None, None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, bool | np.bool_):
        return ("ya" if value else "tidak"), None
    if isinstance(value, np.integer | int):
        return int(value), "int"
    if isinstance(value, np.floating | float):
        return float(value), "float"
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None), "datetime"
    if isinstance(value, dt.date):
        return value, "date"
    if isinstance(value, dt.time):
        return value, "time"
    return neutralise_cell(str(value)), None


def xlsx_bytes(sheets: dict[str, pd.DataFrame], *, formats: dict[str, str] | None = None) -> bytes:
    """Workbook of one sheet per frame, with typed cells (numbers, dates and times stay numbers,
    dates and times for Excel), a bold frozen header row, a filter and fitted column widths.

    ``formats`` maps a column name to an Excel number format that replaces the default of its
    type (``{"prioritas": "0.00"}``). Text is formula-safe (:func:`neutralise_cell`), as in the
    CSVs; ``True``/``False`` are written ``ya``/``tidak``, as the importer reads them.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    formats = formats or {}
    book = Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        sheet = book.create_sheet(title=title[:31])
        header = [str(c) for c in frame.columns]
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(h) for h in header]
        # the row number counted here: openpyxl's max_row scans every cell, per cell asked
        # (a 1,196-stop sheet took 7-13 s instead of 0.5-0.7 s)
        for row_no, row in enumerate(frame.itertuples(index=False, name=None), start=2):
            values, kinds = zip(*(_xlsx_value(v) for v in row), strict=True) if row else ((), ())
            sheet.append(list(values))
            for j, (value, kind) in enumerate(zip(values, kinds, strict=True)):
                cell = sheet.cell(row=row_no, column=j + 1)
                fmt = formats.get(header[j]) or (_XLSX_NUMBER_FORMATS.get(kind) if kind else None)
                if fmt:
                    cell.number_format = fmt
                widths[j] = max(widths[j], min(60, len(str(value)) if value is not None else 0))
        for j, width in enumerate(widths):
            sheet.column_dimensions[get_column_letter(j + 1)].width = width + 2
        sheet.freeze_panes = "A2"
        if header:
            sheet.auto_filter.ref = sheet.dimensions
    # the same sheets give the same bytes (a night's folder written twice is identical): the
    # document's dates and the zip entries' times are pinned instead of "now"
    book.properties.created = book.properties.modified = _XLSX_STAMP
    buf = io.BytesIO()
    book.save(buf)
    return _pinned_zip(buf.getvalue())


_XLSX_STAMP = dt.datetime(2000, 1, 1)
_CORE_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _pinned_zip(raw: bytes) -> bytes:
    """``raw`` (a zip) rewritten with every entry dated :data:`_XLSX_STAMP`."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            pinned = zipfile.ZipInfo(info.filename, date_time=_XLSX_STAMP.timetuple()[:6])
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" when saving
                data = _CORE_MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            dst.writestr(pinned, data)
    return out.getvalue()
