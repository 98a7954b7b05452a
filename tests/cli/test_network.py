"""``planner network import`` and ``network fetch`` (the download replaced by a local file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli._support import Invoke, cells, flat, no_traceback, squeezed

from planner.cli import EXIT_BAD_INPUT
from planner.network import graph_from_xml, load_graphml

# a junction with three roads, and a road of its own far away (the piece that is dropped)
TINY_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="-8.0500" lon="111.7000" version="1"/>
  <node id="2" lat="-8.0500" lon="111.7050" version="1"/>
  <node id="3" lat="-8.0500" lon="111.7100" version="1"/>
  <node id="6" lat="-8.0550" lon="111.7050" version="1"/>
  <node id="4" lat="-8.1000" lon="111.8000" version="1"/>
  <node id="5" lat="-8.1000" lon="111.8050" version="1"/>
  <way id="10" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="residential"/></way>
  <way id="12" version="1"><nd ref="2"/><nd ref="6"/><tag k="highway" v="residential"/></way>
  <way id="11" version="1"><nd ref="4"/><nd ref="5"/><tag k="highway" v="residential"/></way>
</osm>
"""


@pytest.fixture
def tiny_osm(tmp_path: Path) -> Path:
    path = tmp_path / "kecil.osm"
    path.write_text(TINY_OSM, encoding="utf-8")
    return path


def test_import_keeps_the_largest_piece(tiny_osm: Path, tmp_path: Path, invoke: Invoke) -> None:
    out = tmp_path / "roads.graphml"
    res = invoke("network", "import", tiny_osm, "--out", out)
    assert res.exit_code == 0, res.output
    G = load_graphml(out)
    assert cells(res.output, "Simpul")[1:] == [str(G.number_of_nodes()), "2"]
    assert cells(res.output, "Ruas")[1:] == [str(G.number_of_edges()), "2"]
    assert squeezed(f"Jaringan jalan ditulis ke {out}") in squeezed(res.output)
    assert "1 potongan jaringan yang terpisah dibuang" in flat(res.output)

    en = invoke("network", "import", tiny_osm, "--out", out, "--lang", "en")
    assert en.exit_code == 0, en.output
    assert cells(en.output, "Nodes")[1:] == [str(G.number_of_nodes()), "2"]
    assert "1 disconnected piece(s) dropped" in flat(en.output)


def test_import_names_the_bad_file(tmp_path: Path, invoke: Invoke) -> None:
    junk = tmp_path / "rusak.osm"
    junk.write_text("<osm><node id='x'/></osm>", encoding="utf-8")
    res = invoke("network", "import", junk, "--out", tmp_path / "r.graphml")
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert "1 masalah pada data masukan (rusak.osm)" in res.output
    missing = invoke("network", "import", tmp_path / "tidak-ada.osm", "--lang", "en")
    assert missing.exit_code == EXIT_BAD_INPUT and "tidak-ada.osm" in missing.output
    assert not (tmp_path / "r.graphml").exists()


def test_fetch_imports_what_it_downloaded(
    tiny_osm: Path, tmp_path: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import osmnx

    asked: list[str] = []

    def download(place: str, **kwargs: Any) -> Any:
        asked.append(place)
        return graph_from_xml(tiny_osm)

    monkeypatch.setattr(osmnx, "graph_from_place", download)
    out = tmp_path / "roads.graphml"
    res = invoke(
        "network", "fetch", "--place", "Kabupaten Trenggalek", "--out", out, "--lang", "en"
    )
    assert res.exit_code == 0, res.output
    assert asked == ["Kabupaten Trenggalek"]
    assert squeezed(f"Road network written to {out}") in squeezed(res.output)
    assert load_graphml(out).number_of_nodes() == 4


def test_fetch_failure_names_the_place(
    tmp_path: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import osmnx

    def offline(place: str, **kwargs: Any) -> Any:
        raise ConnectionError("no route to host")

    monkeypatch.setattr(osmnx, "graph_from_place", offline)
    out = tmp_path / "roads.graphml"
    res = invoke("network", "fetch", "--place", "Atlantis", "--out", out)
    assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
    assert "Gagal mengunduh jaringan jalan untuk 'Atlantis'" in flat(res.output)
    assert not out.exists()
    res = invoke("network", "fetch", "--out", out)
    assert res.exit_code == EXIT_BAD_INPUT and "--place" in res.output


def test_a_path_with_rich_markup_is_printed_as_written(
    tiny_osm: Path, tmp_path: Path, invoke: Invoke
) -> None:
    """Issue 17: a folder called `[/red]` crashed Rich (MarkupError); `[link=…]` hid itself."""
    # a "/" in the markup is a folder boundary: "a[/red]" is the folder "red]" inside "a["
    for name in ("a[/red]", "[link=https:/x.test]klik[/link]", "[bold]tebal"):
        folder = tmp_path / name
        folder.mkdir(parents=True)
        out = folder / "roads.graphml"
        res = invoke("network", "import", tiny_osm, "--out", out)
        assert res.exit_code == 0, res.output
        assert no_traceback(res.output)
        assert squeezed(str(out)) in squeezed(res.output)
        bad = folder / "rusak [b].osm"
        bad.write_text("<osm><node id='x'/></osm>", encoding="utf-8")
        res = invoke("network", "import", bad, "--out", tmp_path / "r.graphml")
        assert res.exit_code == EXIT_BAD_INPUT and no_traceback(res.output)
        assert "rusak [b].osm" in res.output
