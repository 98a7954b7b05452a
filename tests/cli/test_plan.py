"""``planner validate``, ``plan``, ``score`` and ``check`` on the small demo dataset."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cli._support import N_VENUES, NIGHT, Demo, Invoke, Planned, cells, flat, no_traceback

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
    assert f"Rencana patroli malam {NIGHT}" in text
    assert all(h in text for h in ("Regu", "Jam dinas", "Kunjungan", "Prioritas", "Kembali"))
    assert "Regu 1 Samapta Polres" in text and "PS-TUGU-1" in text
    for step in ("Membaca data ✓", "Mencari rute (OR-Tools) ✓", "Menulis peta dan lembar rute ✓"):
        assert step in text
    plan = json.loads((planned.folder / "plan.json").read_text(encoding="utf-8"))
    visits = sum(len(r["stops"]) for r in plan["routes"])
    assert f"{visits} kunjungan, prioritas" in text
    assert f"Peta: {planned.folder / 'index.html'}" in text
    assert (planned.folder / "index.html").is_file()
    assert json.loads(planned.problem.read_text(encoding="utf-8"))


def test_plan_in_english_and_as_json(demo: Demo, invoke: Invoke, tmp_path: Path) -> None:
    base = ["plan", demo.path, "--date", NIGHT, "--time-limit", "1", "--out", tmp_path]
    res = invoke(*base, "--lang", "en")
    assert res.exit_code == 0, res.output
    text = flat(res.output)
    assert f"Patrol plan, night of {NIGHT}" in text
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
    assert f"3 teratas dari {N_VENUES} tempat, malam {NIGHT}" in text
    assert all(h in text for h in ("venue_id", "Nama", "Kecamatan", "Prioritas", "Alasan"))
    en = flat(invoke("score", demo.path, "--date", NIGHT, "--top", "3", "--lang", "en").output)
    assert f"Top 3 of {N_VENUES} venues, night of {NIGHT}" in en
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
    with out.open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == N_VENUES


def test_score_refuses_a_bad_date_and_json_with_csv(demo: Demo, invoke: Invoke) -> None:
    res = invoke("score", demo.path, "--date", "1 Des", "--lang", "en")
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert "--date" in res.output and "1 Des" in res.output and "a YYYY-MM-DD date" in res.output
    res = invoke("score", demo.path, "--json", "--csv", "x.csv")
    assert res.exit_code == EXIT_BAD_INPUT
    assert "--json/--csv" in res.output and "pilih satu" in res.output


# ---------------------------------------------------------------- check


def test_check_accepts_the_saved_plan(planned: Planned, invoke: Invoke) -> None:
    plan = planned.folder / "plan.json"
    visits = sum(len(r["stops"]) for r in json.loads(plan.read_text(encoding="utf-8"))["routes"])
    res = invoke("check", plan, "--problem", planned.problem)
    assert res.exit_code == 0, res.output
    assert f"OK: {visits} kunjungan, semua aturan terpenuhi." in flat(res.output)
    res = invoke("check", plan, "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "only the plan's own consistency was checked" in flat(res.output)
    assert f"OK: {visits} visits, every rule holds." in flat(res.output)


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
