"""Tests of planner.sources.incidents: WIB times, severities and their problems."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sources._support import find, problems_of

from planner.config import Settings
from planner.domain import WIB
from planner.sources import load_dataset, read_incidents


def test_incidents_times_are_wib_and_severity_defaults(dataset_dir: Path) -> None:
    inc = load_dataset(dataset_dir).incidents.set_index("incident_id")
    assert str(inc["occurred_at"].dt.tz) in {"WIB", "UTC+07:00"}
    t1 = inc.loc["I1", "occurred_at"]
    assert t1.utcoffset().total_seconds() == 7 * 3600
    assert (t1.year, t1.month, t1.day, t1.hour, t1.minute) == (2024, 5, 1, 21, 30)
    t2 = inc.loc["I2", "occurred_at"]  # DD/MM/YYYY: the 2nd of May, not the 5th of February
    assert (t2.month, t2.day, t2.hour) == (5, 2, 23)
    assert inc.loc["I3", "occurred_at"].hour == 1
    assert inc.loc["I1", "severity"] == Settings().incidents.categories["curanmor"]
    assert inc.loc["I2", "severity"] == 2.5
    assert inc.loc["I1", "venue_id"] == "V1" and inc.loc["I2", "venue_id"] is None


def test_bad_incidents(dataset_dir: Path) -> None:
    (dataset_dir / "incidents.csv").write_text(
        "incident_id,occurred_at,lat,lon,category,severity,venue_id\n"
        "I1,kemarin malam,-8.06,111.71,curanmor,,\n"
        "I2,31/02/2024 21:00,-8.06,111.71,curanmor,,\n"
        "I3,2024-05-01 21:00,-8.06,111.71,curanmur,,\n"
        "I4,2024-05-01 21:00,-8.06,111.71,miras,berat,\n"
        "I5,2024-05-01 21:00,-8.06,111.71,miras,,V99\n"
        "I5,2024-05-01 21:00,111.71,-8.06,miras,,\n"
    )
    probs = problems_of(lambda: load_dataset(dataset_dir))
    f = "incidents.csv"
    assert find(probs, file=f, column="occurred_at", row=2).value == "kemarin malam"
    assert find(probs, file=f, column="occurred_at", row=3).value == "31/02/2024 21:00"
    assert "curanmor" in find(probs, file=f, column="category", row=4).expected("en")
    assert find(probs, file=f, column="severity", row=5).value == "berat"
    assert find(probs, file=f, column="venue_id", row=6).value == "V99"
    assert find(probs, file=f, column="incident_id", row=7).value == "I5"
    assert "swapped" in find(probs, file=f, column="lat", row=7).expected("en")
    assert len(probs) == 7


def test_incidents_xlsx_with_datetimes(tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["incident_id", "occurred_at", "lat", "lon", "category"])
    ws.append(["I1", dt.datetime(2024, 5, 1, 22, 5), -8.06, 111.71, "judi"])
    ws.append(["I2", "01/05/2024 23.40", -8.06, 111.71, "Balap Liar"])
    wb.save(tmp_path / "incidents.xlsx")
    inc = read_incidents(tmp_path / "incidents.xlsx")
    assert inc["occurred_at"].iloc[0] == pd.Timestamp("2024-05-01 22:05", tz=WIB)
    assert inc["occurred_at"].iloc[1] == pd.Timestamp("2024-05-01 23:40", tz=WIB)
    assert inc["category"].tolist() == ["judi", "balap_liar"]
