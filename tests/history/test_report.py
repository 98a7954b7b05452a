"""The phone's night report (``WARKOP-LAPORAN v1``): round trip, damage, other nights, import."""

from __future__ import annotations

import datetime as dt

import pytest
from history.support import NOW, dump, write_csv
from hypothesis import given
from hypothesis import strategies as st

from planner import history as h
from planner.errors import InputError
from planner.history import report as rp

NIGHT = dt.date(2024, 5, 1)
HOSTILE = "<script>alert(1)</script> \\n ${x} `y` \"q\" 'a' | == 1 == AKHIR 9 kunjungan ‮é😀"


def visit(order: int = 1, venue: str = "V1", **kw: object) -> rp.ReportVisit:
    base: dict[str, object] = {
        "arrived": f"2024-05-01T2{order}:10+07:00",
        "left": f"2024-05-01T2{order}:40+07:00",
    }
    base.update(kw)
    return rp.ReportVisit(order=order, venue_id=venue, **base)  # type: ignore[arg-type]


def squad_report(*visits: rp.ReportVisit, squad: str = "R01") -> rp.SquadReport:
    plan = rp.plan_id(NIGHT, squad, [v.venue_id for v in visits])
    return rp.SquadReport(NIGHT, squad, plan, visits, created="2024-05-02T01:00+07:00")


FULL = squad_report(
    visit(1, "V1", name=HOSTILE, people="12", notes="jalan gelap\nbanyak anak muda",
          items=(rp.ReportItem("curanmor", "motor hilang", "Satpol PP"),
                 rp.ReportItem("infrastruktur", "lampu mati", "PLN"))),
    visit(2, "V3", notes=HOSTILE, items=(rp.ReportItem("sosial", HOSTILE),)),
    visit(3, "V2", left=""),
)  # fmt: skip


def test_checksum_is_zlib_crc32() -> None:
    assert rp.checksum("123456789") == "cbf43926"  # the CRC-32 check value


def test_round_trip_keeps_every_field() -> None:
    text = rp.format_report(FULL)
    assert text.startswith("WARKOP-LAPORAN v1\nmalam: 2024-05-01\nregu: R01\n")
    assert "\t" not in text and text.count("\n") == len(rp.report_lines(FULL)) + 1
    assert rp.parse_reports(text, file="x.txt") == [FULL]


@given(st.text())
def test_escape_is_one_line_and_reversible(text: str) -> None:
    escaped = rp.escape_value(text)
    assert "\n" not in escaped and "\r" not in escaped and "\t" not in escaped
    assert rp.unescape_value(escaped) == text


@given(st.text(min_size=1).map(str.strip).filter(bool))
def test_any_note_round_trips(note: str) -> None:
    report = squad_report(visit(1, notes=note, items=(rp.ReportItem("sosial", note),)))
    assert rp.parse_reports(rp.format_report(report), file="x") == [report]


def _problems(text: str, **kw: object) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as err:
        rp.parse_reports(text, file="wa.txt") if not kw else rp.check_reports(
            rp.parse_reports(text, file="wa.txt"),
            file="wa.txt",
            **kw,  # type: ignore[arg-type]
        )
    return [(p.row, p.column, p.expected("id")) for p in err.value.problems]


def test_a_changed_message_is_refused() -> None:
    text = rp.format_report(FULL).replace("warga: 12", "warga: 13")
    [(row, column, why)] = _problems(text)
    assert (row, column) == (1, "crc32") and "checksum" in why


def test_a_truncated_message_is_refused() -> None:
    text = rp.format_report(FULL)
    cut = text[: text.index("== 3 ==")]
    [(row, _, why)] = _problems(cut)
    assert row == 1 and "terpotong" in why
    [(_, _, why)] = _problems(text.replace("AKHIR 3", "AKHIR 2"))  # the count is in the CRC line
    assert "checksum" in why or "jumlah" in why


def test_an_unknown_version_and_no_report_are_refused() -> None:
    [(_, _, why)] = _problems(rp.format_report(FULL).replace("v1", "v2", 1))
    assert "versi" in why
    [(_, _, why)] = _problems("tanggal,regu,venue_id,tiba\n")
    assert "Kirim laporan" in why


def test_another_night_or_plan_is_refused() -> None:
    text = rp.format_report(FULL)
    [(row, column, why)] = _problems(text, night=dt.date(2024, 5, 2))
    assert (row, column) == (1, "malam") and "malam lain" in why
    [(_, column, why)] = _problems(text, plan_ids={"R01": "00000000"})
    assert column == "rencana" and "rencana lain" in why
    rp.check_reports(rp.parse_reports(text, file="x"), file="x", night=NIGHT,
                     plan_ids={"R01": FULL.plan_id})  # fmt: skip


def test_what_a_chat_app_does_is_survived() -> None:
    text = rp.format_report(FULL)
    # CRLF, a sender's prefix, greetings around, trailing spaces, and two long lines wrapped:
    # one at a space (the space dropped), one inside a word.
    lines = text.splitlines()
    wrapped = []
    for line in lines:
        if line.startswith("catatan: jalan"):
            wrapped += ["catatan: jalan gelap\\nbanyak", "anak muda"]
        elif line.startswith("isi: motor"):
            wrapped += ["isi: mo", "tor hilang"]
        else:
            wrapped.append(line + "  ")
    wrapped[0] = "[02/05 01.02] Bripka Andi: " + wrapped[0]
    pasted = "Selamat pagi Ndan,\r\n" + "\r\n".join(wrapped) + "\r\nTerima kasih\r\n"
    assert rp.parse_reports(pasted, file="x") == [FULL]


def test_two_reports_in_one_paste() -> None:
    other = squad_report(visit(1, "V4"), squad="R02")
    text = "laporan:\n" + rp.format_report(FULL) + "\n\n" + rp.format_report(other)
    assert rp.parse_reports(text, file="x") == [FULL, other]


def test_an_escape_that_is_not_ours_is_refused() -> None:
    bad = squad_report(visit(1, notes="a"))
    text = rp.format_report(bad)
    body = "\n".join(rp.report_lines(bad)).replace("catatan: a", "catatan: a\\q")
    forged = f"{body}\nAKHIR 1 kunjungan crc32:{rp.checksum(body)}\n"
    [(row, column, _)] = _problems(forged)
    assert column == "catatan" and row == text.splitlines().index("catatan: a") + 1


# ----------------------------------------------------------------------------- importing


def _importable() -> rp.SquadReport:
    return squad_report(
        visit(1, "V1", people="12", notes=HOSTILE,
              items=(rp.ReportItem("curanmor", "motor hilang", "Satpol PP"),
                     rp.ReportItem("infrastruktur", HOSTILE, "PLN"))),
        visit(2, "V3", left=""),
    )  # fmt: skip


def test_import_is_the_template_import(known, store, tmp_path) -> None:
    report = _importable()
    prepared = rp.prepare_report(rp.format_report(report), known, file="wa.txt", now=NOW)
    result = rp.commit(store, prepared)
    assert (result.visits_new, result.reports_new) == (2, 2)

    # The same visits typed into the template give the same rows (but for file and time).
    header = [*h.TEMPLATE_COLUMNS, "urutan"]

    def row(**kw: str) -> list[str]:
        base = dict.fromkeys(header, "") | {"tanggal": "2024-05-01", "regu": "R01"} | kw
        return [base[c] for c in header]

    rows = [
        row(venue_id="V1", urutan="1", tiba="21:10", berangkat="21:40", jumlah_warga="12",
            catatan=HOSTILE, laporan_kategori="curanmor", laporan_isi="motor hilang",
            dirujuk_ke="Satpol PP"),
        row(venue_id="V1", urutan="1", tiba="21:10", berangkat="21:40", jumlah_warga="12",
            catatan=HOSTILE, laporan_kategori="infrastruktur", laporan_isi=HOSTILE,
            dirujuk_ke="PLN"),
        row(venue_id="V3", urutan="2", tiba="22:10"),
    ]  # fmt: skip
    with h.open_store(":memory:") as twin:
        h.import_file(twin, write_csv(tmp_path / "t.csv", header, rows), known, now=NOW)

        def strip(d: list) -> list:  # visits without source and recorded_at
            return [[r[:10] for r in d[0]], d[1]]

        assert strip(dump(twin)) == strip(dump(store))
    assert store.conn.execute("SELECT notes FROM visits WHERE venue_id='V1'").fetchone()[0] == (
        HOSTILE
    )

    again = rp.commit(store, rp.prepare_report(rp.format_report(report), known, file="wa.txt",
                                               now=NOW))  # fmt: skip
    assert (again.visits_new, again.visits_existing) == (0, 2)
    assert "sudah diimpor sebelumnya" in again.message("id")


def test_a_visit_the_template_refuses_is_named_by_its_line(known) -> None:
    report = squad_report(visit(1, "V1"), visit(2, "V2", people="2000"))
    text = rp.format_report(report)
    with pytest.raises(InputError) as err:
        rp.prepare_report(text, known, file="wa.txt", now=NOW)
    [p] = err.value.problems
    assert (p.file, p.row, p.column, p.value) == (
        "wa.txt",
        text.splitlines().index("== 2 ==") + 1,
        "jumlah_warga",
        "2000",
    )


def test_a_corrected_report_conflicts_unless_replaced(known, store) -> None:
    first = squad_report(visit(1, "V1", notes="a"))
    rp.commit(store, rp.prepare_report(rp.format_report(first), known, file="a", now=NOW))
    fixed = squad_report(visit(1, "V1", notes="b"))
    prepared = rp.prepare_report(rp.format_report(fixed), known, file="b", now=NOW)
    with pytest.raises(InputError):
        rp.commit(store, prepared)
    assert rp.commit(store, prepared, replace=True).visits_replaced == 1


@given(st.text())
def test_any_text_is_read_or_refused_never_crashes(text: str) -> None:
    try:
        rp.parse_reports(text, file="x")
    except InputError as exc:
        assert exc.problems


@given(st.data())
def test_a_changed_character_is_refused_or_changes_nothing(data: st.DataObject) -> None:
    text = rp.format_report(FULL)
    at = data.draw(st.integers(0, len(text) - 1))
    new = data.draw(st.characters(codec="utf-8"))
    changed = text[:at] + new + text[at + 1 :]
    try:
        got = rp.parse_reports(changed, file="x")
    except InputError:
        return
    assert got == [FULL]  # only what a chat app may change (spaces, line ends) was changed
