"""``planner visits import/template/add``, ``followups`` and ``report`` with a private visit log."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cli._support import NIGHT, Demo, Invoke, Planned, cells, flat, no_traceback, squeezed
from typer.testing import CliRunner, Result

from planner.cli import EXIT_BAD_INPUT, app
from planner.history import TEMPLATE_COLUMNS
from planner.history import report as rp

VENUE = "V0001"
REFERRAL = {"laporan_kategori": "sosial", "laporan_isi": "anak putus sekolah",
            "dirujuk_ke": "Dinas Sosial"}  # fmt: skip


def _append_visit(template: Path, **values: str) -> int:
    """Fill one row of the template as Excel saves it (``;``, CRLF); return its row number as
    a spreadsheet counts it."""
    row = dict.fromkeys(TEMPLATE_COLUMNS, "")
    row.update({"tanggal": "2026-11-02", "regu": "R01", "venue_id": VENUE, "tiba": "21:30"})
    row.update(values)
    with template.open(encoding="utf-8") as fh:
        number = sum(1 for _ in fh) + 1
    with template.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\r\n").writerow(
            [row[c] for c in TEMPLATE_COLUMNS]
        )
    return number


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "log.sqlite"


@pytest.fixture
def template(demo: Demo, invoke: Invoke, tmp_path: Path) -> Path:
    path = tmp_path / "templat.csv"
    res = invoke("visits", "template", path, "-d", demo.path)
    assert res.exit_code == 0, res.output
    assert f"Templat ditulis: {path} (petunjuk di dalamnya)" in flat(res.output)
    return path


def test_template_in_both_formats(
    demo: Demo, invoke: Invoke, template: Path, tmp_path: Path
) -> None:
    rows = csv.reader(template.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
    header = next(row for row in rows if not row[0].startswith("#"))
    assert header == list(TEMPLATE_COLUMNS)
    xlsx = tmp_path / "templat.xlsx"
    res = invoke("visits", "template", xlsx, "-d", demo.path, "--lang", "en")
    assert res.exit_code == 0, res.output
    assert f"Template written: {xlsx}" in flat(res.output)
    assert xlsx.read_bytes()[:2] == b"PK"  # a workbook is a zip


def test_template_refuses_an_unknown_format(demo: Demo, invoke: Invoke, tmp_path: Path) -> None:
    res = invoke("visits", "template", tmp_path / "templat.txt", "-d", demo.path)
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert cells(res.output, "templat.txt")[:4] == ["templat.txt", "", "", ".txt"]
    assert not (tmp_path / "templat.txt").exists()


def test_import_once_then_again(demo: Demo, invoke: Invoke, template: Path, store: Path) -> None:
    _append_visit(template, **REFERRAL)
    args = ("visits", "import", template, "-d", demo.path, "--store", store, "-q")
    res = invoke(*args)
    assert res.exit_code == 0, res.output
    assert "OK templat.csv: 1 kunjungan baru, 1 laporan baru" in flat(res.output)
    assert f"Log kunjungan: {store}" in flat(res.output)
    again = invoke(*args, "--lang", "en")
    assert again.exit_code == 0, again.output
    assert "already imported: 0 new visits" in flat(again.output)
    assert f"Log: {store}" in flat(again.output)


def test_import_names_the_bad_row(demo: Demo, invoke: Invoke, template: Path, store: Path) -> None:
    _append_visit(template)
    good = template.read_text(encoding="utf-8")
    row = _append_visit(template, venue_id="V9999", regu="PS-TUGU-1")
    args = ("visits", "import", template, "-d", demo.path, "--store", store, "-q")
    res = invoke(*args)
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert cells(res.output, "templat.csv")[:4] == ["templat.csv", str(row), "venue_id", "V9999"]
    template.write_text(good, encoding="utf-8")  # all or nothing: the good row was not kept
    assert "1 kunjungan baru" in invoke(*args).output


def test_add_one_visit_by_hand(demo: Demo, invoke: Invoke, store: Path) -> None:
    args = ("visits", "add", "-d", demo.path, "--store", store, "--tanggal", "2026-11-02",
            "--regu", "R01", "--venue", VENUE, "--tiba", "20:00", "--warga", "4")  # fmt: skip
    res = invoke(*args)
    assert res.exit_code == 0, res.output
    assert "OK visits add: 1 kunjungan baru" in flat(res.output)
    again = invoke(*args, "--lang", "en")
    assert again.exit_code == 0, again.output
    assert "already imported: 0 new visits (1 already recorded)" in flat(again.output)


@pytest.mark.parametrize(
    ("option", "value", "column"), [("--venue", "NOPE", "venue_id"), ("--tiba", "25:99", "tiba")]
)
def test_add_names_the_bad_field(
    option: str, value: str, column: str, demo: Demo, invoke: Invoke, store: Path
) -> None:
    given = {"--venue": VENUE, "--tiba": "21:00", option: value}
    res = invoke("visits", "add", "-d", demo.path, "--store", store, "--tanggal", "2026-11-02",
                 "--regu", "R01", *(x for kv in given.items() for x in kv))  # fmt: skip
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert cells(res.output, "visits add")[:4] == ["visits add", "", column, value]
    assert not store.exists()  # a refused visit creates no log


@pytest.fixture
def referred(demo: Demo, invoke: Invoke, store: Path) -> Path:
    """A log holding one visit with a citizen's report referred to the Dinas Sosial."""
    res = invoke(
        "visits", "add", "-d", demo.path, "--store", store, "--tanggal", "2026-11-02",
        "--regu", "R01", "--venue", VENUE, "--tiba", "20:00", "--kategori", "sosial",
        "--isi", "anak putus sekolah", "--rujuk", "Dinas Sosial", "--bukan-polisi",
    )  # fmt: skip
    assert res.exit_code == 0 and "1 laporan baru" in res.output, res.output
    return store


def _venue_names(demo: Demo) -> tuple[str, str, str]:
    """The demo's name, desa and kecamatan of VENUE, as the dataset reader reads them."""
    from planner.sources import load_dataset

    v = load_dataset(demo.path).venues.set_index("venue_id").loc[VENUE]
    return str(v["name"]), str(v["desa"]), str(v["kecamatan"])


def test_followups_list_write_and_close(
    demo: Demo, invoke: Invoke, referred: Path, tmp_path: Path
) -> None:
    base = ("followups", demo.path, "--store", referred)
    res = invoke(*base)
    assert res.exit_code == 0, res.output
    assert "1 tindak lanjut terbuka" in flat(res.output)
    name, desa, kecamatan = _venue_names(demo)
    row = cells(res.output, "1")
    assert row[1:7] == ["2 Nov 2026", f"{name} ({VENUE})", f"{desa}, {kecamatan}", "sosial",
                        "anak putus sekolah", "Dinas Sosial"]  # fmt: skip
    assert row[7] == "dirujuk"
    en = invoke(*base, "--lang", "en")
    assert all(h in flat(en.output) for h in ("1 open follow-ups", "Night", "Venue", "Desa"))
    assert cells(en.output, "1")[7] == "referred"
    assert "0 tindak lanjut terbuka" in flat(invoke(*base, "--agency", "Dinas PU").output)

    out = tmp_path / "tindak-lanjut.csv"
    res = invoke(*base, "--csv", out)
    assert res.exit_code == 0, res.output
    assert f"1 tindak lanjut untuk 1 instansi ditulis ke {out}" in flat(res.output)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfnomor;tanggal;venue_id;nama_tempat;") and b"\r\n" in data
    assert f";{VENUE};{name};" in data.decode("utf-8-sig")

    closed = invoke(*base, "--close", "1", "--outcome", "anak kembali sekolah", "--lang", "en")
    assert closed.exit_code == 0 and "Report 1 closed." in closed.output
    assert "0 tindak lanjut terbuka" in flat(invoke(*base).output)


def test_overdue_followups_of_a_log_without_reports(
    demo: Demo, invoke: Invoke, store: Path, tmp_path: Path
) -> None:
    res = invoke("visits", "add", "-d", demo.path, "--store", store, "--tanggal", "2026-11-02",
                 "--regu", "R01", "--venue", VENUE, "--tiba", "20:00")  # fmt: skip
    assert res.exit_code == 0, res.output
    res = invoke("followups", demo.path, "--store", store, "--overdue")
    assert res.exit_code == 0 and "0 tindak lanjut terbuka" in flat(res.output), res.output
    out = tmp_path / "kosong.xlsx"
    res = invoke("followups", demo.path, "--store", store, "--overdue", "--xlsx", out)
    assert res.exit_code == 0 and out.exists(), res.output
    res = invoke("report", demo.path, "--store", store, "--from", "2026-11-01", "--to",
                 "2026-11-30", "--out", tmp_path / "laporan.html")  # fmt: skip
    assert res.exit_code == 0, res.output


def test_followups_for_the_agencies_as_xlsx_and_html(
    demo: Demo, invoke: Invoke, referred: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    xlsx, page = tmp_path / "tindak-lanjut.xlsx", tmp_path / "tindak-lanjut.html"
    res = invoke("followups", demo.path, "--store", referred, "--xlsx", xlsx, "--html", page)
    assert res.exit_code == 0, res.output
    assert f"ditulis ke {xlsx}" in flat(res.output) and f"ditulis ke {page}" in flat(res.output)
    name, desa, _ = _venue_names(demo)
    book = load_workbook(xlsx)
    assert book.sheetnames == ["Dinas Sosial"]
    head, first = (list(r) for r in book.active.iter_rows(min_row=1, max_row=2, values_only=True))
    record = dict(zip(head, first, strict=True))
    assert (record["nomor"], record["tanggal"]) == (1, dt.datetime(2026, 11, 2))
    assert (record["nama_tempat"], record["desa"]) == (name, desa)
    html = page.read_text(encoding="utf-8")
    assert "Kepada: Dinas Sosial" in html and "2 Nov 2026" in html
    assert "anak putus sekolah" in html
    en = invoke("followups", demo.path, "--store", referred, "--html", page, "--lang", "en")
    assert en.exit_code == 0 and "To: Dinas Sosial" in page.read_text(encoding="utf-8")
    assert "1 follow-ups for 1 agencies written to" in flat(en.output)


def test_followups_of_a_venue_the_dataset_no_longer_lists(
    demo: Demo, invoke: Invoke, referred: Path, tmp_path: Path
) -> None:
    import shutil

    moved = tmp_path / "tanpa-venue"
    shutil.copytree(demo.path, moved)
    venues = (moved / "venues.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in venues if not line.startswith(f"{VENUE},")]
    assert len(kept) == len(venues) - 1
    (moved / "venues.csv").write_text("".join(kept), encoding="utf-8")
    incidents = moved / "incidents.csv"
    if incidents.exists():  # an incident at the removed venue keeps only its place
        with incidents.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        with incidents.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows({**r, "venue_id": "" if r.get("venue_id") == VENUE else r.get("venue_id")}
                        for r in rows)  # fmt: skip
    res = invoke("followups", moved, "--store", referred)
    assert res.exit_code == 0, res.output
    assert cells(res.output, "1")[2] == f"(tidak ada di dataset) ({VENUE})"


def test_visits_export_imports_into_an_empty_log_as_the_same_visits(
    demo: Demo, invoke: Invoke, referred: Path, tmp_path: Path
) -> None:
    import typer

    from planner.cli import visits
    from planner.history import open_store, reports_between, visits_between

    # ``planner visits export`` as the command function (registered in planner.cli)
    one = typer.Typer()
    one.command()(visits.visits_export_cmd)
    runner = CliRunner(env={"COLUMNS": "200"})
    out = tmp_path / "kunjungan.csv"
    res = runner.invoke(one, [str(out), "-d", str(demo.path), "--store", str(referred)])
    assert res.exit_code == 0, res.output
    assert f"1 kunjungan (1 laporan warga) ditulis ke {out}" in flat(res.output)
    assert out.read_bytes().startswith(b"\xef\xbb\xbftanggal;regu;venue_id;")
    fresh = tmp_path / "baru.sqlite"
    res = invoke("visits", "import", out, "-d", demo.path, "--store", fresh, "-q")
    assert res.exit_code == 0 and "1 kunjungan baru, 1 laporan baru" in res.output, res.output
    cols = ["night", "squad_id", "venue_id", "arrived_at", "notes", "planned"]
    with open_store(referred) as a, open_store(fresh) as b:
        assert visits_between(a)[cols].equals(visits_between(b)[cols])
        assert list(reports_between(b)["text"]) == ["anak putus sekolah"]
    res = runner.invoke(one, [str(out), "-d", str(demo.path), "--store", str(referred),
                              "--from", "kemarin"])  # fmt: skip
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)


def test_followups_need_a_log_and_a_known_report(
    demo: Demo, invoke: Invoke, referred: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "belum-ada.sqlite"
    res = invoke("followups", demo.path, "--store", missing)
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert squeezed(f"Belum ada log kunjungan di {missing}") in squeezed(res.output)
    res = invoke("followups", demo.path, "--store", referred, "--close", "999")
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert cells(res.output, "followups")[:4] == ["followups", "", "report_id", "999"]


def test_report_is_written(demo: Demo, invoke: Invoke, referred: Path, tmp_path: Path) -> None:
    out = tmp_path / "laporan.html"
    base = ("report", demo.path, "--store", referred, "--from", "2026-11-01", "--to", "2026-11-30")
    res = invoke(*base, "--out", out)
    assert res.exit_code == 0, res.output
    assert f"Laporan ditulis: {out} (1 kunjungan, 1 laporan warga)" in flat(res.output)
    assert "Laporan Kegiatan Warkop Kamtibmas" in out.read_text(encoding="utf-8")
    en = invoke(*base, "--out", tmp_path / "report.html", "--lang", "en")
    assert en.exit_code == 0, en.output
    assert f"Report written: {tmp_path / 'report.html'} (1 visits, 1 reports)" in flat(en.output)


def test_report_names_the_bad_date(demo: Demo, invoke: Invoke, referred: Path) -> None:
    res = invoke("report", demo.path, "--store", referred, "--from", "kemarin")
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert cells(res.output, "--from")[:4] == ["--from", "", "", "kemarin"]
    assert "tanggal YYYY-MM-DD" in res.output


# ----------------------------------------------------------------------------- phone reports


def _phone_report(
    night: str = "2026-11-02",
    squad: str = "R01",
    venues: tuple[str, ...] = (VENUE,),
    route: tuple[str, ...] | None = None,
) -> str:
    """A squad's report as the page's Kirim laporan writes it (planner.history.report's twin):
    ``venues`` visited of the page's ``route`` (default: the same)."""
    day = dt.date.fromisoformat(night)
    visits = tuple(
        rp.ReportVisit(order=n, venue_id=v, arrived=f"{night}T2{n}:05+07:00",
                       left=f"{night}T2{n}:35+07:00", people="7", notes="aman",
                       items=(rp.ReportItem("sosial", "anak putus sekolah", "Dinas Sosial"),))
        for n, v in enumerate(venues, start=1)
    )  # fmt: skip
    plan = rp.plan_id(day, squad, route or venues)
    return rp.format_report(rp.SquadReport(day, squad, plan, visits))


def _stdin(args: list[str], text: str) -> Result:
    return CliRunner(env={"COLUMNS": "200"}).invoke(app, [str(a) for a in args], input=text)


def test_import_a_phone_report_from_stdin_once(demo: Demo, store: Path) -> None:
    args = ["visits", "import", "-", "-d", str(demo.path), "--store", str(store), "-q"]
    text = "Selamat pagi\n" + _phone_report()
    res = _stdin(args, text)
    assert res.exit_code == 0, res.output
    assert "OK stdin: 1 kunjungan baru, 1 laporan baru" in flat(res.output)
    again = _stdin(args[:2] + args[3:], text)  # no file: piped input is read
    assert again.exit_code == 0, again.output
    assert "sudah diimpor sebelumnya: 0 kunjungan baru" in flat(again.output)


def test_a_report_file_is_told_from_a_template(demo: Demo, invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "laporan-R01.txt"
    path.write_text(_phone_report(), encoding="utf-8")
    res = invoke("visits", "import", path, "-d", demo.path, "--store", tmp_path / "s.sqlite")
    assert res.exit_code == 0, res.output
    assert "OK laporan-R01.txt: 1 kunjungan baru" in flat(res.output)


@pytest.mark.parametrize(
    ("damage", "extra", "column", "id_words", "en_words"),
    [
        (lambda t: t.replace("warga: 7", "warga: 70"), [], "crc32", "checksum", "checksum"),
        (lambda t: t[: t.index("AKHIR")], [], "", "terpotong", "cut short"),
        (lambda t: t, ["--date", "2026-11-03"], "malam", "malam lain", "another night"),
        (lambda t: "halo", [], "", "Kirim laporan", "Kirim laporan"),
    ],
    ids=["tampered", "truncated", "other-night", "not-a-report"],
)
def test_a_bad_report_is_refused_and_creates_nothing(
    damage: Callable[[str], str], extra: list[str], column: str, id_words: str, en_words: str,
    dataset_copy: Path,
) -> None:  # fmt: skip
    args = ["visits", "import", "-", "-d", str(dataset_copy), "-q", *extra]
    text = damage(_phone_report())
    for lang, words in (("id", id_words), ("en", en_words)):
        res = _stdin([*args, "--lang", lang], text)
        assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output), res.output
        assert cells(res.output, "stdin")[2] == column
        assert words.replace(" ", "") in squeezed(res.output), res.output
    assert not (dataset_copy / "history.sqlite").exists()


def test_a_missing_file_or_a_bad_header_creates_nothing(
    dataset_copy: Path, invoke: Invoke, tmp_path: Path
) -> None:
    res = invoke("visits", "import", tmp_path / "tidak-ada.csv", "-d", dataset_copy)
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    bad = tmp_path / "salah.csv"
    bad.write_text("tanggal;regu;tempat\n2026-11-02;R01;V0001\n", encoding="utf-8")
    res = invoke("visits", "import", bad, "-d", dataset_copy)
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert cells(res.output, "salah.csv")[2] == "tempat"
    assert not (dataset_copy / "history.sqlite").exists()


def test_a_report_is_checked_against_the_plan_folder(
    planned: Planned, demo: Demo, invoke: Invoke, tmp_path: Path
) -> None:
    doc = json.loads((planned.folder / "plan.json").read_text(encoding="utf-8"))
    route = next(r for r in doc["routes"] if r["stops"])
    stops = tuple(s["venue_id"] for s in route["stops"])
    base = ["visits", "import", "-", "-d", str(demo.path), "--store", str(tmp_path / "s.sqlite")]
    ours = _phone_report(NIGHT, route["squad_id"], stops[:1], route=stops)
    # the page of another plan's route (its stops differ): another plan id
    other = _phone_report(NIGHT, route["squad_id"], stops[:1], route=(*stops[:1], "V0030"))
    res = _stdin([*base, "--plan", str(planned.folder)], other)
    assert res.exit_code == EXIT_BAD_INPUT and "rencana lain" in flat(res.output), res.output
    res = _stdin([*base, "--plan", str(planned.folder), "--date", "2026-11-30"], ours)
    assert res.exit_code == EXIT_BAD_INPUT and cells(res.output, "--date")[3] == "2026-11-30"
    res = _stdin([*base, "--plan", str(planned.folder / "plan.json")], ours)
    assert res.exit_code == 0, res.output


def test_no_file_at_a_terminal_says_what_to_give(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from planner.cli import visits
    from planner.errors import PlannerError

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal("never read"))
    with pytest.raises(PlannerError) as err:
        visits._read_source(None)
    assert "planner visits import - < laporan.txt" in err.value.render("id")
    assert "paste the phone's report on standard input" in err.value.render("en")
    monkeypatch.setattr(sys, "stdin", Terminal("pasted"))
    assert visits._read_source(Path("-")) == ("stdin", "pasted", None)  # '-' reads even so


def test_date_refuses_a_template_row_of_another_night(
    demo: Demo, invoke: Invoke, template: Path, store: Path
) -> None:
    _append_visit(template)
    row = _append_visit(template, tanggal="2026-11-03", venue_id="V0002")
    args = ("visits", "import", template, "-d", demo.path, "--store", store, "-q")
    res = invoke(*args, "--date", "2026-11-02")
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert cells(res.output, "templat.csv")[:4] == [
        "templat.csv",
        str(row),
        "tanggal",
        "2026-11-03",
    ]
    assert not store.exists()
