"""Tests of planner.sources.roster: squads.toml, default areas and every bad key."""

from __future__ import annotations

from pathlib import Path

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
