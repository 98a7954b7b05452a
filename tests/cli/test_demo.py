"""``planner demo``: the small synthetic dataset the other command tests run on."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from cli._support import N_VENUES, SEED, Demo, Invoke, cells, flat, no_traceback, squeezed

from planner.cli import EXIT_BAD_INPUT

FILES = ("desa.geojson", "venues.csv", "incidents.csv", "stations.csv", "squads.toml",
         "planner.toml", "roads.graphml")  # fmt: skip


def test_demo_writes_the_dataset_and_its_counts(demo: Demo) -> None:
    assert all((demo.path / name).is_file() for name in FILES)
    with (demo.path / "venues.csv").open(encoding="utf-8", newline="") as fh:
        venues = list(csv.DictReader(fh))
    assert len(venues) == N_VENUES
    assert squeezed(f"Dataset demo ditulis ke {demo.path} (benih {SEED},") in squeezed(demo.output)
    # counts and seconds as Bahasa Indonesia writes them: "4.554 / 9.349", "4,6 detik"
    assert re.search(r"\(benih \d+, \d+,\d detik\)", " ".join(demo.output.split()))
    nodes, edges = cells(demo.output, "Simpul / ruas jalan")[1].split(" / ")
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", nodes) and re.fullmatch(r"\d{1,3}(\.\d{3})*", edges)
    assert cells(demo.output, "Data") == ["Data", "Jumlah"]
    kinds = {v["kind"] for v in venues}
    tempat = cells(demo.output, "Tempat")[1]
    assert tempat.startswith(f"{N_VENUES} (") and all(k in tempat for k in kinds)
    assert cells(demo.output, "Desa/kelurahan")[1].endswith("kecamatan)")


def test_demo_in_english_is_the_same_dataset_for_the_same_seed(
    demo: Demo, invoke: Invoke, tmp_path: Path
) -> None:
    out = tmp_path / "demo"
    res = invoke("demo", "--out", out, "--seed", SEED, "--venues", N_VENUES, "--lang", "en")
    assert res.exit_code == 0, res.output
    assert squeezed(f"Demo dataset written to {out} (seed {SEED},") in squeezed(res.output)
    assert cells(res.output, "What") == ["What", "Count"]
    assert cells(res.output, "Venues")[1].startswith(f"{N_VENUES} (")
    assert "Road nodes / edges" in flat(res.output)
    for name in ("venues.csv", "incidents.csv", "stations.csv"):
        assert (out / name).read_bytes() == (demo.path / name).read_bytes(), name


def test_demo_refuses_a_folder_that_is_not_empty(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "catatan.txt").write_text("milik orang lain", encoding="utf-8")
    res = invoke("demo", "--out", tmp_path, "--venues", "5")
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert squeezed(f"Folder {tmp_path} tidak kosong; pakai --force") in squeezed(res.output)
    assert [p.name for p in tmp_path.iterdir()] == ["catatan.txt"]
    en = invoke("demo", "--out", tmp_path, "--venues", "5", "--lang", "en")
    assert en.exit_code == EXIT_BAD_INPUT and "is not empty; use --force" in flat(en.output)
