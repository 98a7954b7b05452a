"""Tests of planner.sources.stations: the Polres and Polsek offices and their problems."""

from __future__ import annotations

from pathlib import Path

from sources._support import find, problems_of

from planner.sources import load_dataset


def test_bad_stations(dataset_dir: Path) -> None:
    (dataset_dir / "stations.csv").write_text(
        "station_id,name,kind,lat,lon,kecamatan\n"
        "POLRES,Polres,polres,-8.055,111.715,Trenggalek\n"
        "PSK-POG,Polsek,koramil,-8.045,111.725,Pogalan\n"
        "PSK2,Polsek 2,polsek,-8.045,111.725,Pogalan Kota\n"
    )
    probs = problems_of(lambda: load_dataset(dataset_dir))
    assert find(probs, file="stations.csv", column="kind", row=3).value == "koramil"
    assert find(probs, file="stations.csv", column="kecamatan", row=4).value == "Pogalan Kota"
    # the squad of a station with a bad row is not also reported: its station_id exists
    assert {p.file for p in probs} == {"stations.csv"}
    assert len(probs) == 2
