"""Tests of planner.sources.roster: squads.toml, default areas and every bad key."""

from __future__ import annotations

from pathlib import Path

import pytest
from sources._support import find, problems_of

from planner.domain import Window
from planner.sources import load_dataset, read_roster, read_stations


def test_roster_default_areas(dataset_dir: Path) -> None:
    squads = {s.squad_id: s for s in load_dataset(dataset_dir).squads}
    assert squads["R01"].area is None  # Polres: anywhere
    assert squads["R02"].area == ("Pogalan",)  # Polsek: its kecamatan
    assert squads["R03"].area == ("Pogalan", "Trenggalek")
    assert squads["R02"].shift == Window(480, 900)
    assert squads["R01"].name == "Regu 1 Samapta" and squads["R01"].vehicle == "mobil"


def test_bad_roster(dataset_dir: Path) -> None:
    (dataset_dir / "squads.toml").write_text(
        """
[[squad]]
squad_id = "R01"
station_id = "POLRESS"
members = 6
shift = "19:00-02:00"
vehicle = "mobil"

[[squad]]
squad_id = "R01"
station_id = "POLRES"
members = 0
shift = "03:00-19:00"
vehicle = "sepeda"
area = ["Trenggalek", "Atlantis"]

[[squad]]
squad_id = "R03"
station_id = "POLRES"
shift = "malam"
vehicle = "motor"
aera = ["Pogalan"]
"""
    )
    probs = problems_of(lambda: load_dataset(dataset_dir))
    f = "squads.toml"
    st = find(probs, file=f, column="squad[1].station_id")
    assert st.value == "POLRESS" and "POLRES" in st.expected("en")
    assert find(probs, file=f, column="squad[2].squad_id").value == "R01"
    assert find(probs, file=f, column="squad[2].members").value == 0
    shift = find(probs, file=f, column="squad[2].shift")
    assert "ends after it starts" in shift.expected("en")
    assert find(probs, file=f, column="squad[2].vehicle").value == "sepeda"
    assert find(probs, file=f, column="squad[2].area").value == "Atlantis"
    assert find(probs, file=f, column="squad[3].shift").value == "malam"
    assert find(probs, file=f, column="squad[3].members").value is None
    assert find(probs, file=f, column="squad[3].aera").value == "aera"
    assert len(probs) == 9


def test_read_roster_alone(dataset_dir: Path) -> None:
    stations = read_stations(dataset_dir / "stations.csv")
    squads = read_roster(dataset_dir / "squads.toml", stations=stations)
    assert [s.area for s in squads] == [None, ("Pogalan",), ("Pogalan", "Trenggalek")]
    assert read_roster(dataset_dir / "squads.toml")[1].area is None  # no stations: unknown


# ------------------------------------------------------------------ squad ids (issue 17)

BLOCK = """
[[squad]]
squad_id = {squad_id}
station_id = "POLRES"
members = 5
shift = "19:00-01:00"
vehicle = "motor"
"""


def _roster(root: Path, *ids: str) -> Path:
    import json

    path = root / "squads.toml"
    path.write_text("".join(BLOCK.format(squad_id=json.dumps(i)) for i in ids), encoding="utf-8")
    return path


def test_a_slash_and_an_underscore_are_not_one_map(dataset_dir: Path) -> None:
    """`a/b` and `a_b` both became regu-a_b.html (16 squads, 15 maps): `a/b` is refused."""
    _roster(dataset_dir, "a/b", "a_b")
    (p,) = problems_of(lambda: load_dataset(dataset_dir))
    assert (p.file, p.row, p.column, p.value) == ("squads.toml", None, "squad[1].squad_id", "a/b")
    assert "letters, digits, - and _" in p.expected("en") and "huruf" in p.expected("id")


@pytest.mark.parametrize(
    "bad",
    ["R 01", "R.01", "../R01", "R01\\x", "Regu [/b] Tugu", "R01;rm", "Ü1", "R" * 41, "a\tb"],
)
def test_unsafe_squad_ids_are_refused(dataset_dir: Path, bad: str) -> None:
    _roster(dataset_dir, "R01", bad)
    (p,) = problems_of(lambda: load_dataset(dataset_dir))
    assert (p.column, p.value) == ("squad[2].squad_id", bad.strip())


@pytest.mark.parametrize("good", ["R01", "PS-TUGU-1", "regu_2", "A", "9", "R" * 40])
def test_safe_squad_ids_are_accepted(dataset_dir: Path, good: str) -> None:
    _roster(dataset_dir, good)
    assert [s.squad_id for s in load_dataset(dataset_dir).squads] == [good]


def test_ids_that_differ_only_in_case_are_one_file(dataset_dir: Path) -> None:
    _roster(dataset_dir, "R01", "r01")
    (p,) = problems_of(lambda: load_dataset(dataset_dir))
    assert (p.column, p.value) == ("squad[2].squad_id", "r01")
    assert "squad[1]" in p.expected("en") and "case" in p.expected("en")


def test_every_safe_id_names_a_distinct_map_file(dataset_dir: Path) -> None:
    """What the validation guarantees: the ids that pass map one to one onto file names."""
    from planner.render.mapdata import squad_map_filename

    ids = ["R01", "R-01", "R_01", "r-02", "PS-TUGU-1"]
    _roster(dataset_dir, *ids)
    squads = load_dataset(dataset_dir).squads
    names = {squad_map_filename(s.squad_id) for s in squads}
    assert len(names) == len(squads) == len(ids)
    assert len({n.casefold() for n in names}) == len(ids)
