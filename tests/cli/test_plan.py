"""``planner validate``, ``plan``, ``score`` and ``check`` on the small demo dataset."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli._support import (
    N_VENUES,
    NIGHT,
    Demo,
    Invoke,
    Planned,
    cells,
    flat,
    no_traceback,
    table_rows,
)

from planner.cli import EXIT_BAD_INPUT, EXIT_INFEASIBLE


def _venue_rows(dataset: Path) -> list[dict[str, str]]:
    with (dataset / "venues.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _break_a_latitude(dataset: Path) -> None:
    """Row 3 of venues.csv (the second venue) gets ``utara`` as its latitude."""
    rows = _venue_rows(dataset)
    rows[1]["lat"] = "utara"
    with (dataset / "venues.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _set_cell(dataset: Path, row: int, column: str, value: str) -> None:
    """venues.csv's data row ``row`` (0: the first venue) gets ``value`` in ``column``."""
    rows = _venue_rows(dataset)
    rows[row][column] = value
    with (dataset / "venues.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _names_row_3_lat(output: str) -> bool:
    return cells(output, "venues.csv")[:4] == ["venues.csv", "3", "lat", "utara"]


# ---------------------------------------------------------------- validate


def test_validate_prints_the_counts(demo: Demo, invoke: Invoke) -> None:
    rows = _venue_rows(demo.path)
    active = sum(r["active"] == "true" for r in rows)
    res = invoke("validate", demo.path)
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert f"Dataset {demo.path}: valid" in text
    assert f"Tempat (warkop) │ {len(rows)} │" in text
    assert f"aktif │ {active} │" in text
    assert "Regu │ 2 │" in text and "personel │ 11 │" in text
    assert "Tempat per kecamatan" in text

    en = flat(invoke("validate", demo.path, "--lang", "en").output)
    assert f"Dataset {demo.path}: OK" in en
    assert f"Venues │ {len(rows)} │" in en and f"active │ {active} │" in en
    assert "Squads │ 2 │" in en and "Venues per kecamatan" in en


def test_validate_json(demo: Demo, invoke: Invoke) -> None:
    res = invoke("validate", demo.path, "--json")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["venues"] == N_VENUES and summary["squads"] == 2
    assert sum(summary["venues_per_kecamatan"].values()) == N_VENUES


def test_validate_names_the_bad_cell(dataset_copy: Path, invoke: Invoke) -> None:
    _break_a_latitude(dataset_copy)
    res = invoke("validate", dataset_copy)
    assert res.exit_code == EXIT_BAD_INPUT
    assert no_traceback(res.output)
    assert "1 masalah pada data masukan (venues.csv)" in res.output
    assert _names_row_3_lat(res.output), res.output
    en = invoke("validate", dataset_copy, "--lang", "en")
    assert en.exit_code == EXIT_BAD_INPUT and "1 problem(s) in the input (venues.csv)" in en.output


# ---------------------------------------------------------------- plan


def test_plan_writes_the_night_and_prints_the_squads(demo: Demo, planned: Planned) -> None:
    text = flat(planned.output)
    assert all(h in text for h in ("Regu", "Jam dinas", "Kunjungan", "Prioritas", "Kembali"))
    assert "Regu 1 Samapta Polres" in text and "PS-TUGU-1" in text
    for step in ("Membaca data ✓", "Mencari rute (OR-Tools) ✓", "Menulis peta dan lembar rute ✓"):
        assert step in text
    plan = json.loads((planned.folder / "plan.json").read_text(encoding="utf-8"))
    visits = sum(len(r["stops"]) for r in plan["routes"])
    assert f"{visits} kunjungan, prioritas" in text
    # numbers as Bahasa Indonesia writes them (Babel): a decimal comma
    assert re.search(r"kunjungan, prioritas \d+,\d dari \d+,\d \(\d+%\), \d+ km", text), text
    assert "Rencana patroli malam Selasa, 1 Desember 2026" in text
    assert f"Peta: {planned.folder / 'index.html'}" in text
    assert (planned.folder / "index.html").is_file()
    assert json.loads(planned.problem.read_text(encoding="utf-8"))


def test_plan_in_english_and_as_json(demo: Demo, invoke: Invoke, tmp_path: Path) -> None:
    base = ["plan", demo.path, "--date", NIGHT, "--time-limit", "1", "--out", tmp_path]
    res = invoke(*base, "--lang", "en")
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert "Patrol plan, night of Tuesday, 1 December 2026" in text
    assert re.search(r"visits, priority \d+\.\d of \d+\.\d \(\d+%\), \d+ km", text), text
    assert all(h in text for h in ("Squad", "Shift", "Visits", "Priority", "Leave", "Back"))
    assert "Loading data ✓" in text and "Writing maps and sheets ✓" in text
    assert " visits, priority " in text and f"Map: {tmp_path / NIGHT / 'index.html'}" in text

    res = invoke(*base, "--json")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["date"] == NIGHT
    assert {s["squad_id"] for s in summary["squads"]} == {"R01", "PS-TUGU-1"}
    assert summary["visits"] == sum(s["visits"] for s in summary["squads"])


def test_plan_names_the_bad_cell_and_writes_nothing(
    dataset_copy: Path, invoke: Invoke, tmp_path: Path
) -> None:
    _break_a_latitude(dataset_copy)
    out = tmp_path / "maps"
    res = invoke("plan", dataset_copy, "--date", NIGHT, "--out", out, "--quiet")
    assert res.exit_code == EXIT_BAD_INPUT
    assert no_traceback(res.output) and _names_row_3_lat(res.output), res.output
    assert not out.exists()


# ---------------------------------------------------------------- score


def test_score_prints_the_top_venues(demo: Demo, invoke: Invoke) -> None:
    res = invoke("score", demo.path, "--date", NIGHT, "--top", "3")
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert f"3 teratas dari {N_VENUES} tempat, malam Selasa, 1 Desember 2026" in text
    priorities = [row[4].split()[0] for row in table_rows(res.output) if row[0].isdigit()]
    assert len(priorities) == 3 and all(re.fullmatch(r"\d+,\d\d", p) for p in priorities)
    assert all(h in text for h in ("venue_id", "Nama", "Kecamatan", "Prioritas", "Alasan"))
    en = flat(invoke("score", demo.path, "--date", NIGHT, "--top", "3", "--lang", "en").output)
    assert f"Top 3 of {N_VENUES} venues, night of Tuesday, 1 December 2026" in en
    assert all(h in en for h in ("Name", "Priority", "Reasons"))


def test_score_json_and_csv(demo: Demo, invoke: Invoke, tmp_path: Path) -> None:
    res = invoke("score", demo.path, "--date", NIGHT, "--json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert len(rows) == N_VENUES
    priorities = [r["priority"] for r in rows]
    assert priorities == sorted(priorities, reverse=True)

    out = tmp_path / "skor.csv"
    res = invoke("score", demo.path, "--date", NIGHT, "--csv", out)
    assert res.exit_code == 0, res.output
    assert f"{N_VENUES} tempat ditulis ke {out}" in flat(res.output)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # the office dialect: BOM, CRLF
    with out.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh, delimiter=";"))
    assert len(table) == N_VENUES
    top = max(rows, key=lambda r: r["priority"])
    first = next(r for r in table if r["venue_id"] == top["venue_id"])
    assert float(first["priority"].replace(",", ".")) == pytest.approx(top["priority"])
    assert "," in first["priority"] or float(top["priority"]).is_integer()  # a decimal comma


@pytest.mark.parametrize("option", ["--xlsx", "--csv"])
def test_score_writes_a_workbook_with_typed_columns(
    demo: Demo, invoke: Invoke, tmp_path: Path, option: str
) -> None:
    """--xlsx (or --csv with a .xlsx name): numbers stay numbers, priority as 0.00."""
    from openpyxl import load_workbook

    rows = json.loads(invoke("score", demo.path, "--date", NIGHT, "--json").output)
    out = tmp_path / "skor.xlsx"
    res = invoke("score", demo.path, "--date", NIGHT, option, out)
    assert res.exit_code == 0, res.output
    assert f"{N_VENUES} tempat ditulis ke {out}" in flat(res.output)
    sheet = load_workbook(out)["Prioritas"]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["venue_id", "name"] and "priority" in header and "reasons" in header
    col = header.index("priority")
    cells_ = [row[col] for row in sheet.iter_rows(min_row=2)]
    assert len(cells_) == N_VENUES
    assert all(isinstance(c.value, float | int) and c.number_format == "0.00" for c in cells_)
    by_id = {r["venue_id"]: r["priority"] for r in rows}
    ids = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells_] == pytest.approx([by_id[i] for i in ids])
    assert sheet.freeze_panes == "A2"
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically: no temporary left


def test_score_refuses_a_bad_date_and_json_with_csv(demo: Demo, invoke: Invoke) -> None:
    res = invoke("score", demo.path, "--date", "1 Des", "--lang", "en")
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert "--date" in res.output and "1 Des" in res.output and "a YYYY-MM-DD date" in res.output
    res = invoke("score", demo.path, "--json", "--csv", "x.csv")
    assert res.exit_code == EXIT_BAD_INPUT
    assert "--json/--csv" in res.output and "pilih satu" in res.output
    res = invoke("score", demo.path, "--json", "--xlsx", "x.xlsx")
    assert res.exit_code == EXIT_BAD_INPUT and "pilih satu" in res.output


# ---------------------------------------------------------------- check


def test_check_accepts_the_saved_plan(planned: Planned, invoke: Invoke) -> None:
    plan = planned.folder / "plan.json"
    visits = sum(len(r["stops"]) for r in json.loads(plan.read_text(encoding="utf-8"))["routes"])
    res = invoke("check", plan, "--problem", planned.problem)
    assert res.exit_code == 0, res.output
    assert f"OK: {visits} kunjungan, semua aturan terpenuhi." in flat(res.output)
    res = invoke("check", plan, "--lang", "en")  # alone: the problem it embeds
    assert res.exit_code == 0, res.output
    assert f"OK: {visits} visits, every rule holds." in flat(res.output)


def _tampered(planned: Planned, tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    plan = json.loads((planned.folder / "plan.json").read_text(encoding="utf-8"))
    change(plan)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def _swap_first_stops(plan: dict[str, Any]) -> None:
    """A route's first two venues trade places (their times left as they were)."""
    stops = next(r for r in plan["routes"] if len(r["stops"]) >= 2)["stops"]
    stops[0], stops[1] = stops[1], stops[0]


def _unknown_venue(plan: dict[str, Any]) -> None:
    next(r for r in plan["routes"] if r["stops"])["stops"][0]["venue_id"] = "V9999"


def _unknown_squad(plan: dict[str, Any]) -> None:
    plan["routes"][0]["squad_id"] = "R99"


@pytest.mark.parametrize(
    ("change", "rule"),
    [(_swap_first_stops, "wrong_time"), (_unknown_venue, "unknown_venue"),
     (_unknown_squad, "unknown_squad")],
)  # fmt: skip
def test_check_alone_does_not_vouch_for_a_changed_plan(
    planned: Planned, invoke: Invoke, tmp_path: Path, change: Any, rule: str
) -> None:
    path = _tampered(planned, tmp_path, change)
    res = invoke("check", path, "--lang", "en")
    assert res.exit_code == EXIT_INFEASIBLE, res.output
    assert f"[{rule}]" in flat(res.output) and "every rule holds" not in res.output
    assert no_traceback(res.output)


def test_check_of_a_version_1_plan_says_what_it_could_not_check(
    planned: Planned, invoke: Invoke, tmp_path: Path
) -> None:
    def old(plan: dict[str, Any]) -> None:
        plan["version"] = 1
        del plan["problem"]

    path = _tampered(planned, tmp_path, old)
    res = invoke("check", path, "--lang", "en")
    assert res.exit_code == EXIT_BAD_INPUT, res.output
    text = flat(res.output)
    assert "rules were NOT checked" in text and "outside the squad's area" in text
    assert "--problem" in text and "every rule holds" not in text
    res = invoke("check", path, "--problem", planned.problem)
    assert res.exit_code == 0, res.output
    assert "semua aturan terpenuhi" in flat(res.output)


def test_check_lists_the_violations(planned: Planned, invoke: Invoke, tmp_path: Path) -> None:
    plan = json.loads((planned.folder / "plan.json").read_text(encoding="utf-8"))
    route = next(r for r in plan["routes"] if r["stops"])
    stop = route["stops"][0]
    for key in ("arrival_s", "start_s", "departure_s"):
        stop[key] += 100_000  # a day later: wrong time, outside the venue's window
    late = tmp_path / "plan.json"
    late.write_text(json.dumps(plan), encoding="utf-8")
    res = invoke("check", late, "--problem", planned.problem, "--lang", "en")
    assert res.exit_code == EXIT_INFEASIBLE, res.output
    text = flat(res.output)
    assert "violation(s)" in text and all(h in text for h in ("Rule", "Squad", "Venue", "Detail"))
    assert "outside_window" in text and stop["venue_id"] in text and route["squad_id"] in text


def test_check_names_the_bad_field(invoke: Invoke, tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text('{"format": 1}', encoding="utf-8")
    res = invoke("check", junk)
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert cells(res.output, "junk.json")[:4] == ["junk.json", "", "format", "1"]


# ---------------------------------------------------------------- roads, stations, preflight

MERIDIAN = 111.60
"""West of it lie Panggul, Munjungan, Pule and Dongko; both stations of the test roster
(POLRES, PS-TUGU) lie east of it."""


def _roads(dataset: Path) -> Any:
    import networkx as nx

    return nx.read_graphml(dataset / "roads.graphml")


def _write_roads(dataset: Path, graph: Any) -> None:
    import networkx as nx

    nx.write_graphml(graph, dataset / "roads.graphml")


def _cut_at_meridian(dataset: Path, lon: float = MERIDIAN) -> int:
    """Remove every road crossing the meridian ``lon``: the roads fall into two pieces."""
    g = _roads(dataset)
    x = {n: float(d["x"]) for n, d in g.nodes(data=True)}
    cut = [(u, v) for u, v in g.edges() if (x[u] - lon) * (x[v] - lon) < 0]
    g.remove_edges_from(cut)
    _write_roads(dataset, g)
    return len(cut)


def _west_venues(dataset: Path) -> set[str]:
    return {r["venue_id"] for r in _venue_rows(dataset) if float(r["lon"]) < MERIDIAN}


def _set_station(dataset: Path, station_id: str, lat: float, lon: float) -> None:
    path = dataset / "stations.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        if r["station_id"] == station_id:
            r["lat"], r["lon"] = f"{lat:.6f}", f"{lon:.6f}"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


FAR_NORTH = (-7.70, 111.65)
"""About 25 km north of the demo's last road."""


def _station_on_a_road_of_its_own(dataset: Path) -> None:
    """PS-TUGU moved 25 km north, onto a 300 m road that leads nowhere."""
    g = _roads(dataset)
    attrs = dict(next(iter(g.edges(data=True)))[2])
    lat, lon = FAR_NORTH
    g.add_node("far-a", y=f"{lat:.6f}", x=f"{lon - 0.0015:.6f}", street_count="1")
    g.add_node("far-b", y=f"{lat:.6f}", x=f"{lon + 0.0015:.6f}", street_count="1")
    for u, v in (("far-a", "far-b"), ("far-b", "far-a")):
        g.add_edge(u, v, **{**attrs, "length": "330.0", "oneway": "False"})
    _write_roads(dataset, g)
    _set_station(dataset, "PS-TUGU", lat, lon)


def test_roads_in_two_pieces_plan_anyway_and_list_the_unreachable(
    dataset_copy: Path, invoke: Invoke, tmp_path: Path
) -> None:
    assert _cut_at_meridian(dataset_copy) > 0
    west = _west_venues(dataset_copy)
    assert west, "the small demo has venues west of the cut"
    as_json = json.loads(invoke("validate", dataset_copy, "--date", NIGHT, "--json").output)
    unreachable = {r["venue_id"] for r in as_json["unreachable"]}
    assert unreachable and unreachable <= west
    res = invoke("validate", dataset_copy, "--date", NIGHT, "--lang", "en")
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert f"{len(unreachable)} venue(s) unreachable tonight" in text
    assert "no road from a squad's station there and back" in text
    assert all(v in text for v in unreachable)
    assert "tidak terjangkau malam ini" in flat(invoke("validate", dataset_copy).output)

    out = tmp_path / "maps"
    res = invoke("plan", dataset_copy, "--date", NIGHT, "--time-limit", "1", "--out", out)
    assert res.exit_code == 0, res.output
    assert f"{len(unreachable)} tempat tidak terjangkau malam ini" in flat(res.output)
    plan = json.loads((out / NIGHT / "plan.json").read_text(encoding="utf-8"))
    why = {d["venue_id"]: (d["reason"], d["detail"]) for d in plan["dropped"]}
    assert {v for v, (r, _) in why.items() if r == "unreachable"} == unreachable
    assert {why[v] for v in unreachable} == {("unreachable", "no_road")}
    # the other venues west of the cut are dropped before reachability counts (closed, ...)
    assert {why[v][0] for v in west - unreachable} <= {"closed", "inactive", "excluded"}
    visited = {s["venue_id"] for r in plan["routes"] for s in r["stops"]}
    assert visited and not visited & west
    res = invoke("check", out / NIGHT / "plan.json")
    assert res.exit_code == 0, res.output


def test_a_station_on_a_road_of_its_own_is_named(
    dataset_copy: Path, invoke: Invoke, tmp_path: Path
) -> None:
    _station_on_a_road_of_its_own(dataset_copy)
    for command in ("validate", "plan"):
        res = invoke(command, dataset_copy, "--date", NIGHT, "--out", tmp_path, "--lang", "en")
        assert res.exit_code == EXIT_BAD_INPUT, res.output
        row = cells(res.output, "stations.csv")
        assert row[2:4] == ["lat/lon", "PS-TUGU"], res.output
        assert "PS-TUGU-1" in flat(res.output) and "road network of its own" in flat(res.output)


# Each case breaks a copy of the small dataset and names the file (or key) the message must
# name. `validate` and `plan` must both refuse it with exit 2 and the same problems.


def _text(name: str, text: str) -> Callable[[Path], None]:
    def write(dataset: Path) -> None:
        (dataset / name).write_text(text, encoding="utf-8")

    return write


def _truncate_roads(dataset: Path) -> None:
    data = (dataset / "roads.graphml").read_bytes()
    (dataset / "roads.graphml").write_bytes(data[: len(data) // 2])


def _binary_osm(dataset: Path) -> None:
    (dataset / "roads.graphml").unlink()
    (dataset / "roads.osm").write_bytes(bytes(range(256)) * 64)


def _no_roads(dataset: Path) -> None:
    (dataset / "roads.graphml").unlink()


def _directive(body: str) -> Callable[[Path], None]:
    def write(dataset: Path) -> None:
        with (dataset / "planner.toml").open("a", encoding="utf-8") as fh:
            fh.write(f"\n[[directives]]\nfrom = {NIGHT}\nto = {NIGHT}\n{body}\n")

    return write


def _first_venue(dataset: Path) -> str:
    return _venue_rows(dataset)[0]["venue_id"]


def _exclude_and_force(dataset: Path) -> None:
    vid = _first_venue(dataset)
    _directive(f'action = "exclude"\nvenue_id = "{vid}"')(dataset)
    _directive(f'action = "must_visit"\nvenue_id = "{vid}"')(dataset)


BAD_DATASETS: dict[str, tuple[Callable[[Path], None], str]] = {
    "roads not XML": (_text("roads.graphml", "jalan, jalan\n1, 2\n"), "roads.graphml"),
    "roads truncated": (_truncate_roads, "roads.graphml"),
    "roads empty": (_text("roads.graphml", ""), "roads.graphml"),
    "roads an HTML page": (
        _text("roads.graphml", "<!DOCTYPE html><html><body>404</body></html>"),
        "roads.graphml",
    ),
    "binary .osm": (_binary_osm, "roads.osm"),
    "no road file": (_no_roads, "roads.graphml"),
    "directive: unknown kecamatan": (_directive('kecamatan = "Atlantis"'), "Atlantis"),
    "directive: unknown venue": (_directive('venue_id = "V9999"'), "V9999"),
    "directive: missing polygon": (_directive('polygon = "areas/none.geojson"'), "none.geojson"),
    "exclude and must-visit": (_exclude_and_force, "directives"),
    "station on a road of its own": (_station_on_a_road_of_its_own, "PS-TUGU"),
    "station far from every road": (
        lambda d: _set_station(d, "PS-TUGU", *FAR_NORTH),
        "PS-TUGU",
    ),
    "bad latitude": (_break_a_latitude, "utara"),
    "rich markup in a bad cell": (lambda d: _set_cell(d, 1, "lat", "[/red]"), "[/red]"),
}


@pytest.mark.parametrize("case", list(BAD_DATASETS))
def test_validate_and_plan_refuse_the_same_bad_input(
    case: str, dataset_copy: Path, invoke: Invoke, tmp_path: Path
) -> None:
    breaks, named = BAD_DATASETS[case]
    breaks(dataset_copy)
    out = tmp_path / "maps"
    checked = invoke("validate", dataset_copy, "--date", NIGHT, "--lang", "en")
    planned = invoke("plan", dataset_copy, "--date", NIGHT, "--out", out, "--lang", "en")
    assert checked.exit_code == planned.exit_code == EXIT_BAD_INPUT, checked.output + planned.output
    for res in (checked, planned):
        assert no_traceback(res.output) and named in flat(res.output), res.output
    # the same problems, row for row (plan adds only its progress lines)
    assert table_rows(checked.output) == table_rows(planned.output)
    assert checked.output.splitlines()[-1] == planned.output.splitlines()[-1]
    assert not (out / NIGHT).exists()


# ---------------------------------------------------------------- options and data as written


@pytest.mark.parametrize("limit", ["-1", "0", "nan", "inf", "-inf"])
def test_plan_refuses_a_time_limit_that_is_not_above_zero(
    limit: str, demo: Demo, invoke: Invoke, tmp_path: Path
) -> None:
    out = tmp_path / "maps"
    res = invoke(
        "plan", demo.path, "--date", NIGHT, "--time-limit", limit, "--out", out, "--lang", "en"
    )
    assert res.exit_code == EXIT_BAD_INPUT, res.output
    assert no_traceback(res.output)
    assert cells(res.output, "--time-limit")[2:3] == ["--time-limit"]
    assert "a number of seconds above 0" in flat(res.output)
    assert not out.exists()


MARKUP = {
    "squad": "Regu [/b] Tugu",
    "venue": "Warkop [link=https://contoh.id]klik[/link]",
    "desa": "Desa [/red] Ngares",
}


def _markup_everywhere(dataset: Path) -> None:
    """Rich markup in a squad's name, a venue's name and a desa's name."""
    from small_demo import roster_toml

    squads = [
        ("R01", "POLRES", 6, "19:00-00:00", "mobil"),
        ("PS-TUGU-1", "PS-TUGU", 5, "19:00-23:00", "motor"),
    ]
    (dataset / "squads.toml").write_text(
        roster_toml(squads, names={"PS-TUGU-1": MARKUP["squad"]}), encoding="utf-8"
    )
    rows = _venue_rows(dataset)
    for i in range(len(rows)):
        _set_cell(dataset, i, "name", f"{MARKUP['venue']} {i}")
    desa = json.loads((dataset / "desa.geojson").read_text(encoding="utf-8"))
    venue_desa = {r["desa_code"] for r in rows}
    for feature in desa["features"]:
        props = feature["properties"]
        if props.get("desa_code") in venue_desa:
            props["desa"] = f"{MARKUP['desa']} {props['desa_code']}"
    (dataset / "desa.geojson").write_text(json.dumps(desa), encoding="utf-8")


def test_markup_in_names_is_printed_as_written(
    dataset_copy: Path, invoke: Invoke, tmp_path: Path
) -> None:
    _markup_everywhere(dataset_copy)
    _cut_at_meridian(dataset_copy)  # so venue names are listed as unreachable too
    res = invoke("validate", dataset_copy, "--date", NIGHT, "--lang", "en")
    assert res.exit_code == 0, res.output
    assert MARKUP["venue"] in res.output  # the unreachable venues' table
    out = tmp_path / "maps"
    res = invoke(
        "plan", dataset_copy, "--date", NIGHT, "--time-limit", "1", "--out", out, "--lang", "en"
    )
    assert res.exit_code == 0, res.output
    assert no_traceback(res.output)
    assert MARKUP["squad"] in res.output and MARKUP["venue"] in res.output
    res = invoke("score", dataset_copy, "--date", NIGHT, "--top", "30", "--lang", "en")
    assert res.exit_code == 0, res.output
    assert MARKUP["venue"] in res.output
    # (the desa's name is printed by no command of this module; it only must not break them)


# ---------------------------------------------------------------- the output folder


def _unwritable_outputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Output folders no night can be written to, each with the reason the message gives."""
    a_file = tmp_path / "maps.txt"
    a_file.write_text("not a folder", encoding="utf-8")
    return {
        "the kernel's own folder": (Path("/sys/planner-maps"), "no permission to write there"),
        "a file": (a_file, "it is not a folder"),
        "under a file": (a_file / "maps", "it is not a folder"),
    }


@pytest.mark.parametrize("case", ["the kernel's own folder", "a file", "under a file"])
def test_an_unwritable_output_folder_is_refused_before_solving(
    case: str, demo: Demo, invoke: Invoke, tmp_path: Path
) -> None:
    from planner.errors import EXIT_OUTPUT

    out, reason = _unwritable_outputs(tmp_path)[case]
    for command in ("plan", "validate"):
        res = invoke(command, demo.path, "--date", NIGHT, "--out", out, "--lang", "en")
        assert res.exit_code == EXIT_OUTPUT, res.output
        text = flat(res.output)
        assert no_traceback(res.output) and f"Cannot write {out}: {reason}" in text
        assert "Nothing was planned yet." in text
        assert "Solving routes" not in text and "Loading data" not in text
    assert not list(tmp_path.glob("**/.planner-probe-*"))


@pytest.mark.parametrize("case", ["under a file", "a folder"])
def test_an_unwritable_export_problem_is_refused_before_solving(
    case: str, demo: Demo, invoke: Invoke, tmp_path: Path
) -> None:
    """``--export-problem`` under a file, or naming a folder, ends with exit 73 and the reason
    before the night is solved, and the folder of maps is not written either."""
    from planner.errors import EXIT_OUTPUT

    a_file = tmp_path / "afile"
    a_file.write_text("not a folder", encoding="utf-8")
    a_folder = tmp_path / "exports"
    a_folder.mkdir()
    export, reason = {
        "under a file": (a_file / "problem.json", "it is not a folder"),
        "a folder": (a_folder, "it is a folder, not a file name"),
    }[case]
    out = tmp_path / "maps"
    res = invoke("plan", demo.path, "--date", NIGHT, "--out", out,
                 "--export-problem", export, "--lang", "en")  # fmt: skip
    assert res.exit_code == EXIT_OUTPUT, res.output
    text = flat(res.output)
    assert no_traceback(res.output) and reason in text and "Nothing was planned yet." in text
    assert "Choose another location." in text and "Free some space" not in text  # not a disk
    assert "Solving routes" not in text and not out.exists()
    assert a_file.read_text(encoding="utf-8") == "not a folder" and not list(a_folder.iterdir())
    res = invoke("plan", demo.path, "--date", NIGHT, "--out", out, "--export-problem", export)
    assert res.exit_code == EXIT_OUTPUT and "Belum ada yang direncanakan." in flat(res.output)


def test_a_read_only_file_system_is_named(
    demo: Demo, invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import tempfile

    def read_only(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    res = invoke("plan", demo.path, "--date", NIGHT, "--out", tmp_path / "maps")
    assert res.exit_code != 70 and no_traceback(res.output), res.output
    assert "disk hanya-baca" in flat(res.output) and "Belum ada yang direncanakan." in flat(
        res.output
    )


@pytest.mark.parametrize(
    ("stats", "lang", "expected"),
    [
        (
            {"stopped": "converged", "last_improvement_s": 48.09},
            "id",
            "Pencarian berhenti: konvergen (tidak membaik lagi); perbaikan terakhir pada detik ke-48.",
        ),
        (
            {"stopped": "time_limit", "last_improvement_s": 1234.4},
            "en",
            "Search stopped: time limit; last improvement at 1,234 s.",
        ),
        ({"stopped": "budget"}, "id", "Pencarian berhenti: anggaran pencarian tetap."),
        ({}, "id", ""),
        ({"stopped": "weird"}, "en", ""),
    ],
)
def test_plan_says_how_the_search_ended(stats, lang, expected):
    from planner.cli.plan import _search_stopped

    assert _search_stopped(stats, lang) == expected
