"""The ``dataset_dir`` fixture: the small dataset of ``sources._support`` written to a folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from sources._support import INCIDENTS, SQUADS, STATIONS, desa_frame, write_venues


@pytest.fixture
def dataset_dir(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    root.mkdir()
    desa_frame().to_file(root / "desa.geojson", driver="GeoJSON")
    write_venues(root)
    (root / "incidents.csv").write_text(INCIDENTS)
    (root / "stations.csv").write_text(STATIONS)
    (root / "squads.toml").write_text(SQUADS)
    return root
