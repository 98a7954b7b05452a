"""The visit-log commands end to end: template, import twice, a bad file, add, follow-ups, report."""

from __future__ import annotations

import csv
import io

import pytest
from history.support import REPO, template_row, write_csv

from planner import history as h

# ----------------------------------------------------------------------------- CLI


@pytest.fixture
def demo_copy(tmp_path):
    """The bundled demo dataset without its road network (history needs none)."""
    src = REPO / "data" / "demo"
    assert (src / "venues.csv").exists(), "the bundled demo dataset is part of the repository"
    dst = tmp_path / "demo"
    dst.mkdir()
    for name in ("desa.geojson", "venues.csv", "incidents.csv", "stations.csv", "squads.toml",
                 "planner.toml"):  # fmt: skip
        if (src / name).exists():
            (dst / name).write_bytes((src / name).read_bytes())
    return dst


def test_cli_template_import_followups_report(tmp_path, demo_copy):
    from typer.testing import CliRunner

    from planner.cli import app

    runner = CliRunner()
    venue = next(csv.DictReader(io.StringIO((demo_copy / "venues.csv").read_text())))["venue_id"]
    tpl = tmp_path / "tpl.csv"
    res = runner.invoke(app, ["visits", "template", str(tpl), "-d", str(demo_copy)])
    assert res.exit_code == 0, res.output
    with tpl.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\r\n").writerow(
            template_row(regu="R01", venue_id=venue, laporan_kategori="sosial",
                         laporan_isi="anak putus sekolah", dirujuk_ke="Dinas Sosial")
        )  # fmt: skip
    args = ["visits", "import", str(tpl), "-d", str(demo_copy), "-q"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "1 kunjungan baru" in res.output
    res = runner.invoke(app, args)
    assert "sudah diimpor sebelumnya: 0 kunjungan baru" in res.output
    assert (demo_copy / "history.sqlite").exists()

    bad = write_csv(tmp_path / "bad.csv", list(h.TEMPLATE_COLUMNS), [template_row(venue_id="??")])
    res = runner.invoke(app, ["visits", "import", str(bad), "-d", str(demo_copy), "-q"])
    assert res.exit_code == 2 and "Traceback" not in res.output

    res = runner.invoke(
        app, ["visits", "add", "-d", str(demo_copy), "--tanggal", "2024-05-02", "--regu", "R01",
              "--venue", venue, "--tiba", "20:00", "--lang", "en"],
    )  # fmt: skip
    assert res.exit_code == 0 and "1 new visits" in res.output

    out_csv = tmp_path / "fu.csv"
    res = runner.invoke(app, ["followups", str(demo_copy), "--agency", "Dinas Sosial",
                              "--csv", str(out_csv)])  # fmt: skip
    assert res.exit_code == 0, res.output
    lines = out_csv.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2 and "anak putus sekolah" in lines[1]

    report = tmp_path / "laporan.html"
    res = runner.invoke(app, ["report", str(demo_copy), "--from", "2024-05-01", "--to",
                              "2024-05-31", "--out", str(report)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Laporan Kegiatan Warkop Kamtibmas" in report.read_text(encoding="utf-8")
    res = runner.invoke(app, ["report", str(demo_copy), "--from", "kemarin"])
    assert res.exit_code == 2
